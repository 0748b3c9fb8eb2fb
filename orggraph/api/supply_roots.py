"""The supply list's and the service list's root fields (三(三)4): offers and the service list on
Query, recording and withdrawing offers on Mutation. `Query` and `Mutation` inherit them.

Who may do what is the scoped view's (`orggraph.access.supply`): an organiser records and
withdraws offers serving their unit or one below it; a `cadre` token its own; an admin any.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import strawberry

from orggraph.api.context import Info
from orggraph.api.service_roots import After, PageSize
from orggraph.api.supply_types import (
    OfferFilterInput,
    OfferKind,
    ServedRequest,
    ServedRequestConnection,
    ServedRequestEdge,
    ServiceOffer,
    ServiceOfferConnection,
)
from orggraph.api.types import PageInfo
from orggraph.auth.tokens import Role
from orggraph.domain import entities, supply
from orggraph.domain.errors import ForbiddenError, InvalidValueError, UnknownIdError
from orggraph.domain.service import AssigneeKind
from orggraph.domain.service_list import ServiceListFilter, served
from orggraph.domain.supply import OfferFilter
from orggraph.store.values import DEFAULT_PAGE_SIZE, clamp_page_size

ScopeArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="A unit or household; null: your own unit."),
]
OfferId = Annotated[strawberry.ID, strawberry.argument(description="Id of the offer.")]


async def offers_page(
    info: Info, scope: str | None, keep: OfferFilter, first: int, after: str | None
) -> ServiceOfferConnection:
    page = await info.context.store.service_offers(scope, keep, clamp_page_size(first), after)
    return ServiceOfferConnection.of(page)


@strawberry.type
class SupplyQuery:
    @strawberry.field(
        description="The supply list (供给清单): offers serving a place in a scope (the whole "
        "city, a unit at or below it, or a unit above it), by id. A cadre token lists its own."
    )
    async def service_offers(
        self,
        info: Info,
        scope: ScopeArg = None,
        filter: Annotated[
            OfferFilterInput | None, strawberry.argument(description="Which offers.")
        ] = None,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> ServiceOfferConnection:
        keep = filter.domain() if filter else OfferFilter()
        return await offers_page(info, str(scope) if scope else None, keep, first, after)

    @strawberry.field(description="A service offer by id; null when unknown or not yours.")
    async def service_offer(self, info: Info, id: OfferId) -> ServiceOffer | None:
        (found,) = await info.context.store.service_offers_many([str(id)])
        return ServiceOffer.of(found) if found is not None else None

    @strawberry.field(
        description="The service list (服务清单): the verified requests of a scope's households "
        "by id, with who served them, their points and the time each wait took. A cadre token "
        "lists the services it did."
    )
    async def service_list(
        self,
        info: Info,
        scope: ScopeArg = None,
        from_: Annotated[
            date | None,
            strawberry.argument(name="from", description="First day of verification (UTC)."),
        ] = None,
        until: Annotated[
            date | None, strawberry.argument(description="Last day of verification (UTC).")
        ] = None,
        cadre: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this cadre's services.")
        ] = None,
        work_unit: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only those dispatched to this work unit."),
        ] = None,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> ServedRequestConnection:
        keep = ServiceListFilter(
            from_,
            until,
            str(cadre) if cadre is not None else None,
            str(work_unit) if work_unit is not None else None,
        )
        store = info.context.store
        page = await store.service_list(
            str(scope) if scope else None, keep, clamp_page_size(first), after
        )
        timelines = await info.context.loaders.service_steps.load_many([r.id for r in page.items])
        return ServedRequestConnection(
            edges=[
                ServedRequestEdge(node=ServedRequest.of(served(r, steps)), cursor=r.id)
                for r, steps in zip(page.items, timelines, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )


@strawberry.input(description="An offer of a cadre or a work unit, for the supply list.")
class RecordOfferInput:
    kind: OfferKind = strawberry.field(description="A skill or a resource.")
    text: str = strawberry.field(description="What is offered.")
    offered_by: strawberry.ID | None = strawberry.field(
        default=None,
        description="The cadre or work unit offering it (a cadre token: itself, and may be "
        "left out).",
    )
    serves: strawberry.ID | None = strawberry.field(
        default=None,
        description="The unit whose place it serves (default: your own unit; a cadre token's: "
        "its community).",
    )
    whole_city: bool = strawberry.field(
        default=False, description="It serves the whole city (admins only; leave serves out)."
    )
    available_from: date | None = strawberry.field(
        default=None, description="The first day it can be used."
    )
    available_until: date | None = strawberry.field(
        default=None, description="The last day it can be used."
    )
    schedule: str = strawberry.field(default="", description="When, in words (每周六上午).")
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Offer id (default: made from the time, so ids sort by it)."
    )


async def _offerer(info: Info, offered_by: strawberry.ID | None) -> tuple[str, AssigneeKind]:
    """Who offers, and whether a cadre or a work unit (as the caller can see them)."""
    principal = info.context.principal
    offerer = str(offered_by) if offered_by is not None else principal.member_id
    if offerer is None:
        raise InvalidValueError("recordOffer needs offeredBy: a cadre or a work unit")
    (found,) = await info.context.store.get_nodes([offerer])
    if isinstance(found, entities.Member):
        return offerer, AssigneeKind.MEMBER
    if isinstance(found, entities.WorkUnit):
        return offerer, AssigneeKind.WORK_UNIT
    raise UnknownIdError([offerer], "cadre or work unit")


def _serves(info: Info, given: RecordOfferInput) -> str | None:
    """The place named, the caller's default, or None for the whole city (admins only)."""
    principal = info.context.principal
    if given.whole_city:
        if given.serves is not None:
            raise InvalidValueError("an offer serves either a unit or the whole city, not both")
        if principal.role is not Role.ADMIN:
            raise ForbiddenError("only an admin records an offer serving the whole city")
        return None
    if given.serves is not None:
        return str(given.serves)
    if principal.role is Role.ADMIN:
        raise InvalidValueError("an admin's recordOffer names serves, or wholeCity: true")
    return None if principal.member_id is not None else principal.scope_id


@strawberry.type
class SupplyMutation:
    @strawberry.mutation(description="Record an offer of a cadre or a work unit (供给清单), open.")
    async def record_offer(self, info: Info, input: RecordOfferInput) -> ServiceOffer:
        at = datetime.now(UTC)
        offerer, offerer_kind = await _offerer(info, input.offered_by)
        offer = supply.ServiceOffer(
            id=str(input.id) if input.id is not None else supply.new_offer_id(at),
            offered_by=offerer,
            offered_by_kind=offerer_kind,
            kind=input.kind.domain(),
            text=input.text,
            recorded_by=info.context.principal.subject,
            recorded_at=at,
            serves_id=_serves(info, input),
            available_from=input.available_from,
            available_until=input.available_until,
            schedule=input.schedule,
        )
        return ServiceOffer.of(await info.context.store.record_offer(offer))

    @strawberry.mutation(
        description="Withdraw an open offer (撤回): no dispatch may use it any more; the "
        "requests matched to it keep it."
    )
    async def withdraw_offer(
        self,
        info: Info,
        id: OfferId,
        reason: Annotated[str, strawberry.argument(description="Why (may be empty).")] = "",
    ) -> ServiceOffer:
        gone = await info.context.store.withdraw_offer(
            str(id), info.context.principal.subject, datetime.now(UTC), reason
        )
        return ServiceOffer.of(gone)
