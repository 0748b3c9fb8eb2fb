"""The Neo4j store's `load_offers_many`: a ledger's offers, checked and written in one
transaction per batch that takes the data version first (`write_in_turn`), as a live
recording does: two loads of one offer run one after the other, and the second finds the
first's offer (unchanged). A call of more than one batch is checked in full first. Offers are
few (a city's supply list is thousands, not its requests' hundreds of thousands), so the
batches need no side-by-side path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from orggraph.domain.errors import UnknownIdError
from orggraph.domain.service import AssigneeKind
from orggraph.domain.supply import ServiceOffer
from orggraph.store import offer_load
from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.offers import offer_from, offer_props
from orggraph.store.values import Changes

LOAD_ROWS = 5_000
"""Offers per transaction (each one node and two links)."""

_LABEL_OF = {AssigneeKind.MEMBER: "Member", AssigneeKind.WORK_UNIT: "WorkUnit"}
_OFFERER = {AssigneeKind.MEMBER: "cadre", AssigneeKind.WORK_UNIT: "work unit"}


class Neo4jOfferLoad:
    """Mixed into `Neo4jStore`, whose connection it uses."""

    db: Connection

    async def load_offers_many(self, offers: Sequence[ServiceOffer]) -> Changes:
        offer_load.checked(offers)
        batches = [
            list(offers[start : start + LOAD_ROWS]) for start in range(0, len(offers), LOAD_ROWS)
        ]
        if len(batches) > 1:
            for batch in batches:
                await self.db.read(self._check_offers, batch)
        total = Changes()
        for batch in batches:
            total += await self.db.write_in_turn(self._load_offers, batch)
        return total

    async def _check_offers(
        self, tx: AsyncManagedTransaction, offers: list[ServiceOffer]
    ) -> dict[str, str]:
        """Each offer's change; UnknownIdError and the rest as the protocol says."""
        ids = sorted({o.offered_by for o in offers} | {o.serves_id for o in offers if o.serves_id})
        found = (await self.db.run(tx, "lookup_kinds", ids=ids))[0]["found"]
        labels: dict[str, set[str]] = {}
        for entry in found:
            kinds = set(entry["labels"])
            if entry.get("level") is not None and "Household" not in kinds:
                kinds.add("Unit")
            labels[entry["id"]] = kinds
        for o in offers:
            if _LABEL_OF[o.offered_by_kind] not in labels.get(o.offered_by, set()):
                raise UnknownIdError([o.offered_by], _OFFERER[o.offered_by_kind])
            if o.serves_id is not None and "Unit" not in labels.get(o.serves_id, set()):
                raise UnknownIdError([o.serves_id], "unit")
        kept = (await self.db.run(tx, "service_offers_many", ids=[o.id for o in offers]))[0]
        stored = {props["id"]: offer_from(props) for props in kept["found"]}
        return {o.id: offer_load.change_of(o, stored.get(o.id)) for o in offers}

    async def _load_offers(
        self, tx: AsyncManagedTransaction, offers: list[ServiceOffer]
    ) -> Changes:
        changes = await self._check_offers(tx, offers)
        rows: list[dict[str, Any]] = [
            offer_props(o) for o in offers if changes[o.id] != offer_load.UNCHANGED
        ]
        if rows:
            await self.db.run(tx, "load_offers_many", offers=rows)
        return offer_load.tallied(changes.values())
