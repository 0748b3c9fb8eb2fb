"""`orggraph serve --workers N`: several processes on Neo4j answering alike, and a clear refusal
for the embedded store, whose data lives in one process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from live import SECRET, live_server

from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.cli import main
from orggraph.domain.entities import Unit
from orggraph.domain.levels import Level
from orggraph.store.protocols import GraphStore

GAPS = (
    "{ coverageGaps(kinds: [UNIT_WITHOUT_CHILDREN]) { totalCount edges { node { subjectId } } } }"
)


def test_the_embedded_store_refuses_several_workers(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", "--store", "memory", "--workers", "2"],
        env={"ORGGRAPH_DATA_DIR": str(tmp_path), "ORGGRAPH_JWT_SECRET": SECRET},
    )
    assert result.exit_code != 0
    assert "--workers 2 needs the Neo4j store" in result.output
    assert not any(tmp_path.iterdir()), "nothing may be opened or written before refusing"


def test_workers_must_be_at_least_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", "--store", "memory", "--workers", "0"],
        env={"ORGGRAPH_DATA_DIR": str(tmp_path), "ORGGRAPH_JWT_SECRET": SECRET},
    )
    assert result.exit_code != 0
    assert "--workers must be at least 1" in result.output


@pytest.mark.neo4j
async def test_workers_on_neo4j_see_every_write(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    """Two workers; each request on a fresh connection, so both answer. A gap page is cached
    per data version: after a write through one worker, every answer shows it."""
    store = neo4j_session_store
    await store.clear()
    await store.upsert_units([Unit("S1", "一街道", Level.STREET)])
    token = create_token(SECRET, Principal("workers-test", Role.ADMIN, None), 600)
    headers = {"Authorization": f"Bearer {token}"}
    with live_server(tmp_path, {"ORGGRAPH_STORE": "neo4j"}, ("--workers", "2")) as server:

        def ask(query: str) -> dict[str, object]:
            answer = httpx.post(
                f"{server.url}/graphql", json={"query": query}, headers=headers, timeout=30
            )
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert "errors" not in body, body
            data: dict[str, object] = body["data"]
            return data

        before = [ask(GAPS) for _ in range(12)]
        assert all(d["coverageGaps"]["totalCount"] == 1 for d in before)  # type: ignore[index]
        ask('mutation { createUnit(input: {id: "S2", name: "二街道", level: STREET}) { id } }')
        after = [ask(GAPS) for _ in range(12)]
        assert all(d["coverageGaps"]["totalCount"] == 2 for d in after)  # type: ignore[index]
    assert "Started parent process" in server.output()
