"""A community's roster (名册) over HTTP, beside hand-written Cypher for the same page.

Loads the generated Qianjiang city into the store, starts `orggraph serve` on it, and from this
process (httpx, a real socket) times the first page of 50 of one community's roster with each
cadre's load (in the community and in all) and points for the year; then, on Neo4j, the same
page asked as one hand-written query through the driver, in the same run. With `--write`, a
cover is toggled before every read (so no cached standing can answer). Prints p50 and p99 in
milliseconds and the ratio of the p50s.

    .venv/bin/python bench/roster.py --store neo4j --scale 1   # the server in $NEO4J_URI, cleared
    .venv/bin/python bench/roster.py --store neo4j --reuse --write

Target (issue 16): p50 <= 2x the hand-written Cypher at scale 1 on Neo4j.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx
from serving import bench_arguments, ms, neo4j_driver, run_served

from orggraph.auth.tokens import Principal, Role, create_token

SECRET = "bench-roster-secret-0123456789abcdefghijkl"
COMMUNITY = "S01-C01"
YEAR = 2022

ROSTER = """query($s: ID, $y: Int) { cadres(scope: $s, year: $y, first: 50) { totalCount
  edges { node { member { id name } registeredHere householdsHere householdsTotal points
  meetsMinimum } } } }"""

RAW = """
MATCH (c:CommunityCommittee {id: $s})
CALL (c) {
  MATCH (c)-[:HAS_CHILD*3]->(:Household)<-[:ASSIGNED]-(m:Member) RETURN m
  UNION
  MATCH (m:Member)-[:REPORTED_TO]->(c) RETURN m
}
WITH c, m ORDER BY m.id
WITH c, collect(m) AS cadres
WITH c, size(cadres) AS total, cadres[0..50] AS page
UNWIND page AS m
RETURN total, m.id, m.name,
       EXISTS { (m)-[:REPORTED_TO]->(c) } AS registered,
       COUNT { (m)-[:ASSIGNED]->(:Household)<-[:HAS_CHILD*3]-(c) } AS here,
       COUNT { (m)-[:ASSIGNED]->() } AS total_households,
       reduce(t = 0, p IN [(m)-[:EARNED]->(e:PointsEntry)
         WHERE date({year: $y, month: 1, day: 1}) <= e.day < date({year: $y + 1, month: 1, day: 1})
         | e.points] | t + p) AS points
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
        variables = {"s": COMMUNITY, "y": YEAR}
        first = await _post(http, ROSTER, variables)
        member = first["cadres"]["edges"][0]["node"]["member"]["id"]
        household = await _a_household(http)
        covered = False

        async def toggle() -> None:
            nonlocal covered
            if not args.write:
                return
            if covered:
                await _post(
                    http,
                    "mutation($m: ID!, $h: ID!) { unassignHousehold(memberId: $m, "
                    'householdId: $h, ended: "2022-12-31") }',
                    {"m": member, "h": household},
                )
            else:
                await _post(
                    http,
                    "mutation($m: ID!, $h: ID!) { assignHousehold(input: {memberId: $m, "
                    'householdId: $h, mode: UNIT, since: "2022-01-01"}) { since } }',
                    {"m": member, "h": household},
                )
            covered = not covered

        api: list[float] = []
        for _ in range(args.requests):
            await toggle()
            started = time.perf_counter()
            await _post(http, ROSTER, variables)
            api.append(time.perf_counter() - started)
        print(f"store {args.store}, scale {args.scale}, community {COMMUNITY}, first 50")
        print(f"{'question':44} {'p50 ms':>8} {'p99 ms':>8}")
        print(f"{'cadres(scope) over HTTP':44} {ms(api)}")
        total = first["cadres"]["totalCount"]
        if args.store == "neo4j":
            driver = neo4j_driver()
            raw: list[float] = []
            try:
                for _ in range(args.requests):
                    await toggle()
                    started = time.perf_counter()
                    await driver.execute_query(RAW, variables)
                    raw.append(time.perf_counter() - started)
            finally:
                await driver.close()
            print(f"{'hand-written Cypher through the driver':44} {ms(raw)}")
            ratio = statistics.median(api) / statistics.median(raw)
            print(f"roster of {total} cadres; API p50 / Cypher p50 = {ratio:.2f}")


async def _a_household(http: httpx.AsyncClient) -> str:
    """An uncovered household of the community, to toggle a cover on."""
    found = await _post(
        http,
        "query($s: ID) { coverageGaps(scope: $s, kinds: [UNCOVERED_HOUSEHOLD], first: 1) "
        "{ edges { node { subjectId } } } }",
        {"s": COMMUNITY},
    )
    return str(found["coverageGaps"]["edges"][0]["node"]["subjectId"])


def main() -> None:
    parser = bench_arguments(__doc__, store="neo4j", requests=50, port=28766)
    parser.add_argument("--write", action="store_true", help="toggle a cover before each read")
    run_served(parser.parse_args(), SECRET, _bench)


if __name__ == "__main__":
    main()
