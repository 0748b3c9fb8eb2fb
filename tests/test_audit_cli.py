"""`orggraph audit` reads the trail the API writes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
from click.testing import CliRunner

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.cli import main
from orggraph.domain.entities import Unit
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

SECRET = "audit-cli-tests-signing-secret-0123456789"


async def _rename_twice_through_the_api(data_dir: Path) -> None:
    store = await MemoryStore.open(data_dir)
    await store.create_unit(Unit("S1", "园林街道大工委", Level.STREET))
    token = create_token(SECRET, Principal("wang.admin", Role.ADMIN, None), 600)
    app = create_app(store, Policy(), SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        for name in ("First", "Second"):
            response = await http.post(
                "/graphql",
                json={"query": f'mutation {{ renameUnit(id: "S1", name: "{name}") {{ id }} }}'},
            )
            assert "errors" not in response.json()
    await store.close()


def test_audit_lists_api_changes_newest_first(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    asyncio.run(_rename_twice_through_the_api(data_dir))
    result = CliRunner().invoke(
        main, ["audit", "--json"], env={"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": None}
    )
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["action"] for e in entries] == ["rename_unit", "rename_unit"]
    assert [json.loads(e["arguments"])["name"] for e in entries] == ["Second", "First"]
    assert {e["subject"] for e in entries} == {"wang.admin"}
