"""The checks a write must pass before the Neo4j store makes it.

A failed call must change nothing, so the store first reads what the database holds under every
id a write touches (one `lookup_ids` or `lookup_kinds` query per few thousand ids) into a
`Snapshot`, runs these checks over the rows in input order, and only then writes. Each check
records the rows it has accepted in the snapshot, so a row may refer to one earlier in the same
call (a community to the street created just before it) and a later row is judged against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from orggraph.domain.entities import Assignment, Household, Member, PointsEntry, Unit, WorkUnit
from orggraph.domain.errors import (
    CycleError,
    DuplicateIdError,
    UnknownIdError,
    WrongParentLevelError,
)
from orggraph.domain.levels import Level


class Kind(Enum):
    """What an id names; the value is how UnknownIdError names the kind it expected."""

    UNIT = "unit"
    HOUSEHOLD = "household"
    MEMBER = "member"
    WORK_UNIT = "work unit"
    POINTS = "points entry"
    OTHER = "node"


_KIND_BY_LABEL = {
    "Household": Kind.HOUSEHOLD,
    "Member": Kind.MEMBER,
    "WorkUnit": Kind.WORK_UNIT,
    "PointsEntry": Kind.POINTS,
}


@dataclass(frozen=True)
class Known:
    """What the store holds under one id: enough to judge a write against it."""

    kind: Kind
    level: Level | None = None
    parent_id: str | None = None
    children: int = 0
    label: str = ""
    """Its Neo4j label (a unit's is its level's), as errors name what an id already is."""


def known_from(entry: Mapping[str, Any]) -> Known:
    """A `lookup_ids` or `lookup_kinds` entry as a `Known` (the latter has no parent and
    children: the checks that use it never ask)."""
    level = Level(entry["level"]) if entry["level"] is not None else None
    label = next((x for x in entry["labels"] if x in _KIND_BY_LABEL), None)
    if label is not None:
        kind = _KIND_BY_LABEL[label]
    elif level is not None:
        kind, label = Kind.UNIT, level.label
    else:
        kind, label = Kind.OTHER, "/".join(sorted(entry["labels"]))
    return Known(kind, level, entry.get("parent_id"), int(entry.get("children", 0)), label)


def _new(kind: Kind, level: Level | None = None, parent_id: str | None = None) -> Known:
    """How a row accepted earlier in the same call looks to the rows after it."""
    label = level.label if level else next(x for x, k in _KIND_BY_LABEL.items() if k is kind)
    return Known(kind, level, parent_id, label=label)


class Snapshot:
    """The known ids a write touches, their units' chains upward, and the write's own rows."""

    def __init__(self) -> None:
        self._nodes: dict[str, Known] = {}
        self._parents: dict[str, str | None] = {}
        self.stored: set[str] = set()
        """The ids the database held when looked up (rows accepted later are not among them)."""

    def add(self, entry: Mapping[str, Any]) -> None:
        """Take in one `lookup_ids` (or `lookup_kinds`) entry; a unit's ancestors tell what
        lies below what."""
        known = known_from(entry)
        self._nodes[entry["id"]] = known
        self.stored.add(entry["id"])
        chain = [node_id for _, node_id in sorted(entry.get("ancestors", []))]  # street first
        for upper, lower in zip([None, *chain], chain, strict=False):
            self._parents.setdefault(lower, upper)
        self._parents[entry["id"]] = known.parent_id

    def get(self, node_id: str | None) -> Known | None:
        return self._nodes.get(node_id) if node_id is not None else None

    def put(self, node_id: str, known: Known) -> None:
        """Record an accepted row: later rows of the same call see it as stored."""
        self._nodes[node_id] = known
        self._parents[node_id] = known.parent_id

    def lies_below(self, node_id: str, unit_id: str) -> bool:
        """Whether `node_id` is `unit_id` or sits somewhere in its subtree."""
        seen: set[str] = set()
        current: str | None = node_id
        while current is not None and current not in seen:
            if current == unit_id:
                return True
            seen.add(current)
            current = self._parents.get(current)
        return False


def unit_ids(units: Iterable[Unit]) -> set[str]:
    return {i for unit in units for i in (unit.id, unit.parent_id) if i is not None}


def check_units(units: Sequence[Unit], snapshot: Snapshot, *, creating: bool = False) -> None:
    """`create_unit` (with `creating`) and `upsert_units`: ids, cycles, parents, levels."""
    for unit in units:
        existing = snapshot.get(unit.id)
        if existing is not None and (creating or existing.level is not unit.level):
            raise DuplicateIdError([unit.id], f"it is a {existing.label}")
        if existing is not None and unit.parent_id not in (None, existing.parent_id):
            _check_no_cycle(unit.id, unit.parent_id, snapshot)
        _check_parent(unit.id, unit.level, unit.parent_id, snapshot)
        snapshot.put(unit.id, _new(Kind.UNIT, unit.level, unit.parent_id))


def check_move(unit_id: str, new_parent_id: str, snapshot: Snapshot) -> None:
    """`move_unit`: a cycle is reported first, then unknown ids, then a wrong level."""
    _check_no_cycle(unit_id, new_parent_id, snapshot)
    unit = snapshot.get(unit_id)
    if unit is None or unit.kind is not Kind.UNIT or unit.level is None:
        raise UnknownIdError([unit_id], "unit")
    _check_parent(unit_id, unit.level, new_parent_id, snapshot)


def _check_no_cycle(unit_id: str, new_parent_id: str, snapshot: Snapshot) -> None:
    if snapshot.lies_below(new_parent_id, unit_id):
        raise CycleError(unit_id, new_parent_id)


def _check_parent(child_id: str, level: Level, parent_id: str | None, snapshot: Snapshot) -> None:
    """The parent exists (stored or accepted earlier in the call) and sits one level up."""
    expected = level.parent_level
    if parent_id is None:
        if expected is not None:
            raise WrongParentLevelError(child_id, level.label, None, expected.label)
        return
    parent = snapshot.get(parent_id)
    if parent is None:
        raise UnknownIdError([parent_id], "parent")
    if expected is None or parent.kind is not Kind.UNIT or parent.level is not expected:
        raise WrongParentLevelError(child_id, level.label, parent_id, parent.label)


def household_ids(households: Iterable[Household]) -> set[str]:
    return {i for household in households for i in (household.id, household.parent_id)}


def check_households(households: Sequence[Household], snapshot: Snapshot) -> None:
    """`upsert_household(s)`: parents must be known building groups, ids households."""
    for household in households:
        _check_same_kind(household.id, Kind.HOUSEHOLD, snapshot)
        _check_parent(household.id, Level.HOUSEHOLD, household.parent_id, snapshot)
        snapshot.put(household.id, _new(Kind.HOUSEHOLD, Level.HOUSEHOLD, household.parent_id))


def member_ids(members: Iterable[Member]) -> set[str]:
    return {
        i
        for member in members
        for i in (member.id, member.work_unit_id, member.community_id)
        if i is not None
    }


def check_members(members: Sequence[Member], snapshot: Snapshot) -> None:
    """`upsert_member(s)`: known work unit, a community to report to, ids naming cadres."""
    for member in members:
        _check_same_kind(member.id, Kind.MEMBER, snapshot)
        if member.work_unit_id is not None:
            require(member.work_unit_id, Kind.WORK_UNIT, snapshot)
        if member.community_id is not None:
            community = snapshot.get(member.community_id)
            if community is None:
                raise UnknownIdError([member.community_id], "community")
            if community.level is not Level.COMMUNITY:
                raise WrongParentLevelError(
                    member.id, "Member", member.community_id, community.label
                )
        snapshot.put(member.id, _new(Kind.MEMBER))


def check_work_units(work_units: Sequence[WorkUnit], snapshot: Snapshot) -> None:
    """`upsert_work_unit(s)`: an id may only name a work unit."""
    for work_unit in work_units:
        _check_same_kind(work_unit.id, Kind.WORK_UNIT, snapshot)
        snapshot.put(work_unit.id, _new(Kind.WORK_UNIT))


def assignment_ids(assignments: Iterable[Assignment]) -> set[str]:
    return {i for a in assignments for i in (a.member_id, a.household_id)}


def check_assignments(assignments: Sequence[Assignment], snapshot: Snapshot) -> None:
    """`assign` and `assign_many`: both ends must exist, of the right kind."""
    for assignment in assignments:
        require(assignment.member_id, Kind.MEMBER, snapshot)
        require(assignment.household_id, Kind.HOUSEHOLD, snapshot)


def points_ids(entries: Iterable[PointsEntry]) -> set[str]:
    return {i for entry in entries for i in (entry.id, entry.member_id)}


def check_points(entries: Sequence[PointsEntry], snapshot: Snapshot) -> None:
    """`record_points(_many)`: a known cadre; an id naming nothing but a points entry."""
    for entry in entries:
        _check_same_kind(entry.id, Kind.POINTS, snapshot)
        require(entry.member_id, Kind.MEMBER, snapshot)
        snapshot.put(entry.id, _new(Kind.POINTS))


def require(node_id: str, kind: Kind, snapshot: Snapshot) -> Known:
    """The node under `node_id`, which must be of `kind`; UnknownIdError otherwise."""
    known = snapshot.get(node_id)
    if known is None or known.kind is not kind:
        raise UnknownIdError([node_id], kind.value)
    return known


def _check_same_kind(node_id: str, kind: Kind, snapshot: Snapshot) -> None:
    existing = snapshot.get(node_id)
    if existing is not None and existing.kind is not kind:
        raise DuplicateIdError([node_id], f"it is a {existing.label}")
