"""The Query root: nodes, the tree's top, search, per-member and per-household views, coverage."""

from __future__ import annotations

from typing import Annotated

import strawberry

from orggraph import __version__
from orggraph.api.audit_types import AuditConnection
from orggraph.api.cadre_types import (
    RosterConnection,
    RosterFilterArg,
    RosterYearArg,
    load_roster,
    roster_request,
)
from orggraph.api.context import Info
from orggraph.api.gap_types import CoverageGapConnection, CoverageGapKind, GapCount
from orggraph.api.prefetch import (
    prefetch_household_cadres,
    prefetch_member_households,
    prefetch_subtree_below,
    selects,
)
from orggraph.api.service_roots import ServiceQuery
from orggraph.api.supply_roots import SupplyQuery
from orggraph.api.types import (
    Counts,
    Household,
    Level,
    Member,
    Node,
    OrgNode,
    PageInfo,
    StreetCommittee,
    WorkUnit,
    any_node,
    household_of,
    org_node,
)
from orggraph.domain import entities
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.gaps import GapKind
from orggraph.store.cursors import search_cursor_of
from orggraph.store.values import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, clamp_page_size
from orggraph.store.years import UNUSED_YEAR, points_year

PageSize = Annotated[
    int,
    strawberry.argument(
        description=f"Page size (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    ),
]
After = Annotated[str | None, strawberry.argument(description="endCursor of the previous page.")]
ScopeArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Id of a unit (or household); the whole city when null."),
]
YearArg = Annotated[
    int | None,
    strawberry.argument(
        description="Calendar year for the points rule (default: the latest year with points "
        "entries, else this year)."
    ),
]


@strawberry.type(description="An edge of a search connection.")
class SearchEdge:
    node: Node = strawberry.field(description="A unit, household or cadre.")
    cursor: str = strawberry.field(description="Cursor of this edge.")


@strawberry.type(description="A page of search results: prefix matches first, then the rest.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The page's results.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many results in all.")


@strawberry.type(description="A child unit (or household) of the scope with its figures.")
class CoverageRow:
    node: OrgNode = strawberry.field(description="The child.")
    counts: Counts = strawberry.field(description="Figures for the child's subtree.")


@strawberry.type(description="A scope's coverage figures and one row per child unit.")
class CoverageSummary:
    scope_id: strawberry.Private[str | None]
    counts: Counts = strawberry.field(description="The scope's own figures.")
    rows: list[CoverageRow] = strawberry.field(description="One row per child, by id.")

    @strawberry.field(description="The scope; null for the whole city.")
    async def scope(self, info: Info) -> OrgNode | None:
        """Read only when asked: a dashboard listing the rows needs no node read."""
        if self.scope_id is None:
            return None
        found = await info.context.loaders.node.load(self.scope_id)
        return org_node(found) if found is not None else None


@strawberry.type(description="An edge of a work unit connection.")
class WorkUnitEdge:
    node: WorkUnit = strawberry.field(description="The work unit.")
    cursor: str = strawberry.field(description="Cursor of this edge (its id).")


@strawberry.type(description="A page of work units (派出单位), by id.")
class WorkUnitConnection:
    edges: list[WorkUnitEdge] = strawberry.field(description="The page's work units.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many in all.")


@strawberry.type
class Query(ServiceQuery, SupplyQuery):
    @strawberry.field(description="The orggraph version serving this API.")
    def version(self) -> str:
        return __version__

    @strawberry.field(description="Which store answers: `memory` (embedded) or `neo4j`.")
    def store(self, info: Info) -> str:
        return info.context.store.name

    @strawberry.field(description="Any node by its id; null when unknown.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        prefetch_subtree_below(info, str(id))
        found = await info.context.loaders.node.load(str(id))
        return any_node(found) if found is not None else None

    @strawberry.field(description="Nodes by id, in the order asked; null where unknown.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise InvalidValueError(f"nodes takes at most {MAX_PAGE_SIZE} ids, got {len(ids)}")
        found = await info.context.loaders.node.load_many([str(i) for i in ids])
        return [any_node(node) if node is not None else None for node in found]

    @strawberry.field(description="The street working committees (街道大工委), by id.")
    async def streets(self, info: Info) -> list[StreetCommittee]:
        page = await info.context.store.children(None, first=MAX_PAGE_SIZE)
        return [node for node in map(org_node, page.items) if isinstance(node, StreetCommittee)]

    @strawberry.field(description="A cadre (党员干部) by id; null when unknown.")
    async def member(self, info: Info, id: strawberry.ID) -> Member | None:
        if selects(info, "households"):
            await prefetch_member_households(info.context.loaders, str(id))
        found = await info.context.loaders.node.load(str(id))
        return Member.of(found) if isinstance(found, entities.Member) else None

    @strawberry.field(description="A household by id; null when unknown.")
    async def household(self, info: Info, id: strawberry.ID) -> Household | None:
        if selects(info, "cadres"):
            await prefetch_household_cadres(info.context.loaders, str(id))
        found = await info.context.loaders.node.load(str(id))
        return household_of(found) if isinstance(found, entities.Household) else None

    @strawberry.field(
        description="Units, households and cadres by name: prefix matches first, then names "
        "containing the text; Latin letters case-insensitive."
    )
    async def search(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="Text to find in names.")],
        level: Annotated[
            Level | None,
            strawberry.argument(description="Only this level (cadres are then left out)."),
        ] = None,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> SearchConnection:
        page = await info.context.store.search(
            text, level.domain() if level else None, clamp_page_size(first), after
        )
        return SearchConnection(
            edges=[
                SearchEdge(node=any_node(item), cursor=search_cursor_of(text, item))
                for item in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )

    @strawberry.field(
        description="A scope's coverage and one row per child unit, computed in the store."
    )
    async def coverage_summary(self, info: Info, scope: ScopeArg = None) -> CoverageSummary:
        scope_id = str(scope) if scope is not None else None
        summary = await info.context.store.coverage_summary(scope_id)
        return CoverageSummary(
            scope_id=scope_id,
            counts=Counts.of(summary.counts),
            rows=[
                CoverageRow(node=org_node(row.node), counts=Counts.of(row.counts))
                for row in summary.rows
            ],
        )

    @strawberry.field(description="Coverage gaps inside a scope, by kind then subject id.")
    async def coverage_gaps(
        self,
        info: Info,
        scope: ScopeArg = None,
        kinds: Annotated[
            list[CoverageGapKind] | None,
            strawberry.argument(description="Kinds to list (default: every kind)."),
        ] = None,
        year: YearArg = None,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> CoverageGapConnection:
        chosen = [kind.domain() for kind in kinds] if kinds else list(GapKind)
        # Only the points gap reads the year: other kinds need no store read to choose it.
        needs_year = GapKind.CADRE_UNDER_POINTS in chosen
        chosen_year = (
            await points_year(info.context.store, year) if needs_year else year or UNUSED_YEAR
        )
        page = await info.context.store.gaps(
            str(scope) if scope is not None else None,
            chosen,
            info.context.policy,
            chosen_year,
            clamp_page_size(first),
            after,
        )
        return CoverageGapConnection.of(page, chosen_year)

    @strawberry.field(description="How many gaps of every kind a scope has.")
    async def gap_counts(
        self, info: Info, scope: ScopeArg = None, year: YearArg = None
    ) -> list[GapCount]:
        counts = await info.context.store.gap_counts(
            str(scope) if scope is not None else None,
            info.context.policy,
            await points_year(info.context.store, year),
        )
        return [GapCount(kind=CoverageGapKind(kind.value), count=counts[kind]) for kind in GapKind]

    @strawberry.field(
        description="A scope's roster (名册): the cadres registered with a community in it or "
        "covering a household in it (the city's: every cadre), by member id, each with their "
        "load, points for the year and standing; null scope is your own unit."
    )
    async def cadres(
        self,
        info: Info,
        scope: ScopeArg = None,
        filter: RosterFilterArg = None,
        year: RosterYearArg = None,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> RosterConnection:
        scope_id = str(scope) if scope is not None else None
        request = await roster_request(info, scope_id, filter, year, first, after)
        return await load_roster(info, request)

    @strawberry.field(description="Work units (派出单位) by id, optionally by name.")
    async def work_units(
        self,
        info: Info,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Text the name contains (Latin case-insensitive)."),
        ] = None,
    ) -> WorkUnitConnection:
        page = await info.context.store.work_units(clamp_page_size(first), after, search)
        return WorkUnitConnection(
            edges=[
                WorkUnitEdge(node=WorkUnit(id=strawberry.ID(w.id), name=w.name), cursor=w.id)
                for w in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )

    @strawberry.field(description="Recorded changes, newest first (admins only).")
    async def audit_log(
        self,
        info: Info,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
        subject: Annotated[
            str | None, strawberry.argument(description="Only this subject's changes.")
        ] = None,
    ) -> AuditConnection:
        page = await info.context.store.audit_entries(clamp_page_size(first), after, subject)
        return AuditConnection.of(page)
