"""The embedded store's journal: what survives a crash, what is dropped, what is refused.

Most tests drive `Journal` directly with a toy state (a running total), so a record applied
twice or skipped shows up as a wrong total. The last ones check that `MemoryStore` replays to
exactly the state its live calls built, and that a refused call leaves the journal untouched.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from orggraph.domain.audit import AuditEntry, new_audit_id
from orggraph.domain.entities import Assignment, Household, Member, Mode, PointsEntry, Unit
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.levels import Level
from orggraph.store.memory import MemoryStore
from orggraph.store.memory import journal as journal_module
from orggraph.store.memory.journal import (
    JOURNAL_FILE,
    SNAPSHOT_FILE,
    DataDirLockedError,
    Journal,
    JournalCorruptError,
    JsonObject,
    Limits,
    Record,
)
from orggraph.store.values import StoreUnavailableError


class Totals:
    """A toy state: the sum of every applied record's `add`, and the records seen."""

    def __init__(self) -> None:
        self.total = 0
        self.restored: JsonObject | None = None
        self.applied: list[Record] = []

    def restore(self, state: JsonObject) -> None:
        self.restored = state
        (self.total,) = state["total"]

    def apply(self, record: Record) -> None:
        self.applied.append(record)
        self.total += record.args["add"]

    def snapshot(self) -> dict[str, list[int]]:
        """A snapshot state is named sections of rows: here one section of one row."""
        return {"total": [self.total]}


def open_journal(data_dir: Path, limits: Limits | None = None) -> tuple[Journal, Totals]:
    totals = Totals()
    return Journal.open(data_dir, totals.restore, totals.apply, limits), totals


def write(data_dir: Path, *amounts: int) -> None:
    """Open, append one record per amount, close (no compaction: the journal keeps them)."""
    journal, _ = open_journal(data_dir)
    for amount in amounts:
        journal.append("add", {"add": amount, "note": "园林 ✓"})
    journal.close()


def journal_lines(data_dir: Path) -> list[bytes]:
    return (data_dir / JOURNAL_FILE).read_bytes().splitlines(keepends=True)


def test_round_trip(tmp_path: Path) -> None:
    write(tmp_path, 1, 2, 3)

    journal, totals = open_journal(tmp_path)
    assert [(r.seq, r.op, r.args) for r in totals.applied] == [
        (n, "add", {"add": n, "note": "园林 ✓"}) for n in (1, 2, 3)
    ]
    assert (journal.seq, totals.total, totals.restored) == (3, 6, None)
    assert journal.append("add", {"add": 4}) == 4
    journal.close()


def test_records_are_checksummed_lines(tmp_path: Path) -> None:
    write(tmp_path, 5)
    (line,) = journal_lines(tmp_path)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert journal_module.decode_record(line) == Record(1, "add", {"add": 5, "note": "园林 ✓"})


def _cut_mid_line(data: bytes) -> bytes:
    return data[:-7]


def _drop_newline(data: bytes) -> bytes:
    return data[:-1]


def _flip_checksummed_byte(data: bytes) -> bytes:
    return data[:-3] + bytes([data[-3] ^ 0x01]) + data[-2:]


def _garbage_line(data: bytes) -> bytes:
    return data[: data.rindex(b"\n", 0, len(data) - 1) + 1] + b"zzzz not a record\n"


def _zero_filled(data: bytes) -> bytes:
    return data[: data.rindex(b"\n", 0, len(data) - 1) + 1] + b"\0" * 512


@pytest.mark.parametrize(
    "tear",
    [_cut_mid_line, _drop_newline, _flip_checksummed_byte, _garbage_line, _zero_filled],
    ids=["cut-mid-line", "no-newline", "bad-checksum", "garbage", "zero-filled"],
)
def test_torn_last_line_is_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, tear: Callable[[bytes], bytes]
) -> None:
    write(tmp_path, 1, 2, 3)
    path = tmp_path / JOURNAL_FILE
    good = b"".join(journal_lines(tmp_path)[:2])
    path.write_bytes(tear(path.read_bytes()))

    with caplog.at_level(logging.WARNING, logger=journal_module.__name__):
        journal, totals = open_journal(tmp_path)
    assert [r.seq for r in totals.applied] == [1, 2]
    assert "torn last record" in caplog.text
    assert path.read_bytes() == good, "the torn tail must be cut off the file"

    assert journal.append("add", {"add": 10}) == 3
    journal.close()
    _, again = open_journal(tmp_path)
    assert ([r.seq for r in again.applied], again.total) == ([1, 2, 3], 13)


def test_damage_in_the_middle_is_corruption(tmp_path: Path) -> None:
    write(tmp_path, 1, 2, 3, 4)
    path = tmp_path / JOURNAL_FILE
    lines = journal_lines(tmp_path)
    lines[1] = lines[1].replace(b'"add":2', b'"add":9')
    path.write_bytes(b"".join(lines))

    with pytest.raises(JournalCorruptError) as info:
        open_journal(tmp_path)
    assert str(path) in str(info.value) and "line 2" in str(info.value)
    assert journal_lines(tmp_path) == lines, "corruption must be left for a person to see"
    with pytest.raises(JournalCorruptError):  # the failed open released the folder lock
        open_journal(tmp_path)


def test_missing_records_are_corruption(tmp_path: Path) -> None:
    write(tmp_path, 1, 2, 3)
    lines = journal_lines(tmp_path)
    (tmp_path / JOURNAL_FILE).write_bytes(lines[0] + lines[2])

    with pytest.raises(JournalCorruptError, match="record 3 follows 1"):
        open_journal(tmp_path)


def test_snapshot_then_journal(tmp_path: Path) -> None:
    journal, totals = open_journal(tmp_path)
    for amount in (1, 2):
        totals.apply(Record(journal.append("add", {"add": amount}), "add", {"add": amount}))
    journal.compact(totals.snapshot())
    assert (tmp_path / JOURNAL_FILE).stat().st_size == 0
    journal.append("add", {"add": 40})
    journal.close()

    journal, reopened = open_journal(tmp_path)
    assert reopened.restored == {"total": [3]}
    assert [r.seq for r in reopened.applied] == [3]
    assert (journal.seq, reopened.total) == (3, 43)
    journal.close()


def test_crash_between_snapshot_and_truncation_applies_nothing_twice(tmp_path: Path) -> None:
    journal, totals = open_journal(tmp_path)
    for amount in (1, 2, 3):
        totals.apply(Record(journal.append("add", {"add": amount}), "add", {"add": amount}))
    before_compaction = (tmp_path / JOURNAL_FILE).read_bytes()
    journal.compact(totals.snapshot())
    journal.close()
    # The crash: the snapshot was renamed into place, the journal never emptied.
    (tmp_path / JOURNAL_FILE).write_bytes(before_compaction)

    journal, reopened = open_journal(tmp_path)
    assert (reopened.total, reopened.applied, journal.seq) == (6, [], 3)
    assert journal.append("add", {"add": 100}) == 4
    journal.close()

    journal, again = open_journal(tmp_path)
    assert ([r.seq for r in again.applied], again.total) == ([4], 106)
    journal.close()


def test_leftover_snapshot_temp_file_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, 1)
    (tmp_path / (SNAPSHOT_FILE + ".tmp")).write_bytes(b'{"half a snap')

    journal, totals = open_journal(tmp_path)
    assert totals.total == 1
    assert not (tmp_path / (SNAPSHOT_FILE + ".tmp")).exists()
    journal.close()


def test_unreadable_snapshot_is_corruption(tmp_path: Path) -> None:
    (tmp_path / SNAPSHOT_FILE).write_bytes(b'{"format": 1, "seq": 3, "sta')
    with pytest.raises(JournalCorruptError, match=SNAPSHOT_FILE):
        open_journal(tmp_path)


def test_a_second_open_of_the_folder_is_refused(tmp_path: Path) -> None:
    journal, _ = open_journal(tmp_path)
    with pytest.raises(DataDirLockedError, match=str(tmp_path)):
        open_journal(tmp_path)
    journal.close()
    again, _ = open_journal(tmp_path)
    again.close()


def test_a_failed_append_leaves_no_torn_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, _ = open_journal(tmp_path)
    journal.append("add", {"add": 1})
    size = (tmp_path / JOURNAL_FILE).stat().st_size

    def half_then_disk_full(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module, "_write_all", half_then_disk_full)
    with pytest.raises(StoreUnavailableError, match="write failed"):
        journal.append("add", {"add": 2})
    monkeypatch.undo()
    assert (tmp_path / JOURNAL_FILE).stat().st_size == size

    assert journal.append("add", {"add": 3}) == 2
    journal.close()
    _, totals = open_journal(tmp_path)
    assert totals.total == 4


def test_the_journal_asks_for_compaction_past_its_limits(tmp_path: Path) -> None:
    journal, _ = open_journal(tmp_path, Limits(max_bytes=10_000, max_records=3))
    for amount in (1, 2):
        journal.append("add", {"add": amount})
    assert not journal.wants_compaction
    journal.append("add", {"add": 3})
    assert journal.wants_compaction
    journal.compact({"total": [6]})
    assert not journal.wants_compaction
    journal.append("add", {"add": 1, "pad": "x" * 10_000})
    assert journal.wants_compaction
    journal.close()


def test_a_closed_journal_refuses_writes(tmp_path: Path) -> None:
    journal, _ = open_journal(tmp_path)
    journal.close()
    journal.close()
    with pytest.raises(StoreUnavailableError, match="closed"):
        journal.append("add", {"add": 1})


# -- the store over its journal ------------------------------------------------------------


async def write_everything(store: MemoryStore) -> None:
    """At least one call of every journaled operation."""
    day = date(2024, 5, 1)
    await store.upsert_units(
        [
            Unit("s1", "园林街道", Level.STREET),
            Unit("c1", "园林社区", Level.COMMUNITY, "s1"),
            Unit("c2", "Lakeside", Level.COMMUNITY, "s1"),
            Unit("b1", "Alpha Court", Level.BRANCH, "c1"),
            Unit("g1", "1号楼", Level.BUILDING, "b1"),
            Unit("g2", "2号楼", Level.BUILDING, "b1"),
        ]
    )
    await store.upsert_households([Household(f"h{i}", f"户{i}", "g1") for i in range(5)])
    await store.upsert_member(Member("m1", "王芳", community_id="c1"))
    await store.upsert_member(Member("m2", "Li Alpha", community_id="c2"))
    await store.assign_many([Assignment("m1", f"h{i}", Mode.UNIT, day) for i in range(4)])
    await store.record_points_many([PointsEntry("p1", "m1", day, 5, "基础积分")])
    await store.rename_unit("b1", "Alpha Court II")
    await store.move_unit("b1", "c2")
    await store.upsert_household(Household("h0", "户0", "g2", central=True))
    await store.unassign("m1", "h1")
    await store.transfer("h2", "m1", "m2", day, Mode.RESIDENCE)
    await store.delete_unit("h4")
    at = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    await store.record_audit(
        AuditEntry(new_audit_id(at), at, "alice", "admin", "unassign", ("h1",), "{}", "{}", "{}")
    )


async def test_replay_rebuilds_the_live_state(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "live")
    await write_everything(store)
    await store.upsert_units([Unit("s2", "Garden Street", Level.STREET)])
    await store.delete_unit("s2", cascade=True)
    shutil.copytree(tmp_path / "live", tmp_path / "crashed")  # as a crash leaves the folder
    await store.close()  # compacts: the snapshot is the live state
    live = _state_on_disk(tmp_path / "live")

    for folder in ("crashed", "live"):  # replayed from the journal, restored from the snapshot
        reopened = await MemoryStore.open(tmp_path / folder)
        await reopened.compact()
        await reopened.close()
        assert _state_on_disk(tmp_path / folder) == live


async def test_a_refused_call_writes_nothing(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path)
    try:
        await write_everything(store)
        size = (tmp_path / JOURNAL_FILE).stat().st_size
        with pytest.raises(UnknownIdError, match="g-missing"):
            await store.upsert_households(
                [Household("h9", "户9", "g1"), Household("h10", "户10", "g-missing")]
            )
        assert (tmp_path / JOURNAL_FILE).stat().st_size == size
        assert await store.get_node("h9") is None
    finally:
        await store.close()


async def test_an_unchanged_batch_writes_nothing(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path)
    try:
        households = [Household(f"h{i}", f"户{i}", "g1") for i in range(3)]
        await store.upsert_units(
            [
                Unit("s1", "街道", Level.STREET),
                Unit("c1", "社区", Level.COMMUNITY, "s1"),
                Unit("b1", "小区", Level.BRANCH, "c1"),
                Unit("g1", "楼", Level.BUILDING, "b1"),
            ]
        )
        await store.upsert_households(households)
        size = (tmp_path / JOURNAL_FILE).stat().st_size
        changes = await store.upsert_households(households)
        assert (changes.created, changes.updated, changes.unchanged) == (0, 0, 3)
        assert (tmp_path / JOURNAL_FILE).stat().st_size == size
    finally:
        await store.close()


def _state_on_disk(data_dir: Path) -> dict[str, list[Any]]:
    """The state a snapshot holds, each section's rows sorted (their order is not a rule)."""
    state = json.loads((data_dir / SNAPSHOT_FILE).read_bytes())["state"]
    assert state["households"], "not vacuous"
    return {name: sorted(rows, key=repr) for name, rows in state.items()}
