"""The assignment history in the ledger: assignment rows with an end date are ended covers.

Export writes them (with their reason and successor), import keeps them, the same ledger
imported again changes nothing, and export -> import into an empty store -> export gives the
same files; on both stores.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from contract.city import City

from orggraph.domain.cadres import CoverRecord, EndReason
from orggraph.domain.entities import Mode
from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import read_ledger, write_ledger
from orggraph.ledger.columns import Kind
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore

from .conftest import assert_same_files

ASSIGNMENTS = "member_id,household_id,mode,since,ended,end_reason,transferred_to\n"


async def _with_history(store: GraphStore) -> None:
    await store.unassign("m1", "h02", date(2025, 3, 1))
    await store.transfer("h08", "m2", "m6", date(2025, 5, 5))
    await store.delete_unit("h10")  # m3's cover of it ends as household_removed


async def test_export_writes_history_and_the_round_trip_is_exact(
    store: GraphStore, city: City, tmp_path: Path
) -> None:
    await _with_history(store)
    write_ledger(await export_ledger(store), tmp_path / "first")
    text = (tmp_path / "first" / "assignments.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ASSIGNMENTS.strip()
    assert "m1,h02,unit,2024-01-10,2025-03-01,unassigned,\n" in text
    assert "m2,h08,unit,2024-02-20,2025-05-05,transferred,m6\n" in text
    assert f"m3,h10,residence,2023-11-11,{date.today()},household_removed,\n" in text
    assert "m6,h08,unit,2025-05-05,,,\n" in text

    again = await import_ledger(tmp_path / "first", store, progress=False)
    assert again.ok, again.problems
    changes = again.changes[Kind.ASSIGNMENTS]
    assert (changes.created, changes.updated) == (0, 0)
    assert changes.unchanged == 14 + 3  # current covers (16 less h02 and h10), ended covers

    fresh = await MemoryStore.open(tmp_path / "fresh")
    try:
        report = await import_ledger(tmp_path / "first", fresh, progress=False)
        assert report.ok, report.problems
        assert report.changes[Kind.ASSIGNMENTS].created == 17
        assert await fresh.household_history("h10") == await store.household_history("h10")
        assert await fresh.member_history("m2") == await store.member_history("m2")
        write_ledger(await export_ledger(fresh), tmp_path / "second")
    finally:
        await fresh.close()
    assert_same_files(tmp_path / "first", tmp_path / "second")


async def test_a_ledger_without_history_keeps_its_columns(
    store: GraphStore, city: City, tmp_path: Path
) -> None:
    write_ledger(await export_ledger(store), tmp_path / "plain")
    header = (tmp_path / "plain" / "assignments.csv").read_text(encoding="utf-8-sig").split("\n")[0]
    assert header == "member_id,household_id,mode,since"


def _ledger(tmp_path: Path, rows: str, header: str = ASSIGNMENTS) -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "assignments.csv").write_text(header + rows, encoding="utf-8")
    return folder


async def test_ended_rows_import_in_chinese_with_default_reasons(
    store: GraphStore, city: City, tmp_path: Path
) -> None:
    header = "党员编号,户编号,包保方式,起始日期,结束日期,结束原因,接替党员编号\n"
    rows = (
        "m6,h04,个人居住,2022-01-01,2023年1月1日,,\n"
        "m7,h04,单位派遣,2023-01-01,2024-01-01,,m6\n"
        "m7,h99,单位派遣,2020-01-01,2021-01-01,住户注销,\n"
    )
    report = await import_ledger(_ledger(tmp_path, rows, header), store, progress=False)
    assert report.ok, report.problems
    assert await store.household_history("h04") == [
        CoverRecord(
            "m6", "h04", Mode.RESIDENCE, date(2022, 1, 1), date(2023, 1, 1), EndReason.UNASSIGNED
        ),
        CoverRecord(
            "m7", "h04", Mode.UNIT, date(2023, 1, 1), date(2024, 1, 1), EndReason.TRANSFERRED, "m6"
        ),
    ]
    assert len(await store.household_history("h99")) == 1
    assert (await store.counts()).assignments == 16  # ended covers are no covers


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("m1,h04,unit,2024-01-01,,unassigned,\n", "needs an end date"),
        ("m1,h04,unit,2024-01-01,2023-01-01,,\n", "cannot end earlier"),
        ("m1,h04,unit,2024-01-01,2025-01-01,gone,\n", "is not unassigned"),
        ("m1,h04,unit,2024-01-01,2025-01-01,unassigned,m6\n", "only a transfer"),
        ("m1,h04,unit,2024-01-01,2025-01-01,,m-nobody\n", "unknown cadre m-nobody"),
        ("m1,h-nowhere,unit,2024-01-01,2025-01-01,,\n", "unknown household h-nowhere"),
        (
            "m1,h04,unit,2024-01-01,2025-01-01,,\nm1,h04,unit,2024-01-01,2025-01-01,,\n",
            "duplicate ended cover",
        ),
    ],
)
async def test_bad_ended_rows_are_reported_and_nothing_is_written(
    store: GraphStore, city: City, tmp_path: Path, row: str, message: str
) -> None:
    report = await import_ledger(_ledger(tmp_path, row), store, progress=False)
    assert not report.ok
    assert any(message in str(problem) for problem in report.problems), report.problems
    assert await store.household_history("h04") == []


def test_the_parser_reads_history_apart(tmp_path: Path) -> None:
    parsed = read_ledger(
        _ledger(tmp_path, "m1,h01,unit,2024-01-01,,,\nm1,h01,unit,2023-01-01,2023-12-31,,\n")
    )
    assert [row.value.household_id for row in parsed.assignments] == ["h01"]
    assert [row.value.ended for row in parsed.history] == [date(2023, 12, 31)]
