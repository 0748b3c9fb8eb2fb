"""The embedded store's offers, and the offer a dispatch matched, come back from the journal
alone (replay, before any compaction) exactly as from a snapshot, and from a backup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from contract.city import build_small_city

from orggraph.domain.service import (
    AssigneeKind,
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
)
from orggraph.domain.service_list import ServiceListFilter
from orggraph.domain.supply import OfferFilter, OfferKind, ServiceOffer
from orggraph.store.memory import MemoryStore
from orggraph.store.memory.backup import restore_backup, take_backup

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


async def _seen(store: MemoryStore) -> tuple[object, ...]:
    offers = await store.service_offers(None, OfferFilter())
    requests = await store.service_requests_many(["SR-1"])
    steps = await store.service_steps_many(["SR-1"])
    served = await store.service_list(None, ServiceListFilter())
    return offers, requests, steps, served


async def test_replay_snapshot_and_backup_rebuild_the_same_offers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = await MemoryStore.open(data)
    await build_small_city(store)
    for oid, by, kind in [
        ("SO-1", "m1", AssigneeKind.MEMBER),
        ("SO-2", "wu1", AssigneeKind.WORK_UNIT),
    ]:
        await store.record_offer(
            ServiceOffer(oid, by, kind, OfferKind.SKILL, "水电维修", "o", T0, "c1", schedule="周六")
        )
    await store.withdraw_offer("SO-2", "o", T0 + timedelta(hours=1), "调岗")
    await store.order_service(ServiceRequest("SR-1", "h01", ServiceKind.WISH, "修灯", "o", T0))
    for hours, action, extra in [
        (2, ServiceAction.DISPATCH, {"unit_id": "g1", "assignee_id": "m1", "offer_id": "SO-1"}),
        (3, ServiceAction.ACCEPT, {"member_id": "m1"}),
        (4, ServiceAction.COMPLETE, {"member_id": "m1"}),
        (5, ServiceAction.VERIFY, {"unit_id": "c1", "points": 2}),
    ]:
        await store.advance_service(
            ServiceCommand("SR-1", action, "o", T0 + timedelta(hours=hours), **extra)  # type: ignore[arg-type]
        )
    live = await _seen(store)
    assert [o.id for o in live[0].items] == ["SO-1", "SO-2"]  # type: ignore[attr-defined]
    (request,) = await store.service_requests_many(["SR-1"])
    assert request is not None and request.offer_id == "SO-1"

    replayed = await MemoryStore.open(data, read_only=True)  # the journal, not compacted
    try:
        assert await _seen(replayed) == live
    finally:
        await replayed.close()
    await store.close()  # compacts: the next open reads the snapshot
    reopened = await MemoryStore.open(data)
    try:
        assert await _seen(reopened) == live
    finally:
        await reopened.close()
    backup = tmp_path / "backup.tar.gz"
    take_backup(data, backup)
    restore_backup(backup, tmp_path / "restored")
    restored = await MemoryStore.open(tmp_path / "restored")
    try:
        assert await _seen(restored) == live
    finally:
        await restored.close()


async def test_a_ledgers_offers_come_back_from_the_journal_as_one_record(tmp_path: Path) -> None:
    """`load_offers_many` journals one record; replaying it gives the offers as loaded."""
    data = tmp_path / "data"
    store = await MemoryStore.open(data)
    await build_small_city(store)
    offers = [
        ServiceOffer("LO-1", "m1", AssigneeKind.MEMBER, OfferKind.SKILL, "修灯", "o", T0, "c1"),
        ServiceOffer("LO-2", "wu1", AssigneeKind.WORK_UNIT, OfferKind.RESOURCE, "车辆", "o", T0),
    ]
    journal = data / "journal.log"
    lines = journal.read_bytes().count(b"\n")
    await store.load_offers_many(offers)
    assert journal.read_bytes().count(b"\n") == lines + 1
    replayed = await MemoryStore.open(data, read_only=True)
    try:
        assert await replayed.service_offers_many(["LO-1", "LO-2"]) == offers
    finally:
        await replayed.close()
    await store.close()
