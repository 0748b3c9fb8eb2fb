"""The importer on the real Neo4j: the same round trip and the same idempotency as on memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.domain.policy import Policy
from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import Kind, Ledger, write_ledger
from orggraph.stats import collect_stats
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from .conftest import assert_same_files

pytestmark = pytest.mark.neo4j


async def test_round_trip_on_neo4j(
    small_city_csv: Path, neo4j_store: GraphStore, tmp_path: Path
) -> None:
    assert (await import_ledger(small_city_csv, neo4j_store, batch_size=1000, progress=False)).ok
    write_ledger(await export_ledger(neo4j_store), tmp_path / "out")
    assert_same_files(small_city_csv, tmp_path / "out")


async def test_reimport_on_neo4j_changes_nothing(
    small_city: Ledger, small_city_csv: Path, neo4j_store: GraphStore
) -> None:
    first = await import_ledger(small_city_csv, neo4j_store, progress=False)
    assert sum(c.created for c in first.changes.values()) == small_city.row_count()
    counts = await neo4j_store.counts()
    again = await import_ledger(small_city_csv, neo4j_store, progress=False)
    assert all(c == Changes(unchanged=c.unchanged) for c in again.changes.values())
    assert sum(c.unchanged for c in again.changes.values()) == small_city.row_count()
    assert await neo4j_store.counts() == counts
    figures = small_city.figures()
    assert (counts.households, counts.covered_households, counts.covering_members) == (
        figures["households"],
        figures["covered_households"],
        figures["covering_members"],
    )


async def test_stats_are_the_same_from_either_store(
    small_city_csv: Path, neo4j_store: GraphStore, memory_store: GraphStore
) -> None:
    for store in (neo4j_store, memory_store):
        assert (await import_ledger(small_city_csv, store, progress=False)).ok
    for scope in (None, "S01-C01", "S01-C01-B02"):
        on_neo4j = await collect_stats(neo4j_store, scope, Policy(), 2022)
        on_memory = await collect_stats(memory_store, scope, Policy(), 2022)
        assert {**on_neo4j, "store": "-"} == {**on_memory, "store": "-"}


async def test_batches_written_two_at_a_time_are_all_counted(
    small_city: Ledger, small_city_csv: Path, neo4j_store: GraphStore
) -> None:
    """Small batches, two in flight: every row is written once and counted once."""
    first = await import_ledger(small_city_csv, neo4j_store, batch_size=150, progress=False, jobs=2)
    assert {kind: c.created for kind, c in first.changes.items()} == {
        Kind.UNITS: len(small_city.units),
        Kind.HOUSEHOLDS: len(small_city.households),
        Kind.WORK_UNITS: len(small_city.work_units),
        Kind.MEMBERS: len(small_city.members),
        Kind.ASSIGNMENTS: len(small_city.assignments),
        Kind.POINTS: len(small_city.points),
        Kind.OFFERS: len(small_city.offers),
        Kind.SERVICE_REQUESTS: len(small_city.service),
    }
    counts = await neo4j_store.counts()
    assert (counts.households, counts.assignments) == (
        len(small_city.households),
        len(small_city.assignments),
    )
    again = await import_ledger(small_city_csv, neo4j_store, batch_size=150, progress=False)
    assert sum(c.unchanged for c in again.changes.values()) == small_city.row_count()


async def test_requests_and_timelines_are_the_same_on_both_stores(
    small_city: Ledger, small_city_csv: Path, neo4j_store: GraphStore, memory_store: GraphStore
) -> None:
    """The generated year of requests imports on Neo4j and on memory into the same timelines,
    and the Neo4j export imports back into the same again."""
    for store in (neo4j_store, memory_store):
        assert (await import_ledger(small_city_csv, store, progress=False)).ok
    ids = [h.id for h in small_city.service]
    assert ids
    on_neo4j = await neo4j_store.service_steps_many(ids)
    assert on_neo4j == await memory_store.service_steps_many(ids)
    assert on_neo4j == [list(h.steps) for h in small_city.canonical().service]
    assert await neo4j_store.service_requests_many(ids) == [h.request for h in small_city.service]
    exported = await export_ledger(neo4j_store)
    assert exported.service == small_city.canonical().service
