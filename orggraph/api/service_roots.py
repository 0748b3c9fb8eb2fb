"""The service loop's root fields (三(三)4): listings and a request by id on Query, one
mutation per transition on Mutation. `Query` and `Mutation` inherit them.

Who may do what is the scoped view's (`orggraph.access.service`): an organiser of the scope
orders, dispatches, verifies, reopens and cancels (acting for their own unit unless they name
one); a `cadre` token accepts, declines and completes what is dispatched to its member.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from orggraph.api.context import Info
from orggraph.api.service_types import (
    ServiceFilterInput,
    ServiceKind,
    ServiceRequest,
    ServiceRequestConnection,
)
from orggraph.domain import service
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.service import OPEN_STATES, ServiceAction, ServiceCommand, ServiceFilter
from orggraph.store.values import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, clamp_page_size

PageSize = Annotated[
    int,
    strawberry.argument(
        description=f"Page size (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    ),
]
After = Annotated[str | None, strawberry.argument(description="endCursor of the previous page.")]
RequestId = Annotated[strawberry.ID, strawberry.argument(description="Id of the request.")]
Reason = Annotated[str, strawberry.argument(description="Why, or what was done.")]
UnitArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="The acting unit (default: the unit your token answers for)."),
]
CadreArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="The acting cadre (admins only; a cadre token acts as itself)."
    ),
]
OpenOnly = Annotated[
    bool, strawberry.argument(description="Only open requests (neither verified nor cancelled).")
]


async def _page(
    info: Info, scope: str | None, keep: ServiceFilter, first: int, after: str | None
) -> ServiceRequestConnection:
    """A listing's page, its households, assignees and cadres primed in the node loader:
    read with the page, so answering them costs no round trip."""
    found = await info.context.store.service_page(
        scope, keep, info.context.policy, datetime.now(UTC).date(), clamp_page_size(first), after
    )
    info.context.loaders.node.prime_many(found.nodes)
    return ServiceRequestConnection.of(found.page)


def _open(keep: ServiceFilter, open_only: bool) -> ServiceFilter:
    return ServiceFilter(**{**keep.__dict__, "states": OPEN_STATES}) if open_only else keep


@strawberry.type
class ServiceQuery:
    @strawberry.field(
        description="The service requests of a scope's households (your unit when null), by id."
    )
    async def service_requests(
        self,
        info: Info,
        scope: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A unit or household; null: your own unit."),
        ] = None,
        filter: Annotated[
            ServiceFilterInput | None, strawberry.argument(description="Which requests.")
        ] = None,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> ServiceRequestConnection:
        keep = filter.domain() if filter else ServiceFilter()
        return await _page(info, str(scope) if scope is not None else None, keep, first, after)

    @strawberry.field(description="A service request by id; null when unknown or not yours.")
    async def service_request(self, info: Info, id: RequestId) -> ServiceRequest | None:
        (found,) = await info.context.store.service_requests_many([str(id)])
        return ServiceRequest.of(found) if found is not None else None

    @strawberry.field(
        description="A cadre's requests: dispatched to or accepted by them (a cadre token: its "
        "own, and member may be left out)."
    )
    async def cadre_requests(
        self,
        info: Info,
        member: Annotated[
            strawberry.ID | None, strawberry.argument(description="The cadre.")
        ] = None,
        open_only: OpenOnly = True,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> ServiceRequestConnection:
        member_id = str(member) if member is not None else info.context.principal.member_id
        if member_id is None:
            raise UnknownIdError(["(none)"], "member")
        keep = _open(ServiceFilter(cadre_id=member_id), open_only)
        return await _page(info, None, keep, first, after)

    @strawberry.field(description="The requests dispatched to a work unit (单位接单).")
    async def work_unit_requests(
        self,
        info: Info,
        work_unit: Annotated[strawberry.ID, strawberry.argument(description="The work unit.")],
        open_only: OpenOnly = True,
        first: PageSize = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> ServiceRequestConnection:
        keep = _open(ServiceFilter(work_unit_id=str(work_unit)), open_only)
        return await _page(info, None, keep, first, after)


@strawberry.input(description="A resident's request, as an organiser records it.")
class OrderServiceInput:
    household_id: strawberry.ID = strawberry.field(description="The household asking.")
    kind: ServiceKind = strawberry.field(description="Dream, wish or complaint.")
    text: str = strawberry.field(description="What they ask for.")
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Request id (default: made from the time, so ids sort by it)."
    )


async def _advance(
    info: Info,
    request_id: strawberry.ID,
    action: ServiceAction,
    reason: str = "",
    unit_id: strawberry.ID | None = None,
    assignee_id: strawberry.ID | None = None,
    member_id: strawberry.ID | None = None,
    offer_id: strawberry.ID | None = None,
) -> ServiceRequest:
    points = 0
    if action is ServiceAction.VERIFY:
        (request,) = await info.context.store.service_requests_many([str(request_id)])
        if request is None:
            raise UnknownIdError([str(request_id)], "service request")
        points = info.context.policy.points_for(request.kind)
    moved = await info.context.store.advance_service(
        ServiceCommand(
            request_id=str(request_id),
            action=action,
            by=info.context.principal.subject,
            at=datetime.now(UTC),
            reason=reason,
            unit_id=str(unit_id) if unit_id is not None else None,
            assignee_id=str(assignee_id) if assignee_id is not None else None,
            member_id=str(member_id) if member_id is not None else None,
            points=points,
            offer_id=str(offer_id) if offer_id is not None else None,
        )
    )
    return ServiceRequest.of(moved)


@strawberry.type
class ServiceMutation:
    @strawberry.mutation(description="Record a household's request (下单), ordered.")
    async def order_service(self, info: Info, input: OrderServiceInput) -> ServiceRequest:
        at = datetime.now(UTC)
        request = service.ServiceRequest(
            id=str(input.id) if input.id is not None else service.new_request_id(at),
            household_id=str(input.household_id),
            kind=input.kind.domain(),
            text=input.text,
            recorded_by=info.context.principal.subject,
            recorded_at=at,
        )
        return ServiceRequest.of(await info.context.store.order_service(request))

    @strawberry.mutation(
        description="Dispatch a request to a cadre or a work unit (派单), from a unit at or "
        "above the household's building group, optionally matched to one of the assignee's "
        "open offers (供给) serving the household's place."
    )
    async def dispatch_service(
        self,
        info: Info,
        id: RequestId,
        assignee_id: Annotated[
            strawberry.ID, strawberry.argument(description="A cadre or a work unit.")
        ],
        unit_id: UnitArg = None,
        reason: Reason = "",
        offer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="An open offer of the assignee serving the household's place, "
                "available today, that the dispatch uses."
            ),
        ] = None,
    ) -> ServiceRequest:
        return await _advance(
            info,
            id,
            ServiceAction.DISPATCH,
            reason,
            unit_id=unit_id,
            assignee_id=assignee_id,
            offer_id=offer_id,
        )

    @strawberry.mutation(description="Accept a request dispatched to you (接单).")
    async def accept_service(
        self, info: Info, id: RequestId, member_id: CadreArg = None
    ) -> ServiceRequest:
        return await _advance(info, id, ServiceAction.ACCEPT, member_id=member_id)

    @strawberry.mutation(description="Give a request back for re-dispatch, saying why (退回).")
    async def decline_service(
        self, info: Info, id: RequestId, reason: Reason, member_id: CadreArg = None
    ) -> ServiceRequest:
        return await _advance(info, id, ServiceAction.DECLINE, reason, member_id=member_id)

    @strawberry.mutation(description="Report a request you accepted as done (办结).")
    async def complete_service(
        self, info: Info, id: RequestId, reason: Reason = "", member_id: CadreArg = None
    ) -> ServiceRequest:
        return await _advance(info, id, ServiceAction.COMPLETE, reason, member_id=member_id)

    @strawberry.mutation(
        description="Verify a done request (核单), from the household's community or street; "
        "the cadre earns the policy's points for its kind."
    )
    async def verify_service(
        self, info: Info, id: RequestId, unit_id: UnitArg = None, reason: Reason = ""
    ) -> ServiceRequest:
        return await _advance(info, id, ServiceAction.VERIFY, reason, unit_id=unit_id)

    @strawberry.mutation(
        description="Fail a done request's verification, saying why: it waits for re-dispatch."
    )
    async def reopen_service(
        self, info: Info, id: RequestId, reason: Reason, unit_id: UnitArg = None
    ) -> ServiceRequest:
        return await _advance(info, id, ServiceAction.REOPEN, reason, unit_id=unit_id)

    @strawberry.mutation(description="Cancel an open request, saying why (撤销).")
    async def cancel_service(self, info: Info, id: RequestId, reason: Reason) -> ServiceRequest:
        return await _advance(info, id, ServiceAction.CANCEL, reason)
