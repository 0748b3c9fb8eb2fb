"""One misnamed sheet gives one problem for the sheet and one for what it would have defined,
not a follow-on line for every row that refers to it (the sample city gave 1,141 problems for
one misspelt file name, 1,140 of them "unknown household")."""

from __future__ import annotations

import shutil
from pathlib import Path

from orggraph.importer import import_ledger
from orggraph.store.memory import MemoryStore

SAMPLE = Path(__file__).resolve().parents[2] / "seed" / "sample" / "small-city"


async def test_a_misnamed_sheet_is_said_once(tmp_path: Path) -> None:
    ledger = tmp_path / "city"
    shutil.copytree(SAMPLE, ledger)
    (ledger / "households.csv").rename(ledger / "househlds.csv")
    assignments = sum(1 for _ in (ledger / "assignments.csv").open(encoding="utf-8-sig")) - 1
    store = await MemoryStore.open(tmp_path / "data")
    try:
        result = await import_ledger(ledger, store, dry_run=True, progress=False)
    finally:
        await store.close()

    messages = [str(problem) for problem in result.problems]
    assert len(messages) == 2, messages[:5]
    assert "unknown file 'househlds.csv'" in messages[0]
    assert "the ledger has no households sheet (住户)" in messages[1]
    assert f"{assignments:,} reference(s) to households" in messages[1]
    assert not any("unknown household" in message for message in messages)


async def test_unknown_references_are_still_listed_when_every_sheet_is_there(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "city"
    shutil.copytree(SAMPLE, ledger)
    rows = (ledger / "assignments.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first = rows[0], rows[1].split(",")
    household = header.split(",").index("household_id")
    first[household] = "H-NOWHERE"
    (ledger / "assignments.csv").write_text(
        "\n".join([header, ",".join(first), *rows[2:]]) + "\n", encoding="utf-8"
    )
    store = await MemoryStore.open(tmp_path / "data")
    try:
        result = await import_ledger(ledger, store, dry_run=True, progress=False)
    finally:
        await store.close()
    assert [str(p) for p in result.problems] == [
        "assignments.csv, row 2, column household_id: unknown household H-NOWHERE: "
        "not in the ledger nor in the store"
    ]
