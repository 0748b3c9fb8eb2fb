"""Export: the ledger back out; export -> import into an empty store -> export is identical."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import Ledger, read_ledger, write_ledger
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore

from .conftest import assert_same_files, cli


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}
    finally:
        workbook.close()


async def test_csv_round_trip_is_byte_identical(
    small_city_csv: Path, memory_store: GraphStore, tmp_path: Path
) -> None:
    """The generated ledger itself comes back byte for byte: the export loses nothing."""
    assert (await import_ledger(small_city_csv, memory_store, progress=False)).ok
    write_ledger(await export_ledger(memory_store), tmp_path / "first")
    assert_same_files(small_city_csv, tmp_path / "first")

    fresh = await MemoryStore.open(tmp_path / "fresh")
    try:
        assert (await import_ledger(tmp_path / "first", fresh, progress=False)).ok
        write_ledger(await export_ledger(fresh), tmp_path / "second")
    finally:
        await fresh.close()
    assert_same_files(tmp_path / "first", tmp_path / "second")


def test_xlsx_round_trip_through_the_cli(
    tiny_city: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workbooks compare by cell values (and, since zip times are pinned, by bytes too)."""
    write_ledger(tiny_city, tmp_path / "city.xlsx", "xlsx", "zh")
    runner = CliRunner()
    for name in ("one", "two"):
        monkeypatch.setenv("ORGGRAPH_DATA_DIR", str(tmp_path / f"data-{name}"))
        source = tmp_path / ("city.xlsx" if name == "one" else "one.xlsx")
        result = runner.invoke(cli, ["import", str(source), "--no-progress"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(
            cli, ["export", "--out", str(tmp_path / f"{name}.xlsx"), "--lang", "zh"]
        )
        assert result.exit_code == 0, result.output
    assert _cells(tmp_path / "one.xlsx") == _cells(tmp_path / "city.xlsx")
    assert _cells(tmp_path / "one.xlsx") == _cells(tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()


async def test_a_scoped_export_imports_on_its_own(
    small_city_csv: Path, memory_store: GraphStore, tmp_path: Path
) -> None:
    assert (await import_ledger(small_city_csv, memory_store, progress=False)).ok
    scope = "S01-C01-B02"
    write_ledger(await export_ledger(memory_store, scope), tmp_path / "branch")
    part = read_ledger(tmp_path / "branch").ledger()
    assert {unit.id for unit in part.units} >= {"S01", "S01-C01", scope}
    assert all(h.id.startswith(scope) for h in part.households)

    fresh = await MemoryStore.open(tmp_path / "fresh")
    try:
        report = await import_ledger(tmp_path / "branch", fresh, progress=False)
        assert report.ok, report.problems
        mine, theirs = await fresh.counts(scope), await memory_store.counts(scope)
        assert (mine.households, mine.covered_households, mine.assignments) == (
            theirs.households,
            theirs.covered_households,
            theirs.assignments,
        )
    finally:
        await fresh.close()
    again = await import_ledger(tmp_path / "branch", memory_store, progress=False)
    assert sum(c.created + c.updated for c in again.changes.values()) == 0


def test_export_of_an_unknown_scope_fails_cleanly(data_env: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--out", str(tmp_path / "x"), "--scope", "nowhere"])
    assert result.exit_code == 1 and "ORGGRAPH_DATA_DIR" in result.output  # no folder yet
    asyncio.run(asyncio.run(MemoryStore.open(data_env)).close())
    result = CliRunner().invoke(cli, ["export", "--out", str(tmp_path / "x"), "--scope", "nowhere"])
    assert result.exit_code == 1 and "nowhere" in result.output


@pytest.mark.parametrize("command", [["export", "--help"], ["seed", "generate", "--help"]])
def test_language_is_lang_as_for_reports(command: list[str]) -> None:
    """One option name for the language across commands (`report` has `--lang` too)."""
    shown = CliRunner().invoke(cli, command).output
    assert "--lang, --language [en|zh]" in shown
