"""The embedded store's `load_service_many`: a ledger's requests with their timelines, checked
against the state and journalled as one record (all of them or none)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from orggraph.domain import rules
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.kinds import NodeKind
from orggraph.domain.service import AssigneeKind
from orggraph.domain.service_history import ServiceHistory
from orggraph.store import service_load
from orggraph.store.memory.journal import JsonObject
from orggraph.store.memory.service_book import request_row, step_row
from orggraph.store.memory.state import GraphState
from orggraph.store.values import Changes

_KIND_OF = {AssigneeKind.MEMBER: NodeKind.MEMBER, AssigneeKind.WORK_UNIT: NodeKind.WORK_UNIT}


class MemoryServiceLoad:
    """Mixed into `MemoryStore`, whose state and journal it uses."""

    _state: GraphState
    _commit: Callable[[str, JsonObject], None]

    async def load_service_many(self, histories: Sequence[ServiceHistory]) -> Changes:
        service_load.checked(histories)
        state, book = self._state, self._state.service
        changes = []
        rows = []
        for history in histories:
            rules.require(history.request.household_id, NodeKind.HOUSEHOLD, state)
            for unit_id in service_load.unit_ids(history):
                rules.require(unit_id, NodeKind.UNIT, state)
            for member_id in service_load.member_ids(history):
                rules.require(member_id, NodeKind.MEMBER, state)
            for step in history.steps:
                if step.assignee_id is not None:
                    kind = _KIND_OF.get(step.assignee_kind) if step.assignee_kind else None
                    if kind is None or state.kind(step.assignee_id) is not kind:
                        raise UnknownIdError([step.assignee_id], "cadre or work unit")
            for offer_id in service_load.offer_ids(history):
                if offer_id not in state.supply.offers:
                    raise UnknownIdError([offer_id], "service offer")
            change = service_load.change_of(
                history, book.request(history.id), book.timeline(history.id) or None
            )
            changes.append(change)
            if change != service_load.UNCHANGED:
                rows.append([request_row(history.request), [step_row(s) for s in history.steps]])
        if rows:
            self._commit("service_load", {"rows": rows})
        return service_load.tallied(changes)
