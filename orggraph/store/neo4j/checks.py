"""What the Neo4j store knows before a write: a snapshot of the ids the write touches.

A failed call must change nothing, so the store first reads what the database holds under every
id a write touches (one `lookup_ids` or `lookup_kinds` query per few thousand ids) into a
`Snapshot`, runs the domain's write rules (`orggraph.domain.rules`) over the rows in input
order against it, and only then writes. Each check records the rows it has accepted in the
snapshot, so a row may refer to one earlier in the same call (a community to the street
created just before it) and a later row is judged against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orggraph.domain import rules
from orggraph.domain.entities import Assignment, Household, Member, PointsEntry, Unit, WorkUnit
from orggraph.domain.kinds import (
    A_HOUSEHOLD,
    A_MEMBER,
    A_POINTS_ENTRY,
    A_WORK_UNIT,
    AN_OTHER_NODE,
    NodeKind,
    What,
    unit_at,
)
from orggraph.domain.levels import Level

_WHAT_BY_LABEL = {
    "Household": A_HOUSEHOLD,
    "Member": A_MEMBER,
    "WorkUnit": A_WORK_UNIT,
    "PointsEntry": A_POINTS_ENTRY,
}


@dataclass(frozen=True)
class Known:
    """What the store holds under one id: enough to judge a write against it."""

    what: What
    parent_id: str | None = None
    children: int = 0


def known_from(entry: Mapping[str, Any]) -> Known:
    """A `lookup_ids` or `lookup_kinds` entry as a `Known` (the latter has no parent and
    children: the checks that use it never ask)."""
    what = next((_WHAT_BY_LABEL[x] for x in entry["labels"] if x in _WHAT_BY_LABEL), None)
    if what is None:
        level = Level(entry["level"]) if entry["level"] is not None else None
        what = unit_at(level) if level is not None else AN_OTHER_NODE
    return Known(what, entry.get("parent_id"), int(entry.get("children", 0)))


class Snapshot:
    """The known ids a write touches, their units' chains upward, and the write's own rows:
    the `rules.Lookup` the write rules are judged against."""

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

    def get(self, node_id: str) -> Known | None:
        return self._nodes.get(node_id)

    def what(self, node_id: str) -> What | None:
        known = self._nodes.get(node_id)
        return known.what if known is not None else None

    def parent_of(self, node_id: str) -> str | None:
        return self._parents.get(node_id)

    def accept(self, node_id: str, what: What, parent_id: str | None = None) -> None:
        """Record an accepted row: later rows of the same call see it as stored."""
        self._nodes[node_id] = Known(what, parent_id)
        self._parents[node_id] = parent_id


def unit_ids(units: Iterable[Unit]) -> set[str]:
    return {i for unit in units for i in (unit.id, unit.parent_id) if i is not None}


def check_units(units: Sequence[Unit], snapshot: Snapshot, *, creating: bool = False) -> None:
    """`create_unit` (with `creating`) and `upsert_units`."""
    for unit in units:
        rules.check_unit(unit, snapshot, creating=creating)
        snapshot.accept(unit.id, unit_at(unit.level), unit.parent_id)


def household_ids(households: Iterable[Household]) -> set[str]:
    return {i for household in households for i in (household.id, household.parent_id)}


def check_households(households: Sequence[Household], snapshot: Snapshot) -> None:
    """`upsert_household(s)`: parents must be known building groups, ids households."""
    for household in households:
        rules.check_same_kind(household.id, NodeKind.HOUSEHOLD, snapshot)
        rules.check_parent(household.id, Level.HOUSEHOLD, household.parent_id, snapshot)
        snapshot.accept(household.id, A_HOUSEHOLD, household.parent_id)


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
        rules.check_same_kind(member.id, NodeKind.MEMBER, snapshot)
        rules.check_registration(member, snapshot)
        snapshot.accept(member.id, A_MEMBER)


def check_work_units(work_units: Sequence[WorkUnit], snapshot: Snapshot) -> None:
    """`upsert_work_unit(s)`: an id may only name a work unit."""
    for work_unit in work_units:
        rules.check_same_kind(work_unit.id, NodeKind.WORK_UNIT, snapshot)
        snapshot.accept(work_unit.id, A_WORK_UNIT)


def assignment_ids(assignments: Iterable[Assignment]) -> set[str]:
    return {i for a in assignments for i in (a.member_id, a.household_id)}


def check_assignments(assignments: Sequence[Assignment], snapshot: Snapshot) -> None:
    """`assign` and `assign_many`: both ends must exist, of the right kind."""
    for assignment in assignments:
        rules.require(assignment.member_id, NodeKind.MEMBER, snapshot)
        rules.require(assignment.household_id, NodeKind.HOUSEHOLD, snapshot)


def points_ids(entries: Iterable[PointsEntry]) -> set[str]:
    return {i for entry in entries for i in (entry.id, entry.member_id)}


def check_points(entries: Sequence[PointsEntry], snapshot: Snapshot) -> None:
    """`record_points(_many)`: a known cadre; an id naming nothing but a points entry."""
    for entry in entries:
        rules.check_same_kind(entry.id, NodeKind.POINTS, snapshot)
        rules.require(entry.member_id, NodeKind.MEMBER, snapshot)
        snapshot.accept(entry.id, A_POINTS_ENTRY)
