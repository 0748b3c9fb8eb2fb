"""Fixtures for the importer tests: generated cities, empty stores, the CLI commands.

Importer tests run on the embedded store in a tmp folder. The few marked `neo4j` use the
server at NEO4J_URI (default bolt://127.0.0.1:17687, password orggraph-test) and fail, never
skip, when it cannot be reached.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import click
import pytest

from orggraph.cli.ledger import export_command, import_command, stats_command
from orggraph.cli.seed import seed_group
from orggraph.domain.service import new_request
from orggraph.ledger import Ledger, ParsedLedger, write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore

SMALL_SCALE = 0.02
"""A city of 1 street, 10 branches, ~2,500 households: every code path, in well under a second."""

NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE", "neo4j")


@click.group()
def cli() -> None:
    """The importer's commands under one group, as `orggraph` will hold them."""


cli.add_command(seed_group)
cli.add_command(import_command)
cli.add_command(export_command)
cli.add_command(stats_command)


def assert_same_files(left: Path, right: Path) -> None:
    """Two ledger folders hold the same files, byte for byte."""
    names = sorted(path.name for path in left.iterdir())
    assert names == sorted(path.name for path in right.iterdir())
    for name in names:
        assert (left / name).read_bytes() == (right / name).read_bytes(), name


@pytest.fixture(scope="session")
def small_city() -> Ledger:
    return generate_city(load_profile("qianjiang"), SMALL_SCALE, seed=7)


@pytest.fixture(scope="session")
def tiny_city() -> Ledger:
    """About 600 households: for workbook tests, where openpyxl's speed sets the pace."""
    return generate_city(load_profile("qianjiang"), 0.005, seed=3)


@pytest.fixture(scope="session")
def small_city_csv(small_city: Ledger, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small city as a CSV ledger folder (tests must not change it)."""
    folder = tmp_path_factory.mktemp("small-city")
    write_ledger(small_city, folder)
    return folder


@pytest.fixture
async def memory_store(tmp_path: Path) -> AsyncIterator[GraphStore]:
    store = await MemoryStore.open(tmp_path / "store")
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI's memory store at a fresh tmp folder; returns that folder."""
    folder = tmp_path / "cli-data"
    monkeypatch.setenv("ORGGRAPH_DATA_DIR", str(folder))
    monkeypatch.setenv("ORGGRAPH_STORE", "memory")
    return folder


@pytest.fixture
async def neo4j_store() -> AsyncIterator[GraphStore]:
    """An empty Neo4j store with the schema applied; a failure, not a skip, if unreachable."""
    from orggraph.store.neo4j import Neo4jStore
    from orggraph.store.neo4j.migrations import apply_migrations

    try:
        store = await asyncio.wait_for(
            Neo4jStore.connect(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), 60
        )
        await asyncio.wait_for(store.ping(), 60)
    except Exception as exc:
        pytest.fail(
            f"Neo4j is unreachable at {NEO4J_URI}: {type(exc).__name__}: {exc}. "
            "Start it with `orggraph neo4j start` or set NEO4J_URI/NEO4J_PASSWORD.",
            pytrace=False,
        )
    await apply_migrations(store.driver, NEO4J_DATABASE)
    await store.clear()
    try:
        yield store
    finally:
        await store.clear()
        await store.close()


def assert_service_rows(parsed: ParsedLedger, ledger: Ledger) -> None:
    """The request and step rows read back are those of `ledger`'s histories (the rows, not
    the replay: reading alone does not replay, the import does)."""
    canonical = ledger.canonical()
    requests = sorted(parsed.requests, key=lambda row: row.value.request.id)
    assert [row.value.request for row in requests] == [
        new_request(h.request) for h in canonical.service
    ]
    assert [row.value.state for row in requests] == [h.request.state for h in canonical.service]
    read = [
        (row.value.command.request_id, row.value.seq, row.value.command.action, row.value.state)
        for row in parsed.steps
    ]
    written = [
        (s.request_id, s.seq, s.action, s.to_state) for h in canonical.service for s in h.steps[1:]
    ]
    assert sorted(read, key=lambda r: (r[0], r[1])) == written
    times = {(r.value.command.request_id, r.value.seq): r.value.command.at for r in parsed.steps}
    assert all(times[(s.request_id, s.seq)] == s.at for h in canonical.service for s in h.steps[1:])
