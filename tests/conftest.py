"""One `store` fixture over every implementation: each test runs as `[memory]` and `[neo4j]`.

- memory: a fresh `MemoryStore` on the test's own tmp folder.
- neo4j: one connection for the whole session (migrations applied once), cleared before each
  test. NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE point at the server that
  `make test` starts. If it cannot be reached the neo4j tests fail, saying so; they never skip.

`backend.open()` gives another handle onto the same data, for the tests that close a store
and look again (durability).

These fixtures serve the contract suite and the API suite alike (tests/contract, tests/api).

Also a suite-wide rule: with ORGGRAPH_FORBID_SKIPS set (as `make test` does), a skip fails the
run. A test that needs Neo4j must fail loudly when the server is missing, never vanish as a skip.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract.city import City, build_small_city
from contract.helpers import Backend

from orggraph.store.protocols import GraphStore

NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE", "neo4j")
CONNECT_TIMEOUT_S = 60

STORE_KINDS = [
    pytest.param("memory", id="memory"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


class MemoryBackend:
    name = "memory"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    async def open(self) -> GraphStore:
        from orggraph.store.memory import MemoryStore

        store: GraphStore = await MemoryStore.open(self.data_dir)
        return store


class Neo4jBackend:
    name = "neo4j"

    def __init__(self, shared: GraphStore) -> None:
        self.shared = shared

    async def open(self) -> GraphStore:
        return await _connect_neo4j()


async def _connect_neo4j() -> GraphStore:
    """A new connection to the test server, or a failed test that says what to do."""
    problem = ""
    try:
        from orggraph.store.neo4j import Neo4jStore
    except ImportError as exc:
        problem = f"orggraph.store.neo4j cannot be imported: {exc}"
    else:
        try:
            store: GraphStore = await asyncio.wait_for(
                Neo4jStore.connect(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, database=NEO4J_DATABASE),
                CONNECT_TIMEOUT_S,
            )
            await asyncio.wait_for(store.ping(), CONNECT_TIMEOUT_S)
            return store
        except Exception as exc:
            problem = (
                f"Neo4j is unreachable at {NEO4J_URI} (user {NEO4J_USER}, database "
                f"{NEO4J_DATABASE}): {type(exc).__name__}: {exc}. Start the test server with "
                "`make test` (or `orggraph neo4j start`), or point NEO4J_URI, NEO4J_USER and "
                "NEO4J_PASSWORD at one."
            )
    pytest.fail(problem, pytrace=False)


def _driver_of(store: Any) -> Any:
    for attribute in ("driver", "_driver"):
        driver = getattr(store, attribute, None)
        if driver is not None:
            return driver
    pytest.fail("Neo4jStore exposes no `driver` to apply migrations with", pytrace=False)


@pytest.fixture(scope="session")
async def neo4j_session_store() -> AsyncIterator[GraphStore]:
    """The one Neo4j connection of the session, with the schema migrations applied."""
    store = await _connect_neo4j()
    try:
        from orggraph.store.neo4j.migrations import apply_migrations

        await apply_migrations(_driver_of(store), NEO4J_DATABASE)
        yield store
    finally:
        await store.close()


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Which implementation this test runs on (sync, so it may pull in the session store)."""
    if request.param == "memory":
        return MemoryBackend(tmp_path / "data")
    return Neo4jBackend(request.getfixturevalue("neo4j_session_store"))


@pytest.fixture
async def backend(store_kind: Backend) -> Backend:
    """The implementation under test, with no data in it yet."""
    if isinstance(store_kind, Neo4jBackend):
        await store_kind.shared.clear()
    return store_kind


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[GraphStore]:
    """An empty store of the parametrised kind."""
    if isinstance(backend, Neo4jBackend):
        yield backend.shared
        return
    opened = await backend.open()
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def city(store: GraphStore) -> City:
    """The store with the fixture city written into it (see city.py)."""
    return await build_small_city(store)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("ORGGRAPH_FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        names = ", ".join(report.nodeid for report in skipped[:10])
        print(f"\nERROR: {len(skipped)} test(s) skipped, which this run forbids: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
