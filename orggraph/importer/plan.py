"""What an import would change, worked out by reading the store only (`--dry-run`).

The real import counts what changed from the `Changes` each bulk upsert returns; a dry run
cannot call them, so it compares the ledger's rows with what the store holds: a row whose id
(or cadre-household pair) is new would be created, a row that differs would be updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TypeVar

from orggraph.domain.cadres import CoverRecord
from orggraph.domain.entities import Mode, Node, PointsEntry
from orggraph.domain.service_history import ServiceHistory
from orggraph.domain.supply import ServiceOffer
from orggraph.ledger.columns import Kind
from orggraph.ledger.model import Ledger
from orggraph.store.protocols import GraphReader, ImportTarget
from orggraph.store.values import Changes

K = TypeVar("K")
V = TypeVar("V")


def _tally(rows: Iterable[tuple[K, V]], stored: Mapping[K, V]) -> Changes:
    """Compare each (key, value) row with the stored value under the same key."""
    created = updated = unchanged = 0
    for key, value in rows:
        current = stored.get(key)
        if current is None:
            created += 1
        elif current == value:
            unchanged += 1
        else:
            updated += 1
    return Changes(created, updated, unchanged)


def _chunks(ids: list[str], size: int) -> Iterable[list[str]]:
    return (ids[start : start + size] for start in range(0, len(ids), size))


async def plan_changes(
    ledger: Ledger, store: ImportTarget, stored: Mapping[str, Node], batch: int
) -> dict[Kind, Changes]:
    """Per kind, how many rows the import would create, update and leave unchanged.

    `stored` holds the store's nodes for the ledger's ids (read while validating); cadres'
    current assignments and points are read here, in batches, for cadres the store knows.
    """
    plan: dict[Kind, Changes] = {
        Kind.UNITS: _tally(((u.id, u) for u in ledger.units), stored),
        Kind.HOUSEHOLDS: _tally(((h.id, h) for h in ledger.households), stored),
        Kind.WORK_UNITS: _tally(((w.id, w) for w in ledger.work_units), stored),
        Kind.MEMBERS: _tally(((m.id, m) for m in ledger.members), stored),
    }
    covering = sorted({a.member_id for a in ledger.assignments if a.member_id in stored})
    covers: dict[tuple[str, str], tuple[Mode, date]] = {}
    for chunk in _chunks(covering, batch):
        for coverage in await store.member_households_many(chunk):
            for cover in coverage or []:
                covers[(cover.member.id, cover.household.id)] = (cover.mode, cover.since)
    plan[Kind.ASSIGNMENTS] = _tally(
        (((a.member_id, a.household_id), (a.mode, a.since)) for a in ledger.assignments), covers
    )
    scoring = sorted({entry.member_id for entry in ledger.points if entry.member_id in stored})
    points: dict[str, PointsEntry] = {}
    for year in sorted({entry.day.year for entry in ledger.points}):
        for chunk in _chunks(scoring, batch):
            for entries in await store.member_points_many(chunk, year):
                points.update((entry.id, entry) for entry in entries or [])
    plan[Kind.POINTS] = _tally(((p.id, p) for p in ledger.points), points)
    plan[Kind.ASSIGNMENTS] += await _plan_history(ledger, store, stored, batch)
    plan[Kind.OFFERS] = await _plan_offers(ledger, store, batch)
    plan[Kind.SERVICE_REQUESTS] = await _plan_service(ledger, store, batch)
    return plan


async def _plan_offers(ledger: Ledger, store: ImportTarget, batch: int) -> Changes:
    """The offers the store holds already against the ledger's."""
    kept: dict[str, ServiceOffer] = {}
    for chunk in _chunks([offer.id for offer in ledger.offers], batch):
        kept.update((o.id, o) for o in await store.service_offers_many(chunk) if o is not None)
    return _tally(((o.id, o) for o in ledger.offers), kept)


async def _plan_service(ledger: Ledger, store: ImportTarget, batch: int) -> Changes:
    """Requests the store holds already, with their timelines, against the ledger's."""
    kept: dict[str, ServiceHistory] = {}
    ids = [history.id for history in ledger.service]
    for chunk in _chunks(ids, batch):
        requests = await store.service_requests_many(chunk)
        timelines = await store.service_steps_many(chunk)
        for request, steps in zip(requests, timelines, strict=True):
            if request is not None and steps is not None:
                kept[request.id] = ServiceHistory(request, tuple(steps))
    return _tally(((h.id, h) for h in ledger.service), kept)


async def _plan_history(
    ledger: Ledger, store: GraphReader, stored: Mapping[str, Node], batch: int
) -> Changes:
    """Ended covers the store keeps already, by key, against the ledger's."""
    kept: dict[tuple[object, ...], CoverRecord] = {}
    cadres = sorted({r.member_id for r in ledger.history if r.member_id in stored})
    for chunk in _chunks(cadres, batch):
        for records in await store.member_history_many(chunk):
            kept.update((r.key, r) for r in records or [] if r.ended is not None)
    return _tally(((r.key, r) for r in ledger.history), kept)
