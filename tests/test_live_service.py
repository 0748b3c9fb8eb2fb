"""The service loop as a client outside the repository drives it (issue 17's checks): a real
`orggraph serve` on Neo4j, tokens made by `orggraph token create`, requests over HTTP, a late
request brought in by `orggraph import`.

- A request goes through every state, each step by a token of the right role, after the
  wrong roles and the wrong cadres were refused at that step with nothing changed.
- An illegal transition is refused with ILLEGAL_TRANSITION naming both states; the request
  and its timeline are as before.
- Three cadres of one work unit accept one request at once: one wins.
- An imported request ordered ten days ago is a SERVICE_DISPATCH_OVERDUE gap.
- The points a verification awards count toward the cadre's yearly minimum.
"""

from __future__ import annotations

import csv
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract.city import build_small_city
from live import ORGGRAPH, SECRET, LiveServer, live_server

from orggraph.store.protocols import GraphStore

pytestmark = pytest.mark.neo4j

BOLT = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
ON_NEO4J = {"ORGGRAPH_STORE": "neo4j", "NEO4J_URI": BOLT, "ORGGRAPH_JWT_SECRET": SECRET}

FIELDS = "id state householdId assigneeId cadreId"
ORDER = (
    'mutation($h: ID!) { orderService(input: {householdId: $h, kind: WISH, text: "楼道灯坏了"})'
    " { " + FIELDS + " } }"
)
DISPATCH = "mutation($id: ID!, $to: ID!) { dispatchService(id: $id, assigneeId: $to) { state } }"
ACCEPT = "mutation($id: ID!) { acceptService(id: $id) { " + FIELDS + " } }"
COMPLETE = 'mutation($id: ID!) { completeService(id: $id, reason: "换了灯泡") { state } }'
VERIFY = "mutation($id: ID!) { verifyService(id: $id) { state } }"
REQUEST = "query($id: ID!) { serviceRequest(id: $id) { state timeline { action by } } }"
POINTS = 'query($y: Int) { member(id: "m2") { points(year: $y) { total entries { reason } } } }'
UNDER_POINTS = (
    "query($y: Int) { coverageGaps(kinds: [CADRE_UNDER_POINTS], year: $y, first: 500) "
    "{ edges { node { subjectId ... on CadreUnderPointsGap { points } } } } }"
)
OVERDUE = (
    'query { coverageGaps(scope: "c1", kinds: [SERVICE_DISPATCH_OVERDUE], first: 50) '
    "{ totalCount edges { node { subjectId } } } }"
)


def _token(role: str, scope: str | None) -> dict[str, str]:
    """A bearer header made as an organiser makes one: `orggraph token create`."""
    args = ["token", "create", "--role", role, "--sub", f"{role}.{scope}"]
    made = subprocess.run(
        [str(ORGGRAPH), *args, *(["--scope", scope] if scope else [])],
        env={**os.environ, "ORGGRAPH_JWT_SECRET": SECRET},
        capture_output=True,
        text=True,
        check=True,
    )
    return {"Authorization": f"Bearer {made.stdout.split()[0]}"}


class Caller:
    """One token's client of the live service."""

    def __init__(self, server: LiveServer, role: str, scope: str | None) -> None:
        self.url = f"{server.url}/graphql"
        self.headers = _token(role, scope)

    def post(self, query: str, **variables: Any) -> dict[str, Any]:
        answer = httpx.post(
            self.url, json={"query": query, "variables": variables}, headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def ok(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(query, **variables)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def refused(self, query: str, **variables: Any) -> str:
        """The code of a refused call."""
        body = self.post(query, **variables)
        assert body["data"] is None and len(body["errors"]) == 1, body
        code: str = body["errors"][0]["extensions"]["code"]
        return code


async def _fresh_city(store: GraphStore) -> None:
    await store.clear()  # type: ignore[attr-defined]
    await build_small_city(store)


def _timeline(admin: Caller, rid: str) -> dict[str, Any]:
    found: dict[str, Any] = admin.ok(REQUEST, id=rid)["serviceRequest"]
    return found


async def test_a_request_goes_through_every_state_by_the_right_tokens_only(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    await _fresh_city(neo4j_session_store)
    with live_server(tmp_path, ON_NEO4J) as server:
        admin = Caller(server, "admin", None)
        organiser, other_organiser = (
            Caller(server, "community", "c1"),
            Caller(server, "community", "c2"),
        )
        dashboard = Caller(server, "dashboard", "c1")
        m1, m2 = Caller(server, "cadre", "m1"), Caller(server, "cadre", "m2")
        year = datetime.now(UTC).year
        assert admin.ok(POINTS, y=year)["member"]["points"]["total"] == 0

        def refused_and_unchanged(caller: Caller, query: str, code: str, **v: Any) -> None:
            before = _timeline(admin, v["id"])
            assert caller.refused(query, **v) == code, (query, code)
            assert _timeline(admin, v["id"]) == before

        assert dashboard.refused(ORDER, h="h09") == "FORBIDDEN"
        assert m2.refused(ORDER, h="h09") == "FORBIDDEN"
        assert other_organiser.refused(ORDER, h="h09") == "UNKNOWN_ID"
        rid = organiser.ok(ORDER, h="h09")["orderService"]["id"]

        refused_and_unchanged(m2, DISPATCH, "UNKNOWN_ID", id=rid, to="m2")  # not its request
        refused_and_unchanged(other_organiser, DISPATCH, "UNKNOWN_ID", id=rid, to="m2")
        refused_and_unchanged(m2, ACCEPT, "UNKNOWN_ID", id=rid)  # not dispatched to m2 yet
        assert organiser.ok(DISPATCH, id=rid, to="m2")["dispatchService"]["state"] == ("DISPATCHED")

        refused_and_unchanged(m1, ACCEPT, "UNKNOWN_ID", id=rid)
        refused_and_unchanged(organiser, ACCEPT, "FORBIDDEN", id=rid)
        refused_and_unchanged(organiser, VERIFY, "ILLEGAL_TRANSITION", id=rid)
        accepted = m2.ok(ACCEPT, id=rid)["acceptService"]
        assert (accepted["state"], accepted["cadreId"]) == ("ACCEPTED", "m2")
        illegal = m2.post(ACCEPT, id=rid)["errors"][0]
        assert illegal["extensions"]["code"] == "ILLEGAL_TRANSITION"
        assert rid in illegal["message"] and "accepted" in illegal["message"]

        refused_and_unchanged(m1, COMPLETE, "UNKNOWN_ID", id=rid)
        assert m2.ok(COMPLETE, id=rid)["completeService"]["state"] == "DONE"
        refused_and_unchanged(m2, VERIFY, "FORBIDDEN", id=rid)
        refused_and_unchanged(dashboard, VERIFY, "FORBIDDEN", id=rid)
        assert organiser.ok(VERIFY, id=rid)["verifyService"]["state"] == "VERIFIED"

        timeline = _timeline(admin, rid)
        assert timeline["state"] == "VERIFIED"
        assert [(s["action"], s["by"]) for s in timeline["timeline"]] == [
            ("ORDER", "community.c1"),
            ("DISPATCH", "community.c1"),
            ("ACCEPT", "cadre.m2"),
            ("COMPLETE", "cadre.m2"),
            ("VERIFY", "community.c1"),
        ]
        points = admin.ok(POINTS, y=year)["member"]["points"]
        assert points["total"] == 2 and rid in points["entries"][0]["reason"]  # a wish: 2
        under = admin.ok(UNDER_POINTS, y=year)["coverageGaps"]["edges"]
        assert {"subjectId": "m2", "points": 2} in [e["node"] for e in under]


async def test_one_of_three_racing_cadres_wins_and_a_late_import_is_a_gap(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    await _fresh_city(neo4j_session_store)
    ledger = tmp_path / "ledger"
    _orggraph("export", "--store", "neo4j", "--out", str(ledger))
    late = datetime.now(UTC) - timedelta(days=10)
    with (ledger / "service_requests.csv").open("a", encoding="utf-8", newline="") as sheet:
        header = _header(ledger / "service_requests.csv")
        row = {
            "id": "SR-LATE",
            "household_id": "h04",
            "kind": "complaint",
            "text": "下水道堵了",
            "recorded_by": "ledger.c1",
            "recorded_at": late.isoformat(timespec="seconds"),
            "state": "ordered",
        }
        csv.DictWriter(sheet, header).writerow(row)
    _orggraph("import", "--store", "neo4j", str(ledger))
    with live_server(tmp_path / "serve", ON_NEO4J) as server:
        organiser = Caller(server, "community", "c1")
        overdue = organiser.ok(OVERDUE)["coverageGaps"]
        assert overdue == {"totalCount": 1, "edges": [{"node": {"subjectId": "SR-LATE"}}]}

        rid = organiser.ok(ORDER, h="h02")["orderService"]["id"]
        organiser.ok(DISPATCH, id=rid, to="wu1")  # m1, m2 and m6 work there
        takers = [Caller(server, "cadre", m) for m in ("m1", "m2", "m6")]
        with ThreadPoolExecutor(len(takers)) as pool:
            answers = list(pool.map(lambda c: c.post(ACCEPT, id=rid), takers))
        won = [a["data"]["acceptService"]["cadreId"] for a in answers if a.get("data")]
        lost = [a["errors"][0]["extensions"]["code"] for a in answers if not a.get("data")]
        assert len(won) == 1 and lost == ["ILLEGAL_TRANSITION"] * 2, answers
        steps = _timeline(Caller(server, "admin", None), rid)["timeline"]
        assert [s["action"] for s in steps] == ["ORDER", "DISPATCH", "ACCEPT"]
        assert steps[2]["by"] == f"cadre.{won[0]}"


def _orggraph(*args: str) -> None:
    done = subprocess.run(
        [str(ORGGRAPH), *args],
        env={**os.environ, **ON_NEO4J},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _header(sheet: Path) -> list[str]:
    with sheet.open(encoding="utf-8-sig", newline="") as opened:
        return next(csv.reader(opened))
