"""The store seam, cut by who uses it, and the rules every implementation keeps.

Each caller depends on the part it calls: the API and the reports on `OrgView` (reads, single
writes, the audit log), the importer's writing on `BulkWriter`, the scoped view of a caller
(`orggraph.access`) wraps only `OrgView`. A store implements all of it (`GraphStore`), writing
the batched reads and getting the single reads from `orggraph.store.single.SingleReads`.
`tests/contract/` holds the one suite both stores must pass, so a rule written here is a rule
tested there.

Rules common to every operation:
- Ids are unique across all kinds of node (a unit, household, cadre, work unit and points
  entry never share an id).
- Structure: a street has no parent; every other unit and every household hangs under exactly
  one parent of the level directly above it (`orggraph.domain.rules`).
- Every failure is a subclass of `orggraph.domain.errors.OrgGraphError` naming the ids, and
  a failed call changes nothing: single writes and every bulk call are all-or-nothing.
- Every write is durable when the call returns.
- Lists come in a stable order: children, search results and pages by id (search puts prefix
  matches before contains matches); a cadre's households by household id; a household's
  cadres by member id; points entries by day, then id.
- Cursors are opaque to callers and made and read by `orggraph.store.cursors` alone; a cursor
  that no read made is an InvalidValueError.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from orggraph.domain.audit import AuditEntry
from orggraph.domain.cadres import CoverRecord, Roster, RosterRequest
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
from orggraph.domain.service import ServiceCommand, ServiceFilter, ServiceRequest, ServiceStep
from orggraph.domain.service_history import ServiceHistory
from orggraph.domain.service_list import ServiceListFilter
from orggraph.domain.supply import OfferFilter, ServiceOffer
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    AuditOf,
    Changes,
    ChildrenRequest,
    CoverageSummary,
    ServicePage,
    Subtree,
    SubtreeRequest,
)


class BatchedReads(Protocol):
    """Reads that answer many keys in one round trip, so nested API queries stay flat.

    Each answers in the order asked; None where the key names nothing of the kind the read
    is about (an empty list or page means known, with nothing in it). What an implementation
    writes: the single reads come from these (`SingleReads`).
    """

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        """The unit, household, cadre or work unit under each id."""
        ...

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit] | None]:
        """The units above each unit or household, the street first."""
        ...

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household] | None]:
        """A page of each unit's children by id (the streets for parent_id None).

        `first` is clamped to 1..MAX_PAGE_SIZE. A household is known and has no children.
        """
        ...

    async def counts_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """Figures for the subtree rooted at each unit or household (None: the whole city)."""
        ...

    async def subtrees_many(self, requests: Sequence[SubtreeRequest]) -> list[Subtree | None]:
        """Pages of children down several levels from each parent, with the children's
        figures on the levels that ask, in one read: what a dashboard's nested tree needs.

        Every page equals `children_many`'s answer for its request and every figure
        `counts_many`'s; below depth 0 only the children on a page (not the one more that
        tells a next page exists) have their children read. At most MAX_SUBTREE_LEVELS levels.
        None for a parent that names no unit or household.
        """
        ...

    async def member_households_many(
        self, member_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        """The households each cadre covers."""
        ...

    async def household_members_many(
        self, household_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        """The cadres covering each household."""
        ...

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry] | None]:
        """Each cadre's points entries dated in `year`."""
        ...

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
        households: bool = True,
    ) -> Page[Unit | Household | Member]:
        """Units, households and cadres whose name contains `text`.

        Without `households`, households are left out (totals and cursors too): a caller who
        may not see residents' names must not find a household by one.

        With `scope_id`, only units and households at or below that unit, and cadres registered
        with a community there or covering a household there (the `gaps` rule for a scope's
        cadres); UnknownIdError for an unknown scope.

        Case-insensitive for Latin letters; Chinese matched as written. Prefix matches come
        first, then the other matches, each group by id. With `level` only that level's units
        (or households) are searched, and no cadres. Blank text is an InvalidValueError.
        """
        ...

    async def latest_points_year(self) -> int | None:
        """The latest calendar year of any points entry in the store (None when there is
        none): the default year of the points rules (orggraph/store/years.py)."""
        ...

    async def coverage_summary(self, scope_id: str | None = None) -> CoverageSummary:
        """The scope's counts and one row per child (streets for the city), by child id.

        Computed inside the store (one query on Neo4j), never by loading the subtree.
        UnknownIdError for an unknown scope.
        """
        ...

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
        ...

    async def gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """How many gaps of every kind the scope has (every kind present, 0 included)."""
        ...

    async def rosters_many(self, requests: Sequence[RosterRequest]) -> list[Roster | None]:
        """Each scope's roster (名册, `orggraph.domain.cadres`): its cadres by member id.

        A scope's cadres are those registered with a community in it and those covering a
        household in it (the `gaps` rule); the city's (scope None) are every cadre. Each entry
        says which, with the households the cadre covers in the scope and in all, their points
        dated in the year and the band they stand in (judged by the request's policy). The
        filter is `RosterFilter.keeps`; `first` is clamped to 1..MAX_PAGE_SIZE; the cursor is
        the last member id. Totals (`RosterFigures`) come only when asked. None for a scope
        that names no unit or household.
        """
        ...

    async def work_units(
        self, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, search: str | None = None
    ) -> Page[WorkUnit]:
        """Work units (派出单位) by id; with `search`, those whose name contains it (Latin
        letters case-insensitive). The cursor is the last id."""
        ...

    async def household_history_many(
        self, household_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        """Every cover each household has had: the current ones and the ended ones, in
        `history_order`. A removed household's ended covers are kept (its id reads them).
        None for an id that names neither a household nor one with kept history."""
        ...

    async def member_history_many(
        self, member_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        """Every cover each cadre has had, current and ended, in `history_order`."""
        ...


class GraphReader(BatchedReads, Protocol):
    """The batched reads and their single forms, which raise UnknownIdError where the batched
    read answers None."""

    async def get_node(self, node_id: str) -> Node | None:
        """The unit, household, cadre or work unit with this id, or None."""
        ...

    async def ancestors(self, node_id: str) -> list[Unit]:
        """The units above a unit or household, the street first."""
        ...

    async def children(
        self, parent_id: str | None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[Unit | Household]:
        """A page of a unit's children by id (the streets when parent_id is None)."""
        ...

    async def counts(self, scope_id: str | None = None) -> Counts:
        """Figures for the subtree rooted at scope_id (the whole city when None)."""
        ...

    async def member_households(self, member_id: str) -> list[Coverage]:
        """The households a cadre covers."""
        ...

    async def household_members(self, household_id: str) -> list[Coverage]:
        """The cadres covering a household."""
        ...

    async def member_points(self, member_id: str, year: int) -> list[PointsEntry]:
        """A cadre's points entries dated in `year`."""
        ...

    async def roster(self, request: RosterRequest) -> Roster:
        """One scope's roster."""
        ...

    async def household_history(self, household_id: str) -> list[CoverRecord]:
        """Every cover a household has had."""
        ...

    async def member_history(self, member_id: str) -> list[CoverRecord]:
        """Every cover a cadre has had."""
        ...


class GraphWriter(Protocol):
    """One change at a time, as organisers make them through the API."""

    async def create_unit(self, unit: Unit) -> Unit:
        """Add a street, community, branch or building group.

        Raises DuplicateIdError if the id is taken, UnknownIdError if the parent is unknown,
        WrongParentLevelError if the parent is not of the level directly above (or a street is
        given a parent, or a non-street none).
        """
        ...

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        """Give a unit a new name. UnknownIdError if no unit has that id."""
        ...

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        """Hang a unit (with its whole subtree) under another parent.

        CycleError if the new parent is the unit itself or lies below it (checked first);
        UnknownIdError for an unknown unit or parent; WrongParentLevelError otherwise.
        """
        ...

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        """Delete a unit or a household; return how many units and households went.

        Without `cascade` a unit with children is refused (RefusedDeleteError). With it the
        whole subtree goes, and exactly it: units, households, their assignments and nothing
        else. Each current cover of a deleted household is kept in the history, ended today
        (HOUSEHOLD_REMOVED). Cadres are kept; a cadre registered with a deleted community
        loses that registration (community_id becomes None). UnknownIdError for an unknown id.
        """
        ...

    async def upsert_household(self, household: Household) -> Household:
        """Add a household or replace its fields (a new parent_id moves it).

        UnknownIdError if the parent is unknown, WrongParentLevelError unless the parent is a
        building group, DuplicateIdError if the id belongs to something that is not a household.
        """
        ...

    async def upsert_member(self, member: Member) -> Member:
        """Add a cadre or replace their fields.

        UnknownIdError if the work unit or community is unknown; WrongParentLevelError if
        community_id is not a community; DuplicateIdError if the id names a non-member.
        """
        ...

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        """Add a work unit or rename it. DuplicateIdError if the id names a non-work-unit."""
        ...

    async def assign(self, assignment: Assignment) -> Assignment:
        """Make a cadre cover a household; assigning an existing pair updates mode and since.

        UnknownIdError if the member or the household is unknown.
        """
        ...

    async def unassign(self, member_id: str, household_id: str, ended: date | None = None) -> None:
        """End a cover on `ended` (default today); the history keeps it (UNASSIGNED).

        NotAssignedError if the pair is not assigned; UnknownIdError first; InvalidValueError
        if `ended` is before the cover began.
        """
        ...

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        """Move a household from one cadre to another in one step.

        The old cover ends on `since` (kept in the history as TRANSFERRED to `to_member_id`)
        and the new one starts then, keeping the old mode unless `mode` is given.
        UnknownIdError for unknown ids, NotAssignedError if `from_member_id` does not cover the
        household, InvalidValueError if `since` is before the old cover began. Transferring
        to a cadre who already covers it only ends the old cover.
        """
        ...

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        """Add a points entry, or replace the entry with the same id (ledgers re-import).

        UnknownIdError if the member is unknown; DuplicateIdError if the id names another kind.
        """
        ...


class BulkWriter(Protocol):
    """Thousands of rows in one call, all or nothing: what the importer writes through."""

    def bulk_load(self) -> AbstractAsyncContextManager[None]:
        """Around a bulk import's writes: the store may put off upkeep that is cheaper done
        once at the end (Neo4j builds its search index after loading an empty database).
        What the writes store, and every answer, is the same as without it; only speed
        differs while it is open."""
        ...

    async def upsert_units(self, units: Sequence[Unit]) -> Changes:
        """Create or update units (name and parent). Parents may come earlier in the same batch.

        Same errors as create_unit/move_unit, checked for the whole batch before anything is
        written; a unit whose level differs from the stored one is a DuplicateIdError.
        """
        ...

    async def upsert_households(self, households: Sequence[Household]) -> Changes:
        """Bulk `upsert_household`."""
        ...

    async def upsert_members(self, members: Sequence[Member]) -> Changes:
        """Bulk `upsert_member`."""
        ...

    async def upsert_work_units(self, work_units: Sequence[WorkUnit]) -> Changes:
        """Bulk `upsert_work_unit`."""
        ...

    async def assign_many(self, assignments: Sequence[Assignment]) -> Changes:
        """Bulk `assign`; an existing pair with the same mode and since is `unchanged`."""
        ...

    async def record_points_many(self, entries: Sequence[PointsEntry]) -> Changes:
        """Bulk `record_points`."""
        ...

    async def record_history_many(self, records: Sequence[CoverRecord]) -> Changes:
        """Keep ended covers from a ledger (each has `ended`); one with the same `key` is
        replaced (`unchanged` when equal). UnknownIdError for an unknown cadre, or household
        unless the cover ended because it was removed; InvalidValueError for a current one."""
        ...


class AuditLog(Protocol):
    """Reading the audit trail (admins only, through the API)."""

    async def audit_entries(
        self,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        subject: str | None = None,
    ) -> Page[AuditEntry]:
        """Audit entries newest first (descending id), optionally of one subject only.

        `end_cursor` is the last entry's id. `clear()` removes audit entries too.
        """
        ...


class AuditTrail(AuditLog, Protocol):
    """The audit trail as the recorder writes it (`orggraph.access.audit`)."""

    async def record_audit(self, entry: AuditEntry) -> None:
        """Keep an audit entry (durable like every write). DuplicateIdError for a reused id."""
        ...


class Lifecycle(Protocol):
    """Opening is each store's own (`orggraph.store.open_store`); the rest is common."""

    name: str
    """`memory` or `neo4j`: shown in test ids, /readyz and `orggraph stats`."""

    async def ping(self) -> None:
        """Return when the store answers; raise `StoreUnavailableError` otherwise."""
        ...

    async def close(self) -> None:
        """Release connections and files. The store is unusable afterwards."""
        ...

    async def clear(self) -> None:
        """Remove every node and relationship (tests; imports into an empty store)."""
        ...


class Recount(Protocol):
    """The figures counted afresh from the raw graph, bypassing whatever the store keeps:
    what `orggraph stats --verify` compares the kept figures with."""

    async def recount_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """`counts_many`, counted by walking each subtree."""
        ...

    async def recount_gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """`gap_counts`, counted by finding every gap."""
        ...


class ServiceDesk(Protocol):
    """The service loop (三(三)4, `orggraph.domain.service`): requests, their steps, listings.

    Request ids are their own namespace (like audit entries'): they never clash with a node's.
    A request belongs to its household, so to the units above it; a request whose household
    was removed keeps its id, steps and `household_id`, and lies in no scope but the city.
    """

    async def order_service(self, request: ServiceRequest) -> ServiceRequest:
        """Record a new request, ORDERED, with its ORDER step. UnknownIdError for an unknown
        household; DuplicateIdError for a request id already taken."""
        ...

    async def advance_service(self, command: ServiceCommand) -> ServiceRequest:
        """One transition, decided by `orggraph.domain.service.advance` over the request as
        stored, and written with its step, or nothing at all.

        UnknownIdError for an unknown request, and for an assignee, acting cadre, unit or offer
        that names nothing (a dispatch's assignee must be a cadre or a work unit, its offer a
        service offer, looked up in the same step as the write); then the domain's
        errors (IllegalTransitionError, InvalidValueError, ForbiddenError). A VERIFY with
        points and a cadre who accepted also records the points entry `service_points_id`
        (that cadre, the day verified, the request as reason). Concurrent calls on one request
        are checked and written one after another: of two accepts, one wins and the other is
        refused as illegal.
        """
        ...

    async def service_requests_many(
        self, request_ids: Sequence[str]
    ) -> list[ServiceRequest | None]:
        """Each request as it stands; None for an unknown id."""
        ...

    async def service_steps_many(
        self, request_ids: Sequence[str]
    ) -> list[list[ServiceStep] | None]:
        """Each request's steps (its timeline), by seq; None for an unknown id."""
        ...

    async def service_requests(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        """The requests of households at or below a unit (or of one household; the city's
        for None, removed households' included) that `keep.keeps` (overdue judged by the
        policy's limits as of `today`), by id; the cursor is the last id. UnknownIdError for
        an unknown scope."""
        ...

    async def service_page(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> ServicePage:
        """`service_requests` with the nodes its requests name (`ServicePage.nodes`), read
        with it: a listing's households, assignees and cadres cost no read of their own."""
        ...


class SupplyDesk(Protocol):
    """The supply list (供给清单: offers, `orggraph.domain.supply`) and the service list (服务清单:
    verified requests, `orggraph.domain.service_list`) of 三(三)4.

    Offer ids are their own namespace (like requests'). An offer serves a place in a scope
    when it serves the whole city, a unit at or below the scope, or a unit above it.
    """

    async def record_offer(self, offer: ServiceOffer) -> ServiceOffer:
        """Record a new offer as given. UnknownIdError for an offerer that is not a cadre or
        work unit as `offered_by_kind` says, or a place that is not a unit; DuplicateIdError
        for an offer id already taken (of two concurrent calls with one id, one wins)."""
        ...

    async def withdraw_offer(
        self, offer_id: str, by: str, at: datetime, reason: str = ""
    ) -> ServiceOffer:
        """Withdraw an offer (`orggraph.domain.supply.withdraw`). UnknownIdError for an
        unknown offer, OfferWithdrawnError for one already withdrawn. Checked and written one
        after another with a dispatch using the offer: the dispatch sees it open or withdrawn."""
        ...

    async def service_offers_many(self, offer_ids: Sequence[str]) -> list[ServiceOffer | None]:
        """Each offer as it stands; None for an unknown id."""
        ...

    async def service_offers(
        self,
        scope_id: str | None,
        keep: OfferFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceOffer]:
        """The offers serving a place in a unit's scope (or a household's; every offer for
        None) that `keep.keeps`, by id; the cursor is the last id. UnknownIdError for an
        unknown scope."""
        ...

    async def service_list(
        self,
        scope_id: str | None,
        keep: ServiceListFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        """The verified requests of households at or below a unit (or of one household; the
        city's for None, removed households' included) that `keep.keeps`, by id; the cursor
        is the last id. UnknownIdError for an unknown scope."""
        ...


class ServiceBulk(Protocol):
    """Service requests with their timelines, and supply offers, in bulk: what a ledger
    import writes (offers first, so the dispatches matched to them find them)."""

    async def load_offers_many(self, offers: Sequence[ServiceOffer]) -> Changes:
        """Keep each offer as given, all-or-nothing.

        UnknownIdError for an offerer that is not a cadre or work unit as `offered_by_kind`
        says, or a place that is not a unit; InvalidValueError for an id given twice. An offer
        stored as given is `unchanged`; one stored otherwise is `updated` if
        `orggraph.domain.supply.check_replaces` allows it (DuplicateIdError for another
        offerer or place, OfferWithdrawnError for a withdrawn offer given as open). Concurrent
        calls with one offer leave one offer.
        """
        ...

    async def load_service_many(self, histories: Sequence[ServiceHistory]) -> Changes:
        """Keep each request as it stands with its whole timeline, all-or-nothing.

        Each history must pass `orggraph.domain.service_history.check_history`
        (InvalidValueError otherwise); UnknownIdError for an unknown household, or a step's
        unit, assignee, cadre or matched offer (`offer_id`, kept on request and step) that
        names nothing. A request already stored with the same
        history is `unchanged`; one whose stored steps begin the given ones gains the rest
        (`updated`); one whose stored steps do not (it moved on, or differs) is a
        DuplicateIdError. Points entries are not written here: the import writes the entries
        verifications award (`service_points_id`) with the points. Concurrent calls with one
        request leave one timeline.
        """
        ...


class OrgView(GraphReader, GraphWriter, AuditLog, ServiceDesk, SupplyDesk, Protocol):
    """What the API and the reports call: a caller's scoped view offers exactly this."""

    name: str
    """The store behind the view: `memory` or `neo4j` (reports and `version` show it)."""


class ImportTarget(GraphReader, BulkWriter, ServiceDesk, SupplyDesk, ServiceBulk, Protocol):
    """What an import needs: reads to check the ledger against the store, bulk writes."""


@runtime_checkable
class GraphStore(OrgView, BulkWriter, ServiceBulk, AuditTrail, Recount, Lifecycle, Protocol):
    """A whole store: the organisation graph (units, households, cadres, work units,
    assignments, points), its audit trail and its lifecycle."""

    async def advance_service(
        self, command: ServiceCommand, audit: AuditOf | None = None
    ) -> ServiceRequest:
        """`ServiceDesk.advance_service`; with `audit`, the entry it makes of the transition
        is kept in the same write (the scoped view's audit trail: one transaction, and no
        snapshot read before or after)."""
        ...
