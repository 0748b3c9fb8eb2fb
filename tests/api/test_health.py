"""The store watch (api/health.py): a failed ping turns requests in flight and new ones into
fast 503s, one late ping does not, and the first good ping lets requests through again."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from orggraph.api import health as health_module
from orggraph.api.health import StoreHealth
from orggraph.api.security import Message, RequestTimeout, Scope


class Store:
    """A ping that answers, fails or hangs as the test says; queries that hang until freed."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.freed = asyncio.Event()

    async def ping(self) -> None:
        if self.mode == "fail":
            raise ConnectionRefusedError("connection refused")
        if self.mode == "hang":
            await asyncio.sleep(10)

    async def app(self, scope: Scope, receive: Any, send: Any) -> None:
        await self.freed.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def _request(gate: RequestTimeout) -> tuple[int, dict[str, Any]]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    await gate({"type": "http", "headers": []}, receive, send)
    return sent[0]["status"], json.loads(sent[1]["body"] or b"{}")


async def test_a_failed_ping_answers_requests_in_flight_and_new_ones_with_503() -> None:
    store = Store()
    health = StoreHealth(store.ping)
    gate = RequestTimeout(store.app, 30, health)
    in_flight = asyncio.create_task(_request(gate))
    await asyncio.sleep(0.05)
    store.mode = "fail"
    await health.check()
    status, body = await asyncio.wait_for(in_flight, 1)
    assert status == 503
    assert body["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert "connection refused" in body["errors"][0]["message"]
    assert (await asyncio.wait_for(_request(gate), 0.5))[0] == 503
    store.mode = "ok"
    await health.check()
    store.freed.set()
    assert (await asyncio.wait_for(_request(gate), 1))[0] == 200


async def test_one_late_ping_is_a_busy_moment_two_are_an_outage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(health_module, "PING_TIMEOUT_S", 0.05)
    store = Store()
    health = StoreHealth(store.ping)
    store.mode = "hang"
    await health.check()
    assert not health.down
    await health.check()
    assert health.down and "no answer" in health.reason
    store.mode = "ok"
    await health.check()
    assert not health.down


async def test_without_a_watch_a_slow_request_still_gets_504() -> None:
    store = Store()
    status, body = await _request(RequestTimeout(store.app, 0.05))
    assert status == 504 and body["errors"][0]["extensions"]["code"] == "TIMEOUT"


async def test_a_store_that_does_not_answer_a_query_gives_503_not_an_internal_error(
    tmp_path: Any,
) -> None:
    import httpx
    from contract.city import build_small_city

    from orggraph.api.app import create_app
    from orggraph.domain.policy import Policy
    from orggraph.store.memory import MemoryStore
    from orggraph.store.values import StoreUnavailableError

    from .conftest import ADMIN, SECRET, bearer
    from .stores import PassThroughStore

    class DownStore(PassThroughStore):
        async def counts_many(self, scope_ids: Any) -> Any:
            raise StoreUnavailableError("Neo4j at bolt://127.0.0.1:1 does not answer")

    inner = await MemoryStore.open(tmp_path / "data")
    await build_small_city(inner)
    app = create_app(DownStore(inner), Policy(), SECRET)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        answer = await http.post(
            "/graphql", json={"query": "{ streets { counts { households } } }"}
        )
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "1"
        error = answer.json()["errors"][0]
        assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert "bolt://" not in error["message"]  # no internals in the answer
        assert (await http.post("/graphql", json={"query": "{ version }"})).status_code == 200
    await inner.close()


async def test_an_orphaned_connect_error_is_one_warning_line_and_other_errors_keep_asyncio_s(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A request cut short mid-connect leaves the driver's connect task to fail unread: one
    line naming the refused connection, no traceback. Other loop errors keep theirs."""
    loop = asyncio.get_running_loop()
    refused = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 17687)")
    health_module.note_orphaned_connect_errors(
        loop, {"message": "Task exception was never retrieved", "exception": refused}
    )
    noted = [r for r in caplog.records if r.name == "orggraph.api"]
    assert [(r.levelname, r.exc_info) for r in noted] == [("WARNING", None)]
    assert "Connect call failed" in noted[0].getMessage()
    caplog.clear()
    health_module.note_orphaned_connect_errors(
        loop, {"message": "Task exception was never retrieved", "exception": KeyError("x")}
    )
    assert [r.name for r in caplog.records] == ["asyncio"]
    assert caplog.records[0].exc_info is not None
