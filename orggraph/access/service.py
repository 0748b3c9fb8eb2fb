"""The service loop seen through one caller (三(三)4): who may see a request and move it.

- A request lies inside a scope when its household does; a removed household's requests are
  an admin's only. Outside means unknown (UnknownIdError, None in batched reads).
- Organisers (street, community) and admins order, dispatch, verify, reopen and cancel; the
  acting unit is the organiser's own unit unless they name one inside their scope.
- A `cadre` token names a member: it sees the requests dispatched to that member, accepted by
  them or dispatched to their work unit, and only accepts, declines and completes them (as
  that member). Admins may act for any cadre by naming them; organisers may not.
- Dashboards read with the request's text and every step's reason masked.
- Every transition that succeeds is in the audit trail, with the request before and after.
The subject of the token is who recorded each step, whatever the caller says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from orggraph.access import permissions
from orggraph.access.audit import AuditRecorder
from orggraph.access.masking import MASK, mask_node
from orggraph.access.visibility import Visibility
from orggraph.auth.tokens import Principal, Role
from orggraph.domain.entities import Member, Page
from orggraph.domain.errors import ForbiddenError, UnknownIdError
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    CADRE_ACTIONS,
    AssigneeKind,
    ServiceAction,
    ServiceCommand,
    ServiceFilter,
    ServiceRequest,
    ServiceStep,
)
from orggraph.domain.supply import ServiceOffer
from orggraph.store.protocols import GraphStore
from orggraph.store.values import DEFAULT_PAGE_SIZE, ServicePage

UNIT_ACTIONS = frozenset({ServiceAction.DISPATCH, ServiceAction.VERIFY, ServiceAction.REOPEN})
"""Actions a unit takes (the caller's own unit unless they name another inside their scope)."""


def mask_request(request: ServiceRequest, sees_personal_data: bool) -> ServiceRequest:
    """A resident's words may name them: dashboards see the text masked."""
    return request if sees_personal_data else dataclasses.replace(request, text=MASK)


def mask_step(step: ServiceStep, sees_personal_data: bool) -> ServiceStep:
    if sees_personal_data or not step.reason:
        return step
    return dataclasses.replace(step, reason=MASK)


class ScopedServiceDesk:
    """Mixed into `ScopedStore`, whose store, principal, visibility and recorder it uses."""

    inner: GraphStore
    principal: Principal
    visibility: Visibility
    _recorder: AuditRecorder
    _sees_personal_data: bool
    service_offers_many: Callable[[Sequence[str]], Awaitable[list[ServiceOffer | None]]]
    """The offers the caller may see (`orggraph.access.supply`)."""

    # -- reads --------------------------------------------------------------------------------

    async def service_requests_many(
        self, request_ids: Sequence[str]
    ) -> list[ServiceRequest | None]:
        found = await self.inner.service_requests_many(request_ids)
        seen = await self._seen(found)
        return [
            mask_request(r, self._sees_personal_data) if r is not None and r.id in seen else None
            for r in found
        ]

    async def service_steps_many(
        self, request_ids: Sequence[str]
    ) -> list[list[ServiceStep] | None]:
        seen = await self._seen(await self.inner.service_requests_many(request_ids))
        steps = await self.inner.service_steps_many([i for i in request_ids if i in seen])
        by_id = dict(zip([i for i in request_ids if i in seen], steps, strict=True))
        return [
            [mask_step(s, self._sees_personal_data) for s in rows]
            if (rows := by_id.get(i)) is not None
            else None
            for i in request_ids
        ]

    async def service_requests(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        """A cadre lists their own requests (or their work unit's) across the city, or of
        one household they serve; everyone else the requests of a scope inside theirs (null:
        their own unit)."""
        scope, keep = await self._listed(scope_id, keep)
        page = await self.inner.service_requests(scope, keep, policy, today, first, after)
        items = [mask_request(r, self._sees_personal_data) for r in page.items]
        return dataclasses.replace(page, items=items)

    async def service_page(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> ServicePage:
        """`service_requests` with the nodes its requests name, as `get_nodes` answers this
        caller: those it may not see are None, the rest masked as it reads them."""
        scope, keep = await self._listed(scope_id, keep)
        found = await self.inner.service_page(scope, keep, policy, today, first, after)
        items = [mask_request(r, self._sees_personal_data) for r in found.page.items]
        self.visibility.know(found.nodes)
        shown = await self.visibility.visible_ids(list(found.nodes))
        nodes = {
            i: mask_node(n, self._sees_personal_data) if n is not None and i in shown else None
            for i, n in found.nodes.items()
        }
        return ServicePage(dataclasses.replace(found.page, items=items), nodes)

    async def _listed(
        self, scope_id: str | None, keep: ServiceFilter
    ) -> tuple[str | None, ServiceFilter]:
        """The scope and filter a listing may use: a cadre's own requests (or their work
        unit's) across the city or of one household they serve; anyone else's of a scope
        inside theirs (null: their own unit)."""
        member = self.principal.member_id
        if member is not None:
            own_unit = await self._work_unit_of(member)
            if keep.work_unit_id is None or keep.work_unit_id != own_unit:
                keep = dataclasses.replace(keep, cadre_id=member, work_unit_id=None)
        scope = await self._listing_scope(scope_id)
        if member is None and keep.cadre_id is not None:
            await self.visibility.require_visible(keep.cadre_id)
        return scope, keep

    async def _listing_scope(self, scope_id: str | None) -> str | None:
        """Where a listing looks: a scope the caller may see; without one, the caller's own
        unit, or for a cadre the whole city (its filter keeps only its own)."""
        if scope_id is None:
            return None if self.principal.member_id is not None else self.visibility.scope
        await self.visibility.require_visible(scope_id)
        return scope_id

    async def _seen(self, requests: Sequence[ServiceRequest | None]) -> set[str]:
        """Which of the requests the caller may see."""
        known = [r for r in requests if r is not None]
        if self.principal.role is Role.ADMIN:
            return {r.id for r in known}
        member = self.principal.member_id
        if member is not None:
            own_unit = await self._work_unit_of(member)
            return {r.id for r in known if _is_cadres(r, member, own_unit)}
        inside = await self.visibility.visible_ids([r.household_id for r in known])
        return {r.id for r in known if r.household_id in inside}

    async def _work_unit_of(self, member_id: str) -> str | None:
        (member,) = await self.inner.get_nodes([member_id])
        return member.work_unit_id if isinstance(member, Member) else None

    # -- writes -------------------------------------------------------------------------------

    async def order_service(self, request: ServiceRequest) -> ServiceRequest:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(request.household_id)
        request = dataclasses.replace(request, recorded_by=self.principal.subject)
        return await self._recorder.run(
            "order_service",
            [request.id, request.household_id],
            request,
            lambda: self.inner.order_service(request),
            lambda: self._trail(request.id),
        )

    async def advance_service(self, command: ServiceCommand) -> ServiceRequest:
        """The audit entry is made and kept inside the store's write. An admin sees every
        request, so the store's own check answers an unknown one; anyone else's request is
        looked up first, so one outside their scope is unknown to them."""
        if self.principal.role is not Role.ADMIN:
            (request,) = await self.service_requests_many([command.request_id])
            if request is None:
                raise UnknownIdError([command.request_id], "service request")
        command = await self._as_caller(command)
        audit = self._recorder.transition(f"{command.action.value}_service", command)
        return await self.inner.advance_service(command, audit)

    async def _as_caller(self, command: ServiceCommand) -> ServiceCommand:
        """The command as this caller may give it: their subject; a cadre as themselves; a
        unit of theirs; an assignee and an offer they can see."""
        principal = self.principal
        command = dataclasses.replace(command, by=principal.subject)
        if command.action in CADRE_ACTIONS:
            if principal.role is Role.CADRE:
                return dataclasses.replace(command, member_id=principal.member_id)
            permissions.require_admin(principal, f"{command.action.value} for a cadre")
            return command
        permissions.require_writer(principal)
        if command.action in UNIT_ACTIONS:
            if command.unit_id is None and principal.role is not Role.ADMIN:
                command = dataclasses.replace(command, unit_id=principal.scope_id)
            await self.visibility.require_visible(command.unit_id)
        if command.assignee_id is not None:
            await self.visibility.require_visible(command.assignee_id)
        if command.offer_id is not None:
            (offer,) = await self.service_offers_many([command.offer_id])
            if offer is None:
                raise UnknownIdError([command.offer_id], "service offer")
        if command.member_id is not None:
            raise ForbiddenError(f"{command.action.value} takes no acting cadre")
        return command

    async def _trail(self, request_id: str) -> dict[str, Any]:
        """The request and its last step, for the audit trail."""
        (request,) = await self.inner.service_requests_many([request_id])
        (steps,) = await self.inner.service_steps_many([request_id])
        return {"request": request, "last_step": steps[-1] if steps else None}


def _is_cadres(request: ServiceRequest, member_id: str, work_unit_id: str | None) -> bool:
    """Dispatched to the cadre, accepted by them, or dispatched to their work unit."""
    if request.cadre_id == member_id:
        return True
    if request.assignee_kind is AssigneeKind.MEMBER:
        return request.assignee_id == member_id
    return (
        request.assignee_kind is AssigneeKind.WORK_UNIT
        and work_unit_id is not None
        and request.assignee_id == work_unit_id
    )
