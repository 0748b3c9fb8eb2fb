"""CORS for browser dashboards: off by default; with allowed origins a preflight from one of
them is answered (before the token gate) and the real request carries the allow header; other
origins get no allow header. The setting is parsed with a clear error."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from orggraph.api.app import AppOptions, create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.config import Settings
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

SECRET = "cors-test-signing-secret-0123456789abcdef"
DASHBOARD = "https://dashboard.intranet.example"
PREFLIGHT = {
    "Origin": DASHBOARD,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


async def _client(
    tmp_path: Path, origins: tuple[str, ...]
) -> tuple[httpx.AsyncClient, MemoryStore]:
    store = await MemoryStore.open(tmp_path / "data")
    app = create_app(store, Policy(), SECRET, AppOptions(cors_origins=origins))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api"), store


async def test_off_by_default(tmp_path: Path) -> None:
    http, store = await _client(tmp_path, ())
    async with http:
        answer = await http.options("/graphql", headers=PREFLIGHT)
        assert "access-control-allow-origin" not in answer.headers
        assert answer.status_code == 401
    await store.close()


async def test_a_preflight_from_an_allowed_origin_is_answered(tmp_path: Path) -> None:
    http, store = await _client(tmp_path, (DASHBOARD,))
    token = create_token(SECRET, Principal("dash", Role.ADMIN, None), 600)
    async with http:
        answer = await http.options("/graphql", headers=PREFLIGHT)
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == DASHBOARD
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert "authorization" in answer.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in answer.headers

        real = await http.post(
            "/graphql",
            json={"query": "{ streets { id } }"},
            headers={"Origin": DASHBOARD, "Authorization": f"Bearer {token}"},
        )
        assert real.status_code == 200 and real.json()["data"] == {"streets": []}
        assert real.headers["access-control-allow-origin"] == DASHBOARD

        untokened = await http.post(
            "/graphql", json={"query": "{ streets { id } }"}, headers={"Origin": DASHBOARD}
        )
        assert untokened.status_code == 401

        other = await http.options(
            "/graphql", headers=PREFLIGHT | {"Origin": "https://elsewhere.example"}
        )
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers
    await store.close()


def test_the_setting_is_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGGRAPH_CORS_ORIGINS", f"{DASHBOARD}, http://127.0.0.1:3000/")
    assert Settings.from_env().api.cors_origins == (DASHBOARD, "http://127.0.0.1:3000")
    monkeypatch.setenv("ORGGRAPH_CORS_ORIGINS", "dashboard.example/path")
    with pytest.raises(ValueError, match=r"ORGGRAPH_CORS_ORIGINS.*not an origin"):
        Settings.from_env()
    monkeypatch.delenv("ORGGRAPH_CORS_ORIGINS")
    assert Settings.from_env().api.cors_origins == ()
