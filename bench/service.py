"""The service loop over HTTP (issue 17), beside hand-written Cypher for the same work.

Loads the generated Qianjiang city into the store, starts `orggraph serve` on it, records
requests for one community's households through the API, and from this process (httpx, a real
socket) times:
- a transition mutation (`dispatchService`, ordered -> dispatched) against, on Neo4j, one
  hand-written Cypher write doing the same (raise the data version, check the state and the
  dispatching unit, set it, link the cadre, add the step and the audit entry) on as many
  other requests;
- the community's open requests, first 50 with each one's household and cadre, against the
  same page as one hand-written query: asked again and again (the service keeps the page per
  data version), and right after a write (the version raised, untimed, before each read on
  both sides).
Prints p50 and p99 in milliseconds and the ratio of the p50s.

    .venv/bin/python bench/service.py --store neo4j --scale 1   # the server in $NEO4J_URI, cleared

Targets (issue 17): both p50 <= 2x the hand-written Cypher at scale 1 on Neo4j.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx
from serving import bench_arguments, ms, neo4j_driver, run_served

from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.store.neo4j import cypher

SECRET = "bench-service-secret-0123456789abcdefghijk"
COMMUNITY = "S01-C01"

ORDER = """mutation($h: ID!) { orderService(input: {householdId: $h, kind: WISH,
  text: "楼道灯坏了"}) { id } }"""
DISPATCH = """mutation($id: ID!, $m: ID!) { dispatchService(id: $id, assigneeId: $m,
  unitId: "S01-C01") { state } }"""
OPEN = """query($s: ID) { serviceRequests(scope: $s, first: 50, filter: {states: [ORDERED,
  DISPATCHED, ACCEPTED, DONE, DECLINED, REOPENED]}) { totalCount edges { node { id state kind
  household { id name } cadre { id name } assignee { id } } } } }"""

RAW_DISPATCH = """
MERGE (version:DataVersion {id: 'orggraph'})
  ON MATCH SET version.version = version.version + 1
WITH version
MATCH (r:ServiceRequest {id: $id}) WHERE r.state IN ['ordered', 'declined', 'reopened']
MATCH (:Entity {id: 'S01-C01'})-[:HAS_CHILD*0..2]->(:BuildingGroup)-[:HAS_CHILD]->
      (:Household {id: r.household_id})
MATCH (m:Member {id: $m})
SET r.state = 'dispatched', r.since = datetime(), r.assignee_id = m.id,
    r.assignee_kind = 'member', r.dispatched_by = 'S01-C01', r.steps = r.steps + 1
CREATE (r)-[:DISPATCHED_TO]->(m)
CREATE (r)-[:HAS_STEP]->(:ServiceStep {request_id: r.id, seq: r.steps, action: 'dispatch',
  from_state: 'ordered', to_state: 'dispatched', by: 'bench', at: datetime(), reason: '',
  unit_id: 'S01-C01', assignee_id: m.id, assignee_kind: 'member', points: 0})
CREATE (:AuditEntry {id: randomUUID(), at: datetime(), subject: 'bench', role: 'admin',
  action: 'dispatch_service', target_ids: [r.id, r.household_id], arguments: $arguments,
  before: $before, after: $after})
RETURN r.state
"""
"""The same work as the API's dispatch, as one query: the data version raised (caches go
stale), the request's state checked, the dispatching unit checked to be at or above the
household's building group, the assignee a cadre, the request moved, the step and the audit
entry (with JSON of the same size as the API's) written."""
AUDIT_JSON = (
    '{"last_step": {"action": "order", "assignee_id": null, "assignee_kind": null, "at": '
    '"2026-01-01T00:00:00+00:00", "by": "bench", "from_state": null, "member_id": null, '
    '"points": 0, "reason": "", "request_id": "SR-x", "seq": 1, "to_state": "ordered", '
    '"unit_id": null}, "request": {"assignee_id": null, "assignee_kind": null, "cadre_id": '
    'null, "dispatched_by": null, "household_id": "S01-C01-B01-G01-H001", "id": "SR-x", '
    '"kind": "wish", "recorded_at": "2026-01-01T00:00:00+00:00", "recorded_by": "bench", '
    '"since": "2026-01-01T00:00:00+00:00", "state": "ordered", "steps": 1, "text": "楼道灯坏了"}}'
)

BUMP = cypher.query("bump_data_version")
"""What every write of the service does first."""

RAW_OPEN = """
MATCH (:CommunityCommittee {id: $s})-[:HAS_CHILD*3]->(h:Household)-[:REQUESTED]->(r)
WHERE NOT r.state IN ['verified', 'cancelled']
WITH r, h ORDER BY r.id
WITH collect([r, h]) AS rows
UNWIND rows[0..50] AS row
WITH size(rows) AS total, row[0] AS r, row[1] AS h
OPTIONAL MATCH (r)-[:ACCEPTED_BY]->(c:Member)
RETURN total, r.id, r.state, r.kind, h.id, h.name, c.id, c.name, r.assignee_id
"""


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{query[:60]}...: {response.status_code} {body}")
    return body["data"]


async def _bench(args: argparse.Namespace, port: int) -> None:
    token = create_token(SECRET, Principal("bench", Role.ADMIN, None), 3600)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    ) as http:
        households = await _households(http, 2 * args.requests)
        cadre = await _a_cadre(http)
        ids = [(await _post(http, ORDER, {"h": h}))["orderService"]["id"] for h in households]
        api_ids, raw_ids = ids[: args.requests], ids[args.requests :]
        print(f"store {args.store}, scale {args.scale}, community {COMMUNITY}")
        print(f"{'question':48} {'p50 ms':>8} {'p99 ms':>8}")
        writes: list[float] = []
        for request_id in api_ids:
            started = time.perf_counter()
            await _post(http, DISPATCH, {"id": request_id, "m": cadre})
            writes.append(time.perf_counter() - started)
        print(f"{'dispatchService over HTTP':48} {ms(writes)}")
        reads: list[float] = []
        for _ in range(args.requests):
            started = time.perf_counter()
            found = await _post(http, OPEN, {"s": COMMUNITY})
            reads.append(time.perf_counter() - started)
        print(f"{'open requests, first 50, over HTTP (kept page)':48} {ms(reads)}")
        if args.store != "neo4j":
            return
        driver = neo4j_driver()
        raw_writes: list[float] = []
        raw_reads: list[float] = []
        fresh_reads: list[float] = []
        raw_fresh_reads: list[float] = []
        try:
            for _ in range(args.requests):
                await driver.execute_query(BUMP)  # untimed: any write makes the kept page stale
                started = time.perf_counter()
                await _post(http, OPEN, {"s": COMMUNITY})
                fresh_reads.append(time.perf_counter() - started)
            print(f"{'open requests, first 50, over HTTP (after a write)':48} {ms(fresh_reads)}")
            for request_id in raw_ids:
                started = time.perf_counter()
                await driver.execute_query(
                    RAW_DISPATCH,
                    {
                        "id": request_id,
                        "m": cadre,
                        "arguments": AUDIT_JSON[:300],
                        "before": AUDIT_JSON,
                        "after": AUDIT_JSON,
                    },
                )
                raw_writes.append(time.perf_counter() - started)
            for _ in range(args.requests):
                started = time.perf_counter()
                await driver.execute_query(RAW_OPEN, {"s": COMMUNITY})
                raw_reads.append(time.perf_counter() - started)
            for _ in range(args.requests):
                await driver.execute_query(BUMP)
                started = time.perf_counter()
                await driver.execute_query(RAW_OPEN, {"s": COMMUNITY})
                raw_fresh_reads.append(time.perf_counter() - started)
        finally:
            await driver.close()
        print(f"{'dispatch as hand-written Cypher':48} {ms(raw_writes)}")
        print(f"{'open requests as hand-written Cypher':48} {ms(raw_reads)}")
        print(f"{'open requests as hand-written Cypher (after a write)':48} {ms(raw_fresh_reads)}")
        total = found["serviceRequests"]["totalCount"]
        write_ratio = statistics.median(writes) / statistics.median(raw_writes)
        read_ratio = statistics.median(reads) / statistics.median(raw_reads)
        fresh_ratio = statistics.median(fresh_reads) / statistics.median(raw_fresh_reads)
        print(
            f"{total} open requests; p50 ratios: dispatch {write_ratio:.2f}, list "
            f"{read_ratio:.2f} (kept page), {fresh_ratio:.2f} (after a write)"
        )


async def _households(http: httpx.AsyncClient, count: int) -> list[str]:
    """Households of the community: its first branch's building groups' children."""
    found: list[str] = []
    branches = await _post(
        http,
        "query($s: ID!) { node(id: $s) { ... on CommunityCommittee { children(first: 10) "
        "{ edges { node { id ... on ResidentialBranch { children(first: 10) { edges { node { "
        "id ... on BuildingGroup { children(first: 20) { edges { node { id } } } } } } } } } } "
        "} } } }",
        {"s": COMMUNITY},
    )
    for branch in branches["node"]["children"]["edges"]:
        for group in branch["node"]["children"]["edges"]:
            found += [h["node"]["id"] for h in group["node"]["children"]["edges"]]
    if len(found) < count:
        raise RuntimeError(f"{COMMUNITY} has {len(found)} households; {count} needed")
    return [found[i % len(found)] for i in range(count)]


async def _a_cadre(http: httpx.AsyncClient) -> str:
    found = await _post(
        http,
        "query($s: ID) { cadres(scope: $s, first: 1) { edges { node { member { id } } } } }",
        {"s": COMMUNITY},
    )
    return str(found["cadres"]["edges"][0]["node"]["member"]["id"])


def main() -> None:
    parser = bench_arguments(__doc__, store="neo4j", requests=100, port=8767)
    run_served(parser.parse_args(), SECRET, _bench)


if __name__ == "__main__":
    main()
