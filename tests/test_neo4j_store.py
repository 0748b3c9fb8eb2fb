"""What only the Neo4j store has: bulk calls over several transactions, one query per read,
connection errors, the schema version surviving `clear`, the audit trail's storage.

The protocol's rules are tested for both stores in tests/contract/; these tests look at how
Neo4jStore keeps them. The server comes from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD; if it
cannot be reached the tests fail, never skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from neo4j import AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from orggraph.cli import main
from orggraph.config import Settings
from orggraph.domain.audit import AuditEntry
from orggraph.domain.entities import Household, Unit
from orggraph.domain.errors import DuplicateIdError, QueryTimeoutError, UnknownIdError
from orggraph.domain.levels import Level
from orggraph.store import open_store
from orggraph.store.neo4j import Neo4jStore
from orggraph.store.neo4j.connection import READ_ATTEMPTS, Connection, make_driver
from orggraph.store.neo4j.migrations import apply_migrations, schema_version
from orggraph.store.values import Changes, ChildrenRequest, StoreUnavailableError

NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE", "neo4j")

STREET = Unit("s1", "园林街道", Level.STREET)
COMMUNITY = Unit("c1", "园林社区", Level.COMMUNITY, "s1")
BRANCH = Unit("b1", "Alphabet Court", Level.BRANCH, "c1")
BUILDING = Unit("g1", "1号楼", Level.BUILDING, "b1")


@pytest.fixture
async def store() -> AsyncIterator[Neo4jStore]:
    """An empty store whose bulk calls write 3 rows per transaction."""
    try:
        store = await Neo4jStore.connect(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)
    except StoreUnavailableError as exc:
        pytest.fail(f"{exc}. Start the test server with `make test`.", pytrace=False)
    await apply_migrations(store.driver, NEO4J_DATABASE)
    await store.clear()
    store.batch_rows = 3
    try:
        yield store
    finally:
        await store.close()


def households(count: int, parent_id: str = "g1") -> list[Household]:
    return [Household(f"h{i:02d}", f"户主{i}", parent_id) for i in range(count)]


@pytest.mark.neo4j
async def test_a_bulk_call_over_several_transactions_writes_every_batch(
    store: Neo4jStore,
) -> None:
    await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
    assert await store.upsert_households(households(10)) == Changes(created=10)
    assert (await store.children("g1", first=100)).total == 10


@pytest.mark.neo4j
async def test_a_bulk_call_over_several_transactions_is_checked_before_any_write(
    store: Neo4jStore,
) -> None:
    await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
    spoiled = [*households(10), Household("h99", "x", "g-missing")]
    with pytest.raises(UnknownIdError, match="g-missing"):
        await store.upsert_households(spoiled)
    assert (await store.children("g1")).total == 0


@pytest.mark.neo4j
async def test_units_find_parents_made_earlier_in_the_call_across_batches(
    store: Neo4jStore,
) -> None:
    units = [STREET, COMMUNITY, BRANCH, BUILDING, Unit("g2", "2号楼", Level.BUILDING, "b1")]
    assert await store.upsert_units(units) == Changes(created=5)
    assert await store.ancestors("g2") == [STREET, COMMUNITY, BRANCH]


@pytest.mark.neo4j
async def test_a_repeated_id_in_one_call_counts_as_written_then_updated(
    store: Neo4jStore,
) -> None:
    store.batch_rows = 100
    renamed = Unit("s1", "新园林街道", Level.STREET)
    assert await store.upsert_units([STREET, renamed, STREET]) == Changes(created=1, updated=2)
    assert await store.get_node("s1") == STREET


@pytest.mark.neo4j
async def test_each_read_is_one_query(store: Neo4jStore) -> None:
    """Plain reads are one query; figures are read as kept (`figures`): one query for
    counts, two for a coverage summary (the children, then their figures), on every call."""
    await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
    await store.upsert_households(households(4))
    plain = [
        store.get_nodes(["s1", "c1", "h00", "nope"]),
        store.children_many([ChildrenRequest(None), ChildrenRequest("g1", first=2)]),
        store.ancestors_many(["h00", "h01", "g1"]),
        store.search("户主"),
    ]
    for read in plain:
        before = store.queries_sent
        await read
        assert store.queries_sent == before + 1
    summaries = [
        (lambda: store.counts(), 1),
        (lambda: store.counts("s1"), 1),
        (lambda: store.counts_many(["s1", "c1", "g1"]), 1),
        (lambda: store.coverage_summary("s1"), 2),
    ]
    for summary, queries in summaries:
        before = store.queries_sent
        first = await summary()
        assert store.queries_sent == before + queries
        assert await summary() == first
        assert store.queries_sent == before + 2 * queries


@pytest.mark.neo4j
async def test_the_figures_read_after_a_write_include_it(store: Neo4jStore) -> None:
    await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
    await store.upsert_households(households(4))
    assert (await store.counts()).households == 4
    await store.upsert_households(households(6))
    assert (await store.counts()).households == 6
    await store.clear()
    await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
    await store.upsert_households(households(6))
    await store.delete_unit("h05")
    assert (await store.counts()).households == 5


@pytest.mark.neo4j
async def test_clear_keeps_the_schema_version(store: Neo4jStore) -> None:
    version = await schema_version(store.driver, NEO4J_DATABASE)
    await store.upsert_units([STREET])
    await store.clear()
    assert await store.get_node("s1") is None
    assert await schema_version(store.driver, NEO4J_DATABASE) == version > 0


@pytest.mark.neo4j
async def test_audit_entries_newest_first_by_subject(store: Neo4jStore) -> None:
    def entry(number: int, subject: str) -> AuditEntry:
        at = datetime(2025, 1, 1, 8, number, tzinfo=UTC)
        return AuditEntry(
            f"2025-{number:02d}", at, subject, "organiser", "renameUnit", ("s1",), "{}", "{}", "{}"
        )

    entries = [entry(1, "alice"), entry(2, "bob"), entry(3, "alice")]
    for item in entries:
        await store.record_audit(item)
    with pytest.raises(DuplicateIdError, match="2025-01"):
        await store.record_audit(entries[0])

    page = await store.audit_entries(first=2)
    assert (page.items, page.total, page.has_next) == ([entries[2], entries[1]], 3, True)
    rest = await store.audit_entries(first=2, after=page.end_cursor)
    assert (rest.items, rest.has_next) == ([entries[0]], False)
    alice = await store.audit_entries(subject="alice")
    assert (alice.items, alice.total) == ([entries[2], entries[0]], 2)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_connect_to_nothing_is_store_unavailable() -> None:
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreUnavailableError, match=uri):
        await Neo4jStore.connect(uri, "neo4j", "whatever")


async def test_against_a_server_gone_a_write_gives_up_within_about_two_seconds_and_a_ping_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What an outage costs a request before the health watch cuts it short: the driver's
    write retries (four tries, pauses from 0.25 s doubling) and no retry at all for a ping.
    With the driver's own first pause of 1 s a write took over 3 s to fail."""
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    connection = Connection(make_driver(uri, "neo4j", "whatever"), uri=uri)

    async def nothing(_tx: Any) -> None:
        return None

    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError, match=uri):
            await connection.write(nothing)
        write_took = time.monotonic() - started
        retries = [r for r in caplog.records if "will be retried" in r.getMessage()]
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError):
            await connection.read_once("ping")
        ping_took = time.monotonic() - started
    finally:
        await connection.close()
    assert len(retries) == 3, [r.getMessage() for r in retries]
    assert 1.3 <= write_took < 2.6  # pauses of 0.2-0.3, 0.4-0.6 and 0.8-1.2 s
    assert ping_took < 0.5


@pytest.mark.neo4j
async def test_connect_with_a_wrong_password_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailableError, match="user 'neo4j'"):
        await Neo4jStore.connect(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD + "-wrong")


@pytest.mark.neo4j
async def test_reads_survive_dropped_connections(store: Neo4jStore) -> None:
    """Reads are auto-commit queries; a connection the server dropped (as a restart drops them
    all) must not fail the next read."""
    await store.upsert_units([STREET])
    assert (await store.get_nodes(["s1"]))[0] == STREET  # a pooled connection now exists
    killer = AsyncGraphDatabase.driver(NEO4J_URI, auth=(NEO4J_USER, NEO4J_PASSWORD))
    try:
        async with killer.session(database=NEO4J_DATABASE) as admin:
            listed = await admin.run(
                "CALL dbms.listConnections() YIELD connectionId, connector "
                "WHERE connector = 'bolt' RETURN collect(connectionId) AS ids"
            )
            ids = (await listed.single(strict=True))["ids"]
            with contextlib.suppress(ServiceUnavailable):  # its own connection goes too
                await (await admin.run("CALL dbms.killConnections($ids)", ids=ids)).consume()
    finally:
        await killer.close()
    assert len(ids) >= 2
    assert (await store.get_nodes(["s1"]))[0] == STREET


@pytest.mark.neo4j
async def test_a_read_that_fails_on_the_way_is_asked_again(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store retries a read whose connection failed (the driver retries only managed
    transactions), up to READ_ATTEMPTS tries in all."""
    await store.upsert_units([STREET])
    real_run = store.db.run
    failures = 0

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal failures
        if failures < READ_ATTEMPTS - 1:
            failures += 1
            raise StoreUnavailableError("connection dropped")
        return await real_run(*args, **kwargs)

    monkeypatch.setattr(store.db, "run", flaky)
    assert (await store.get_nodes(["s1"]))[0] == STREET
    failures = -10  # more failures than tries: the error stands
    with pytest.raises(StoreUnavailableError):
        await store.get_nodes(["s1"])


@pytest.mark.neo4j
async def test_a_query_past_the_cypher_timeout_is_stopped_with_a_named_error(
    store: Neo4jStore,
) -> None:
    """A write that waits on another transaction's lock past ORGGRAPH_CYPHER_TIMEOUT ends with
    QueryTimeoutError (code QUERY_TIMEOUT), not an unexplained driver error, and changes
    nothing."""
    await store.upsert_units([STREET])
    store.db.transaction_timeout_s = 0.5
    holder = AsyncGraphDatabase.driver(NEO4J_URI, auth=(NEO4J_USER, NEO4J_PASSWORD))
    try:
        async with holder.session(database=NEO4J_DATABASE) as session:
            tx = await session.begin_transaction()
            await (await tx.run("MATCH (n:Entity {id: 's1'}) SET n.held = true")).consume()
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError) as info:
                await store.rename_unit("s1", "新名字")
            waited = time.monotonic() - started
            await tx.rollback()
    finally:
        await holder.close()
    assert waited < 10
    assert info.value.code == "QUERY_TIMEOUT"
    assert "longer than 0.5 s (ORGGRAPH_CYPHER_TIMEOUT)" in info.value.message
    store.db.transaction_timeout_s = None  # the check read below must not race the short limit
    assert (await store.get_nodes(["s1"]))[0] == STREET


async def _search_index(store: Neo4jStore) -> str | None:
    """The state of the search index (ONLINE, POPULATING, ...), or None when it is missing."""
    records, _, _ = await store.driver.execute_query(
        "SHOW INDEXES YIELD name, state WHERE name = 'entity_search_name' RETURN state",
        database_=NEO4J_DATABASE,
    )
    return records[0]["state"] if records else None


@pytest.mark.neo4j
async def test_a_bulk_load_into_an_empty_database_builds_the_search_index_at_its_end(
    store: Neo4jStore,
) -> None:
    async with store.bulk_load():
        assert await _search_index(store) is None
        await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
        await store.upsert_households(households(4))
    assert await _search_index(store) == "ONLINE"
    page = await store.search("户主", first=10)
    assert [node.id for node in page.items] == ["h00", "h01", "h02", "h03"]


@pytest.mark.neo4j
async def test_a_bulk_load_into_a_database_with_data_keeps_the_index(store: Neo4jStore) -> None:
    await store.upsert_units([STREET])
    async with store.bulk_load():
        assert await _search_index(store) == "ONLINE"
        await store.upsert_units([COMMUNITY])
    assert await _search_index(store) == "ONLINE"


@pytest.mark.neo4j
async def test_a_failed_bulk_load_still_puts_the_index_back(store: Neo4jStore) -> None:
    with pytest.raises(UnknownIdError):
        async with store.bulk_load():
            assert await _search_index(store) is None
            await store.upsert_units([COMMUNITY])  # its street is not there
    assert await _search_index(store) in {"POPULATING", "ONLINE"}  # created, not waited for


@pytest.mark.neo4j
async def test_an_index_left_dropped_by_a_killed_import_comes_back(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first import killed mid-way leaves data and no index: the next import, and every
    open_store, create it again."""
    async with store.bulk_load():
        await store.upsert_units([STREET])
    await store.driver.execute_query("DROP INDEX entity_search_name", database_=NEO4J_DATABASE)
    async with store.bulk_load():
        assert await _search_index(store) == "ONLINE"
    await store.driver.execute_query("DROP INDEX entity_search_name", database_=NEO4J_DATABASE)
    for name, value in (
        ("NEO4J_URI", NEO4J_URI),
        ("NEO4J_USER", NEO4J_USER),
        ("NEO4J_PASSWORD", NEO4J_PASSWORD),
        ("NEO4J_DATABASE", NEO4J_DATABASE),
    ):
        monkeypatch.setenv(name, value)
    reopened = await open_store(Settings.from_env(), "neo4j")
    await reopened.close()
    assert await _search_index(store) == "ONLINE"


@pytest.mark.neo4j
async def test_a_bulk_load_makes_the_figures_at_its_end_and_a_failed_one_at_the_next_open(
    store: Neo4jStore,
) -> None:
    """Writes inside a bulk load leave the figures to its end; a load that fails leaves them
    marked stale, and `ensure_figures` (every open_store) makes them."""
    async with store.bulk_load():
        await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
        await store.upsert_households(households(4))
    assert (await store.counts("s1")).households == 4
    with pytest.raises(RuntimeError):
        async with store.bulk_load():
            await store.upsert_households(households(7))
            raise RuntimeError("the import died")
    records, _, _ = await store.driver.execute_query(
        "MATCH (v:DataVersion) RETURN v.figures_stale AS stale", database_=NEO4J_DATABASE
    )
    assert records[0]["stale"] is True
    await store.ensure_figures()
    assert (await store.counts("s1")).households == 7
    assert (await store.counts()).households == 7
    records, _, _ = await store.driver.execute_query(
        "MATCH (v:DataVersion) RETURN v.figures_stale AS stale", database_=NEO4J_DATABASE
    )
    assert records[0]["stale"] is False


@pytest.mark.neo4j
async def test_stats_verify_exits_1_naming_a_drifted_unit(store: Neo4jStore) -> None:
    await store.upsert_units([STREET, COMMUNITY, BRANCH, BUILDING])
    await store.upsert_households(households(3))
    runner = CliRunner()
    clean = await asyncio.to_thread(runner.invoke, main, ["stats", "--verify", "--store", "neo4j"])
    assert clean.exit_code == 0, clean.output
    assert "checked 5 scopes" in clean.output
    await store.driver.execute_query(
        "MATCH (g:Entity {id: 'g1'}) SET g.fig_covered = 2", database_=NEO4J_DATABASE
    )
    drifted = await asyncio.to_thread(
        runner.invoke, main, ["stats", "--verify", "--store", "neo4j"]
    )
    assert drifted.exit_code == 1
    assert "g1: counts is" in drifted.output
    assert "1 figure(s) drift from a recount" in drifted.output
