"""`orggraph backup` / `orggraph restore` for the embedded store: a backup restored into an
empty folder gives every figure back, a backup taken while writes and compactions run is a
consistent moment of them, and a damaged backup or a used folder is refused."""

from __future__ import annotations

import asyncio
import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from contract.city import City, build_small_city

from orggraph.cli import main
from orggraph.domain.entities import Household
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore
from orggraph.store.memory.backup import BackupError, restore_backup, take_backup
from orggraph.store.memory.journal import Limits
from orggraph.verify import find_drifts

POLICY = Policy(min_households=3, max_households=3, min_yearly_points=20)


async def _figures(store: MemoryStore, city: City) -> dict[str, Any]:
    """Everything a reader can ask of the fixture city, by scope and by id."""
    scopes: list[str | None] = [None, *city.units]
    return {
        "counts": [await store.counts(scope) for scope in scopes],
        "gaps": [await store.gap_counts(scope, POLICY, 2024) for scope in scopes],
        "summary": await store.coverage_summary(None),
        "nodes": await store.get_nodes(city.node_ids()),
        "covers": [await store.member_households(member) for member in city.members],
        "points": [await store.member_points(member, 2024) for member in city.members],
        "audit": (await store.audit_entries(500, None, None)).items,
    }


async def test_a_restored_backup_answers_every_question_as_the_original(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    city = await build_small_city(store, single_writes=True)
    await store.rename_unit("b2", "东园")
    expected = await _figures(store, city)
    info = take_backup(tmp_path / "data", tmp_path / "city.tar.gz")  # while the store is open
    await store.close()
    assert info.records > 0
    restore_backup(tmp_path / "city.tar.gz", tmp_path / "restored")
    restored = await MemoryStore.open(tmp_path / "restored")
    try:
        assert await _figures(restored, city) == expected
        checked, drifts = await find_drifts(restored, POLICY, 2024)
        assert checked == len(city.units) + 1 and drifts == []
    finally:
        await restored.close()


async def test_backups_taken_during_writes_and_compactions_are_each_one_moment(
    tmp_path: Path,
) -> None:
    """A writer adds households h0001, h0002, ... while the journal compacts every few
    records; every backup taken meanwhile restores to exactly the first k of them."""
    store = await MemoryStore.open(tmp_path / "data", Limits(max_records=7))
    city = await build_small_city(store)
    base = set(city.households)
    written = 0
    stop = asyncio.Event()

    async def write() -> None:
        nonlocal written
        while not stop.is_set():
            written += 1
            await store.upsert_household(Household(f"h{written:04d}", f"住户{written}", "g6"))
            await asyncio.sleep(0)

    writer = asyncio.create_task(write())
    prefixes = []
    for number in range(12):
        out = tmp_path / f"b{number}.tar.gz"
        await asyncio.to_thread(take_backup, tmp_path / "data", out)
        target = tmp_path / f"r{number}"
        restore_backup(out, target)
        restored = await MemoryStore.open(target)
        children = await restored.children("g6", 500, None)
        await restored.close()
        ids = sorted(node.id for node in children.items)
        k = len(ids)
        assert ids == [f"h{i:04d}" for i in range(1, k + 1)], ids
        prefixes.append(k)
    stop.set()
    await writer
    await store.close()
    assert base and written > max(prefixes) >= 0
    assert len(set(prefixes)) > 1, prefixes  # the backups did see the writes move on


async def test_a_damaged_backup_or_a_used_folder_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    await build_small_city(store)
    await store.close()
    good = take_backup(tmp_path / "data", tmp_path / "good.tar.gz").path
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(good, tmp_path / "data")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(good) as source, tarfile.open(damaged, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "snapshot.json":
                data = data.replace(b"h01", b"h0X", 1)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match=r"snapshot\.json does not match its checksum"):
        restore_backup(damaged, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()
    with pytest.raises(BackupError, match="no orggraph data"):
        take_backup(tmp_path / "empty", tmp_path / "none.tar.gz")


def test_the_commands_back_up_and_restore_the_configured_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def build() -> None:
        store = await MemoryStore.open(tmp_path / "data")
        await build_small_city(store)
        await store.close()

    asyncio.run(build())
    monkeypatch.setenv("ORGGRAPH_STORE", "memory")
    monkeypatch.setenv("ORGGRAPH_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    taken = runner.invoke(main, ["backup", "--out", str(tmp_path / "b.tar.gz")])
    assert taken.exit_code == 0, taken.output
    restored = runner.invoke(
        main, ["restore", str(tmp_path / "b.tar.gz"), "--data-dir", str(tmp_path / "new")]
    )
    assert restored.exit_code == 0, restored.output
    assert "20 households, 8 cadres" in restored.output
    again = runner.invoke(
        main, ["restore", str(tmp_path / "b.tar.gz"), "--data-dir", str(tmp_path / "new")]
    )
    assert again.exit_code == 1 and "not empty" in again.output
    monkeypatch.setenv("ORGGRAPH_STORE", "neo4j")
    refused = runner.invoke(main, ["backup"])
    assert refused.exit_code == 1 and "neo4j-admin database dump" in refused.output
