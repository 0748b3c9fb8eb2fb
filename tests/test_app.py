"""The service's own endpoints, on the embedded store: health, readiness and a GraphQL query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import httpx
import jwt
import pytest

from orggraph.api.app import AppOptions, create_app
from orggraph.api.graphiql import ASSET_PACKAGE, ASSET_PREFIX, asset_names
from orggraph.api.security import Receive, RequireToken, Scope, Send
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.domain.entities import Unit
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

SECRET = "app-tests-signing-secret-0123456789abcdef"


def admin_header() -> dict[str, str]:
    """A fresh admin token per request: a token minted at import time could expire before a
    slow run reaches the test."""
    return {
        "Authorization": "Bearer " + create_token(SECRET, Principal("t", Role.ADMIN, None), 600)
    }


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    store = await MemoryStore.open(tmp_path / "data")
    await store.create_unit(Unit("S02", "园林街道大工委", Level.STREET))
    await store.create_unit(Unit("S01", "Garden Street", Level.STREET))
    app = create_app(store, Policy(), SECRET)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    await store.close()


async def test_healthz_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_names_the_store(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "store": "memory"}


async def test_graphql_lists_streets_in_id_order(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ store streets { id name } }"}, headers=admin_header()
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"]["store"] == "memory"
    assert body["data"]["streets"] == [
        {"id": "S01", "name": "Garden Street"},
        {"id": "S02", "name": "园林街道大工委"},
    ]


class _PageParts(HTMLParser):
    """The scripts and style sheets a page loads, its inline scripts and its element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.inline: list[str] = []
        self.ids: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "script" and found.get("src"):
            self.loads.append(str(found["src"]))
        elif tag == "script":
            self._in_script = True
        if tag == "link" and found.get("rel") == "stylesheet":
            self.loads.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)


async def test_graphiql_page_loads_its_assets_from_the_service(
    client: httpx.AsyncClient,
) -> None:
    """The page mounts GraphiQL on this endpoint, and every script and style sheet it loads
    is served here, byte for byte the installed file (nothing from outside)."""
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _PageParts()
    page.feed(response.text)
    assert sorted(page.loads) == sorted(ASSET_PREFIX + name for name in asset_names())
    for path in page.loads:
        asset = await client.get(path)
        assert asset.status_code == 200, path
        name = path.removeprefix(ASSET_PREFIX)
        assert (
            asset.content == (files(ASSET_PACKAGE) / "static" / ASSET_PACKAGE / name).read_bytes()
        )
        assert asset.headers["content-type"].split(";")[0] in ("text/javascript", "text/css")
    script = "".join(page.inline)
    assert "graphiql" in page.ids
    assert 'GraphiQL.createFetcher({ url: window.location.href.split("?")[0] })' in script
    assert 'document.getElementById("graphiql")' in script
    assert (await client.get(ASSET_PREFIX + "not-an-asset.js")).status_code == 404


async def test_graphiql_switched_off_serves_no_page(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    app = create_app(store, Policy(), SECRET, AppOptions(graphiql=False))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.get("/graphql", headers={"Accept": "text/html"})
        assert response.status_code == 401  # the token gate, as for any other request
        assert (await http.get(ASSET_PREFIX + asset_names()[0])).status_code == 404
    await store.close()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {
            "Authorization": "Bearer "
            + create_token(
                "another-secret-0123456789abcdef-xyz", Principal("t", Role.ADMIN, None), 600
            )
        },
        {"Authorization": "Bearer " + create_token(SECRET, Principal("t", Role.ADMIN, None), -5)},
    ],
    ids=["none", "garbage", "basic", "forged", "expired"],
)
async def test_graphql_without_a_valid_token_is_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post("/graphql", json={"query": "{ version }"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "version" not in response.text.replace('"query"', "")


async def test_a_token_accepted_before_is_refused_once_expired() -> None:
    """Verified tokens are remembered (see RequireToken), but never past their expiry. The
    gate's clock is stepped by hand: a test that waits on the wall clock fails on a busy
    machine."""
    token = create_token(SECRET, Principal("t", Role.ADMIN, None), 600)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    now = [expires - 600.0]

    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = RequireToken(answer, SECRET, clock=lambda: now[0])
    transport = httpx.ASGITransport(app=gate)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        header = {"Authorization": "Bearer " + token}
        assert (await http.post("/graphql", headers=header)).status_code == 200
        now[0] = expires - 0.001
        assert (await http.post("/graphql", headers=header)).status_code == 200
        now[0] = expires
        refused = await http.post("/graphql", headers=header)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["message"] == "token expired"
