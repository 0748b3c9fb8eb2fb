"""The embedded store's supply desk and service list (`SupplyDesk`): the same three steps as
every write. Validate (look the offerer and its place up, let `orggraph.domain.supply` decide),
journal one record, apply it (`GraphState._service_offer`, which replay calls too). No method
suspends between checking and applying, so a withdrawal and a dispatch using the offer run one
after the other.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from orggraph.domain import rules
from orggraph.domain.entities import Page
from orggraph.domain.errors import DuplicateIdError, UnknownIdError
from orggraph.domain.kinds import NodeKind
from orggraph.domain.service import AssigneeKind, ServiceRequest
from orggraph.domain.service_list import ServiceListFilter
from orggraph.domain.supply import OfferFilter, ServiceOffer, withdraw
from orggraph.store.cursors import parse_id_cursor
from orggraph.store.memory.journal import JsonObject
from orggraph.store.memory.state import GraphState, Survey
from orggraph.store.memory.supply_book import offer_row
from orggraph.store.values import DEFAULT_PAGE_SIZE, clamp_page_size

T = TypeVar("T", ServiceOffer, ServiceRequest)

_NODE_KIND = {AssigneeKind.MEMBER: NodeKind.MEMBER, AssigneeKind.WORK_UNIT: NodeKind.WORK_UNIT}
_OFFERER = {AssigneeKind.MEMBER: "cadre", AssigneeKind.WORK_UNIT: "work unit"}


class MemorySupplyDesk:
    """Mixed into `MemoryStore`, whose state, journal and surveys it uses."""

    _state: GraphState
    _commit: Callable[[str, JsonObject], None]
    _survey: Callable[[str | None], Survey]
    _ids_in: Callable[[str], list[str]]

    async def record_offer(self, offer: ServiceOffer) -> ServiceOffer:
        state = self._state
        if state.kind(offer.offered_by) is not _NODE_KIND[offer.offered_by_kind]:
            raise UnknownIdError([offer.offered_by], _OFFERER[offer.offered_by_kind])
        if offer.serves_id is not None:
            rules.require(offer.serves_id, NodeKind.UNIT, state)
        if offer.id in state.supply.offers:
            raise DuplicateIdError([offer.id], "a service offer")
        self._commit("service_offer", {"offer": offer_row(offer)})
        return offer

    async def withdraw_offer(
        self, offer_id: str, by: str, at: datetime, reason: str = ""
    ) -> ServiceOffer:
        offer = self._state.supply.offer(offer_id)
        if offer is None:
            raise UnknownIdError([offer_id], "service offer")
        gone = withdraw(offer, by, at, reason)
        self._commit("service_offer", {"offer": offer_row(gone)})
        return gone

    async def service_offers_many(self, offer_ids: Sequence[str]) -> list[ServiceOffer | None]:
        return [self._state.supply.offer(i) for i in offer_ids]

    async def service_offers(
        self,
        scope_id: str | None,
        keep: OfferFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceOffer]:
        book = self._state.supply
        places = None if scope_id is None else self._places_of(scope_id)
        found = [
            o
            for o in map(book.offer, book.ids())
            if o is not None
            and keep.keeps(o)
            and (places is None or o.serves_id is None or o.serves_id in places)
        ]
        return _page(found, first, after, "service offers")

    def _places_of(self, scope_id: str) -> set[str]:
        """The units an offer may serve to serve a place in the scope: the scope's own units
        (at or below it) and those above it."""
        state = self._state
        kind = state.kind(scope_id)
        if kind is NodeKind.HOUSEHOLD:
            below: list[str] = []
        elif kind is NodeKind.UNIT:
            below = self._survey(scope_id).units
        else:
            raise UnknownIdError([scope_id], "unit or household")
        above = []
        parent = state.parent_of(scope_id)
        while parent is not None:
            above.append(parent)
            parent = state.parent_of(parent)
        return {*below, *above}

    async def service_list(
        self,
        scope_id: str | None,
        keep: ServiceListFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        book = self._state.service
        ids = book.ids() if scope_id is None else self._ids_in(scope_id)
        found = [r for r in map(book.request, ids) if r is not None and keep.keeps(r)]
        return _page(found, first, after, "service list")


def _page(found: list[T], first: int, after: str | None, what: str) -> Page[T]:
    """One page of `found` (sorted by id) after the cursor, which is the last id."""
    start = 0
    if after is not None:
        start = bisect_right([item.id for item in found], parse_id_cursor(after, what))
    page = found[start : start + clamp_page_size(first)]
    has_next = start + len(page) < len(found)
    return Page(page, has_next, len(found), page[-1].id if page else after)
