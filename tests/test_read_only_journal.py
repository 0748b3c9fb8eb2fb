"""Reading a data folder beside the process that writes it (`orggraph serve`): a read-only open
replays what was committed without the folder's lock, never writes, and reads again when the
writer compacted meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.store.memory.journal import (
    JOURNAL_FILE,
    ApplyRecord,
    DataDirLockedError,
    Journal,
    JsonObject,
    Record,
    RestoreSnapshot,
)
from orggraph.store.values import StoreUnavailableError


class Totals:
    """A toy state: the sum of every applied record's `add`."""

    def __init__(self) -> None:
        self.total = 0

    def restore(self, state: JsonObject) -> None:
        (self.total,) = state["total"]

    def apply(self, record: Record) -> None:
        self.total += record.args["add"]


class Reads:
    """The `fresh` callback of a read-only open: a new state for every attempt."""

    def __init__(self) -> None:
        self.states: list[Totals] = []

    def __call__(self) -> tuple[RestoreSnapshot, ApplyRecord]:
        self.states.append(Totals())
        return self.states[-1].restore, self.states[-1].apply


def _writer(data_dir: Path) -> tuple[Journal, Totals]:
    totals = Totals()
    return Journal.open(data_dir, totals.restore, totals.apply), totals


def _add(journal: Journal, totals: Totals, amount: int) -> None:
    journal.append("add", {"add": amount})
    totals.total += amount


def test_a_reader_sees_what_the_running_writer_committed(tmp_path: Path) -> None:
    writer, totals = _writer(tmp_path)
    _add(writer, totals, 5)
    writer.compact({"total": [totals.total]})
    _add(writer, totals, 7)
    with pytest.raises(DataDirLockedError, match="Reports, stats, export and audit read"):
        _writer(tmp_path)

    reads = Reads()
    reader = Journal.open_read_only(tmp_path, reads)
    assert reads.states[-1].total == 12
    assert reader.read_only and reader.seq == 2
    before = (tmp_path / JOURNAL_FILE).read_bytes()
    with pytest.raises(StoreUnavailableError, match="read-only"):
        reader.append("add", {"add": 1})
    with pytest.raises(StoreUnavailableError, match="read-only"):
        reader.compact({"total": [0]})
    reader.close()
    assert (tmp_path / JOURNAL_FILE).read_bytes() == before
    _add(writer, totals, 1)  # the writer never noticed the reader
    writer.close()


def test_a_half_written_last_record_is_left_out_and_left_alone(tmp_path: Path) -> None:
    writer, totals = _writer(tmp_path)
    _add(writer, totals, 3)
    with (tmp_path / JOURNAL_FILE).open("ab") as journal:
        journal.write(b'0badc0de {"seq":2,"op":"add","ar')  # the writer, mid-append
    size = (tmp_path / JOURNAL_FILE).stat().st_size

    reads = Reads()
    Journal.open_read_only(tmp_path, reads).close()

    assert reads.states[-1].total == 3
    assert (tmp_path / JOURNAL_FILE).stat().st_size == size
    writer.close()


def test_a_compaction_during_the_read_makes_the_reader_read_again(tmp_path: Path) -> None:
    writer, totals = _writer(tmp_path)
    _add(writer, totals, 2)
    writer.compact({"total": [totals.total]})
    _add(writer, totals, 4)

    reads = Reads()

    def fresh() -> tuple[RestoreSnapshot, ApplyRecord]:
        restore, apply = reads()
        if len(reads.states) > 1:
            return restore, apply

        def restore_then_compact(state: JsonObject) -> None:
            restore(state)  # the reader has the old snapshot; the writer compacts now
            writer.compact({"total": [totals.total]})

        return restore_then_compact, apply

    Journal.open_read_only(tmp_path, fresh).close()

    assert len(reads.states) == 2
    assert reads.states[0].total == 2  # the old snapshot, and the journal emptied under it
    assert reads.states[-1].total == 6
    writer.close()


def test_a_folder_without_data_is_named(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match=r"no orggraph data in .*ORGGRAPH_DATA_DIR"):
        Journal.open_read_only(tmp_path / "nothing", Reads())
    assert not (tmp_path / "nothing").exists()
