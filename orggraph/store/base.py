"""The one protocol both stores implement, and the rules every implementation keeps.

The API, the importer and the reports talk to a `GraphStore` and never know which one is
behind it. `tests/contract/` holds the single suite that both implementations must pass, so
a rule written here is a rule tested there.

Rules common to every operation:
- Ids are unique across all kinds of node (a unit, household, cadre, work unit and points
  entry never share an id).
- Structure: a street has no parent; every other unit and every household hangs under exactly
  one parent of the level directly above it (`Level.parent_level`).
- Every failure is a subclass of `orggraph.domain.errors.OrgGraphError` naming the ids, and
  a failed call changes nothing: single writes and every bulk call are all-or-nothing.
- Every write is durable when the call returns.
- Lists come in a stable order: children, search results and pages by id (search puts prefix
  matches before contains matches); a cadre's households by household id; a household's
  cadres by member id; points entries by day, then id.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

from orggraph.domain.audit import AuditEntry
from orggraph.domain.entities import (
    Assignment,
    Counts,
    Coverage,
    Household,
    Member,
    Mode,
    Node,
    Page,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Changes:
    """What a bulk upsert did, row by row: the importer's summary is built from these."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Changes) -> Changes:
        return Changes(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True)
class ChildrenRequest:
    """One `children` call inside a batch: whose children, and which page."""

    parent_id: str | None
    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None


@dataclass(frozen=True)
class CoverageRow:
    """A unit (or household) and the figures of its subtree."""

    node: Unit | Household
    counts: Counts


@dataclass(frozen=True)
class CoverageSummary:
    """A scope's own figures and one row per child, as dashboards show them."""

    counts: Counts
    rows: list[CoverageRow]


@runtime_checkable
class GraphStore(Protocol):
    """The organisation graph: units, households, cadres, work units, assignments, points."""

    name: str
    """`memory` or `neo4j`: shown in test ids, /readyz and `orggraph stats`."""

    # -- lifecycle -------------------------------------------------------------------------

    async def ping(self) -> None:
        """Return when the store answers; raise `StoreUnavailableError` otherwise."""

    async def close(self) -> None:
        """Release connections and files. The store is unusable afterwards."""

    async def clear(self) -> None:
        """Remove every node and relationship (tests; imports into an empty store)."""

    def bulk_load(self) -> AbstractAsyncContextManager[None]:
        """Around a bulk import's writes: the store may put off upkeep that is cheaper done
        once at the end (Neo4j builds its search index after loading an empty database).
        What the writes store, and every answer, is the same as without it; only speed
        differs while it is open."""
        ...

    # -- single writes ---------------------------------------------------------------------

    async def create_unit(self, unit: Unit) -> Unit:
        """Add a street, community, branch or building group.

        Raises DuplicateIdError if the id is taken, UnknownIdError if the parent is unknown,
        WrongParentLevelError if the parent is not of the level directly above (or a street is
        given a parent, or a non-street none).
        """

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        """Give a unit a new name. UnknownIdError if no unit has that id."""

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        """Hang a unit (with its whole subtree) under another parent.

        CycleError if the new parent is the unit itself or lies below it (checked first);
        UnknownIdError for an unknown unit or parent; WrongParentLevelError otherwise.
        """

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        """Delete a unit or a household; return how many units and households went.

        Without `cascade` a unit with children is refused (RefusedDeleteError). With it the
        whole subtree goes, and exactly it: units, households, their assignments and nothing
        else. Cadres are kept; a cadre registered with a deleted community loses that
        registration (community_id becomes None). UnknownIdError for an unknown id.
        """

    async def upsert_household(self, household: Household) -> Household:
        """Add a household or replace its fields (a new parent_id moves it).

        UnknownIdError if the parent is unknown, WrongParentLevelError unless the parent is a
        building group, DuplicateIdError if the id belongs to something that is not a household.
        """

    async def upsert_member(self, member: Member) -> Member:
        """Add a cadre or replace their fields.

        UnknownIdError if the work unit or community is unknown; WrongParentLevelError if
        community_id is not a community; DuplicateIdError if the id names a non-member.
        """

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        """Add a work unit or rename it. DuplicateIdError if the id names a non-work-unit."""

    async def assign(self, assignment: Assignment) -> Assignment:
        """Make a cadre cover a household; assigning an existing pair updates mode and since.

        UnknownIdError if the member or the household is unknown.
        """

    async def unassign(self, member_id: str, household_id: str) -> None:
        """End a cover. NotAssignedError if the pair is not assigned; UnknownIdError first."""

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        """Move a household from one cadre to another in one step.

        The new assignment keeps the old mode unless `mode` is given. UnknownIdError for unknown
        ids, NotAssignedError if `from_member_id` does not cover the household. Transferring
        to a cadre who already covers it only removes the old cover.
        """

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        """Add a points entry, or replace the entry with the same id (ledgers re-import).

        UnknownIdError if the member is unknown; DuplicateIdError if the id names another kind.
        """

    # -- bulk writes: thousands of rows in one call, all or nothing ------------------------

    async def upsert_units(self, units: Sequence[Unit]) -> Changes:
        """Create or update units (name and parent). Parents may come earlier in the same batch.

        Same errors as create_unit/move_unit, checked for the whole batch before anything is
        written; a unit whose level differs from the stored one is a DuplicateIdError.
        """

    async def upsert_households(self, households: Sequence[Household]) -> Changes:
        """Bulk `upsert_household`."""

    async def upsert_members(self, members: Sequence[Member]) -> Changes:
        """Bulk `upsert_member`."""

    async def upsert_work_units(self, work_units: Sequence[WorkUnit]) -> Changes:
        """Bulk `upsert_work_unit`."""

    async def assign_many(self, assignments: Sequence[Assignment]) -> Changes:
        """Bulk `assign`; an existing pair with the same mode and since is `unchanged`."""

    async def record_points_many(self, entries: Sequence[PointsEntry]) -> Changes:
        """Bulk `record_points`."""

    # -- reads -----------------------------------------------------------------------------

    async def get_node(self, node_id: str) -> Node | None:
        """The unit, household, cadre or work unit with this id, or None."""

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        """`get_node` for many ids in one round trip, in the order asked (None where unknown)."""

    async def ancestors(self, node_id: str) -> list[Unit]:
        """The units above a unit or household, the street first. UnknownIdError if unknown."""

    async def children(
        self, parent_id: str | None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[Unit | Household]:
        """A page of a unit's children by id (the streets when parent_id is None).

        `first` is clamped to 1..MAX_PAGE_SIZE. UnknownIdError if parent_id is unknown.
        """

    async def counts(self, scope_id: str | None = None) -> Counts:
        """Figures for the subtree rooted at scope_id (the whole city when None).

        UnknownIdError if scope_id names no unit or household.
        """

    async def member_households(self, member_id: str) -> list[Coverage]:
        """The households a cadre covers. UnknownIdError if no member has that id."""

    async def household_members(self, household_id: str) -> list[Coverage]:
        """The cadres covering a household. UnknownIdError if no household has that id."""

    async def member_points(self, member_id: str, year: int) -> list[PointsEntry]:
        """A cadre's points entries dated in `year`. UnknownIdError for an unknown member."""

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
    ) -> Page[Unit | Household | Member]:
        """Units, households and cadres whose name contains `text`.

        With `scope_id`, only units and households at or below that unit, and cadres registered
        with a community there or covering a household there (the `gaps` rule for a scope's
        cadres); UnknownIdError for an unknown scope.

        Case-insensitive for Latin letters; Chinese matched as written. Prefix matches come
        first, then the other matches, each group by id. With `level` only that level's units
        (or households) are searched, and no cadres. Blank text is an InvalidValueError.
        """

    # -- batched reads: one round trip for many keys, so nested API queries stay flat -----

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit]]:
        """`ancestors` for many ids, in the order asked; [] for an unknown id."""

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household]]:
        """`children` for many parents, in the order asked; an empty page for an unknown id."""

    async def counts_many(self, scope_ids: Sequence[str]) -> list[Counts]:
        """`counts` for many scopes, in the order asked; empty Counts for an unknown id."""

    async def member_households_many(self, member_ids: Sequence[str]) -> list[list[Coverage]]:
        """`member_households` for many cadres, in the order asked; [] for an unknown id."""

    async def household_members_many(self, household_ids: Sequence[str]) -> list[list[Coverage]]:
        """`household_members` for many households, in the order asked; [] for an unknown id."""

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry]]:
        """`member_points` for many cadres and one year, in the order asked."""

    # -- coverage ------------------------------------------------------------------------

    async def coverage_summary(self, scope_id: str | None = None) -> CoverageSummary:
        """The scope's counts and one row per child (streets for the city), by child id.

        Computed inside the store (one query on Neo4j), never by loading the subtree.
        UnknownIdError for an unknown scope.
        """

    async def gaps(
        self,
        scope_id: str | None,
        kinds: Sequence[GapKind],
        policy: Policy,
        year: int,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[Gap]:
        """The gaps of the asked kinds inside a scope, by kind (GapKind order), then subject id.

        Which cadres belong to a scope: those registered with a community inside it and those
        covering at least one household inside it. Per kind:
        - UNCOVERED_HOUSEHOLD: households in the scope with no cadre (value None);
        - CADRE_UNDER_BAND / CADRE_OVER_BAND: cadres of the scope covering 1..min-1 / more than
          max households in all (value: their household count);
        - CADRE_COVERING_NONE: cadres registered with a community in the scope covering none (0);
        - BUILDING_WITHOUT_CENTRAL: building groups in the scope without a central household;
        - UNIT_WITHOUT_CHILDREN: streets, communities, branches and building groups in the
          scope with no child (value 0);
        - CADRE_UNDER_POINTS: cadres of the scope whose points dated in `year` sum below
          policy.min_yearly_points (value: their sum).
        `unit_path` and `reason` as documented on `Gap`. UnknownIdError for an unknown scope.
        """

    async def gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """How many gaps of every kind the scope has (every kind present, 0 included)."""

    # -- audit -----------------------------------------------------------------------------

    async def record_audit(self, entry: AuditEntry) -> None:
        """Keep an audit entry (durable like every write). DuplicateIdError for a reused id."""

    async def audit_entries(
        self,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        subject: str | None = None,
    ) -> Page[AuditEntry]:
        """Audit entries newest first (descending id), optionally of one subject only.

        `end_cursor` is the last entry's id. `clear()` removes audit entries too.
        """


class StoreUnavailableError(RuntimeError):
    """The store cannot be reached (Neo4j down, data folder unreadable)."""


def clamp_page_size(first: int) -> int:
    """Page sizes are capped so no request can ask for the whole city at once."""
    return max(1, min(first, MAX_PAGE_SIZE))
