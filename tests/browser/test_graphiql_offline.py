"""GraphiQL in headless Chromium with every outside address blocked, as on an office intranet.

The page, its scripts and styles and the query all go to the service (the in-process app,
reached through Playwright's request routing under one origin); any other request is aborted
and recorded, and the test fails if the page asked for one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from reports.city import STREET

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore

pytestmark = pytest.mark.browser

ORIGIN = "http://orggraph.intranet"
_SECRET = "graphiql-browser-test-secret-0123456789abcdef"


async def _serve_through(page: Any, app: Any, blocked: list[str]) -> None:
    """Answer requests to ORIGIN from the app; abort (and note) every other request."""
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url=ORIGIN)

    async def handle(route: Any) -> None:
        request = route.request
        if not request.url.startswith(ORIGIN + "/"):
            blocked.append(request.url)
            await route.abort("internetdisconnected")
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        answer = await client.request(
            request.method, request.url, headers=headers, content=request.post_data_buffer
        )
        await route.fulfill(
            status=answer.status_code, headers=dict(answer.headers), body=answer.content
        )

    await page.context.route("**/*", handle)


async def test_graphiql_runs_a_query_with_no_outside_network(
    city_data_dir: Path, page: Any, shots: Path
) -> None:
    """On the embedded store only: the page and its assets do not depend on the store."""
    city_store = await MemoryStore.open(city_data_dir)
    try:
        await _run_graphiql(city_store, page, shots)
    finally:
        await city_store.close()


async def _run_graphiql(city_store: GraphStore, page: Any, shots: Path) -> None:
    app = create_app(city_store, Policy(), _SECRET)
    token = create_token(_SECRET, Principal("graphiql-test", Role.ADMIN, None), 600)
    blocked: list[str] = []
    await _serve_through(page, app, blocked)
    street = await city_store.get_node(STREET)
    assert street is not None

    await page.goto(f"{ORIGIN}/graphql")
    await page.locator(".graphiql-container .graphiql-query-editor .CodeMirror").wait_for()
    headers_editor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror")
    await headers_editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text(f'{{"Authorization": "Bearer {token}"}}')
    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    await result.get_by_text(street.name).first.wait_for(timeout=15_000)
    await page.screenshot(path=shots / "graphiql-offline.png")

    shown = await result.inner_text()
    assert f'"id": "{STREET}"' in shown
    assert "errors" not in shown
    assert blocked == []
