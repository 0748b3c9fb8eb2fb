"""The supply list and the service list through GraphQL, on both stores: offers recorded and
withdrawn by the right roles only, listed by scope and masked for dashboards, matched on
dispatch, the service list's time taken; a withdrawal racing a dispatch using the offer, and two
recordings of one offer id, each leave one outcome."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from contract.city import City

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import ADMIN, SECRET, TEST_POLICY
from .test_service_api import (
    ACCEPT,
    COMPLETE,
    DASHBOARD_C1,
    ORGANISER_C1,
    ORGANISER_C2,
    VERIFY,
    Clients,
    cadre,
)

pytestmark = pytest.mark.api

STREET_S1 = Principal("zhou.s1", Role.STREET, "s1")

OFFER = "id kind text state offeredById servesWholeCity serves { id } recordedBy"
RECORD = "mutation($in: RecordOfferInput!) { recordOffer(input: $in) { " + OFFER + " } }"
WITHDRAW = (
    "mutation($id: ID!, $why: String!) { withdrawOffer(id: $id, reason: $why) "
    "{ id state withdrawnBy withdrawnReason } }"
)
ORDER = (
    'mutation($h: ID!) { orderService(input: {householdId: $h, kind: WISH, text: "修水管"}) '
    "{ id } }"
)
DISPATCH = (
    "mutation($id: ID!, $to: ID!, $offer: ID) { dispatchService(id: $id, assigneeId: $to, "
    "offerId: $offer) { id state offer { id } } }"
)
LISTED = (
    "query($scope: ID, $filter: OfferFilterInput) { serviceOffers(scope: $scope, filter: "
    "$filter) { totalCount edges { node { id text } } } }"
)


@pytest.fixture
async def as_(store: GraphStore) -> AsyncIterator[Clients]:
    app = create_app(store, TEST_POLICY, SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield Clients(http)


def _input(**fields: Any) -> dict[str, Any]:
    return {"kind": "SKILL", "text": "水电维修 13900000001", **fields}


async def _code(client: GraphQLClient, query: str, variables: dict[str, Any]) -> str:
    code: str = (await client.error(query, variables))["extensions"]["code"]
    return code


async def _listed(client: GraphQLClient, scope: str | None = None, **filter_: Any) -> list[str]:
    data = await client.ok(LISTED, {"scope": scope, "filter": filter_ or None})
    return [e["node"]["id"] for e in data["serviceOffers"]["edges"]]


async def _offers(as_: Clients) -> None:
    """SO-wu1 (wu1 at c1, by c1's organiser), SO-m1 (m1's own, at its community c1), SO-city
    (wu3, the whole city, by an admin), SO-g4 (m3 at g4, by c2's organiser)."""
    await as_(ORGANISER_C1).ok(RECORD, {"in": _input(id="SO-wu1", offeredBy="wu1")})
    await as_(cadre("m1")).ok(RECORD, {"in": _input(id="SO-m1", kind="RESOURCE")})
    await as_(ADMIN).ok(RECORD, {"in": _input(id="SO-city", offeredBy="wu3", wholeCity=True)})
    await as_(ORGANISER_C2).ok(RECORD, {"in": _input(id="SO-g4", offeredBy="m3", serves="g4")})


async def test_offers_are_recorded_by_the_right_tokens_only(as_: Clients, city: City) -> None:
    organiser, m1 = as_(ORGANISER_C1), as_(cadre("m1"))
    made = await organiser.ok(RECORD, {"in": _input(id="SO-wu1", offeredBy="wu1")})
    assert made["recordOffer"] == {
        "id": "SO-wu1",
        "kind": "SKILL",
        "text": "水电维修 13900000001",
        "state": "OPEN",
        "offeredById": "wu1",
        "servesWholeCity": False,
        "serves": {"id": "c1"},
        "recordedBy": "li.c1",
    }
    own = (await m1.ok(RECORD, {"in": _input(id="SO-m1", serves="c1")}))["recordOffer"]
    # a cadre token sees no unit: its offer serves its community, which an organiser sees
    assert (own["offeredById"], own["servesWholeCity"], own["serves"]) == ("m1", False, None)
    seen = await organiser.ok('{ serviceOffer(id: "SO-m1") { serves { id } recordedBy } }')
    assert seen["serviceOffer"] == {"serves": {"id": "c1"}, "recordedBy": "cadre.m1"}
    refused = [
        (m1, _input(id="SO-x", offeredBy="m2"), "UNKNOWN_ID"),  # another cadre: unseen
        (m1, _input(id="SO-x", offeredBy="wu1"), "FORBIDDEN"),
        (m1, _input(id="SO-x", serves="g1"), "FORBIDDEN"),
        (m1, _input(id="SO-x", wholeCity=True), "FORBIDDEN"),
        (as_(DASHBOARD_C1), _input(id="SO-x", offeredBy="wu1"), "FORBIDDEN"),
        (organiser, _input(id="SO-x", offeredBy="wu1", wholeCity=True), "FORBIDDEN"),
        (organiser, _input(id="SO-x", offeredBy="wu1", serves="c2"), "UNKNOWN_ID"),
        (organiser, _input(id="SO-x", offeredBy="m4"), "UNKNOWN_ID"),
        (organiser, _input(id="SO-x", offeredBy="h01"), "UNKNOWN_ID"),
        (organiser, _input(id="SO-wu1", offeredBy="wu2"), "DUPLICATE_ID"),
        (organiser, _input(id="SO-x", offeredBy="wu1", text=" "), "INVALID_VALUE"),
        (as_(ADMIN), _input(id="SO-x", offeredBy="wu1"), "INVALID_VALUE"),
        (
            organiser,
            _input(
                id="SO-x", offeredBy="wu1", availableFrom="2025-05-01", availableUntil="2025-04-01"
            ),
            "INVALID_VALUE",
        ),
    ]
    for client, given, code in refused:
        assert await _code(client, RECORD, {"in": given}) == code, given
    assert await _listed(as_(ADMIN)) == ["SO-m1", "SO-wu1"]
    audit = await as_(ADMIN).ok("{ auditLog(first: 20) { nodes { subject action targetIds } } }")
    assert sorted(
        (e["action"], e["subject"], e["targetIds"][0]) for e in audit["auditLog"]["nodes"]
    ) == [("record_offer", "cadre.m1", "SO-m1"), ("record_offer", "li.c1", "SO-wu1")]


async def test_scopes_list_the_offers_serving_their_places_and_dashboards_read_them_masked(
    as_: Clients, city: City
) -> None:
    await _offers(as_)
    assert await _listed(as_(ADMIN)) == ["SO-city", "SO-g4", "SO-m1", "SO-wu1"]
    assert await _listed(as_(ORGANISER_C1)) == ["SO-city", "SO-m1", "SO-wu1"]
    assert await _listed(as_(ORGANISER_C1), "g1", kinds=["SKILL"]) == ["SO-city", "SO-wu1"]
    assert await _listed(as_(ORGANISER_C2)) == ["SO-city", "SO-g4"]
    assert await _listed(as_(STREET_S1), offeredBy="m3") == ["SO-g4"]
    assert await _listed(as_(cadre("m1"))) == ["SO-m1"]
    assert await _listed(as_(cadre("m2")), offeredBy="wu1") == ["SO-wu1"]
    assert await _code(as_(ORGANISER_C2), LISTED, {"scope": "c1"}) == "UNKNOWN_ID"
    shown = await as_(DASHBOARD_C1).ok(LISTED, {"scope": None})
    assert {e["node"]["text"] for e in shown["serviceOffers"]["edges"]} == {"***"}
    nested = await as_(ORGANISER_C1).ok(
        '{ node(id: "m1") { ... on Member { offers { edges { node { id kind } } } } } '
        "workUnits { edges { node { id offers(openOnly: false) { totalCount } } } } }"
    )
    assert nested["node"]["offers"]["edges"] == [{"node": {"id": "SO-m1", "kind": "RESOURCE"}}]
    units = [e["node"] for e in nested["workUnits"]["edges"]]
    counts = {w["id"]: w["offers"]["totalCount"] for w in units}
    assert (counts["wu1"], counts["wu2"], counts["wu3"]) == (1, 0, 1)
    one = '{ serviceOffer(id: "SO-g4") { id } }'
    assert (await as_(ORGANISER_C1).ok(one))["serviceOffer"] is None
    assert (await as_(ORGANISER_C2).ok(one))["serviceOffer"] == {"id": "SO-g4"}


async def test_offers_are_withdrawn_by_the_right_tokens_only(as_: Clients, city: City) -> None:
    await _offers(as_)
    refused = [
        (ORGANISER_C2, "SO-wu1", "UNKNOWN_ID"),
        (cadre("m2"), "SO-m1", "UNKNOWN_ID"),
        (cadre("m2"), "SO-wu1", "FORBIDDEN"),
        (ORGANISER_C1, "SO-city", "FORBIDDEN"),
        (DASHBOARD_C1, "SO-wu1", "FORBIDDEN"),
        (ORGANISER_C1, "SO-none", "UNKNOWN_ID"),
    ]
    for principal, oid, code in refused:
        assert await _code(as_(principal), WITHDRAW, {"id": oid, "why": "x"}) == code, (
            principal,
            oid,
        )
    gone = (await as_(cadre("m1")).ok(WITHDRAW, {"id": "SO-m1", "why": "调岗"}))["withdrawOffer"]
    assert gone == {
        "id": "SO-m1",
        "state": "WITHDRAWN",
        "withdrawnBy": "cadre.m1",
        "withdrawnReason": "调岗",
    }
    again = await as_(ORGANISER_C1).error(WITHDRAW, {"id": "SO-m1", "why": "x"})
    assert again["extensions"] == {"code": "OFFER_WITHDRAWN", "ids": ["SO-m1"]}
    await as_(ORGANISER_C1).ok(WITHDRAW, {"id": "SO-wu1", "why": ""})
    await as_(ADMIN).ok(WITHDRAW, {"id": "SO-city", "why": "年度结束"})
    assert await _listed(as_(ORGANISER_C1), openOnly=True) == []
    audit = await as_(ADMIN).ok("{ auditLog(first: 20) { nodes { action targetIds } } }")
    withdrawn = [
        e["targetIds"][0] for e in audit["auditLog"]["nodes"] if e["action"] == "withdraw_offer"
    ]
    assert sorted(withdrawn) == ["SO-city", "SO-m1", "SO-wu1"]


async def test_a_dispatch_matched_to_an_offer_shows_it_and_a_bad_match_changes_nothing(
    as_: Clients, city: City
) -> None:
    await _offers(as_)
    organiser = as_(ORGANISER_C1)
    rid = (await organiser.ok(ORDER, {"h": "h01"}))["orderService"]["id"]
    before = await organiser.ok(
        "query($id: ID!) { serviceRequest(id: $id) { state offer { id } timeline { seq } } }",
        {"id": rid},
    )
    for to, offer, code in [
        ("wu2", "SO-wu1", "INVALID_VALUE"),  # not wu2's
        ("m3", "SO-g4", "UNKNOWN_ID"),  # serves g4: outside c1's organiser's sight
        ("wu1", "SO-none", "UNKNOWN_ID"),
    ]:
        assert await _code(organiser, DISPATCH, {"id": rid, "to": to, "offer": offer}) == code
    await as_(ADMIN).ok(WITHDRAW, {"id": "SO-city", "why": "x"})
    answer = await organiser.error(DISPATCH, {"id": rid, "to": "wu3", "offer": "SO-city"})
    assert answer["extensions"] == {"code": "OFFER_WITHDRAWN", "ids": ["SO-city"]}
    after = await organiser.ok(
        "query($id: ID!) { serviceRequest(id: $id) { state offer { id } timeline { seq } } }",
        {"id": rid},
    )
    assert after == before
    moved = await organiser.ok(DISPATCH, {"id": rid, "to": "wu1", "offer": "SO-wu1"})
    assert moved["dispatchService"] == {"id": rid, "state": "DISPATCHED", "offer": {"id": "SO-wu1"}}
    seen = await as_(cadre("m2")).ok(
        "query($id: ID!) { serviceRequest(id: $id) { offer { id text } "
        "timeline { offer { id } } } }",
        {"id": rid},
    )
    assert seen["serviceRequest"] == {
        "offer": {"id": "SO-wu1", "text": "水电维修 13900000001"},
        "timeline": [{"offer": None}, {"offer": {"id": "SO-wu1"}}],
    }


SERVICE_LIST = (
    "query($scope: ID, $from: Date) { serviceList(scope: $scope, from: $from) { totalCount "
    "edges { node { request { id text } verifiedAt points totalHours stages { stage hours } "
    "cadre { id } workUnit { id } } } } }"
)


async def test_the_service_list_shows_verified_requests_with_their_time_and_who_served(
    as_: Clients, city: City
) -> None:
    await _offers(as_)
    organiser, m2 = as_(ORGANISER_C1), as_(cadre("m2"))
    served = (await organiser.ok(ORDER, {"h": "h01"}))["orderService"]["id"]
    waiting = (await organiser.ok(ORDER, {"h": "h02"}))["orderService"]["id"]
    await organiser.ok(DISPATCH, {"id": served, "to": "wu1", "offer": "SO-wu1"})
    await m2.ok(ACCEPT, {"id": served})
    await m2.ok(COMPLETE, {"id": served})
    await organiser.ok(VERIFY, {"id": served})
    data = (await organiser.ok(SERVICE_LIST, {"scope": None, "from": None}))["serviceList"]
    assert data["totalCount"] == 1
    (entry,) = [e["node"] for e in data["edges"]]
    assert entry["request"] == {"id": served, "text": "修水管"}
    assert (entry["cadre"], entry["workUnit"], entry["points"]) == ({"id": "m2"}, {"id": "wu1"}, 2)
    assert [s["stage"] for s in entry["stages"]] == ["DISPATCH", "ACCEPT", "DONE", "VERIFY"]
    assert abs(sum(s["hours"] for s in entry["stages"]) - entry["totalHours"]) < 0.01
    assert entry["totalHours"] >= 0
    assert waiting not in str(data)
    day = entry["verifiedAt"][:10]
    assert (await organiser.ok(SERVICE_LIST, {"scope": "g1", "from": day}))["serviceList"][
        "totalCount"
    ] == 1
    assert (await as_(ORGANISER_C2).ok(SERVICE_LIST, {"scope": None, "from": None}))["serviceList"][
        "totalCount"
    ] == 0
    masked = await as_(DASHBOARD_C1).ok(SERVICE_LIST, {"scope": None, "from": None})
    assert masked["serviceList"]["edges"][0]["node"]["request"]["text"] == "***"
    assert (await m2.ok(SERVICE_LIST, {"scope": None, "from": None}))["serviceList"][
        "totalCount"
    ] == 1
    assert (await as_(cadre("m1")).ok(SERVICE_LIST, {"scope": None, "from": None}))["serviceList"][
        "totalCount"
    ] == 0
    bad = await organiser.error(
        'query { serviceList(from: "2025-05-02", until: "2025-05-01") { totalCount } }'
    )
    assert bad["extensions"]["code"] == "INVALID_VALUE"


async def test_a_withdrawal_racing_a_dispatch_using_the_offer_leaves_one_outcome(
    as_: Clients, city: City
) -> None:
    organiser, m1 = as_(ORGANISER_C1), as_(cadre("m1"))
    outcomes = set()
    for round_ in range(6):
        oid = f"SO-r{round_}"
        await m1.ok(RECORD, {"in": _input(id=oid)})
        rid = (await organiser.ok(ORDER, {"h": "h01"}))["orderService"]["id"]
        dispatch, withdraw = await asyncio.gather(
            organiser.post(DISPATCH, {"id": rid, "to": "m1", "offer": oid}),
            m1.post(WITHDRAW, {"id": oid, "why": "临时有事"}),
        )
        assert "errors" not in withdraw, withdraw  # an open offer may always be withdrawn
        state = await organiser.ok(
            "query($id: ID!) { serviceRequest(id: $id) { state offer { id state } "
            "timeline { action offer { id } } } }",
            {"id": rid},
        )
        request = state["serviceRequest"]
        if "errors" in dispatch:
            assert dispatch["errors"][0]["extensions"] == {"code": "OFFER_WITHDRAWN", "ids": [oid]}
            assert request == {
                "state": "ORDERED",
                "offer": None,
                "timeline": [{"action": "ORDER", "offer": None}],
            }
        else:
            assert request["state"] == "DISPATCHED"
            assert request["offer"] == {"id": oid, "state": "WITHDRAWN"}
            assert request["timeline"][1] == {"action": "DISPATCH", "offer": {"id": oid}}
        outcomes.add("errors" in dispatch)
    assert outcomes  # which order came is the scheduler's; each was whole


async def test_two_recordings_of_one_offer_id_leave_one(as_: Clients, city: City) -> None:
    for round_ in range(4):
        oid = f"SO-d{round_}"
        answers = await asyncio.gather(
            as_(ORGANISER_C1).post(RECORD, {"in": _input(id=oid, offeredBy="wu1")}),
            as_(cadre("m1")).post(RECORD, {"in": _input(id=oid, text="另一个")}),
            as_(ADMIN).post(RECORD, {"in": _input(id=oid, offeredBy="wu3", wholeCity=True)}),
        )
        won = [a["data"]["recordOffer"] for a in answers if "errors" not in a]
        refused = [a["errors"][0]["extensions"] for a in answers if "errors" in a]
        assert len(won) == 1, answers
        assert refused == [{"code": "DUPLICATE_ID", "ids": [oid]}] * 2
        kept = await as_(ADMIN).ok(
            "query($id: ID!) { serviceOffer(id: $id) { " + OFFER + " } }", {"id": oid}
        )
        assert kept["serviceOffer"] == won[0]
