"""Coverage figures over HTTP while the graph changes: `orggraph serve` in its own process.

Loads the generated Qianjiang city into the store, starts `orggraph serve` on it as a child
process, and from this process (httpx, a real socket) times each figure question with no write
before it, with a rename of a building group before each read (a write that changes no
figure), and with a cover added or removed before each read (one that does). Beside each, on
Neo4j, the same figures asked as one hand-written recount query through the driver, in the
same run. Prints p50 and p99 in milliseconds.

    .venv/bin/python bench/coverage.py --store memory --scale 1
    .venv/bin/python bench/coverage.py --store neo4j --scale 1   # the server in $NEO4J_URI, cleared

Targets (2 cores): any figure with a write before each read, p50 <= 20 ms on Neo4j at scale 1
(<= 40 ms at scale 10), <= 10 ms on the embedded store.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import httpx
from serving import bench_arguments, ms, neo4j_driver, run_served

from orggraph.auth.tokens import Principal, Role, create_token

SECRET = "bench-coverage-secret-0123456789abcdefghij"
STREET, COMMUNITY, BUILDING = "S01", "S01-C01", "S01-C01-B01-G01"

READS: dict[str, tuple[str, dict[str, Any]]] = {
    "coverageSummary, city": (
        "{ coverageSummary { counts { coveredHouseholds } rows { node { id } counts { "
        "households coveredHouseholds coveringCadres } } } }",
        {},
    ),
    "coverageSummary, one street": (
        "query($s: ID) { coverageSummary(scope: $s) { counts { coveredHouseholds } rows { "
        "node { id } counts { households coveredHouseholds coveringCadres } } } }",
        {"s": STREET},
    ),
    "coverageSummary, one community": (
        "query($s: ID) { coverageSummary(scope: $s) { counts { coveredHouseholds } rows { "
        "node { id } counts { households coveredHouseholds coveringCadres } } } }",
        {"s": COMMUNITY},
    ),
    "gapCounts, city": ("query($y: Int) { gapCounts(year: $y) { kind count } }", {"y": 2022}),
    "gapCounts, one community": (
        "query($s: ID, $y: Int) { gapCounts(scope: $s, year: $y) { kind count } }",
        {"s": COMMUNITY, "y": 2022},
    ),
    "node { counts }, a building group": (
        "query($id: ID!) { node(id: $id) { ... on OrgNode { counts { households "
        "coveredHouseholds assignments } } } }",
        {"id": BUILDING},
    ),
}

RAW: dict[str, tuple[str, dict[str, Any]]] = {
    "coverageSummary, city": (
        """MATCH (s:StreetCommittee)
           CALL (s) { MATCH (s)-[:HAS_CHILD*4]->(h:Household)
             OPTIONAL MATCH (m:Member)-[:ASSIGNED]->(h)
             RETURN count(DISTINCT h) AS households, count(DISTINCT m) AS covering,
                    count(DISTINCT CASE WHEN m IS NOT NULL THEN h END) AS covered }
           RETURN s.id, households, covered, covering ORDER BY s.id""",
        {},
    ),
    "coverageSummary, one street": (
        """MATCH (:StreetCommittee {id: $s})-[:HAS_CHILD]->(c)
           CALL (c) { MATCH (c)-[:HAS_CHILD*3]->(h:Household)
             OPTIONAL MATCH (m:Member)-[:ASSIGNED]->(h)
             RETURN count(DISTINCT h) AS households, count(DISTINCT m) AS covering,
                    count(DISTINCT CASE WHEN m IS NOT NULL THEN h END) AS covered }
           RETURN c.id, households, covered, covering ORDER BY c.id""",
        {"s": STREET},
    ),
    "coverageSummary, one community": (
        """MATCH (:CommunityCommittee {id: $s})-[:HAS_CHILD]->(b)
           CALL (b) { MATCH (b)-[:HAS_CHILD*2]->(h:Household)
             OPTIONAL MATCH (m:Member)-[:ASSIGNED]->(h)
             RETURN count(DISTINCT h) AS households, count(DISTINCT m) AS covering,
                    count(DISTINCT CASE WHEN m IS NOT NULL THEN h END) AS covered }
           RETURN b.id, households, covered, covering ORDER BY b.id""",
        {"s": COMMUNITY},
    ),
    "gapCounts, city": (
        """MATCH (h:Household) WHERE NOT EXISTS { (:Member)-[:ASSIGNED]->(h) }
           WITH count(h) AS uncovered
           MATCH (m:Member)
           WITH uncovered, m, COUNT { (m)-[:ASSIGNED]->() } AS n
           RETURN uncovered, count(CASE WHEN 1 <= n < 10 THEN 1 END) AS under,
                  count(CASE WHEN n > 15 THEN 1 END) AS over,
                  count(CASE WHEN n = 0 THEN 1 END) AS none""",
        {},
    ),
    "gapCounts, one community": (
        """MATCH (c:CommunityCommittee {id: $s})-[:HAS_CHILD*3]->(h:Household)
           OPTIONAL MATCH (m:Member)-[:ASSIGNED]->(h)
           WITH c, count(DISTINCT CASE WHEN m IS NULL THEN h END) AS uncovered,
                collect(DISTINCT m) AS covering
           OPTIONAL MATCH (r:Member)-[:REPORTED_TO]->(c)
           WITH uncovered, covering, collect(r) AS registered
           WITH uncovered, covering + registered AS cadres
           UNWIND cadres AS m
           WITH uncovered, m, COUNT { (m)-[:ASSIGNED]->() } AS n
           RETURN uncovered, count(DISTINCT CASE WHEN 1 <= n < 10 THEN m END) AS under,
                  count(DISTINCT CASE WHEN n > 15 THEN m END) AS over""",
        {"s": COMMUNITY},
    ),
    "node { counts }, a building group": (
        """MATCH (:BuildingGroup {id: $id})-[:HAS_CHILD]->(h:Household)
           OPTIONAL MATCH (m:Member)-[a:ASSIGNED]->(h)
           RETURN count(DISTINCT h) AS households, count(a) AS assignments,
                  count(DISTINCT CASE WHEN m IS NOT NULL THEN h END) AS covered""",
        {"id": BUILDING},
    ),
}


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{query[:60]}...: {response.status_code} {body}")
    return body["data"]


class Writes:
    """The write made before each read: none, a rename, or a cover toggled on and off."""

    def __init__(self, http: httpx.AsyncClient, member: str, household: str) -> None:
        self.http = http
        self.member = member
        self.household = household
        self.covered = False
        self.turn = 0

    async def make(self, kind: str) -> None:
        self.turn += 1
        if kind == "rename":
            await _post(
                self.http,
                "mutation($id: ID!, $n: String!) { renameUnit(id: $id, name: $n) { id } }",
                {"id": BUILDING, "n": f"1号楼党小组 {self.turn}"},
            )
        elif kind == "cover":
            if self.covered:
                await _post(
                    self.http,
                    "mutation($m: ID!, $h: ID!) "
                    "{ unassignHousehold(memberId: $m, householdId: $h) }",
                    {"m": self.member, "h": self.household},
                )
            else:
                await _post(
                    self.http,
                    "mutation($m: ID!, $h: ID!) { assignHousehold(input: {memberId: $m, "
                    'householdId: $h, mode: UNIT, since: "2022-01-01"}) { since } }',
                    {"m": self.member, "h": self.household},
                )
            self.covered = not self.covered


async def _bench(args: argparse.Namespace, port: int) -> None:
    token = create_token(SECRET, Principal("bench", Role.ADMIN, None), 3600)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120
    ) as http:
        found = await _post(
            http,
            "query($id: ID!) { node(id: $id) { ... on OrgUnit { children(first: 1) { edges "
            "{ node { id } } } } } }",
            {"id": BUILDING},
        )
        household = found["node"]["children"]["edges"][0]["node"]["id"]
        writes = Writes(http, args.member, household)
        raw = await _raw_timer(args)
        print(f"store {args.store}, scale {args.scale}, {args.requests} reads per row, over HTTP")
        print(f"{'question':36} {'before each read':18} {'p50 ms':>8} {'p99 ms':>8}")
        for name, (query, variables) in READS.items():
            for kind in ("none", "rename", "cover"):
                samples = []
                for _ in range(args.requests):
                    await writes.make(kind)
                    started = time.perf_counter()
                    await _post(http, query, variables)
                    samples.append(time.perf_counter() - started)
                print(f"{name:36} {'no write' if kind == 'none' else kind:18} {ms(samples)}")
            if raw is not None:
                samples = []
                for _ in range(args.requests):
                    await writes.make("cover")
                    samples.append(await raw(name))
                print(f"{name:36} {'cover; raw Cypher':18} {ms(samples)}")


async def _raw_timer(args: argparse.Namespace) -> Any:
    """On Neo4j, a function timing the hand-written recount of a question."""
    if args.store != "neo4j":
        return None
    driver = neo4j_driver()

    async def timed(name: str) -> float:
        query, params = RAW[name]
        started = time.perf_counter()
        await driver.execute_query(query, params)
        return time.perf_counter() - started

    return timed


def main() -> None:
    parser = bench_arguments(__doc__, store="memory", requests=50, port=8765)
    parser.add_argument("--member", default="M000001", help="the cadre whose cover toggles")
    run_served(parser.parse_args(), SECRET, _bench)


if __name__ == "__main__":
    main()
