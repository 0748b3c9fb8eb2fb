"""GraphiQL's page loads nothing from outside the service: every script and style sheet it
names is served by the app from the installed package (the browser test runs it offline)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from orggraph.api.app import AppOptions, create_app
from orggraph.api.graphiql import ASSET_PREFIX, asset_names
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

SECRET = "graphiql-assets-test-secret-0123456789abcdef"


async def test_page_names_only_the_services_own_assets(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    app = create_app(store, Policy(), SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sorted(linked) == sorted(ASSET_PREFIX + name for name in asset_names())
        assert "://" not in "".join(linked)
        for url in linked:
            asset = await http.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 500, url
            kind = "javascript" if url.endswith(".js") else "css"
            assert kind in asset.headers["content-type"], url
        assert (await http.get(ASSET_PREFIX + "../config.py")).status_code == 404
        assert (await http.get(ASSET_PREFIX + "views.py")).status_code == 404
    await store.close()


async def test_assets_are_not_served_when_graphiql_is_off(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    app = create_app(store, Policy(), SECRET, AppOptions(graphiql=False))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        assert (await http.get(ASSET_PREFIX + "graphiql.min.js")).status_code == 404
    await store.close()
