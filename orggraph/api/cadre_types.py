"""GraphQL types of the cadre side: rosters (名册), work units' figures, the cover history.

Thin like every type: the roster and history values come from the request's loaders, and the
nodes they name (cadres, households, communities) through the node loader, so a scoped caller
sees them exactly as `node(id)` would.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from orggraph.api.context import Info
from orggraph.api.types import (
    AssignmentMode,
    CommunityCommittee,
    Household,
    Member,
    PageInfo,
    household_of,
    mode_of,
    org_node,
)
from orggraph.domain import cadres as cadre_values
from orggraph.domain import entities
from orggraph.domain.errors import UnknownIdError
from orggraph.store.values import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, clamp_page_size
from orggraph.store.years import points_year


@strawberry.enum(
    description="Where a cadre's households in all stand against the band (人均包联10-15户)."
)
class CadreBand(Enum):
    NONE = strawberry.enum_value("none", description="Covers no household (未包户).")
    UNDER = strawberry.enum_value("under", description="Under the band (包联户数不足).")
    WITHIN = strawberry.enum_value("within", description="Inside the band.")
    OVER = strawberry.enum_value("over", description="Over the band (包联户数超标).")

    def domain(self) -> cadre_values.Band:
        return cadre_values.Band(self.value)


@strawberry.enum(description="Why a cover ended (包保结束原因).")
class CoverEndReason(Enum):
    UNASSIGNED = strawberry.enum_value("unassigned", description="Unassigned (取消包保).")
    TRANSFERRED = strawberry.enum_value(
        "transferred", description="Transferred to another cadre (移交)."
    )
    HOUSEHOLD_REMOVED = strawberry.enum_value(
        "household_removed", description="The household was removed (住户注销)."
    )
    CADRE_REMOVED = strawberry.enum_value(
        "cadre_removed", description="The cadre was removed (党员干部退出)."
    )


@strawberry.input(
    description="Which cadres of a roster to list; every criterion left out keeps all."
)
class CadreFilter:
    covering: bool | None = strawberry.field(
        default=None, description="Covering at least one household in all (true) or none (false)."
    )
    band: CadreBand | None = strawberry.field(
        default=None, description="Standing against the band, by households in all."
    )
    under_points_minimum: bool | None = strawberry.field(
        default=None,
        description="Under the yearly points minimum (年度积分不足) for the asked year (true) "
        "or not.",
    )
    mode: AssignmentMode | None = strawberry.field(
        default=None, description="Covering at least one household in this mode."
    )
    work_unit: strawberry.ID | None = strawberry.field(
        default=None, description="Dispatched by this work unit (派出单位)."
    )

    def domain(self) -> cadre_values.RosterFilter:
        return cadre_values.RosterFilter(
            covering=self.covering,
            band=self.band.domain() if self.band is not None else None,
            under_points=self.under_points_minimum,
            mode=entities.Mode(self.mode.value) if self.mode is not None else None,
            work_unit_id=str(self.work_unit) if self.work_unit is not None else None,
        )


RosterFilterArg = Annotated[
    CadreFilter | None, strawberry.argument(description="Which cadres to list (default: all).")
]
RosterYearArg = Annotated[
    int | None,
    strawberry.argument(
        description="Calendar year of the points (default: the latest year with points "
        "entries, else this year)."
    ),
]
RosterFirst = Annotated[
    int,
    strawberry.argument(
        description=f"Page size (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    ),
]
RosterAfter = Annotated[
    str | None, strawberry.argument(description="endCursor of the previous page.")
]


async def roster_request(
    info: Info,
    scope_id: str | None,
    filter: CadreFilter | None,
    year: int | None,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    *,
    work_unit_id: str | None = None,
    with_figures: bool = False,
) -> cadre_values.RosterRequest:
    """The store's roster request for a field's arguments (scope None: the caller's own)."""
    chosen = filter.domain() if filter is not None else cadre_values.RosterFilter()
    if work_unit_id is not None:
        chosen = cadre_values.RosterFilter(
            chosen.covering, chosen.band, chosen.under_points, chosen.mode, work_unit_id
        )
    return cadre_values.RosterRequest(
        scope_id=scope_id,
        policy=info.context.policy,
        year=await points_year(info.context.store, year),
        filter=chosen,
        first=clamp_page_size(first),
        after=after,
        with_figures=with_figures,
    )


@strawberry.type(description="A cadre of a roster (名册): how they belong to it, load and points.")
class RosterEntry:
    member: Member = strawberry.field(description="The cadre.")
    registered_here: bool = strawberry.field(
        description="Registered with a community inside the scope (报到)."
    )
    covering_here: bool = strawberry.field(
        description="Covering at least one household inside the scope (包户)."
    )
    households_here: int = strawberry.field(description="Households covered inside the scope.")
    households_total: int = strawberry.field(description="Households covered in all (包联户数).")
    year: int = strawberry.field(description="The year of `points`.")
    points: int = strawberry.field(description="Points dated in the year (年度积分).")
    meets_minimum: bool = strawberry.field(
        description="Whether the points reach the yearly minimum (年度积分不少于20分)."
    )
    band: CadreBand = strawberry.field(description="Standing against the band (households in all).")
    community_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(
        description="The communities (社区) of the households the cadre covers, by id."
    )
    async def covers_in(self, info: Info) -> list[CommunityCommittee]:
        found = await info.context.loaders.node.load_many(list(self.community_ids))
        nodes = [org_node(n) for n in found if n is not None]
        return [n for n in nodes if isinstance(n, CommunityCommittee)]

    @classmethod
    def of(cls, entry: cadre_values.RosterEntry, year: int) -> RosterEntry:
        return cls(
            member=Member.of(entry.member),
            registered_here=entry.registered_here,
            covering_here=entry.covering_here,
            households_here=entry.households_here,
            households_total=entry.households_total,
            year=year,
            points=entry.points,
            meets_minimum=entry.meets_minimum,
            band=CadreBand(entry.band.value),
            community_ids=entry.cover_communities,
        )


@strawberry.type(description="An edge of a roster.")
class RosterEdge:
    node: RosterEntry = strawberry.field(description="The cadre's entry.")
    cursor: str = strawberry.field(description="Cursor of this edge (the member id).")


@strawberry.type(description="A filtered roster's totals.")
class RosterFigures:
    cadres: int = strawberry.field(description="Cadres (党员干部).")
    covering_cadres: int = strawberry.field(
        description="Of them, cadres covering a household inside the scope (参与包户)."
    )
    households_covered: int = strawberry.field(
        description="Distinct households inside the scope they cover (联系群众户数)."
    )
    cadres_meeting_minimum: int = strawberry.field(
        description="Cadres whose points for the year reach the minimum (积分达标)."
    )

    @classmethod
    def of(cls, figures: cadre_values.RosterFigures) -> RosterFigures:
        return cls(
            cadres=figures.cadres,
            covering_cadres=figures.covering_cadres,
            households_covered=figures.households_covered,
            cadres_meeting_minimum=figures.meeting_minimum,
        )


@strawberry.type(description="A page of a roster (名册), by member id (Relay connection).")
class RosterConnection:
    edges: list[RosterEdge] = strawberry.field(description="The page's cadres.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Cadres the filter keeps, in all.")

    @classmethod
    def of(cls, roster: cadre_values.Roster, year: int) -> RosterConnection:
        page = roster.page
        return cls(
            edges=[
                RosterEdge(node=RosterEntry.of(entry, year), cursor=entry.member.id)
                for entry in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )


async def load_roster(info: Info, request: cadre_values.RosterRequest) -> RosterConnection:
    """A roster through the request's loader; an unknown (or hidden) scope is an
    UnknownIdError, as for every read of a scope."""
    return RosterConnection.of(await roster_of(info, request), request.year)


async def roster_of(info: Info, request: cadre_values.RosterRequest) -> cadre_values.Roster:
    roster = await info.context.loaders.roster.load(request)
    if roster is None:
        raise UnknownIdError([str(request.scope_id)], "unit or household")
    return roster


@strawberry.type(description="One cover in a household's or cadre's history (包保台账).")
class CoverRecord:
    member_id: strawberry.ID = strawberry.field(description="The cadre's id.")
    household_id: strawberry.ID = strawberry.field(
        description="The household's id (kept when the household is removed)."
    )
    mode: AssignmentMode = strawberry.field(description="How the cadre covered it.")
    since: date = strawberry.field(description="Date the cover began.")
    ended: date | None = strawberry.field(description="Date it ended; null while current.")
    end_reason: CoverEndReason | None = strawberry.field(
        description="Why it ended; null while current."
    )
    to_member_id: strawberry.Private[str | None]

    @strawberry.field(description="The cadre; null when outside your scope.")
    async def member(self, info: Info) -> Member | None:
        found = await info.context.loaders.node.load(str(self.member_id))
        return Member.of(found) if isinstance(found, entities.Member) else None

    @strawberry.field(description="The household; null when removed or outside your scope.")
    async def household(self, info: Info) -> Household | None:
        found = await info.context.loaders.node.load(str(self.household_id))
        return household_of(found) if isinstance(found, entities.Household) else None

    @strawberry.field(description="For a transfer, the cadre who took over (接替干部).")
    async def transferred_to(self, info: Info) -> Member | None:
        if self.to_member_id is None:
            return None
        found = await info.context.loaders.node.load(self.to_member_id)
        return Member.of(found) if isinstance(found, entities.Member) else None

    @classmethod
    def of(cls, record: cadre_values.CoverRecord) -> CoverRecord:
        return cls(
            member_id=strawberry.ID(record.member_id),
            household_id=strawberry.ID(record.household_id),
            mode=mode_of(record.mode),
            since=record.since,
            ended=record.ended,
            end_reason=CoverEndReason(record.reason.value) if record.reason else None,
            to_member_id=record.to_member_id,
        )
