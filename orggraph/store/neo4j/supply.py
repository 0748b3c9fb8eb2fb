"""The Neo4j store's supply desk and service list (`SupplyDesk`): offers as ServiceOffer nodes
under their cadre or work unit (schema/migrations/007_service_offers.cypher).

Recording and withdrawing are each one write transaction that raises the data version first
(`Connection.write_in_turn`), as service transitions do: so a withdrawal and a dispatch using
the offer run one after the other, and the later one reads what the earlier one wrote; of two
recordings of one id, the second finds the first's offer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from orggraph.domain.entities import Page
from orggraph.domain.errors import DuplicateIdError, UnknownIdError
from orggraph.domain.service import AssigneeKind, ServiceRequest
from orggraph.domain.service_list import ServiceListFilter
from orggraph.domain.supply import OfferFilter, ServiceOffer, withdraw
from orggraph.store.cursors import parse_id_cursor
from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.offers import offer_from, offer_props
from orggraph.store.neo4j.service import request_from
from orggraph.store.values import DEFAULT_PAGE_SIZE, clamp_page_size

Props = Mapping[str, Any]

_OFFERER = {AssigneeKind.MEMBER: "cadre", AssigneeKind.WORK_UNIT: "work unit"}


class Neo4jSupplyDesk:
    """Mixed into `Neo4jStore`, whose connection it uses."""

    db: Connection

    async def record_offer(self, offer: ServiceOffer) -> ServiceOffer:
        await self.db.write_in_turn(self._record, offer)
        return offer

    async def _record(self, tx: AsyncManagedTransaction, offer: ServiceOffer) -> None:
        found = await self._offer_facts(tx, offer.id, offer.offered_by, offer.serves_id)
        if found["offered_by_kind"] != offer.offered_by_kind.value:
            raise UnknownIdError([offer.offered_by], _OFFERER[offer.offered_by_kind])
        if offer.serves_id is not None and not found["serves_found"]:
            raise UnknownIdError([offer.serves_id], "unit")
        if found["offer"] is not None:
            raise DuplicateIdError([offer.id], "a service offer")
        await self.db.run(tx, "offer_write", offer=offer_props(offer))

    async def withdraw_offer(
        self, offer_id: str, by: str, at: datetime, reason: str = ""
    ) -> ServiceOffer:
        return await self.db.write_in_turn(self._withdraw, offer_id, by, at, reason)

    async def _withdraw(
        self, tx: AsyncManagedTransaction, offer_id: str, by: str, at: datetime, reason: str
    ) -> ServiceOffer:
        found = await self._offer_facts(tx, offer_id, None, None)
        if found["offer"] is None:
            raise UnknownIdError([offer_id], "service offer")
        gone = withdraw(offer_from(found["offer"]), by, at, reason)
        await self.db.run(tx, "offer_write", offer=offer_props(gone))
        return gone

    async def _offer_facts(
        self,
        tx: AsyncManagedTransaction,
        offer_id: str,
        offered_by: str | None,
        serves_id: str | None,
    ) -> Props:
        rows = await self.db.run(
            tx, "offer_facts", offer_id=offer_id, offered_by=offered_by, serves_id=serves_id
        )
        found: Props = rows[0]
        return found

    async def service_offers_many(self, offer_ids: Sequence[str]) -> list[ServiceOffer | None]:
        if not offer_ids:
            return []
        found = await self.db.found("service_offers_many", ids=sorted(set(offer_ids)))
        by_id = {props["id"]: offer_from(props) for props in found}
        return [by_id.get(i) for i in offer_ids]

    async def service_offers(
        self,
        scope_id: str | None,
        keep: OfferFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceOffer]:
        rows = await self.db.query(
            "service_offers",
            scope_id=scope_id,
            kinds=[k.value for k in keep.kinds],
            offered_by=keep.offered_by,
            open_only=keep.open_only,
            after=parse_id_cursor(after, "service offers") if after is not None else None,
            first=clamp_page_size(first),
        )
        return _page(rows[0], scope_id, offer_from, after)

    async def service_list(
        self,
        scope_id: str | None,
        keep: ServiceListFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        rows = await self.db.query(
            "service_list",
            scope_id=scope_id,
            verified_from=_iso(keep.verified_from),
            verified_until=_iso(keep.verified_until),
            cadre_id=keep.cadre_id,
            work_unit_id=keep.work_unit_id,
            after=parse_id_cursor(after, "service list") if after is not None else None,
            first=clamp_page_size(first),
        )
        return _page(rows[0], scope_id, request_from, after)


def _page(row: Props, scope_id: str | None, read: Any, after: str | None) -> Page[Any]:
    if not row["scope_found"]:
        raise UnknownIdError([str(scope_id)], "unit or household")
    items = [read(props) for props in row["page"]]
    return Page(items, bool(row["has_next"]), int(row["total"]), items[-1].id if items else after)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
