"""GraphQL types of the service loop (三(三)4): requests, their steps, and their listings.

Thin like every type: fields hold the domain value's, nested reads (household, assignee,
cadre, units, the timeline) go through the request's DataLoaders.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from orggraph.api.context import Info
from orggraph.api.eager import loaded_or_later
from orggraph.api.types import Household, Member, Node, OrgNode, PageInfo, any_node, household_of
from orggraph.domain import entities, service
from orggraph.domain.service import ServiceFilter, days_waiting, overdue_stage

if TYPE_CHECKING:
    from orggraph.api.supply_types import ServiceOffer

LazyOffer = Annotated["ServiceOffer", strawberry.lazy("orggraph.api.supply_types")]


@strawberry.enum(description="What a resident asks for (三(三)4).")
class ServiceKind(Enum):
    DREAM = strawberry.enum_value("dream", description="A small dream (微梦想).")
    WISH = strawberry.enum_value("wish", description="A small wish (微心愿).")
    COMPLAINT = strawberry.enum_value("complaint", description="A small complaint (微诉求).")

    def domain(self) -> service.ServiceKind:
        return service.ServiceKind(self.value)


@strawberry.enum(description="Where a service request stands.")
class ServiceState(Enum):
    ORDERED = strawberry.enum_value("ordered", description="Ordered, waiting for dispatch (下单).")
    DISPATCHED = strawberry.enum_value(
        "dispatched", description="Dispatched to a cadre or work unit (派单)."
    )
    ACCEPTED = strawberry.enum_value("accepted", description="Accepted by a cadre (接单).")
    DONE = strawberry.enum_value("done", description="Done, waiting for verification (办结).")
    VERIFIED = strawberry.enum_value("verified", description="Verified by the community (核单).")
    DECLINED = strawberry.enum_value(
        "declined", description="Given back by the cadre, waiting for re-dispatch (退回)."
    )
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled (撤销).")
    REOPENED = strawberry.enum_value(
        "reopened", description="Verification failed, waiting for re-dispatch (核单未通过)."
    )

    def domain(self) -> service.ServiceState:
        return service.ServiceState(self.value)


@strawberry.enum(description="A transition of a service request.")
class ServiceAction(Enum):
    ORDER = strawberry.enum_value("order", description="Recorded (下单).")
    DISPATCH = strawberry.enum_value("dispatch", description="Dispatched (派单).")
    ACCEPT = strawberry.enum_value("accept", description="Accepted (接单).")
    DECLINE = strawberry.enum_value("decline", description="Declined, given back (退回).")
    COMPLETE = strawberry.enum_value("complete", description="Done (办结).")
    VERIFY = strawberry.enum_value("verify", description="Verified (核单).")
    REOPEN = strawberry.enum_value("reopen", description="Verification failed (核单未通过).")
    CANCEL = strawberry.enum_value("cancel", description="Cancelled (撤销).")


@strawberry.enum(description="A wait the time limits bound.")
class ServiceStage(Enum):
    DISPATCH = strawberry.enum_value("dispatch", description="Waiting to be dispatched.")
    ACCEPT = strawberry.enum_value("accept", description="Waiting to be accepted.")
    DONE = strawberry.enum_value("done", description="Waiting to be done.")
    VERIFY = strawberry.enum_value("verify", description="Waiting to be verified.")


@strawberry.input(description="Which service requests to list (every field optional).")
class ServiceFilterInput:
    states: list[ServiceState] | None = strawberry.field(
        default=None, description="Only these states."
    )
    kinds: list[ServiceKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    overdue: bool | None = strawberry.field(
        default=None,
        description="Only those past (true) or within (false) their current wait's time limit.",
    )
    cadre_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those dispatched to, or accepted by, this cadre."
    )
    work_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those dispatched to this work unit."
    )

    def domain(self) -> ServiceFilter:
        return ServiceFilter(
            states=tuple(s.domain() for s in self.states or ()),
            kinds=tuple(k.domain() for k in self.kinds or ()),
            cadre_id=str(self.cadre_id) if self.cadre_id is not None else None,
            work_unit_id=str(self.work_unit_id) if self.work_unit_id is not None else None,
            overdue=self.overdue,
        )


async def _org_node(info: Info, node_id: str | None) -> OrgNode | None:
    from orggraph.api.types import org_node

    if node_id is None:
        return None
    found = await info.context.loaders.node.load(node_id)
    return org_node(found) if isinstance(found, entities.Unit | entities.Household) else None


def _member(info: Info, member_id: str | None) -> Member | None:
    """At once when the node is loaded (a listing primes it), else awaitable (`eager`)."""
    if member_id is None:
        return None
    return loaded_or_later(info.context.loaders.node, member_id, _as_member)


def _as_member(found: entities.Node | None) -> Member | None:
    return Member.of(found) if isinstance(found, entities.Member) else None


@strawberry.type(description="One step of a service request: who did what, when and why.")
class ServiceStep:
    value: strawberry.Private[service.ServiceStep]
    seq: int = strawberry.field(description="1 for the order, then one more per step.")
    action: ServiceAction = strawberry.field(description="What was done.")
    from_state: ServiceState | None = strawberry.field(description="State before (null: new).")
    to_state: ServiceState = strawberry.field(description="State after.")
    by: str = strawberry.field(description="Who did it (the token's subject).")
    at: datetime = strawberry.field(description="When (UTC).")
    reason: str = strawberry.field(description="Why, or what was done (may be empty).")
    points: int = strawberry.field(description="Points a verification awarded the cadre.")

    @classmethod
    def of(cls, step: service.ServiceStep) -> ServiceStep:
        return cls(
            value=step,
            seq=step.seq,
            action=ServiceAction(step.action.value),
            from_state=ServiceState(step.from_state.value) if step.from_state else None,
            to_state=ServiceState(step.to_state.value),
            by=step.by,
            at=step.at,
            reason=step.reason,
            points=step.points,
        )

    @strawberry.field(description="The unit that dispatched or verified (null for others).")
    async def unit(self, info: Info) -> OrgNode | None:
        return await _org_node(info, self.value.unit_id)

    @strawberry.field(description="Whom a dispatch went to: a cadre or a work unit.")
    def assignee(self, info: Info) -> Node | None:
        return _assignee(info, self.value.assignee_id)

    @strawberry.field(description="The cadre who accepted, declined or completed.")
    def cadre(self, info: Info) -> Member | None:
        return _member(info, self.value.member_id)

    @strawberry.field(description="The supply offer a dispatch used (null: none, or not yours).")
    async def offer(self, info: Info) -> LazyOffer | None:
        return await _offer(info, self.value.offer_id)


async def _offer(info: Info, offer_id: str | None) -> ServiceOffer | None:
    from orggraph.api.supply_types import ServiceOffer

    if offer_id is None:
        return None
    found = await info.context.loaders.service_offer.load(offer_id)
    return ServiceOffer.of(found) if found is not None else None


def _assignee(info: Info, node_id: str | None) -> Node | None:
    if node_id is None:
        return None
    return loaded_or_later(info.context.loaders.node, node_id, _as_assignee)


def _as_assignee(found: entities.Node | None) -> Node | None:
    return any_node(found) if isinstance(found, entities.Member | entities.WorkUnit) else None


def _as_household(found: entities.Node | None) -> Household | None:
    return household_of(found) if isinstance(found, entities.Household) else None


@strawberry.type(description="A household's request (需求清单) and where it stands (三(三)4).")
class ServiceRequest:
    value: strawberry.Private[service.ServiceRequest]
    id: strawberry.ID = strawberry.field(description="Request id (its own namespace).")
    kind: ServiceKind = strawberry.field(description="Dream, wish or complaint.")
    text: str = strawberry.field(description="What the resident asks (masked for dashboards).")
    state: ServiceState = strawberry.field(description="Where it stands.")
    household_id: strawberry.ID = strawberry.field(
        description="Its household's id (kept after the household is removed)."
    )
    recorded_by: str = strawberry.field(description="Who recorded it.")
    recorded_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    entered_at: datetime = strawberry.field(description="When it entered its state (UTC).")
    assignee_id: strawberry.ID | None = strawberry.field(
        description="The cadre or work unit it is dispatched to now."
    )
    cadre_id: strawberry.ID | None = strawberry.field(description="The cadre who accepted it.")

    @classmethod
    def of(cls, request: service.ServiceRequest) -> ServiceRequest:
        return cls(
            value=request,
            id=strawberry.ID(request.id),
            kind=ServiceKind(request.kind.value),
            text=request.text,
            state=ServiceState(request.state.value),
            household_id=strawberry.ID(request.household_id),
            recorded_by=request.recorded_by,
            recorded_at=request.recorded_at,
            entered_at=request.entered,
            assignee_id=strawberry.ID(request.assignee_id) if request.assignee_id else None,
            cadre_id=strawberry.ID(request.cadre_id) if request.cadre_id else None,
        )

    @strawberry.field(description="Its household (null when removed or outside your scope).")
    def household(self, info: Info) -> Household | None:
        return loaded_or_later(info.context.loaders.node, self.value.household_id, _as_household)

    @strawberry.field(description="The cadre or work unit it is dispatched to now.")
    def assignee(self, info: Info) -> Node | None:
        return _assignee(info, self.value.assignee_id)

    @strawberry.field(description="The cadre who accepted it.")
    def cadre(self, info: Info) -> Member | None:
        return _member(info, self.value.cadre_id)

    @strawberry.field(description="The unit that dispatched it.")
    async def dispatched_by(self, info: Info) -> OrgNode | None:
        return await _org_node(info, self.value.dispatched_by)

    @strawberry.field(
        description="The supply offer its dispatch is matched to (null: none, once declined or "
        "reopened, or not yours)."
    )
    async def offer(self, info: Info) -> LazyOffer | None:
        return await _offer(info, self.value.offer_id)

    @strawberry.field(description="Whole days (UTC) it has waited in its state.")
    def days_waiting(self) -> int:
        return days_waiting(self.value, _today())

    @strawberry.field(
        description="The wait it has overrun (more days than the policy's limit), or null."
    )
    def overdue(self, info: Info) -> ServiceStage | None:
        limits = info.context.policy.limits()[self.value.kind]
        stage = overdue_stage(self.value, limits, _today())
        return ServiceStage(stage.value) if stage is not None else None

    @strawberry.field(description="Every step, the order first: who did what, when and why.")
    async def timeline(self, info: Info) -> list[ServiceStep]:
        steps = await info.context.loaders.service_steps.load(self.value.id)
        return [ServiceStep.of(step) for step in steps]


def _today() -> date:
    return datetime.now(UTC).date()


@strawberry.type(description="An edge of a service request connection.")
class ServiceRequestEdge:
    node: ServiceRequest = strawberry.field(description="The request.")
    cursor: str = strawberry.field(description="Cursor of this edge.")


@strawberry.type(description="A page of service requests by id (ids sort by when they came).")
class ServiceRequestConnection:
    edges: list[ServiceRequestEdge] = strawberry.field(description="The page's requests.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many requests match in all.")

    @classmethod
    def of(cls, page: entities.Page[service.ServiceRequest]) -> ServiceRequestConnection:
        return cls(
            edges=[ServiceRequestEdge(node=ServiceRequest.of(r), cursor=r.id) for r in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )
