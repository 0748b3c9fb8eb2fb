"""GraphQL types for coverage gaps: one type per gap kind behind the `CoverageGap` interface."""

from __future__ import annotations

from enum import Enum

import strawberry

from orggraph.api.context import Info
from orggraph.api.service_types import ServiceRequest
from orggraph.api.types import (
    BuildingGroup,
    Household,
    Member,
    OrgNode,
    PageInfo,
    concrete_type_name,
    household_of,
    org_node,
)
from orggraph.domain import entities
from orggraph.domain.gaps import Gap, GapKind, chinese_gap_reason
from orggraph.store.cursors import gap_cursor


@strawberry.enum(description="The kinds of coverage gap.")
class CoverageGapKind(Enum):
    UNCOVERED_HOUSEHOLD = strawberry.enum_value(
        "uncovered_household", description=GapKind.UNCOVERED_HOUSEHOLD.description
    )
    CADRE_UNDER_BAND = strawberry.enum_value(
        "cadre_under_band", description=GapKind.CADRE_UNDER_BAND.description
    )
    CADRE_OVER_BAND = strawberry.enum_value(
        "cadre_over_band", description=GapKind.CADRE_OVER_BAND.description
    )
    CADRE_COVERING_NONE = strawberry.enum_value(
        "cadre_covering_none", description=GapKind.CADRE_COVERING_NONE.description
    )
    BUILDING_WITHOUT_CENTRAL = strawberry.enum_value(
        "building_without_central", description=GapKind.BUILDING_WITHOUT_CENTRAL.description
    )
    UNIT_WITHOUT_CHILDREN = strawberry.enum_value(
        "unit_without_children", description=GapKind.UNIT_WITHOUT_CHILDREN.description
    )
    CADRE_UNDER_POINTS = strawberry.enum_value(
        "cadre_under_points", description=GapKind.CADRE_UNDER_POINTS.description
    )
    SERVICE_DISPATCH_OVERDUE = strawberry.enum_value(
        "service_dispatch_overdue", description=GapKind.SERVICE_DISPATCH_OVERDUE.description
    )
    SERVICE_ACCEPT_OVERDUE = strawberry.enum_value(
        "service_accept_overdue", description=GapKind.SERVICE_ACCEPT_OVERDUE.description
    )
    SERVICE_DONE_OVERDUE = strawberry.enum_value(
        "service_done_overdue", description=GapKind.SERVICE_DONE_OVERDUE.description
    )
    SERVICE_VERIFY_OVERDUE = strawberry.enum_value(
        "service_verify_overdue", description=GapKind.SERVICE_VERIFY_OVERDUE.description
    )

    def domain(self) -> GapKind:
        return GapKind(self.value)


@strawberry.enum(description="The language of a gap's reason.")
class ReasonLanguage(Enum):
    EN = strawberry.enum_value("en", description="English (the default).")
    ZH = strawberry.enum_value("zh", description="Chinese (中文), for organisers.")


@strawberry.interface(description="Something that falls short of the coverage policy.")
class CoverageGap:
    kind: CoverageGapKind = strawberry.field(description="Which kind of gap.")
    subject_id: strawberry.ID = strawberry.field(
        description="Id of the household, cadre or unit that falls short."
    )
    unit_path: list[str] = strawberry.field(
        description="Names of the units from the street down to where the gap sits."
    )
    reason_en: strawberry.Private[str]
    gap_value: strawberry.Private[int | None]
    year: strawberry.Private[int]
    """The points year the gap list was asked for (the points gap's reason names it)."""
    subject: strawberry.Private[entities.Node | None]
    """The node the gap is about, when the store read it with the gap."""

    @strawberry.field(
        description="Why it is a gap, in words: English, or Chinese (lang: ZH). Without "
        "`lang`, the request's Accept-Language chooses (Chinese when it prefers zh to en)."
    )
    def reason(self, info: Info, lang: ReasonLanguage | None = None) -> str:
        chosen = lang or ReasonLanguage(info.context.language)
        if chosen is ReasonLanguage.EN:
            return self.reason_en
        return chinese_gap_reason(
            self.kind.domain(), self.gap_value, info.context.policy, self.year
        )

    resolve_type = staticmethod(concrete_type_name)

    async def _subject(self, info: Info) -> entities.Node | None:
        """The subject the gap carries, else read through the node loader."""
        if self.subject is not None:
            return self.subject
        return await info.context.loaders.node.load(str(self.subject_id))


@strawberry.type(description="A household no cadre covers (无人包联的住户).")
class UncoveredHouseholdGap(CoverageGap):
    @strawberry.field(description="The household.")
    async def household(self, info: Info) -> Household | None:
        found = await self._subject(info)
        return household_of(found) if isinstance(found, entities.Household) else None


@strawberry.type(
    description="A cadre whose household count is outside the band (10-15 by default)."
)
class CadreOutsideBandGap(CoverageGap):
    households: int = strawberry.field(description="How many households the cadre covers.")

    @strawberry.field(description="The cadre.")
    async def member(self, info: Info) -> Member | None:
        return await _member(self, info)


@strawberry.type(description="A registered cadre covering no household (报到未包户).")
class CadreCoveringNoneGap(CoverageGap):
    @strawberry.field(description="The cadre.")
    async def member(self, info: Info) -> Member | None:
        return await _member(self, info)


@strawberry.type(description="A cadre under the yearly points minimum (年度积分不足).")
class CadreUnderPointsGap(CoverageGap):
    points: int = strawberry.field(description="Points the cadre earned in the year.")

    @strawberry.field(description="The cadre.")
    async def member(self, info: Info) -> Member | None:
        return await _member(self, info)


@strawberry.type(description="A building group without a central household (无党员中心户).")
class BuildingWithoutCentralGap(CoverageGap):
    @strawberry.field(description="The building group.")
    async def building_group(self, info: Info) -> BuildingGroup | None:
        found = await self._subject(info)
        node = org_node(found) if isinstance(found, entities.Unit) else None
        return node if isinstance(node, BuildingGroup) else None


@strawberry.type(description="A unit with no units or households under it.")
class UnitWithoutChildrenGap(CoverageGap):
    @strawberry.field(description="The unit.")
    async def unit(self, info: Info) -> OrgNode | None:
        found = await self._subject(info)
        return org_node(found) if isinstance(found, entities.Unit) else None


@strawberry.type(
    description="A service request waiting past its kind's time limit for its current wait "
    "(超时未派单/接单/办结/核单)."
)
class ServiceOverdueGap(CoverageGap):
    days_waiting: int = strawberry.field(description="Whole days it has waited (UTC).")

    @strawberry.field(description="The request (null when outside your scope).")
    async def request(self, info: Info) -> ServiceRequest | None:
        found = await info.context.loaders.service_request.load(str(self.subject_id))
        return ServiceRequest.of(found) if found is not None else None


@strawberry.type(description="An edge of a gap connection.")
class CoverageGapEdge:
    node: CoverageGap = strawberry.field(description="The gap.")
    cursor: str = strawberry.field(description="Cursor of this edge.")


@strawberry.type(description="A page of coverage gaps, by kind then subject id.")
class CoverageGapConnection:
    edges: list[CoverageGapEdge] = strawberry.field(description="The page's gaps.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many gaps of the asked kinds in all.")

    @classmethod
    def of(cls, page: entities.Page[Gap], year: int) -> CoverageGapConnection:
        edges = [
            CoverageGapEdge(node=gap_of(gap, year), cursor=gap_cursor(gap)) for gap in page.items
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )


@strawberry.type(description="How many gaps of one kind a scope has.")
class GapCount:
    kind: CoverageGapKind = strawberry.field(description="The kind.")
    count: int = strawberry.field(description="How many.")


_PLAIN_GAP_TYPES: dict[GapKind, type[CoverageGap]] = {
    GapKind.UNCOVERED_HOUSEHOLD: UncoveredHouseholdGap,
    GapKind.CADRE_COVERING_NONE: CadreCoveringNoneGap,
    GapKind.BUILDING_WITHOUT_CENTRAL: BuildingWithoutCentralGap,
    GapKind.UNIT_WITHOUT_CHILDREN: UnitWithoutChildrenGap,
}


def gap_of(gap: Gap, year: int) -> CoverageGap:
    """The typed GraphQL item for a domain gap of a list asked for `year`."""
    kind = CoverageGapKind(gap.kind.value)
    subject_id = strawberry.ID(gap.subject_id)
    path = list(gap.unit_path)
    value = gap.value or 0
    if gap.kind in (GapKind.CADRE_UNDER_BAND, GapKind.CADRE_OVER_BAND):
        return CadreOutsideBandGap(
            kind=kind,
            subject_id=subject_id,
            unit_path=path,
            reason_en=gap.reason,
            gap_value=gap.value,
            year=year,
            subject=gap.subject,
            households=value,
        )
    if gap.kind.stage is not None:
        return ServiceOverdueGap(
            kind=kind,
            subject_id=subject_id,
            unit_path=path,
            reason_en=gap.reason,
            gap_value=gap.value,
            year=year,
            subject=None,
            days_waiting=value,
        )
    if gap.kind is GapKind.CADRE_UNDER_POINTS:
        return CadreUnderPointsGap(
            kind=kind,
            subject_id=subject_id,
            unit_path=path,
            reason_en=gap.reason,
            gap_value=gap.value,
            year=year,
            subject=gap.subject,
            points=value,
        )
    plain_type = _PLAIN_GAP_TYPES[gap.kind]
    return plain_type(
        kind=kind,
        subject_id=subject_id,
        unit_path=path,
        subject=gap.subject,
        reason_en=gap.reason,
        gap_value=gap.value,
        year=year,
    )


async def _member(gap: CoverageGap, info: Info) -> Member | None:
    found = await gap._subject(info)
    return Member.of(found) if isinstance(found, entities.Member) else None
