"""The service loop through GraphQL, on both stores: each transition by tokens of the right and
the wrong roles, illegal transitions refused with nothing changed, masking, the audit trail,
listings, and concurrent accepts and dispatch/cancel races leaving one outcome."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from contract.city import City

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role
from orggraph.domain.service import ServiceKind, ServiceRequest
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import ADMIN, SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.api

ORGANISER_C1 = Principal("li.c1", Role.COMMUNITY, "c1")
ORGANISER_C2 = Principal("wang.c2", Role.COMMUNITY, "c2")
ORGANISER_G1 = Principal("zhao.g1", Role.COMMUNITY, "g1")
DASHBOARD_C1 = Principal("screen.c1", Role.DASHBOARD, "c1")


def cadre(member_id: str) -> Principal:
    return Principal(f"cadre.{member_id}", Role.CADRE, member_id)


class Clients:
    """One client per principal, over one app on the test's store."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    def __call__(self, principal: Principal) -> GraphQLClient:
        return _Bound(self._http, principal)


class _Bound(GraphQLClient):
    def __init__(self, http: httpx.AsyncClient, principal: Principal) -> None:
        super().__init__(http)
        self._headers = bearer(principal)

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self._headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def as_(store: GraphStore) -> AsyncIterator[Clients]:
    app = create_app(store, TEST_POLICY, SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield Clients(http)


FIELDS = "id state kind text householdId assigneeId cadreId"
ORDER = (
    "mutation($h: ID!, $kind: ServiceKind!, $text: String!) { orderService(input: "
    "{householdId: $h, kind: $kind, text: $text}) { " + FIELDS + " } }"
)
DISPATCH = (
    "mutation($id: ID!, $to: ID!) { dispatchService(id: $id, assigneeId: $to) { " + FIELDS + " } }"
)
ACCEPT = "mutation($id: ID!) { acceptService(id: $id) { " + FIELDS + " } }"
DECLINE = "mutation($id: ID!, $why: String!) { declineService(id: $id, reason: $why) { state } }"
COMPLETE = 'mutation($id: ID!) { completeService(id: $id, reason: "修好了") { state } }'
VERIFY = "mutation($id: ID!) { verifyService(id: $id) { state } }"
CANCEL = 'mutation($id: ID!) { cancelService(id: $id, reason: "重复") { state } }'
TIMELINE = (
    "query($id: ID!) { serviceRequest(id: $id) { state text timeline { seq action fromState "
    "toState by reason points unit { id } cadre { id } assignee { id } } } }"
)


async def _order(client: GraphQLClient, household: str = "h01", kind: str = "WISH") -> str:
    data = await client.ok(ORDER, {"h": household, "kind": kind, "text": "楼道灯坏了，请帮忙修"})
    request = data["orderService"]
    assert (request["state"], request["householdId"]) == ("ORDERED", household)
    rid: str = request["id"]
    return rid


async def _code(client: GraphQLClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    extensions: dict[str, Any] = (await client.error(query, variables))["extensions"]
    return extensions


async def test_a_request_goes_the_whole_way_by_the_right_tokens_only(
    as_: Clients, city: City
) -> None:
    organiser, m1 = as_(ORGANISER_C1), as_(cadre("m1"))
    assert (await _code(as_(DASHBOARD_C1), ORDER, {"h": "h01", "kind": "WISH", "text": "x"}))[
        "code"
    ] == "FORBIDDEN"
    assert (await _code(m1, ORDER, {"h": "h01", "kind": "WISH", "text": "x"}))[
        "code"
    ] == "FORBIDDEN"
    assert (await _code(as_(ORGANISER_C2), ORDER, {"h": "h01", "kind": "WISH", "text": "x"}))[
        "code"
    ] == "UNKNOWN_ID"
    rid = await _order(organiser)

    assert (await _code(m1, DISPATCH, {"id": rid, "to": "m1"}))["code"] == "UNKNOWN_ID"
    dispatched = (await organiser.ok(DISPATCH, {"id": rid, "to": "m1"}))["dispatchService"]
    assert (dispatched["state"], dispatched["assigneeId"]) == ("DISPATCHED", "m1")

    assert (await _code(organiser, ACCEPT, {"id": rid}))["code"] == "FORBIDDEN"
    assert (await _code(as_(cadre("m2")), ACCEPT, {"id": rid}))["code"] == "UNKNOWN_ID"
    accepted = (await m1.ok(ACCEPT, {"id": rid}))["acceptService"]
    assert (accepted["state"], accepted["cadreId"]) == ("ACCEPTED", "m1")
    assert (await m1.ok(COMPLETE, {"id": rid}))["completeService"]["state"] == "DONE"

    assert (await _code(m1, VERIFY, {"id": rid}))["code"] == "FORBIDDEN"
    assert (await _code(as_(ORGANISER_G1), VERIFY, {"id": rid}))["code"] == "INVALID_VALUE"
    assert (await organiser.ok(VERIFY, {"id": rid}))["verifyService"]["state"] == "VERIFIED"

    steps = (await organiser.ok(TIMELINE, {"id": rid}))["serviceRequest"]["timeline"]
    assert [(s["action"], s["fromState"], s["toState"], s["by"]) for s in steps] == [
        ("ORDER", None, "ORDERED", "li.c1"),
        ("DISPATCH", "ORDERED", "DISPATCHED", "li.c1"),
        ("ACCEPT", "DISPATCHED", "ACCEPTED", "cadre.m1"),
        ("COMPLETE", "ACCEPTED", "DONE", "cadre.m1"),
        ("VERIFY", "DONE", "VERIFIED", "li.c1"),
    ]
    assert steps[1]["unit"] == {"id": "c1"} and steps[1]["assignee"] == {"id": "m1"}
    assert steps[3]["reason"] == "修好了" and steps[2]["cadre"] == {"id": "m1"}
    assert (steps[4]["unit"], steps[4]["points"]) == (
        {"id": "c1"},
        TEST_POLICY.points_for(ServiceKind.WISH),
    )
    year = datetime.now(UTC).year
    points = await organiser.ok(
        f'{{ member(id: "m1") {{ points(year: {year}) {{ total entries {{ reason }} }} }} }}'
    )
    entries = points["member"]["points"]["entries"]
    assert [e for e in entries if rid in e["reason"]], entries
    assert points["member"]["points"]["total"] == sum(
        [TEST_POLICY.points_for(ServiceKind.WISH)]
    ) + sum(p.points for p in city.points.values() if p.member_id == "m1" and p.day.year == year)

    audit = await as_(Principal("root", Role.ADMIN, None)).ok(
        "{ auditLog(first: 20) { nodes { subject action targetIds } } }"
    )
    actions = [
        (e["action"], e["subject"]) for e in audit["auditLog"]["nodes"] if rid in e["targetIds"]
    ]
    assert actions[::-1] == [
        ("order_service", "li.c1"),
        ("dispatch_service", "li.c1"),
        ("accept_service", "cadre.m1"),
        ("complete_service", "cadre.m1"),
        ("verify_service", "li.c1"),
    ]


async def test_an_illegal_transition_names_both_states_and_changes_nothing(
    as_: Clients, city: City
) -> None:
    organiser = as_(ORGANISER_C1)
    rid = await _order(organiser)
    before = await organiser.ok(TIMELINE, {"id": rid})
    error = await organiser.error(VERIFY, {"id": rid})
    assert error["extensions"] == {
        "code": "ILLEGAL_TRANSITION",
        "ids": [rid],
        "from": "ordered",
        "to": "verified",
    }
    assert rid in error["message"] and "ordered" in error["message"]
    assert await organiser.ok(TIMELINE, {"id": rid}) == before
    await organiser.ok(CANCEL, {"id": rid})
    assert (await _code(organiser, DISPATCH, {"id": rid, "to": "m1"}))["code"] == (
        "ILLEGAL_TRANSITION"
    )


async def test_declined_requests_go_back_and_a_work_units_cadre_takes_them(
    as_: Clients, city: City
) -> None:
    organiser = as_(ORGANISER_C1)
    rid = await _order(organiser, "h08", "COMPLAINT")
    await organiser.ok(DISPATCH, {"id": rid, "to": "m2"})
    assert (await _code(as_(cadre("m2")), DECLINE, {"id": rid, "why": " "}))["code"] == (
        "INVALID_VALUE"
    )
    await as_(cadre("m2")).ok(DECLINE, {"id": rid, "why": "出差"})
    await organiser.ok(DISPATCH, {"id": rid, "to": "wu3"})
    opened = await as_(cadre("m4")).ok(
        '{ workUnitRequests(workUnit: "wu3") { totalCount edges { node { id } } } }'
    )
    assert [e["node"]["id"] for e in opened["workUnitRequests"]["edges"]] == [rid]
    assert (await _code(as_(cadre("m1")), ACCEPT, {"id": rid}))["code"] == "UNKNOWN_ID"
    accepted = (await as_(cadre("m4")).ok(ACCEPT, {"id": rid}))["acceptService"]
    assert (accepted["cadreId"], accepted["assigneeId"]) == ("m4", "wu3")
    mine = await as_(cadre("m4")).ok("{ cadreRequests { edges { node { id state } } } }")
    assert mine["cadreRequests"]["edges"] == [{"node": {"id": rid, "state": "ACCEPTED"}}]


SEEN_BY_CADRE = """query($id: ID!) { serviceRequest(id: $id) { household { id name phone
  address } } nodes(ids: ["h09", "h08", "h02", "g3", "c1", "m2", "m1", "wu3"]) { id } }"""


async def _seen_by(client: GraphQLClient, rid: str) -> tuple[Any, list[str]]:
    data = await client.ok(SEEN_BY_CADRE, {"id": rid})
    request = data["serviceRequest"]
    return (request and request["household"]), [n["id"] for n in data["nodes"] if n]


async def test_a_cadre_reads_the_households_it_serves_and_no_other(
    as_: Clients, city: City
) -> None:
    organiser, m2, m5 = as_(ORGANISER_C1), as_(cadre("m2")), as_(cadre("m5"))
    rid = await _order(organiser, "h09")
    assert await _seen_by(m2, rid) == (None, ["h08", "m2", "wu3"])
    await organiser.ok(DISPATCH, {"id": rid, "to": "m2"})
    household, seen = await _seen_by(m2, rid)
    h09 = city.node("h09")
    assert household == {
        "id": "h09",
        "name": h09.name,
        "phone": h09.phone,  # type: ignore[attr-defined]
        "address": h09.address,  # type: ignore[attr-defined]
    }
    assert seen == ["h09", "h08", "m2", "wu3"]
    assert await _seen_by(m5, rid) == (None, ["wu3"])
    await m2.ok(DECLINE, {"id": rid, "why": "出差"})
    assert await _seen_by(m2, rid) == (None, ["h08", "m2", "wu3"])
    await organiser.ok(DISPATCH, {"id": rid, "to": "wu3"})
    household, seen = await _seen_by(m5, rid)
    assert household["id"] == "h09" and seen == ["h09", "wu3"]


async def test_dashboards_read_requests_masked_and_scopes_hide_the_rest(
    as_: Clients, city: City
) -> None:
    organiser = as_(ORGANISER_C1)
    rid = await _order(organiser)
    await organiser.ok(DISPATCH, {"id": rid, "to": "m1"})
    await as_(cadre("m1")).ok(DECLINE, {"id": rid, "why": "我不在本地"})
    seen = await as_(DASHBOARD_C1).ok(
        "query($id: ID!) { serviceRequest(id: $id) { text household { name } timeline { reason } "
        "} serviceRequests { totalCount } }",
        {"id": rid},
    )
    request = seen["serviceRequest"]
    assert request["text"] == "***" and request["household"]["name"] == "***"
    assert [s["reason"] for s in request["timeline"]] == ["", "", "***"]
    assert seen["serviceRequests"]["totalCount"] == 1
    other = await as_(ORGANISER_C2).ok(
        "query($id: ID!) { serviceRequest(id: $id) { id } serviceRequests { totalCount } }",
        {"id": rid},
    )
    assert other == {"serviceRequest": None, "serviceRequests": {"totalCount": 0}}
    assert (await _code(as_(ORGANISER_C2), CANCEL, {"id": rid}))["code"] == "UNKNOWN_ID"


async def test_listings_filter_by_state_kind_cadre_and_overdue(
    as_: Clients, store: GraphStore, city: City
) -> None:
    old = datetime.now(UTC) - timedelta(days=10)
    for rid, household, kind in [
        ("SR-x1", "h01", ServiceKind.WISH),
        ("SR-x2", "h05", ServiceKind.DREAM),
    ]:
        await store.order_service(ServiceRequest(rid, household, kind, "旧单", "ledger", old))
    organiser = as_(ORGANISER_C1)
    fresh = await _order(organiser, "h02", "COMPLAINT")
    await organiser.ok(DISPATCH, {"id": fresh, "to": "m1"})

    async def listed(filter_: str) -> list[str]:
        data = await organiser.ok(
            f"{{ serviceRequests(filter: {filter_}) {{ edges {{ node {{ id overdue }} }} }} }}"
        )
        return [e["node"]["id"] for e in data["serviceRequests"]["edges"]]

    assert await listed("{}") == [fresh, "SR-x1", "SR-x2"]  # ids sort by time: SR-2026 < SR-x
    assert await listed("{overdue: true}") == ["SR-x1", "SR-x2"]
    assert await listed("{overdue: false}") == [fresh]
    assert await listed("{states: [DISPATCHED]}") == [fresh]
    assert await listed("{kinds: [DREAM, WISH]}") == ["SR-x1", "SR-x2"]
    assert await listed('{cadreId: "m1"}') == [fresh]
    late = await organiser.ok('{ serviceRequest(id: "SR-x1") { overdue daysWaiting } }')
    assert late["serviceRequest"] == {"overdue": "DISPATCH", "daysWaiting": 10}
    page = await organiser.ok(
        "{ serviceRequests(first: 2) { pageInfo { hasNextPage endCursor } } }"
    )
    cursor = page["serviceRequests"]["pageInfo"]["endCursor"]
    rest = await organiser.ok(
        "query($after: String) { serviceRequests(first: 2, after: $after) "
        "{ edges { node { id } } } }",
        {"after": cursor},
    )
    assert rest["serviceRequests"]["edges"] == [{"node": {"id": "SR-x2"}}]


async def _timeline(client: GraphQLClient, rid: str) -> list[dict[str, Any]]:
    data = await client.ok(TIMELINE, {"id": rid})
    steps: list[dict[str, Any]] = data["serviceRequest"]["timeline"]
    return steps


async def test_concurrent_accepts_leave_one_winner(as_: Clients, city: City) -> None:
    """m1, m2 and m6 are all of wu1: a request dispatched to wu1 is theirs to take, once."""
    organiser = as_(ORGANISER_C1)
    for _ in range(3):
        rid = await _order(organiser)
        await organiser.ok(DISPATCH, {"id": rid, "to": "wu1"})
        takers = ["m1", "m2", "m6"] * 3
        answers = await asyncio.gather(*(as_(cadre(m)).post(ACCEPT, {"id": rid}) for m in takers))
        won = [m for m, a in zip(takers, answers, strict=True) if "errors" not in a]
        refused = [a["errors"][0]["extensions"] for a in answers if "errors" in a]
        assert len(won) == 1, answers
        assert refused == [
            {"code": "ILLEGAL_TRANSITION", "ids": [rid], "from": "accepted", "to": "accepted"}
        ] * (len(takers) - 1)
        steps = await _timeline(as_(ADMIN), rid)  # m6 is c2's: outside the organiser's view
        assert [s["action"] for s in steps] == ["ORDER", "DISPATCH", "ACCEPT"]
        assert steps[2]["cadre"] == {"id": won[0]}
        assert [s["seq"] for s in steps] == [1, 2, 3]


async def test_a_dispatch_racing_a_cancel_leaves_one_outcome(as_: Clients, city: City) -> None:
    organiser = as_(ORGANISER_C1)
    outcomes = set()
    for _ in range(6):
        rid = await _order(organiser)
        dispatch, cancel = await asyncio.gather(
            organiser.post(DISPATCH, {"id": rid, "to": "m1"}), organiser.post(CANCEL, {"id": rid})
        )
        assert "errors" not in cancel, cancel  # legal from ordered and from dispatched
        steps = await _timeline(organiser, rid)
        actions = [s["action"] for s in steps]
        if "errors" in dispatch:
            assert dispatch["errors"][0]["extensions"]["code"] == "ILLEGAL_TRANSITION"
            assert actions == ["ORDER", "CANCEL"]
        else:
            assert actions == ["ORDER", "DISPATCH", "CANCEL"]
        assert steps[-1]["toState"] == "CANCELLED"
        assert [s["fromState"] for s in steps[1:]] == [s["toState"] for s in steps[:-1]]
        outcomes.add(tuple(actions))
    assert outcomes  # which interleavings came is the scheduler's; each was whole


async def test_late_requests_show_as_gaps_in_counts_and_lists(
    as_: Clients, store: GraphStore, city: City
) -> None:
    old = datetime.now(UTC) - timedelta(days=5)
    await store.order_service(ServiceRequest("SR-late", "h01", ServiceKind.WISH, "旧", "x", old))
    await _order(as_(ORGANISER_C1), "h02")  # today's: not late
    organiser = as_(ORGANISER_C1)
    counts = await organiser.ok("{ gapCounts { kind count } }")
    by_kind = {row["kind"]: row["count"] for row in counts["gapCounts"]}
    assert (by_kind["SERVICE_DISPATCH_OVERDUE"], by_kind["SERVICE_ACCEPT_OVERDUE"]) == (1, 0)
    listed = await organiser.ok(
        "{ coverageGaps(kinds: [SERVICE_DISPATCH_OVERDUE]) { totalCount edges { node { "
        "subjectId unitPath reason ... on ServiceOverdueGap { daysWaiting request { id state "
        "household { id } } } } } } }"
    )
    (edge,) = listed["coverageGaps"]["edges"]
    assert edge["node"]["subjectId"] == "SR-late" and edge["node"]["daysWaiting"] == 5
    assert edge["node"]["request"] == {
        "id": "SR-late",
        "state": "ORDERED",
        "household": {"id": "h01"},
    }
    assert edge["node"]["unitPath"][-1] == "1号楼党小组"
    outside = await as_(ORGANISER_C2).ok("{ gapCounts { kind count } }")
    assert {r["kind"]: r["count"] for r in outside["gapCounts"]}["SERVICE_DISPATCH_OVERDUE"] == 0


LISTING = """query($s: ID) { serviceRequests(scope: $s, first: 50) { totalCount edges { node {
  id household { id name } assignee { id } cadre { id name } } } } }"""
ADMIN_DISPATCH = """mutation($id: ID!, $to: ID!) { dispatchService(id: $id, assigneeId: $to,
  unitId: "g1") { assigneeId } }"""


async def test_a_listing_reads_its_nodes_with_its_page_and_a_transition_is_one_write(
    as_: Clients, city: City, store: GraphStore
) -> None:
    """On Neo4j the Cypher queries are counted: a page of requests with each one's household
    and cadre is one query however many requests it has (their nodes come with the page; a
    page read again before any write is kept, as figures are), and
    an admin's transition two (its facts, its write with the audit entry), in one transaction.
    A dashboard sees the same page, the households masked."""
    admin, organiser = as_(ADMIN), as_(ORGANISER_C1)
    rids = [await _order(organiser, h) for h in ("h01", "h02", "h03")]
    await organiser.ok(DISPATCH, {"id": rids[0], "to": "m1"})
    await as_(cadre("m1")).ok(ACCEPT, {"id": rids[0]})
    sent = getattr(store, "queries_sent", None)
    dispatched = await admin.ok(ADMIN_DISPATCH, {"id": rids[1], "to": "m2"})
    if sent is not None:
        assert store.queries_sent - sent == 2  # type: ignore[attr-defined]
    assert dispatched["dispatchService"]["assigneeId"] == "m2"
    # After a write the admin's page is the data version, then the page with its nodes; read
    # again, the kept page after the version alone. (A dashboard's scope is judged first.)
    for reader, sees, queries in (
        (admin, True, 2),
        (admin, True, 1),
        (as_(DASHBOARD_C1), False, 0),
    ):
        sent = getattr(store, "queries_sent", None)
        page = (await reader.ok(LISTING, {"s": "g1"}))["serviceRequests"]
        if sent is not None and queries:
            assert store.queries_sent - sent == queries  # type: ignore[attr-defined]
        nodes = {e["node"]["id"]: e["node"] for e in page["edges"]}
        assert page["totalCount"] == 3 and set(nodes) == set(rids)
        assert nodes[rids[0]]["household"]["id"] == "h01"
        assert nodes[rids[0]]["cadre"] == {"id": "m1", "name": "王芳"}
        assert nodes[rids[0]]["assignee"] == {"id": "m1"}
        assert nodes[rids[1]]["assignee"] == {"id": "m2"} and nodes[rids[1]]["cadre"] is None
        assert nodes[rids[2]]["assignee"] is None
        assert (nodes[rids[0]]["household"]["name"] == "张伟") is sees
