"""The cadre side through the API: rosters, work units and the cover history, on both stores,
as an admin and as scoped callers (the small city of tests/contract/city.py)."""

from __future__ import annotations

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

Client = Callable[[Principal], Awaitable[GraphQLClient]]

ENTRY = """
  totalCount
  pageInfo { hasNextPage endCursor }
  edges { cursor node {
    member { id phone } registeredHere coveringHere householdsHere householdsTotal
    year points meetsMinimum band coversIn { id }
  } }
"""


@pytest.fixture
async def client_for(store: GraphStore) -> AsyncIterator[Client]:
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


def entries(connection: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            e["node"]["member"]["id"],
            e["node"]["registeredHere"],
            e["node"]["householdsHere"],
            e["node"]["householdsTotal"],
            e["node"]["points"],
            e["node"]["meetsMinimum"],
            e["node"]["band"],
        )
        for e in connection["edges"]
    ]


async def test_a_community_roster(api: GraphQLClient, city: City) -> None:
    data = await api.ok(f'{{ cadres(scope: "c1", year: 2024) {{ {ENTRY} }} }}')
    # The test policy's band is exactly 3 households.
    assert entries(data["cadres"]) == [
        ("m1", True, 4, 4, 21, True, "OVER"),
        ("m2", True, 2, 2, 20, True, "UNDER"),
        ("m3", False, 1, 3, 0, False, "WITHIN"),
        ("m7", True, 0, 0, 0, False, "NONE"),
    ]
    assert [e["node"]["coversIn"] for e in data["cadres"]["edges"]][2] == [
        {"id": "c1"},
        {"id": "c2"},
    ]
    assert data["cadres"]["edges"][0]["node"]["member"]["phone"] == "13900000001"


async def test_every_unit_has_a_filtered_paged_roster(api: GraphQLClient, city: City) -> None:
    query = """query($after: String) { node(id: "c1") { ... on CommunityCommittee {
      cadres(year: 2024, first: 2, after: $after, filter: {covering: true}) { %s } } } }"""
    first = (await api.ok(query % ENTRY))["node"]["cadres"]
    assert [e["node"]["member"]["id"] for e in first["edges"]] == ["m1", "m2"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"]
    rest = await api.ok(query % ENTRY, {"after": first["pageInfo"]["endCursor"]})
    assert [e["node"]["member"]["id"] for e in rest["node"]["cadres"]["edges"]] == ["m3"]
    under = await api.ok(
        '{ node(id: "s2") { ... on StreetCommittee { cadres(filter: {band: UNDER,'
        " underPointsMinimum: true, mode: RESIDENCE}) { edges { node { member { id } } } } } } }"
    )
    assert [e["node"]["member"]["id"] for e in under["node"]["cadres"]["edges"]] == ["m5", "m8"]


async def test_work_units_with_their_cadres_and_figures(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        """{ workUnits(first: 2) { totalCount pageInfo { hasNextPage endCursor }
               edges { node { id name } } }
             found: workUnits(search: "局") { edges { node { id
               cadres(year: 2024) { edges { node { member { id community { id } }
                 coversIn { id } householdsTotal } } }
               figures(year: 2024) { cadres coveringCadres householdsCovered
                 cadresMeetingMinimum } } } } }"""
    )
    assert data["workUnits"]["totalCount"] == 3
    assert [e["node"]["id"] for e in data["workUnits"]["edges"]] == ["wu1", "wu2"]
    wu1, wu3 = (e["node"] for e in data["found"]["edges"])
    assert [e["node"]["member"]["id"] for e in wu1["cadres"]["edges"]] == ["m1", "m2", "m6"]
    assert wu1["figures"] == {
        "cadres": 3,
        "coveringCadres": 2,
        "householdsCovered": 5,  # h01 h02 h03 h05 h08
        "cadresMeetingMinimum": 2,
    }
    m8 = wu3["cadres"]["edges"][2]["node"]
    assert m8["member"] == {"id": "m8", "community": {"id": "c3"}}
    assert m8["coversIn"] == [{"id": "c2"}, {"id": "c3"}]


async def test_a_scoped_caller_sees_a_work_units_cadres_in_scope_only(
    client_for: Client, city: City
) -> None:
    query = """{ node(id: "wu3") { ... on WorkUnit {
      cadres { edges { node { member { id } householdsHere householdsTotal coversIn { id } } } }
      figures(year: 2024) { cadres coveringCadres householdsCovered cadresMeetingMinimum }
    } } }"""
    street = await client_for(Principal("s1-organiser", Role.STREET, "s1"))
    found = (await street.ok(query))["node"]
    assert found["cadres"]["edges"] == [
        {
            "node": {
                "member": {"id": "m8"},
                "householdsHere": 1,
                "householdsTotal": 2,
                "coversIn": [{"id": "c2"}],
            }
        }
    ]
    assert found["figures"] == {
        "cadres": 1,
        "coveringCadres": 1,
        "householdsCovered": 1,
        "cadresMeetingMinimum": 0,
    }
    community = await client_for(Principal("c1-organiser", Role.COMMUNITY, "c1"))
    assert (await community.ok(query))["node"]["cadres"]["edges"] == []


async def test_a_roster_outside_the_scope_is_an_unknown_id(client_for: Client, city: City) -> None:
    community = await client_for(Principal("c1-organiser", Role.COMMUNITY, "c1"))
    error = await community.error('{ cadres(scope: "c3") { totalCount } }')
    assert error["extensions"]["code"] == "UNKNOWN_ID"
    own = await community.ok("{ cadres { edges { node { member { id } } } } }")
    assert [e["node"]["member"]["id"] for e in own["cadres"]["edges"]] == ["m1", "m2", "m3", "m7"]


async def test_a_dashboard_sees_rosters_masked(client_for: Client, city: City) -> None:
    dashboard = await client_for(Principal("board", Role.DASHBOARD, "c1"))
    data = await dashboard.ok("{ cadres { edges { node { member { id name phone } } } } }")
    assert {e["node"]["member"]["phone"] for e in data["cadres"]["edges"]} == {"***"}
    assert data["cadres"]["edges"][0]["node"]["member"]["name"] == "王芳"


HISTORY = """{
  household(id: "h08") { cadreHistory { memberId member { id } householdId household { id }
    mode since ended endReason transferredTo { id } } }
  member(id: "m2") { householdHistory { householdId ended endReason } }
}"""


async def test_a_transfer_shows_in_both_histories_with_dates(
    api: GraphQLClient, city: City
) -> None:
    await api.ok(
        'mutation { transferHousehold(householdId: "h08", fromMemberId: "m2",'
        ' toMemberId: "m6", since: "2025-05-05") { since } }'
    )
    data = await api.ok(HISTORY)
    assert data["household"]["cadreHistory"] == [
        {
            "memberId": "m2",
            "member": {"id": "m2"},
            "householdId": "h08",
            "household": {"id": "h08"},
            "mode": "UNIT",
            "since": "2024-02-20",
            "ended": "2025-05-05",
            "endReason": "TRANSFERRED",
            "transferredTo": {"id": "m6"},
        },
        {
            "memberId": "m6",
            "member": {"id": "m6"},
            "householdId": "h08",
            "household": {"id": "h08"},
            "mode": "UNIT",
            "since": "2025-05-05",
            "ended": None,
            "endReason": None,
            "transferredTo": None,
        },
    ]
    assert data["member"]["householdHistory"] == [
        {"householdId": "h08", "ended": "2025-05-05", "endReason": "TRANSFERRED"},
        {"householdId": "h01", "ended": None, "endReason": None},
    ]


async def test_unassign_takes_an_end_date_and_is_audited(api: GraphQLClient, city: City) -> None:
    await api.ok(
        'mutation { unassignHousehold(memberId: "m2", householdId: "h08", ended: "2025-01-31") }'
    )
    data = await api.ok(HISTORY)
    assert [(r["ended"], r["endReason"]) for r in data["household"]["cadreHistory"]] == [
        ("2025-01-31", "UNASSIGNED")
    ]
    error = await api.error(
        'mutation { unassignHousehold(memberId: "m1", householdId: "h01", ended: "2020-01-01") }'
    )
    assert error["extensions"]["code"] == "INVALID_VALUE"
    log = await api.ok("{ auditLog(first: 5) { nodes { action targetIds } } }")
    assert log["auditLog"]["nodes"][0] == {
        "action": "unassign",
        "targetIds": ["h08", "m2"],
    }
    summary = await api.ok('{ node(id: "g3") { ... on OrgNode { counts { coveredHouseholds } } } }')
    assert summary["node"]["counts"]["coveredHouseholds"] == 0


async def test_a_scoped_caller_sees_history_inside_the_scope_only(
    client_for: Client, city: City
) -> None:
    community = await client_for(Principal("c1-organiser", Role.COMMUNITY, "c1"))
    data = await community.ok('{ member(id: "m3") { householdHistory { householdId } } }')
    assert data["member"]["householdHistory"] == [{"householdId": "h06"}]
    hidden = await community.ok('{ household(id: "h10") { cadreHistory { memberId } } }')
    assert hidden["household"] is None
