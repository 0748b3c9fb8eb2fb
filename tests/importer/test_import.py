"""Importing ledgers: the figures arrive, re-import changes nothing, dry runs write nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from orggraph.importer import import_ledger
from orggraph.ledger import Kind, Ledger
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from .conftest import cli


def _rows(ledger: Ledger) -> dict[Kind, int]:
    return {
        Kind.UNITS: len(ledger.units),
        Kind.HOUSEHOLDS: len(ledger.households),
        Kind.WORK_UNITS: len(ledger.work_units),
        Kind.MEMBERS: len(ledger.members),
        Kind.ASSIGNMENTS: len(ledger.assignments),
        Kind.POINTS: len(ledger.points),
        Kind.OFFERS: len(ledger.offers),
        Kind.SERVICE_REQUESTS: len(ledger.service),
    }


async def test_import_writes_the_city_and_reimport_changes_nothing(
    small_city: Ledger, small_city_csv: Path, memory_store: GraphStore
) -> None:
    first = await import_ledger(small_city_csv, memory_store, batch_size=500, progress=False)
    assert first.ok
    assert first.changes == {kind: Changes(created=n) for kind, n in _rows(small_city).items()}

    counts = await memory_store.counts()
    figures = small_city.figures()
    assert {level.name.lower(): n for level, n in counts.units.items()} == figures["units"]
    assert counts.households == figures["households"]
    assert counts.central_households == figures["central_households"]
    assert counts.covered_households == figures["covered_households"]
    assert counts.members == figures["members"]
    assert counts.covering_members == figures["covering_members"]
    assert counts.assignments == figures["assignments"]

    again = await import_ledger(small_city_csv, memory_store, progress=False)
    assert again.changes == {kind: Changes(unchanged=n) for kind, n in _rows(small_city).items()}
    assert await memory_store.counts() == counts


async def test_dry_run_says_what_would_change_and_writes_nothing(
    small_city: Ledger, small_city_csv: Path, memory_store: GraphStore
) -> None:
    empty = await memory_store.counts()
    plan = await import_ledger(small_city_csv, memory_store, dry_run=True, progress=False)
    assert plan.changes == {kind: Changes(created=n) for kind, n in _rows(small_city).items()}
    assert await memory_store.counts() == empty

    await import_ledger(small_city_csv, memory_store, progress=False)
    plan = await import_ledger(small_city_csv, memory_store, dry_run=True, progress=False)
    assert plan.changes == {kind: Changes(unchanged=n) for kind, n in _rows(small_city).items()}


async def test_a_changed_ledger_updates_only_what_changed(
    tmp_path: Path, memory_store: GraphStore
) -> None:
    sample = Path(__file__).parents[2] / "seed" / "sample" / "minimal"
    assert (await import_ledger(sample, memory_store, progress=False)).ok
    edited = tmp_path / "edited"
    edited.mkdir()
    for path in sample.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        text = text.replace("M2,H3,residence,2022-04-15", "M2,H3,unit,2022-04-15")
        text = text.replace("H4,刘洋", "H4,刘洋洋")
        (edited / path.name).write_text(text, encoding="utf-8")
    (edited / "assignments.csv").write_text(
        (edited / "assignments.csv").read_text() + "M3,H4,residence,2022-07-01\n"
    )
    plan = await import_ledger(edited, memory_store, dry_run=True, progress=False)
    report = await import_ledger(edited, memory_store, progress=False)
    assert plan.changes == report.changes
    assert report.changes[Kind.HOUSEHOLDS] == Changes(updated=1, unchanged=3)
    assert report.changes[Kind.ASSIGNMENTS] == Changes(created=1, updated=1, unchanged=2)
    assert report.changes[Kind.UNITS] == Changes(unchanged=5)


def test_cli_import_then_stats(small_city: Ledger, small_city_csv: Path, data_env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(small_city_csv), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert f"changed {small_city.row_count():,} row(s)" in result.output

    result = runner.invoke(cli, ["import", str(small_city_csv), "--dry-run"])
    assert result.exit_code == 0 and "dry run: would change 0 row(s)" in result.output

    result = runner.invoke(cli, ["stats", "--json", "--year", "2022"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    figures = small_city.figures()
    for key in ("units", "households", "covered_households", "members", "assignments"):
        assert stats[key] == figures[key]
    assert stats["covering_members"] == figures["covering_members"]
    assert stats["gaps"]["cadre_covering_none"] == figures["members"] - figures["covering_members"]
    assert stats["gaps"]["uncovered_household"] == stats["uncovered_households"] > 0

    verified = runner.invoke(cli, ["stats", "--verify", "--year", "2022"])
    assert verified.exit_code == 0, verified.output
    assert f"checked {1 + sum(figures['units'].values()):,} scopes" in verified.output
    assert "no drift" in verified.output

    scoped = runner.invoke(cli, ["stats", "--scope", "S01-C01", "--year", "2022"])
    assert scoped.exit_code == 0 and "S01-C01 (memory store)" in scoped.output
    unknown = runner.invoke(cli, ["stats", "--scope", "nowhere"])
    assert unknown.exit_code == 1 and "nowhere" in unknown.output
