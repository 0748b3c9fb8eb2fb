"""Several `orggraph serve` processes over one Neo4j behave as one service (issue 18.2): a
write through one replica is read at once through another (carrying the write's bookmark), a
replica with two workers answers like a single one, their kept figures agree after every
write, `neo4j://` (routing) URIs work, and /metrics adds up every worker's counts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract.city import build_small_city
from live import LiveServer, admin_header, live_server
from prometheus_client.parser import text_string_to_metric_families

from orggraph.store.neo4j import Neo4jStore
from orggraph.store.protocols import GraphStore

pytestmark = pytest.mark.neo4j

BOLT = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
ROUTING = BOLT.replace("bolt://", "neo4j://", 1)
PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
AUTH = admin_header("ops")
BOOKMARK = "x-orggraph-bookmark"
FIGURES = (
    "query Figures { coverageSummary { rows { node { id } counts { households "
    'coveredHouseholds } } } node(id: "g6") { ... on OrgUnit { counts { households } } } }'
)


def _post(server: LiveServer, query: str, headers: dict[str, str] | None = None) -> httpx.Response:
    answer = httpx.post(
        f"{server.url}/graphql", json={"query": query}, headers={**AUTH, **(headers or {})}
    )
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    return answer


def _data(answer: httpx.Response) -> dict[str, Any]:
    data: dict[str, Any] = answer.json()["data"]
    return data


async def test_replicas_read_each_others_writes_at_once_and_agree_on_every_figure(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    await neo4j_session_store.clear()  # type: ignore[attr-defined]
    await build_small_city(neo4j_session_store)
    routing = {"ORGGRAPH_STORE": "neo4j", "NEO4J_URI": ROUTING}
    workers = {"ORGGRAPH_STORE": "neo4j", "NEO4J_URI": BOLT}
    with (
        live_server(tmp_path / "a", routing) as a,
        live_server(tmp_path / "b", workers, ("--workers", "2")) as b,
    ):
        assert _data(_post(a, FIGURES)) == _data(_post(b, FIGURES))  # both warm, both cached
        for number in range(1, 11):
            writer, reader = (a, b) if number % 2 else (b, a)
            wrote = _post(
                writer,
                f'mutation {{ upsertHousehold(input: {{id: "r{number}", name: "住户", '
                f'parentId: "g6"}}) {{ id }} }}',
            )
            carried = {BOOKMARK: wrote.headers[BOOKMARK]}
            seen = _data(_post(reader, f'{{ node(id: "r{number}") {{ id }} }}', carried))
            assert seen == {"node": {"id": f"r{number}"}}
            figures = [_data(_post(server, FIGURES, carried)) for server in (a, b, b, a)]
            assert all(answer == figures[0] for answer in figures)
            assert figures[0]["node"]["counts"]["households"] == number
        counted = _requests_counted(b, "Figures")
    assert counted == 1 + 2 * 10  # both of b's workers' counts, added up


def _requests_counted(server: LiveServer, operation: str) -> float:
    text = httpx.get(f"{server.url}/metrics", timeout=10).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "orggraph_graphql_requests_total"
        and sample.labels.get("operation") == operation
    )


async def test_a_routing_uri_opens_the_store(neo4j_session_store: GraphStore) -> None:
    store = await Neo4jStore.connect(ROUTING, "neo4j", PASSWORD)
    try:
        await store.ping()
        await neo4j_session_store.clear()  # type: ignore[attr-defined]
        await build_small_city(store)
        assert (await neo4j_session_store.counts(None)).households == 20
    finally:
        await store.close()
