"""GraphQL object types: the five levels, cadres, work units, counts and connections.

Types are thin: they hold the domain value's fields and resolve everything nested through the
request's DataLoaders (`info.context.loaders`), never by calling the store per item.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import GraphQLAbstractType

from orggraph.api.context import Info
from orggraph.api.eager import loaded_or_later
from orggraph.api.loaders import PointsKey
from orggraph.api.prefetch import load_children
from orggraph.domain import entities
from orggraph.domain.levels import Level as DomainLevel
from orggraph.store.values import DEFAULT_PAGE_SIZE, ChildrenRequest, clamp_page_size
from orggraph.store.years import points_year

if TYPE_CHECKING:
    from orggraph.api.cadre_types import (
        CadreFilter,
        CoverRecord,
        RosterConnection,
        RosterFigures,
    )
    from orggraph.api.supply_types import ServiceOfferConnection

_CADRES = "orggraph.api.cadre_types"
RosterOf = Annotated["RosterConnection", strawberry.lazy(_CADRES)]
LazyCadreFilter = Annotated["CadreFilter", strawberry.lazy(_CADRES)]
LazyRosterFigures = Annotated["RosterFigures", strawberry.lazy(_CADRES)]
LazyCoverRecord = Annotated["CoverRecord", strawberry.lazy(_CADRES)]
OffersOf = Annotated["ServiceOfferConnection", strawberry.lazy("orggraph.api.supply_types")]
OpenOffersOnly = Annotated[
    bool, strawberry.argument(description="Leave withdrawn offers out (default: true).")
]
_FILTER = "Which cadres to list (default: all)."
PointsYearArg = Annotated[
    int | None,
    strawberry.argument(description="Calendar year of the points (default: this year)."),
]
PageFirst = Annotated[int, strawberry.argument(description="Page size (default 50, at most 500).")]
PageAfter = Annotated[
    str | None, strawberry.argument(description="endCursor of the previous page.")
]


@strawberry.enum(description="A level of the organisation chain.")
class Level(Enum):
    STREET = strawberry.enum_value("STREET", description="Street working committee (街道大工委).")
    COMMUNITY = strawberry.enum_value(
        "COMMUNITY", description="Community party committee (社区大党委)."
    )
    BRANCH = strawberry.enum_value("BRANCH", description="Residential branch (小区党支部).")
    BUILDING = strawberry.enum_value("BUILDING", description="Building group (楼栋党小组).")
    HOUSEHOLD = strawberry.enum_value(
        "HOUSEHOLD", description="Household (户); central ones are 党员中心户."
    )

    @classmethod
    def of(cls, level: DomainLevel) -> Level:
        return cls[level.name]

    def domain(self) -> DomainLevel:
        return DomainLevel[self.name]


@strawberry.enum(description="How a cadre came to cover a household (联户包保方式).")
class AssignmentMode(Enum):
    UNIT = strawberry.enum_value(
        "unit", description="Dispatched by the cadre's work unit (单位派遣地联户包保)."
    )
    RESIDENCE = strawberry.enum_value(
        "residence", description="By the cadre's own place of residence (个人居住地联户包保)."
    )


@strawberry.type(description="Figures for a subtree (the unit itself included).")
class Counts:
    streets: int = strawberry.field(description="Street working committees (街道大工委).")
    communities: int = strawberry.field(description="Community party committees (社区大党委).")
    branches: int = strawberry.field(description="Residential branches (小区党支部).")
    building_groups: int = strawberry.field(description="Building groups (楼栋党小组).")
    households: int = strawberry.field(description="Households (户).")
    central_households: int = strawberry.field(description="Central households (党员中心户).")
    covered_households: int = strawberry.field(
        description="Households with at least one cadre (联系群众户数)."
    )
    cadres: int = strawberry.field(
        description="Cadres registered with a community inside the subtree (双报到党员干部)."
    )
    covering_cadres: int = strawberry.field(
        description="Distinct cadres covering a household inside the subtree (参与包户党员干部)."
    )
    assignments: int = strawberry.field(
        description="Cadre-household pairs whose household is inside the subtree."
    )
    coverage: float | None = strawberry.field(
        description="coveredHouseholds / households; null when there are no households (a "
        "share of nothing, not 0%)."
    )

    @classmethod
    def of(cls, counts: entities.Counts) -> Counts:
        units = counts.units
        return cls(
            streets=units.get(DomainLevel.STREET, 0),
            communities=units.get(DomainLevel.COMMUNITY, 0),
            branches=units.get(DomainLevel.BRANCH, 0),
            building_groups=units.get(DomainLevel.BUILDING, 0),
            households=counts.households,
            central_households=counts.central_households,
            covered_households=counts.covered_households,
            cadres=counts.members,
            covering_cadres=counts.covering_members,
            assignments=counts.assignments,
            coverage=_coverage_of(counts),
        )


@strawberry.type(description="Where a page ends and whether more follow (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether a further page exists.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )


def concrete_type_name(obj: Any, info: Any, abstract: GraphQLAbstractType) -> str:
    """The GraphQL type of a value returned for an interface field. Resolvers only return
    instances of concrete strawberry types, so the name is on the value; strawberry's generic
    search through the schema otherwise costs a few hundred microseconds per item of a list."""
    name: str = obj.__strawberry_definition__.name
    return name


@strawberry.interface(description="Anything with a stable, globally unique id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Stable external id from the ledger, unique across every kind of node."
    )

    resolve_type = staticmethod(concrete_type_name)


@strawberry.interface(
    description="A place in the organisation chain: one of the four unit levels or a household."
)
class OrgNode(Node):
    name: str = strawberry.field(description="Name as in the ledger (Chinese or Latin).")
    level: Level = strawberry.field(description="Level in the chain.")
    parent_id: strawberry.Private[str | None]

    @strawberry.field(description="The unit directly above (null for a street).")
    def parent(self, info: Info) -> OrgNode | None:
        if self.parent_id is None:
            return None
        return loaded_or_later(info.context.loaders.node, self.parent_id, _org_node_or_none)

    @strawberry.field(description="Every unit above, the street first.")
    async def ancestors(self, info: Info) -> list[OrgNode]:
        units = await info.context.loaders.ancestors.load(str(self.id))
        return [org_node(unit) for unit in units]

    @strawberry.field(description="Figures for this node's subtree.")
    def counts(self, info: Info) -> Counts:
        return loaded_or_later(info.context.loaders.counts, str(self.id), Counts.of)

    @strawberry.field(
        description="Covered share of the subtree's households (0 to 1); null without households."
    )
    def coverage(self, info: Info) -> float | None:
        return loaded_or_later(info.context.loaders.counts, str(self.id), _coverage_of)


@strawberry.interface(description="A unit of levels 1-4: it has children.")
class OrgUnit(OrgNode):
    @strawberry.field(description="The units (or households) directly below, by id, paged.")
    def children(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="Page size (default 50, at most 500).")
        ] = DEFAULT_PAGE_SIZE,
        after: Annotated[
            str | None, strawberry.argument(description="endCursor of the previous page.")
        ] = None,
    ) -> OrgNodeConnection:
        request = ChildrenRequest(str(self.id), clamp_page_size(first), after)
        return loaded_or_later(
            info.context.loaders.children,
            request,
            OrgNodeConnection.of,
            lambda: load_children(info, request),
        )

    @strawberry.field(
        description="The unit's roster (名册): cadres registered with a community in it or "
        "covering a household in it, by member id, with load and points."
    )
    async def cadres(
        self,
        info: Info,
        filter: Annotated[LazyCadreFilter | None, strawberry.argument(description=_FILTER)] = None,
        year: PointsYearArg = None,
        first: PageFirst = DEFAULT_PAGE_SIZE,
        after: PageAfter = None,
    ) -> RosterOf:
        from orggraph.api.cadre_types import load_roster, roster_request

        return await load_roster(
            info, await roster_request(info, str(self.id), filter, year, first, after)
        )


@strawberry.type(description="Street working committee (街道大工委), the top of the chain.")
class StreetCommittee(OrgUnit):
    pass


@strawberry.type(description="Community party committee (社区大党委), under a street.")
class CommunityCommittee(OrgUnit):
    pass


@strawberry.type(description="Residential (compound) branch (小区党支部), under a community.")
class ResidentialBranch(OrgUnit):
    pass


@strawberry.type(description="Building group (楼栋党小组), under a branch; households hang here.")
class BuildingGroup(OrgUnit):
    pass


@strawberry.type(description="A household (户) under a building group.")
class Household(OrgNode):
    address: str = strawberry.field(description="Address by building and unit (personal data).")
    phone: str = strawberry.field(description="Phone number (personal data).")
    central: bool = strawberry.field(
        description="Whether this is a central household (党员中心户)."
    )

    @strawberry.field(description="The cadres covering this household (包联干部), by member id.")
    async def cadres(self, info: Info) -> list[HouseholdCadre]:
        rows = await info.context.loaders.household_members.load(str(self.id))
        return [
            HouseholdCadre(member=Member.of(row.member), mode=mode_of(row.mode), since=row.since)
            for row in rows
        ]

    @strawberry.field(
        description="Every cadre who has covered this household (包保台账): current covers and "
        "ended ones with their end date and reason, by start date."
    )
    async def cadre_history(self, info: Info) -> list[LazyCoverRecord]:
        from orggraph.api.cadre_types import CoverRecord

        rows = await info.context.loaders.household_history.load(str(self.id))
        return [CoverRecord.of(row) for row in rows]


@strawberry.type(description="A work unit (机关企事业单位, 派出单位) that dispatches cadres.")
class WorkUnit(Node):
    name: str = strawberry.field(description="Name of the work unit.")

    @strawberry.field(
        description="The cadres it dispatched (派出干部) inside your scope, by member id, with "
        "where they are registered and cover, their load and points."
    )
    async def cadres(
        self,
        info: Info,
        filter: Annotated[LazyCadreFilter | None, strawberry.argument(description=_FILTER)] = None,
        year: PointsYearArg = None,
        first: PageFirst = DEFAULT_PAGE_SIZE,
        after: PageAfter = None,
    ) -> RosterOf:
        from orggraph.api.cadre_types import load_roster, roster_request

        request = await roster_request(
            info, None, filter, year, first, after, work_unit_id=str(self.id)
        )
        return await load_roster(info, request)

    @strawberry.field(
        description="Its cadres' figures inside your scope for a year: cadres, covering "
        "cadres, households covered and cadres meeting the points minimum (单位反馈)."
    )
    async def figures(self, info: Info, year: PointsYearArg = None) -> LazyRosterFigures:
        from orggraph.api.cadre_types import RosterFigures, roster_of, roster_request

        request = await roster_request(
            info, None, None, year, 1, work_unit_id=str(self.id), with_figures=True
        )
        roster = await roster_of(info, request)
        assert roster.figures is not None  # asked for with_figures
        return RosterFigures.of(roster.figures)

    @strawberry.field(
        description="What it offers (供给清单) serving places in your scope, by offer id."
    )
    async def offers(
        self,
        info: Info,
        open_only: OpenOffersOnly = True,
        first: PageFirst = DEFAULT_PAGE_SIZE,
        after: PageAfter = None,
    ) -> OffersOf:
        return await _offers_of(info, str(self.id), open_only, first, after)


async def _offers_of(
    info: Info, offered_by: str, open_only: bool, first: int, after: str | None
) -> ServiceOfferConnection:
    from orggraph.api.supply_roots import offers_page
    from orggraph.domain.supply import OfferFilter

    keep = OfferFilter(offered_by=offered_by, open_only=open_only)
    return await offers_page(info, None, keep, first, after)


@strawberry.type(description="A registered cadre (双报到党员干部).")
class Member(Node):
    name: str = strawberry.field(description="The cadre's name.")
    phone: str = strawberry.field(description="Phone number (personal data).")
    work_unit_id: strawberry.Private[str | None]
    community_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, member: entities.Member) -> Member:
        return cls(
            id=strawberry.ID(member.id),
            name=member.name,
            phone=member.phone,
            work_unit_id=member.work_unit_id,
            community_id=member.community_id,
        )

    @strawberry.field(description="The work unit that dispatched the cadre (派出单位).")
    async def work_unit(self, info: Info) -> WorkUnit | None:
        if self.work_unit_id is None:
            return None
        found = await info.context.loaders.node.load(self.work_unit_id)
        if not isinstance(found, entities.WorkUnit):
            return None
        return WorkUnit(id=strawberry.ID(found.id), name=found.name)

    @strawberry.field(description="The community the cadre reported to (报到社区).")
    async def community(self, info: Info) -> CommunityCommittee | None:
        if self.community_id is None:
            return None
        found = await info.context.loaders.node.load(self.community_id)
        node = org_node(found) if found is not None else None
        return node if isinstance(node, CommunityCommittee) else None

    @strawberry.field(
        description="What this cadre offers (供给清单) serving places in your scope, by offer id."
    )
    async def offers(
        self,
        info: Info,
        open_only: OpenOffersOnly = True,
        first: PageFirst = DEFAULT_PAGE_SIZE,
        after: PageAfter = None,
    ) -> OffersOf:
        return await _offers_of(info, str(self.id), open_only, first, after)

    @strawberry.field(description="The households this cadre covers (包联户), by household id.")
    async def households(self, info: Info) -> list[MemberHousehold]:
        rows = await info.context.loaders.member_households.load(str(self.id))
        return [
            MemberHousehold(
                household=household_of(row.household), mode=mode_of(row.mode), since=row.since
            )
            for row in rows
        ]

    @strawberry.field(
        description="Every household this cadre has covered (包保台账): current covers and "
        "ended ones with their end date and reason, by start date."
    )
    async def household_history(self, info: Info) -> list[LazyCoverRecord]:
        from orggraph.api.cadre_types import CoverRecord

        rows = await info.context.loaders.member_history.load(str(self.id))
        return [CoverRecord.of(row) for row in rows]

    @strawberry.field(description="Points earned in a year (年度积分).")
    async def points(
        self,
        info: Info,
        year: Annotated[
            int | None,
            strawberry.argument(
                description="Calendar year (default: the latest year with points entries, "
                "else this year)."
            ),
        ] = None,
    ) -> Points:
        year = await points_year(info.context.store, year)
        entries = await info.context.loaders.points.load(PointsKey(str(self.id), year))
        total = sum(entry.points for entry in entries)
        return Points(
            year=year,
            total=total,
            minimum=info.context.policy.min_yearly_points,
            meets_minimum=total >= info.context.policy.min_yearly_points,
            entries=[
                PointsEntry(id=strawberry.ID(e.id), day=e.day, points=e.points, reason=e.reason)
                for e in entries
            ],
        )


@strawberry.type(description="A household a cadre covers, with how and since when.")
class MemberHousehold:
    household: Household = strawberry.field(description="The household.")
    mode: AssignmentMode = strawberry.field(description="How the cadre came to cover it.")
    since: date = strawberry.field(description="Date the cover began.")


@strawberry.type(description="A cadre covering a household, with how and since when.")
class HouseholdCadre:
    member: Member = strawberry.field(description="The cadre.")
    mode: AssignmentMode = strawberry.field(description="How the cadre came to cover it.")
    since: date = strawberry.field(description="Date the cover began.")


@strawberry.type(description="One dated points record (积分记录).")
class PointsEntry:
    id: strawberry.ID = strawberry.field(description="Id of the entry.")
    day: date = strawberry.field(description="Date the points were earned.")
    points: int = strawberry.field(description="Points (negative for a penalty).")
    reason: str = strawberry.field(description="What they were for.")


@strawberry.type(description="A cadre's points for one year against the yearly minimum.")
class Points:
    year: int = strawberry.field(description="Calendar year.")
    total: int = strawberry.field(description="Sum of the year's entries.")
    minimum: int = strawberry.field(description="The yearly minimum (年度积分不少于20分).")
    meets_minimum: bool = strawberry.field(description="Whether total >= minimum.")
    entries: list[PointsEntry] = strawberry.field(description="The entries, by day then id.")


@strawberry.type(description="An edge of a children or search connection.")
class OrgNodeEdge:
    node: OrgNode = strawberry.field(description="The node.")
    cursor: str = strawberry.field(description="Cursor of this edge.")


@strawberry.type(description="A page of organisation nodes (Relay connection).")
class OrgNodeConnection:
    edges: list[OrgNodeEdge] = strawberry.field(description="The page's nodes.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Length of the whole list.")

    @classmethod
    def of(cls, page: entities.Page[entities.Unit | entities.Household]) -> OrgNodeConnection:
        return cls(
            edges=[OrgNodeEdge(node=org_node(item), cursor=item.id) for item in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )


_UNIT_TYPES: dict[DomainLevel, type[OrgUnit]] = {
    DomainLevel.STREET: StreetCommittee,
    DomainLevel.COMMUNITY: CommunityCommittee,
    DomainLevel.BRANCH: ResidentialBranch,
    DomainLevel.BUILDING: BuildingGroup,
}


def household_of(household: entities.Household) -> Household:
    return Household(
        id=strawberry.ID(household.id),
        name=household.name,
        level=Level.HOUSEHOLD,
        parent_id=household.parent_id,
        address=household.address,
        phone=household.phone,
        central=household.central,
    )


def _org_node_or_none(node: entities.Node | None) -> OrgNode | None:
    return org_node(node) if node is not None else None


def _coverage_of(counts: entities.Counts) -> float | None:
    return counts.coverage if counts.households else None


def mode_of(mode: entities.Mode) -> AssignmentMode:
    return AssignmentMode(mode.value)


def org_node(node: entities.Node) -> OrgNode:
    """The GraphQL type of a unit or household (raises for cadres and work units)."""
    if isinstance(node, entities.Household):
        return household_of(node)
    if isinstance(node, entities.Unit):
        unit_type = _UNIT_TYPES[node.level]
        return unit_type(
            id=strawberry.ID(node.id),
            name=node.name,
            level=Level.of(node.level),
            parent_id=node.parent_id,
        )
    raise TypeError(f"{node.id} is not a unit or household")


def any_node(node: entities.Node) -> Node:
    """The GraphQL type of anything `node(id)` can return."""
    if isinstance(node, entities.Member):
        return Member.of(node)
    if isinstance(node, entities.WorkUnit):
        return WorkUnit(id=strawberry.ID(node.id), name=node.name)
    return org_node(node)
