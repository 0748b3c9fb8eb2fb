"""Production protections: a request past the time limit is cut off with 504 (and the service
stays up); introspection and GraphiQL can be switched off."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

from .conftest import ADMIN, SECRET, bearer
from .stores import PassThroughStore


class SlowStore(PassThroughStore):
    """A store whose coverage summary hangs (a stuck query), everything else passed through."""

    async def coverage_summary(self, scope_id: str | None = None) -> Any:
        await asyncio.sleep(30)
        return await self._inner.coverage_summary(scope_id)


async def test_a_slow_request_gets_504_and_the_next_one_answers(tmp_path: Path) -> None:
    inner = await MemoryStore.open(tmp_path / "data")
    app = create_app(SlowStore(inner), Policy(), SECRET, AppOptions(request_timeout_s=1.0))  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        slow = await http.post(
            "/graphql", json={"query": "{ coverageSummary { rows { node { id } } } }"}
        )
        assert slow.status_code == 504
        assert slow.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        quick = await http.post("/graphql", json={"query": "{ version }"})
        assert quick.status_code == 200
        assert "errors" not in quick.json()
    await inner.close()


async def test_production_switches_turn_off_introspection_and_graphiql(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    options = AppOptions(graphiql=False, limits=Limits(introspection=False))
    app = create_app(store, Policy(), SECRET, options)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        body = (
            await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        ).json()
        assert body.get("data") is None
        assert "introspection" in body["errors"][0]["message"].lower()
        assert (await http.post("/graphql", json={"query": "{ version }"})).json()["data"]
        page = await http.get("/graphql", headers={"Accept": "text/html", "Authorization": ""})
        assert page.status_code == 401
        assert "graphiql" not in page.text.lower()
    await store.close()
