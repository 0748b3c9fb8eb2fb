"""The embedded store's service desk (`ServiceDesk`): the same three steps as every write.

Validate (look the facts up, let `orggraph.domain.service` decide), journal one record, apply
it (`GraphState._service_step`, which replay calls too). No method suspends between checking
and applying, so two accepts from concurrent tasks run one after the other.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from orggraph.domain import rules
from orggraph.domain.audit import AuditEntry
from orggraph.domain.entities import Page, Unit
from orggraph.domain.errors import DuplicateIdError, UnknownIdError
from orggraph.domain.kinds import NodeKind
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    AssigneeKind,
    Facts,
    ServiceCommand,
    ServiceFilter,
    ServiceRequest,
    ServiceStep,
    advance,
    order,
    service_points_id,
    service_points_reason,
)
from orggraph.store.cursors import parse_id_cursor
from orggraph.store.memory.journal import JsonObject
from orggraph.store.memory.service_book import request_row, step_row
from orggraph.store.memory.state import GraphState, Survey
from orggraph.store.service_gaps import ServiceGaps
from orggraph.store.service_pages import ServicePages
from orggraph.store.values import DEFAULT_PAGE_SIZE, AuditOf, Transition, clamp_page_size

_ASSIGNEE_KINDS = {NodeKind.MEMBER: AssigneeKind.MEMBER, NodeKind.WORK_UNIT: AssigneeKind.WORK_UNIT}


class MemoryServiceDesk(ServiceGaps, ServicePages):
    """Mixed into `MemoryStore`, whose state, journal and surveys it uses."""

    _state: GraphState
    _commit: Callable[[str, JsonObject], None]
    _survey: Callable[[str | None], Survey]
    record_audit: Callable[[AuditEntry], Awaitable[None]]

    async def order_service(self, request: ServiceRequest) -> ServiceRequest:
        rules.require(request.household_id, NodeKind.HOUSEHOLD, self._state)
        if request.id in self._state.service.requests:
            raise DuplicateIdError([request.id], "a service request")
        step = order(request)
        self._commit("service_step", {"request": request_row(request), "step": step_row(step)})
        return request

    async def advance_service(
        self, command: ServiceCommand, audit: AuditOf | None = None
    ) -> ServiceRequest:
        request = self._state.service.request(command.request_id)
        if request is None:
            raise UnknownIdError([command.request_id], "service request")
        moved, step = advance(request, command, self._facts(request, command))
        entry = None
        if audit is not None:
            timeline = self._state.service.timeline(request.id)
            entry = audit(Transition(request, timeline[-1] if timeline else None, moved, step))
            if entry.id in self._state.audit:
                raise DuplicateIdError([entry.id], "an audit entry")
        args: JsonObject = {"request": request_row(moved), "step": step_row(step)}
        if step.points and step.member_id is not None:
            entry_id = service_points_id(request.id)
            rules.check_same_kind(entry_id, NodeKind.POINTS, self._state)
            day = step.at.date().isoformat()
            args["points"] = [
                entry_id,
                step.member_id,
                day,
                step.points,
                service_points_reason(request),
            ]
        self._commit("service_step", args)
        if entry is not None:
            await self.record_audit(entry)
        return moved

    def _facts(self, request: ServiceRequest, command: ServiceCommand) -> Facts:
        """The household's units and what the command's ids name, the offer a dispatch uses
        included (UnknownIdError if nothing)."""
        state = self._state
        assignee_kind = None
        if command.assignee_id is not None:
            found = _ASSIGNEE_KINDS.get(state.kind(command.assignee_id))  # type: ignore[arg-type]
            if found is None:
                raise UnknownIdError([command.assignee_id], "cadre or work unit")
            assignee_kind = found
        work_unit = None
        if command.member_id is not None:
            rules.require(command.member_id, NodeKind.MEMBER, state)
            work_unit = state.nodes[command.member_id]["work_unit"]
        if command.unit_id is not None:
            rules.require(command.unit_id, NodeKind.UNIT, state)
        offer = None
        if command.offer_id is not None:
            offer = state.supply.offer(command.offer_id)
            if offer is None:
                raise UnknownIdError([command.offer_id], "service offer")
        return Facts(self._units_above(request.household_id), assignee_kind, work_unit, offer)

    def _units_above(self, household_id: str) -> tuple[Unit, ...]:
        nodes = self._state.nodes
        chain: list[Unit] = []
        attrs = nodes.get(household_id)
        parent = attrs["parent"] if attrs is not None else None
        while parent is not None:
            a = nodes[parent]
            chain.append(Unit(parent, a["name"], a["level"], a["parent"]))
            parent = a["parent"]
        return tuple(reversed(chain))

    async def service_requests_many(
        self, request_ids: Sequence[str]
    ) -> list[ServiceRequest | None]:
        return [self._state.service.request(i) for i in request_ids]

    async def service_steps_many(
        self, request_ids: Sequence[str]
    ) -> list[list[ServiceStep] | None]:
        book = self._state.service
        return [book.timeline(i) if i in book.requests else None for i in request_ids]

    async def service_requests(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        book = self._state.service
        ids = book.ids() if scope_id is None else self._ids_in(scope_id)
        limits = policy.limits()
        found = [
            r for r in map(book.request, ids) if r is not None and keep.keeps(r, limits, today)
        ]
        start = 0
        if after is not None:
            start = bisect_right([r.id for r in found], parse_id_cursor(after, "service requests"))
        page = found[start : start + clamp_page_size(first)]
        has_next = start + len(page) < len(found)
        return Page(page, has_next, len(found), page[-1].id if page else after)

    def _ids_in(self, scope_id: str) -> list[str]:
        """The requests of the households at or below a unit, or of one household."""
        by_household = self._state.service.by_household
        kind = self._state.kind(scope_id)
        if kind is NodeKind.HOUSEHOLD:
            households: Sequence[str] = [scope_id]
        elif kind is NodeKind.UNIT:
            households = self._survey(scope_id).households
        else:
            raise UnknownIdError([scope_id], "unit or household")
        return sorted(r for h in households for r in by_household.get(h, ()))
