"""The embedded store's assignment history survives a crash: replaying the journal (no
snapshot, as a killed process leaves it) and restoring a snapshot give the same history."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from contract.city import build_small_city

from orggraph.domain.cadres import CoverRecord, EndReason
from orggraph.domain.entities import Mode
from orggraph.store.memory import MemoryStore
from orggraph.store.memory.journal import SNAPSHOT_FILE


async def test_history_is_replayed_from_the_journal_and_restored_from_a_snapshot(
    tmp_path: Path,
) -> None:
    live = await MemoryStore.open(tmp_path / "live")
    await build_small_city(live)
    await live.unassign("m1", "h02", date(2025, 3, 1))
    await live.transfer("h08", "m2", "m6", date(2025, 5, 5))
    await live.delete_unit("h10")
    await live.record_history_many(
        [
            CoverRecord(
                "m7",
                "h99",
                Mode.UNIT,
                date(2020, 1, 1),
                date(2021, 1, 1),
                EndReason.HOUSEHOLD_REMOVED,
            )
        ]
    )
    ids = ["h02", "h08", "h10", "h99"]
    expected = await live.household_history_many(ids)
    members = await live.member_history_many(["m1", "m2", "m3", "m6", "m7"])
    assert all(expected) and len(expected[2] or []) == 1

    shutil.copytree(tmp_path / "live", tmp_path / "crashed")  # as a kill -9 leaves it
    assert not (tmp_path / "crashed" / SNAPSHOT_FILE).exists()
    replayed = await MemoryStore.open(tmp_path / "crashed")
    try:
        assert await replayed.household_history_many(ids) == expected
        assert await replayed.member_history_many(["m1", "m2", "m3", "m6", "m7"]) == members
        assert await replayed.counts() == await live.counts()
    finally:
        await replayed.close()

    await live.close()  # compacts into a snapshot
    assert (tmp_path / "live" / SNAPSHOT_FILE).exists()
    restored = await MemoryStore.open(tmp_path / "live")
    try:
        assert await restored.household_history_many(ids) == expected
        assert await restored.counts_many([None]) == await restored.recount_many([None])
    finally:
        await restored.close()
