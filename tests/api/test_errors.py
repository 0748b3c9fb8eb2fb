"""What the logs say about errors: an unexpected one is logged once with its traceback and
masked for the client; a client's own mistakes are not logged as errors."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from orggraph.api.app import create_app
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

from .conftest import ADMIN, SECRET, bearer
from .stores import PassThroughStore

pytestmark = pytest.mark.api


class BrokenStore(PassThroughStore):
    """Reads of nodes fail the way a bug would; everything else passes through."""

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Any]:
        raise RuntimeError("MATCH (n) secret-detail")


async def _post(store: Any, query: str) -> dict[str, Any]:
    app = create_app(store, Policy(), SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_an_unexpected_error_is_masked_and_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inner = await MemoryStore.open(tmp_path / "data")
    try:
        with caplog.at_level(logging.INFO):
            body = await _post(BrokenStore(inner), '{ node(id: "h1") { id } }')
    finally:
        await inner.close()
    assert body["errors"][0]["message"] == "internal error"
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert "secret-detail" not in str(body)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1, [record.getMessage() for record in errors]
    assert errors[0].exc_info is not None and "secret-detail" in str(errors[0].exc_info[1])


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ nosuchfield }", "INVALID"),
        ('{ unit(id: "nope") { id } }', "INVALID"),
        ('mutation { renameUnit(id: "nope", name: "x") { id } }', "UNKNOWN_ID"),
    ],
    ids=["unknown-field", "unknown-argument-or-field", "unknown-id"],
)
async def test_a_clients_mistake_is_one_info_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, query: str, code: str
) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    try:
        with caplog.at_level(logging.INFO):
            body = await _post(store, query)
    finally:
        await store.close()
    assert body["errors"]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    answered = [r.getMessage() for r in caplog.records if r.name == "orggraph.api"]
    assert len(answered) == 1 and f"({code})" in answered[0], answered
