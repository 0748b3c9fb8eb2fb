"""Object-level authorisation: each role x (inside, outside, ancestor, sibling) x entry point.

An id outside the caller's scope must behave exactly as an unknown id: the same null, the same
empty list, the same error code and message (with the id swapped). Runs on both stores.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from contract.city import City

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.api

UNKNOWN = "zz-unknown"

# (role, scope) -> relation -> a unit id of that relation to the scope, and a household id.
CASES: dict[tuple[Role, str], dict[str, tuple[str, str]]] = {
    (Role.STREET, "s1"): {
        "inside": ("c2", "h10"),
        "outside": ("c3", "h14"),
        "sibling": ("s2", "h19"),
    },
    (Role.COMMUNITY, "c1"): {
        "inside": ("b2", "h08"),
        "outside": ("c3", "h14"),
        "ancestor": ("s1", "h10"),
        "sibling": ("c2", "h11"),
    },
    (Role.DASHBOARD, "c1"): {
        "inside": ("b1", "h02"),
        "outside": ("b4", "h16"),
        "ancestor": ("s1", "h12"),
        "sibling": ("c2", "h13"),
    },
}
MATRIX = [
    pytest.param(role, scope, relation, unit, household, id=f"{role.value}-{relation}")
    for (role, scope), relations in CASES.items()
    for relation, (unit, household) in relations.items()
]

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


def _swap(body: dict[str, Any], hidden: str) -> str:
    """The answer with the hidden id written as the unknown one, to compare the two."""
    return str(body).replace(hidden, UNKNOWN)


async def _same_as_unknown(api: GraphQLClient, query: str, hidden: str) -> None:
    hidden_answer = await api.post(query.replace("$ID", hidden))
    unknown_answer = await api.post(query.replace("$ID", UNKNOWN))
    assert _swap(hidden_answer, hidden) == str(unknown_answer)


ENTRY_POINTS = {
    "node": '{ node(id: "$ID") { id } }',
    "nodes": '{ nodes(ids: ["$ID"]) { id } }',
    "household": '{ household(id: "$ID") { id cadres { member { id } } } }',
    "summary": '{ coverageSummary(scope: "$ID") { counts { households } } }',
    "gaps": '{ coverageGaps(scope: "$ID", year: 2024) { totalCount } }',
    "gapCounts": '{ gapCounts(scope: "$ID", year: 2024) { kind count } }',
    "search": '{ search(text: "x", first: 5) { totalCount } node(id: "$ID") { id } }',
}


@pytest.mark.parametrize(("role", "scope", "relation", "unit", "household"), MATRIX)
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
async def test_reads_see_inside_and_nothing_else(
    client_for: Client,
    city: City,
    role: Role,
    scope: str,
    relation: str,
    unit: str,
    household: str,
    entry: str,
) -> None:
    api = await client_for(Principal("someone", role, scope))
    target = household if entry == "household" else unit
    query = ENTRY_POINTS[entry]
    if relation == "inside":
        body = await api.post(query.replace("$ID", target))
        assert "errors" not in body, body
        assert target in str(body) or entry in ("summary", "gaps", "gapCounts")
    else:
        await _same_as_unknown(api, query, target)


@pytest.mark.parametrize(("role", "scope", "relation", "unit", "household"), MATRIX)
async def test_search_finds_only_inside(
    client_for: Client, city: City, role: Role, scope: str, relation: str, unit: str, household: str
) -> None:
    api = await client_for(Principal("someone", role, scope))
    name = city.units[unit].name
    data = await api.ok(
        "query($t: String!) { search(text: $t, first: 500) { edges { node { id } } } }",
        {"t": name},
    )
    found = {edge["node"]["id"] for edge in data["search"]["edges"]}
    assert (unit in found) == (relation == "inside")


@pytest.mark.parametrize(("role", "scope", "relation", "unit", "household"), MATRIX)
async def test_writes_only_inside(
    client_for: Client, city: City, role: Role, scope: str, relation: str, unit: str, household: str
) -> None:
    api = await client_for(Principal("someone", role, scope))
    query = 'mutation { renameUnit(id: "$ID", name: "renamed") { id } }'
    if role is Role.DASHBOARD:
        error = await api.error(query.replace("$ID", unit))
        assert error["extensions"]["code"] == "FORBIDDEN"
        return
    if relation == "inside":
        assert (await api.ok(query.replace("$ID", unit)))["renameUnit"] == {"id": unit}
        return
    await _same_as_unknown(api, query, unit)
    admin = await client_for(Principal("admin", Role.ADMIN, None))
    kept = await admin.ok(f'{{ node(id: "{unit}") {{ ... on OrgNode {{ name }} }} }}')
    assert kept["node"]["name"] == city.units[unit].name


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


async def test_every_mutation_is_audited(client_for: Client, city: City) -> None:
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
