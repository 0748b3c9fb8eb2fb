"""A page of service requests is kept per data version on Neo4j (as figures are): a write
from another process, another replica of the service, makes it stale at once."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from conftest import Neo4jBackend
from contract.city import build_small_city

from orggraph.api.app import create_app
from orggraph.domain.service import ServiceAction, ServiceCommand
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import ADMIN, SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.neo4j

ORDER = """mutation { orderService(input: {householdId: "h01", kind: WISH, text: "修灯"})
  { id } }"""
LISTING = """{ serviceRequests(scope: "g1") { totalCount edges { node { id state
  assignee { id } } } } }"""


async def test_a_kept_page_goes_stale_when_another_replica_writes(
    neo4j_session_store: GraphStore,
) -> None:
    store = neo4j_session_store
    await store.clear()  # type: ignore[attr-defined]
    await build_small_city(store)
    other = await Neo4jBackend(store).open()
    app = create_app(store, TEST_POLICY, SECRET)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
        ) as http:
            admin = GraphQLClient(http)
            rid = (await admin.ok(ORDER))["orderService"]["id"]
            kept = await admin.ok(LISTING)
            assert kept == await admin.ok(LISTING)
            assert kept["serviceRequests"]["edges"][0]["node"]["state"] == "ORDERED"
            command = ServiceCommand(
                rid,
                ServiceAction.DISPATCH,
                by="replica-2",
                at=datetime.now(UTC),
                unit_id="g1",
                assignee_id="m1",
            )
            await other.advance_service(command)
            seen = (await admin.ok(LISTING))["serviceRequests"]["edges"][0]["node"]
            assert seen == {"id": rid, "state": "DISPATCHED", "assignee": {"id": "m1"}}
    finally:
        await other.close()  # type: ignore[attr-defined]
