"""GraphQL types of the supply list (供给清单: offers) and the service list (服务清单: verified
requests with their time taken), 三(三)4.

Thin like every type: fields hold the domain value's, nested reads (the offerer, the place it
serves, a served request's timeline) go through the request's DataLoaders.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum

import strawberry

from orggraph.api.context import Info
from orggraph.api.service_types import ServiceRequest, ServiceStage
from orggraph.api.types import Member, Node, OrgNode, PageInfo, WorkUnit, any_node
from orggraph.domain import entities, service_list, supply
from orggraph.domain.supply import OfferFilter


@strawberry.enum(description="What is offered (供给).")
class OfferKind(Enum):
    SKILL = strawberry.enum_value(
        "skill", description="Someone's skill: a repair, tutoring (技能)."
    )
    RESOURCE = strawberry.enum_value(
        "resource", description="A thing: a room, a vehicle, a fund (资源)."
    )

    def domain(self) -> supply.OfferKind:
        return supply.OfferKind(self.value)


@strawberry.enum(description="Whether an offer can still be matched to a dispatch.")
class OfferState(Enum):
    OPEN = strawberry.enum_value("open", description="Open: a dispatch may use it (可接单).")
    WITHDRAWN = strawberry.enum_value("withdrawn", description="Withdrawn (已撤回).")


@strawberry.input(description="Which offers to list (every field optional).")
class OfferFilterInput:
    kinds: list[OfferKind] | None = strawberry.field(default=None, description="Only these kinds.")
    offered_by: strawberry.ID | None = strawberry.field(
        default=None, description="Only this cadre's or work unit's."
    )
    open_only: bool = strawberry.field(default=False, description="Leave withdrawn offers out.")

    def domain(self) -> OfferFilter:
        return OfferFilter(
            kinds=tuple(k.domain() for k in self.kinds or ()),
            offered_by=str(self.offered_by) if self.offered_by is not None else None,
            open_only=self.open_only,
        )


@strawberry.type(
    description="An entry of the supply list (供给清单): who offers what, where and when."
)
class ServiceOffer:
    value: strawberry.Private[supply.ServiceOffer]
    id: strawberry.ID = strawberry.field(description="Offer id (its own namespace).")
    kind: OfferKind = strawberry.field(description="A skill or a resource.")
    text: str = strawberry.field(description="What is offered (masked for dashboards).")
    state: OfferState = strawberry.field(description="Open or withdrawn.")
    offered_by_id: strawberry.ID = strawberry.field(description="The cadre's or work unit's id.")
    available_from: date | None = strawberry.field(
        description="The first day it can be used (null: from the start)."
    )
    available_until: date | None = strawberry.field(
        description="The last day it can be used (null: no end)."
    )
    schedule: str = strawberry.field(description="When, in words (may be empty).")
    recorded_by: str = strawberry.field(description="Who recorded it.")
    recorded_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    withdrawn_by: str | None = strawberry.field(description="Who withdrew it (null: open).")
    withdrawn_at: datetime | None = strawberry.field(description="When it was withdrawn.")
    withdrawn_reason: str = strawberry.field(
        description="Why it was withdrawn (may be empty; masked for dashboards)."
    )

    @classmethod
    def of(cls, offer: supply.ServiceOffer) -> ServiceOffer:
        return cls(
            value=offer,
            id=strawberry.ID(offer.id),
            kind=OfferKind(offer.kind.value),
            text=offer.text,
            state=OfferState(offer.state.value),
            offered_by_id=strawberry.ID(offer.offered_by),
            available_from=offer.available_from,
            available_until=offer.available_until,
            schedule=offer.schedule,
            recorded_by=offer.recorded_by,
            recorded_at=offer.recorded_at,
            withdrawn_by=offer.withdrawn_by,
            withdrawn_at=offer.withdrawn_at,
            withdrawn_reason=offer.withdrawn_reason,
        )

    @strawberry.field(description="The cadre or work unit that offers it.")
    async def offered_by(self, info: Info) -> Node | None:
        found = await info.context.loaders.node.load(self.value.offered_by)
        return any_node(found) if isinstance(found, entities.Member | entities.WorkUnit) else None

    @strawberry.field(
        description="The unit whose place it serves (its households at or below it); null for "
        "the whole city, or a unit outside your scope (see servesWholeCity)."
    )
    async def serves(self, info: Info) -> OrgNode | None:
        from orggraph.api.types import org_node

        if self.value.serves_id is None:
            return None
        found = await info.context.loaders.node.load(self.value.serves_id)
        return org_node(found) if isinstance(found, entities.Unit) else None

    @strawberry.field(description="Whether it serves the whole city.")
    def serves_whole_city(self) -> bool:
        return self.value.serves_id is None


@strawberry.type(description="An edge of a service offer connection.")
class ServiceOfferEdge:
    node: ServiceOffer = strawberry.field(description="The offer.")
    cursor: str = strawberry.field(description="Cursor of this edge.")


@strawberry.type(description="A page of service offers by id (ids sort by when they came).")
class ServiceOfferConnection:
    edges: list[ServiceOfferEdge] = strawberry.field(description="The page's offers.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many offers match in all.")

    @classmethod
    def of(cls, page: entities.Page[supply.ServiceOffer]) -> ServiceOfferConnection:
        return cls(
            edges=[ServiceOfferEdge(node=ServiceOffer.of(o), cursor=o.id) for o in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )


def _hours(span: timedelta) -> float:
    return round(span.total_seconds() / 3600, 3)


@strawberry.type(description="The time one wait of a served request took.")
class StageTime:
    stage: ServiceStage = strawberry.field(description="The wait.")
    hours: float = strawberry.field(description="Hours it took (0 when it took none).")


@strawberry.type(
    description="An entry of the service list (服务清单): a verified request, who served it, "
    "the points its verification awarded and the time it took."
)
class ServedRequest:
    value: strawberry.Private[service_list.Served]
    request: ServiceRequest = strawberry.field(description="The request.")
    verified_at: datetime = strawberry.field(description="When it was verified (核单, UTC).")
    points: int = strawberry.field(description="Points its verification awarded the cadre.")
    total_hours: float = strawberry.field(description="Hours from recording to verification.")
    stages: list[StageTime] = strawberry.field(
        description="The total split by wait: to be dispatched (every dispatch wait, after a "
        "decline or a failed verification too), accepted, done and verified; they add up."
    )

    @classmethod
    def of(cls, served: service_list.Served) -> ServedRequest:
        return cls(
            value=served,
            request=ServiceRequest.of(served.request),
            verified_at=served.request.entered,
            points=served.points,
            total_hours=_hours(served.time.total),
            stages=[
                StageTime(stage=ServiceStage(stage.value), hours=_hours(span))
                for stage, span in served.time.stages
            ],
        )

    @strawberry.field(description="The cadre who accepted and did it.")
    async def cadre(self, info: Info) -> Member | None:
        if self.value.cadre_id is None:
            return None
        found = await info.context.loaders.node.load(self.value.cadre_id)
        return Member.of(found) if isinstance(found, entities.Member) else None

    @strawberry.field(description="The work unit it was dispatched to (null: to a cadre).")
    async def work_unit(self, info: Info) -> WorkUnit | None:
        if self.value.work_unit_id is None:
            return None
        found = await info.context.loaders.node.load(self.value.work_unit_id)
        if not isinstance(found, entities.WorkUnit):
            return None
        return WorkUnit(id=strawberry.ID(found.id), name=found.name)


@strawberry.type(description="An edge of the service list.")
class ServedRequestEdge:
    node: ServedRequest = strawberry.field(description="The served request.")
    cursor: str = strawberry.field(description="Cursor of this edge.")


@strawberry.type(description="A page of the service list by request id.")
class ServedRequestConnection:
    edges: list[ServedRequestEdge] = strawberry.field(description="The page's served requests.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many served requests match in all.")
