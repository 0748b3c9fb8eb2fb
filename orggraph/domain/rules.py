"""The write rules of the chain, written once (docs/domain.md#the-chain).

Both stores raise the domain's errors from these (`check_*`, `require`), against a `Lookup`
each supplies: the embedded store over its state, Neo4j over a snapshot of what a write
touches. The importer, which reports every problem of a ledger instead of stopping at the
first, asks the same questions (`parent_fault`, `reference_fault`) and words the answers for
organisers.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol

from orggraph.domain.entities import Member, Unit
from orggraph.domain.errors import (
    CycleError,
    DuplicateIdError,
    UnknownIdError,
    WrongParentLevelError,
)
from orggraph.domain.kinds import A_UNIT_AT, NodeKind, What
from orggraph.domain.levels import Level

COMMUNITY = A_UNIT_AT[Level.COMMUNITY]


class Lookup(Protocol):
    """What the rules need to know of the graph (as stored, plus the call's earlier rows)."""

    def what(self, node_id: str) -> What | None:
        """What `node_id` names, or None if nothing."""
        ...

    def parent_of(self, node_id: str) -> str | None:
        """The parent of a unit or household (None for a street or an unknown id)."""
        ...


class ParentFault(Enum):
    """Why a node cannot hang where it is asked to."""

    NEEDS_PARENT = "needs a parent"
    TAKES_NO_PARENT = "takes no parent"
    UNKNOWN_PARENT = "unknown parent"
    WRONG_LEVEL = "parent of the wrong level"


def parent_fault(level: Level, parent_id: str | None, parent: What | None) -> ParentFault | None:
    """Whether a node of `level` may hang under `parent_id` (which names `parent`): a street
    under nothing, everything else under a unit of the level directly above. Whether a parent
    is given at all is judged first."""
    expected = level.parent_level
    if parent_id is None:
        return ParentFault.NEEDS_PARENT if expected is not None else None
    if expected is None:
        return ParentFault.TAKES_NO_PARENT
    if parent is None:
        return ParentFault.UNKNOWN_PARENT
    if parent.kind is not NodeKind.UNIT or parent.level is not expected:
        return ParentFault.WRONG_LEVEL
    return None


class ReferenceFault(Enum):
    """Why a reference (a cadre's work unit, an assignment's household...) does not hold."""

    UNKNOWN = "names nothing"
    WRONG_KIND = "names something else"


def reference_fault(found: What | None, wanted: What) -> ReferenceFault | None:
    """Whether an id that names `found` may stand where `wanted` is expected."""
    if found is None:
        return ReferenceFault.UNKNOWN
    return ReferenceFault.WRONG_KIND if found != wanted else None


def check_parent(child_id: str, level: Level, parent_id: str | None, lookup: Lookup) -> None:
    """The parent exists (stored or accepted earlier in the call) and sits one level up; an
    unknown parent is reported before any other fault."""
    parent = lookup.what(parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise UnknownIdError([parent_id], "parent")
    fault = parent_fault(level, parent_id, parent)
    if fault is not None:
        expected = level.parent_level
        shown = parent.label if parent is not None else (expected.label if expected else "?")
        raise WrongParentLevelError(child_id, level.label, parent_id, shown)


def check_no_cycle(unit_id: str, new_parent_id: str, lookup: Lookup) -> None:
    """A unit may not hang under itself or anything below it."""
    seen: set[str] = set()
    current: str | None = new_parent_id
    while current is not None and current not in seen:
        if current == unit_id:
            raise CycleError(unit_id, new_parent_id)
        seen.add(current)
        current = lookup.parent_of(current)


def check_unit(unit: Unit, lookup: Lookup, *, creating: bool = False) -> None:
    """`create_unit` (with `creating`) and bulk upserts: the id free or a unit of the same
    level, no cycle when the parent changes, a parent one level up; checked in that order."""
    existing = lookup.what(unit.id)
    if existing is not None:
        if creating or existing.level is not unit.level or existing.kind is not NodeKind.UNIT:
            raise DuplicateIdError([unit.id], f"it is a {existing.label}")
        if unit.parent_id is not None and unit.parent_id != lookup.parent_of(unit.id):
            check_no_cycle(unit.id, unit.parent_id, lookup)
    check_parent(unit.id, unit.level, unit.parent_id, lookup)


def check_move(unit_id: str, new_parent_id: str, lookup: Lookup) -> None:
    """`move_unit`: a cycle is reported first, then unknown ids, then a wrong level."""
    check_no_cycle(unit_id, new_parent_id, lookup)
    unit = lookup.what(unit_id)
    if unit is None or unit.kind is not NodeKind.UNIT or unit.level is None:
        raise UnknownIdError([unit_id], "unit")
    check_parent(unit_id, unit.level, new_parent_id, lookup)


def check_same_kind(node_id: str, kind: NodeKind, lookup: Lookup) -> None:
    """An upsert's id must be free or name the same kind (ids are unique across kinds)."""
    existing = lookup.what(node_id)
    if existing is not None and existing.kind is not kind:
        raise DuplicateIdError([node_id], f"it is a {existing.label}")


def require(node_id: str, kind: NodeKind, lookup: Lookup) -> What:
    """What `node_id` names, which must be of `kind`; UnknownIdError otherwise."""
    found = lookup.what(node_id)
    if found is None or found.kind is not kind:
        raise UnknownIdError([node_id], kind.value)
    return found


def check_registration(member: Member, lookup: Lookup) -> None:
    """A cadre's work unit must exist, and the community they report to must be one."""
    if member.work_unit_id is not None:
        require(member.work_unit_id, NodeKind.WORK_UNIT, lookup)
    if member.community_id is None:
        return
    community = lookup.what(member.community_id)
    fault = reference_fault(community, COMMUNITY)
    if fault is ReferenceFault.UNKNOWN:
        raise UnknownIdError([member.community_id], "community")
    if fault is ReferenceFault.WRONG_KIND and community is not None:
        raise WrongParentLevelError(member.id, "Member", member.community_id, community.label)
