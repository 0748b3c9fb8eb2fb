"""Ledger text never reaches Cypher as text: injection strings in names, addresses and reasons
are stored and read back verbatim, and in ids they are rejected as bad ids, on both stores."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from orggraph.domain.entities import Household, Unit
from orggraph.importer.run import import_ledger
from orggraph.store.protocols import GraphStore

SAMPLE = Path(__file__).resolve().parents[2] / "seed" / "sample" / "minimal"
INJECTION = "x' }) MATCH (n) DETACH DELETE n // \" OR 1=1 -- ${jndi:x}"


def _rewrite(path: Path, column: str, value: str, row: int = 0) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[row][column] = value
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    copy = tmp_path / "ledger"
    shutil.copytree(SAMPLE, copy)
    return copy


async def test_injection_in_text_fields_is_stored_verbatim(store: GraphStore, ledger: Path) -> None:
    _rewrite(ledger / "units.csv", "name", INJECTION)
    _rewrite(ledger / "households.csv", "address", INJECTION)
    report = await import_ledger(ledger, store, progress=False)
    assert report.ok, report.problems
    street, household = await store.get_nodes(["S1", "H1"])
    assert isinstance(street, Unit) and street.name == INJECTION.strip()
    assert isinstance(household, Household) and household.address == INJECTION
    found = await store.search(INJECTION[:12])
    assert "S1" in [item.id for item in found.items]


async def test_injection_in_ids_is_a_bad_id_and_writes_nothing(
    store: GraphStore, ledger: Path
) -> None:
    _rewrite(ledger / "households.csv", "id", "H1' }) DETACH DELETE n //")
    report = await import_ledger(ledger, store, progress=False)
    assert not report.ok
    assert any("households.csv" in str(problem) for problem in report.problems)
    assert (await store.counts()).households == 0
    assert await store.get_node("S1") is None
