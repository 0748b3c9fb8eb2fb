"""Scope rules shown by example: ancestors stop at the scope, a cadre's households outside it
are hidden, a dashboard's masked fields and searches, and what an audit entry holds. The full
matrix (every field and mutation x role x relation) is test_access_matrix.py. Both stores.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from contract.city import City

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.api

Client = Callable[[Principal], Awaitable[GraphQLClient]]


@pytest.fixture
async def client_for(store: GraphStore) -> AsyncIterator[Client]:
    """Clients of any principal over the same app."""
    app = create_app(store, TEST_POLICY, SECRET)
    opened: list[httpx.AsyncClient] = []

    async def make(principal: Principal) -> GraphQLClient:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",
            headers=bearer(principal),
        )
        opened.append(http)
        return GraphQLClient(http)

    yield make
    for http in opened:
        await http.aclose()


async def test_ancestors_stop_at_the_scope(client_for: Client, city: City) -> None:
    api = await client_for(Principal("organiser", Role.COMMUNITY, "c1"))
    data = await api.ok(
        '{ household(id: "h01") { ancestors { id } } node(id: "c1") { ... on OrgNode '
        "{ parent { id } ancestors { id } } } }"
    )
    assert data["household"]["ancestors"] == [{"id": "c1"}, {"id": "b1"}, {"id": "g1"}]
    assert data["node"] == {"parent": None, "ancestors": []}


async def test_a_cadres_households_outside_the_scope_are_hidden(
    client_for: Client, city: City
) -> None:
    # m8 registered with c3 (street s2) also covers h12 in street s1.
    api = await client_for(Principal("organiser", Role.STREET, "s2"))
    data = await api.ok('{ member(id: "m8") { households { household { id } } } }')
    assert data["member"]["households"] == [{"household": {"id": "h18"}}]


async def test_dashboard_sees_personal_fields_masked(client_for: Client, city: City) -> None:
    dashboard = await client_for(Principal("screen", Role.DASHBOARD, "c1"))
    organiser = await client_for(Principal("organiser", Role.COMMUNITY, "c1"))
    query = (
        '{ household(id: "h01") { name address phone cadres { member { name phone } } } '
        'coverageGaps(scope: "c1", kinds: [UNCOVERED_HOUSEHOLD], year: 2024) '
        "{ edges { node { ... on UncoveredHouseholdGap { household { name phone } } } } } }"
    )
    masked = await dashboard.ok(query)
    clear = await organiser.ok(query)
    assert masked["household"]["name"] == "***"
    assert masked["household"]["address"] == "***"
    assert masked["household"]["phone"] == "***"
    assert {c["member"]["phone"] for c in masked["household"]["cadres"]} == {"***"}
    gap_households = [e["node"]["household"] for e in masked["coverageGaps"]["edges"]]
    assert gap_households and all(h == {"name": "***", "phone": "***"} for h in gap_households)
    assert clear["household"]["name"] == city.households["h01"].name
    assert clear["household"]["phone"] == city.households["h01"].phone


SEARCH = (
    "query($text: String!, $level: Level) { search(text: $text, level: $level, first: 1) { "
    "totalCount edges { cursor node { id } } } }"
)


@pytest.mark.parametrize("level", [None, "HOUSEHOLD"])
async def test_a_dashboard_cannot_find_a_household_by_its_masked_name(
    client_for: Client, city: City, level: str | None
) -> None:
    """A search by a resident's name answers a dashboard exactly as a name nobody has, while
    an organiser of the same unit finds the household."""
    dashboard = await client_for(Principal("screen", Role.DASHBOARD, "c1"))
    organiser = await client_for(Principal("organiser", Role.COMMUNITY, "c1"))
    resident = city.households["h01"].name
    found = await organiser.ok(SEARCH, {"text": resident, "level": level})
    assert [e["node"]["id"] for e in found["search"]["edges"]] == ["h01"]
    masked = await dashboard.ok(SEARCH, {"text": resident, "level": level})
    nobody = await dashboard.ok(SEARCH, {"text": "无此人", "level": level})
    assert masked == nobody == {"search": {"totalCount": 0, "edges": []}}


async def test_a_dashboard_pages_its_search_by_edge_cursors_without_gaps(
    client_for: Client, city: City
) -> None:
    """Units and cadres a dashboard does find page alike by edge cursor and by endCursor."""
    dashboard = await client_for(Principal("screen", Role.DASHBOARD, "c1"))
    query = (
        'query($after: String) { search(text: "alpha", first: 1, after: $after) { '
        "totalCount edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }"
    )
    seen: list[str] = []
    after = None
    while True:
        page = (await dashboard.ok(query, {"after": after}))["search"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["edges"][-1]["cursor"]
    assert len(seen) == page["totalCount"] == len(set(seen))
    assert "h07" not in seen  # a household, found by name only by those who may see names


async def test_an_audit_entry_holds_who_what_before_and_after(
    client_for: Client, city: City
) -> None:
    organiser = await client_for(Principal("li.organiser", Role.COMMUNITY, "c1"))
    await organiser.ok('mutation { renameUnit(id: "b2", name: "东园") { id } }')
    await organiser.ok(
        'mutation { assignHousehold(input: {memberId: "m7", householdId: "h04", mode: UNIT, '
        'since: "2025-01-01"}) { since } }'
    )
    refused = await organiser.error('mutation { renameUnit(id: "c3", name: "x") { id } }')
    assert refused["extensions"]["code"] == "UNKNOWN_ID"
    denied = await organiser.error("{ auditLog { totalCount } }")
    assert denied["extensions"]["code"] == "FORBIDDEN"
    admin = await client_for(Principal("admin", Role.ADMIN, None))
    log = (
        await admin.ok(
            "{ auditLog(first: 10) { totalCount nodes { subject role action targetIds "
            "before after } } }"
        )
    )["auditLog"]
    assert log["totalCount"] == 2
    newest, oldest = log["nodes"]
    assert (oldest["action"], oldest["subject"], oldest["role"]) == (
        "rename_unit",
        "li.organiser",
        "community",
    )
    assert json.loads(oldest["before"])["nodes"]["b2"]["name"] == "东园林小区党支部"
    assert json.loads(oldest["after"])["nodes"]["b2"]["name"] == "东园"
    assert newest["action"] == "assign"
    assert newest["targetIds"] == ["h04", "m7"]
    assert json.loads(newest["before"])["cadres"]["h04"] == []
    assert json.loads(newest["after"])["cadres"]["h04"] == [["m7", "unit", "2025-01-01"]]
