"""The embedded store's `load_offers_many`: a ledger's offers checked against the state and
journalled as one record (all of them or none), applied as a live recording is."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from orggraph.domain import rules
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.kinds import NodeKind
from orggraph.domain.service import AssigneeKind
from orggraph.domain.supply import ServiceOffer
from orggraph.store import offer_load
from orggraph.store.memory.journal import JsonObject
from orggraph.store.memory.state import GraphState
from orggraph.store.memory.supply_book import offer_row
from orggraph.store.values import Changes

_NODE_KIND = {AssigneeKind.MEMBER: NodeKind.MEMBER, AssigneeKind.WORK_UNIT: NodeKind.WORK_UNIT}
_OFFERER = {AssigneeKind.MEMBER: "cadre", AssigneeKind.WORK_UNIT: "work unit"}


class MemoryOfferLoad:
    """Mixed into `MemoryStore`, whose state and journal it uses."""

    _state: GraphState
    _commit: Callable[[str, JsonObject], None]

    async def load_offers_many(self, offers: Sequence[ServiceOffer]) -> Changes:
        offer_load.checked(offers)
        state = self._state
        changes = []
        rows = []
        for offer in offers:
            if state.kind(offer.offered_by) is not _NODE_KIND[offer.offered_by_kind]:
                raise UnknownIdError([offer.offered_by], _OFFERER[offer.offered_by_kind])
            if offer.serves_id is not None:
                rules.require(offer.serves_id, NodeKind.UNIT, state)
            change = offer_load.change_of(offer, state.supply.offer(offer.id))
            changes.append(change)
            if change != offer_load.UNCHANGED:
                rows.append(offer_row(offer))
        if rows:
            self._commit("offer_load", {"rows": rows})
        return offer_load.tallied(changes)
