"""The embedded store's service requests come back from the journal alone (replay, before any
compaction) exactly as from a snapshot: the apply function is the one live writes use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from contract.city import build_small_city

from orggraph.domain.service import (
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
    service_points_id,
)
from orggraph.store.memory import MemoryStore

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


async def _seen(store: MemoryStore) -> tuple[object, ...]:
    requests = await store.service_requests_many(["SR-1", "SR-2"])
    steps = await store.service_steps_many(["SR-1", "SR-2"])
    points = await store.member_points("m1", 2025)
    return requests, steps, points


async def test_replay_and_snapshot_rebuild_the_same_requests(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path)
    await build_small_city(store)
    await store.order_service(ServiceRequest("SR-1", "h01", ServiceKind.WISH, "修灯", "o", T0))
    await store.order_service(ServiceRequest("SR-2", "h02", ServiceKind.DREAM, "学业", "o", T0))
    for hours, action, extra in [
        (1, ServiceAction.DISPATCH, {"unit_id": "g1", "assignee_id": "m1"}),
        (2, ServiceAction.ACCEPT, {"member_id": "m1"}),
        (3, ServiceAction.COMPLETE, {"member_id": "m1"}),
        (4, ServiceAction.VERIFY, {"unit_id": "c1", "points": 2}),
    ]:
        await store.advance_service(
            ServiceCommand("SR-1", action, "o", T0 + timedelta(hours=hours), **extra)  # type: ignore[arg-type]
        )
    await store.advance_service(
        ServiceCommand("SR-2", ServiceAction.CANCEL, "o", T0 + timedelta(hours=1), reason="重复")
    )
    live = await _seen(store)
    assert service_points_id("SR-1") in {e.id for e in live[2]}  # type: ignore[union-attr]

    replayed = await MemoryStore.open(tmp_path, read_only=True)  # the journal, not compacted
    try:
        assert await _seen(replayed) == live
    finally:
        await replayed.close()
    await store.close()  # compacts: the next open reads the snapshot
    reopened = await MemoryStore.open(tmp_path)
    try:
        assert await _seen(reopened) == live
    finally:
        await reopened.close()
