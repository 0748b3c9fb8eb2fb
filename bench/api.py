"""API benchmark: five dashboard questions over GraphQL, against the same question asked raw.

For each store it loads the generated Qianjiang city (scale 1 by default), then for each of
five dashboard queries prints p50 and p99 latency and requests per second with 1 and with 16
concurrent clients, and the ratio of the GraphQL p50 to the raw p50. "Raw" is hand-written
Cypher through the driver on Neo4j, and the direct store call on the embedded store.

GraphQL requests are handed straight to the real ASGI app in-process (routing, token check,
time limit, limits, DataLoaders, JSON in and out), without an HTTP client library or a socket:
the raw side has neither, so the ratio measures the API layer itself.

    .venv/bin/python bench/api.py --store memory
    .venv/bin/python bench/api.py --store neo4j        # the server in $NEO4J_URI, cleared first

Targets on a 2-core machine: city summary p50 < 150 ms on Neo4j; a cadre's households p99
< 25 ms with 16 clients; GraphQL / raw < 1.5 for every query.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orggraph.api.app import create_app
from orggraph.api.security import ASGIApp
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.config import Settings
from orggraph.domain.gaps import GapKind
from orggraph.domain.policy import Policy
from orggraph.importer.run import import_ledger
from orggraph.ledger.writer import write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.serve import settle_heap
from orggraph.store import open_store
from orggraph.store.protocols import GraphStore

SECRET = "bench-signing-secret-0123456789abcdefghij"
RAW_CYPHER = {
    "city summary by street": """
        MATCH (s:StreetCommittee)
        CALL { WITH s
          MATCH (s)-[:HAS_CHILD*4]->(h:Household)
          RETURN count(h) AS households,
                 count(CASE WHEN EXISTS { (:Member)-[:ASSIGNED]->(h) } THEN 1 END) AS covered }
        RETURN s.id AS id, households, covered ORDER BY id""",
    "community summary by branch": """
        MATCH (:CommunityCommittee {id: $community})-[:HAS_CHILD]->(b:ResidentialBranch)
        CALL { WITH b
          MATCH (b)-[:HAS_CHILD*2]->(h:Household)
          RETURN count(h) AS households,
                 count(CASE WHEN EXISTS { (:Member)-[:ASSIGNED]->(h) } THEN 1 END) AS covered }
        RETURN b.id AS id, households, covered ORDER BY id""",
    "uncovered households, one page": """
        MATCH (:CommunityCommittee {id: $community})-[:HAS_CHILD*3]->(h:Household)
        WHERE NOT EXISTS { (:Member)-[:ASSIGNED]->(h) }
        RETURN h.id AS id, h.name AS name ORDER BY id LIMIT 50""",
    "a cadre's households": """
        MATCH (:Member {id: $member})-[a:ASSIGNED]->(h:Household)
        RETURN h.id AS id, h.name AS name, a.mode AS mode, a.since AS since ORDER BY id""",
    "a household's cadres": """
        MATCH (m:Member)-[a:ASSIGNED]->(:Household {id: $household})
        RETURN m.id AS id, m.name AS name, a.mode AS mode, a.since AS since ORDER BY id""",
}
GRAPHQL = {
    "city summary by street": (
        "{ coverageSummary { rows { node { id } counts { households coveredHouseholds } } } }"
    ),
    "community summary by branch": (
        "query($community: ID!) { coverageSummary(scope: $community) "
        "{ rows { node { id } counts { households coveredHouseholds } } } }"
    ),
    "uncovered households, one page": (
        "query($community: ID!) { coverageGaps(scope: $community, kinds: [UNCOVERED_HOUSEHOLD], "
        "first: 50) { edges { node { subjectId ... on UncoveredHouseholdGap "
        "{ household { name } } } } } }"
    ),
    "a cadre's households": (
        "query($member: ID!) { member(id: $member) "
        "{ households { household { id name } mode since } } }"
    ),
    "a household's cadres": (
        "query($household: ID!) { household(id: $household) "
        "{ cadres { member { id name } mode since } } }"
    ),
}


@dataclass(frozen=True)
class Figures:
    p50_ms: float
    p99_ms: float
    rps: float


Post = Callable[[bytes], Awaitable[tuple[int, dict[str, Any]]]]


def asgi_poster(app: ASGIApp, token: str) -> Post:
    """POST a JSON body to /graphql through `app` as an ASGI server would: (status, answer)."""
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {token}".encode()),
    ]

    async def post(body: bytes) -> tuple[int, dict[str, Any]]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "root_path": "",
            "query_string": b"",
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("bench", 80),
        }
        answered = asyncio.Event()
        status = 0
        chunks: list[bytes] = []
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    answered.set()

        await app(scope, receive, send)
        return status, json.loads(b"".join(chunks))

    return post


async def measure(call: Callable[[], Awaitable[object]], requests: int, clients: int) -> Figures:
    """Run `requests` calls spread over `clients` concurrent workers; latency per call."""
    latencies: list[float] = []
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    await call()  # warm caches and connections once
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Figures(statistics.median(ordered) * 1000, p99 * 1000, len(ordered) / elapsed)


async def load_city(store: GraphStore, scale: float) -> None:
    await store.clear()
    city = generate_city(load_profile("qianjiang"), scale, 1)
    with tempfile.TemporaryDirectory() as folder:
        write_ledger(city, Path(folder) / "ledger", "csv")
        started = time.perf_counter()
        report = await import_ledger(Path(folder) / "ledger", store, progress=False)
        print(f"imported in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if report.problems:
        raise SystemExit(f"import failed: {report.problems[:3]}")


async def pick_ids(store: GraphStore) -> dict[str, str]:
    """A busy community, one of its covering cadres and one of its covered households."""
    summary = await store.coverage_summary(None)
    street = max(summary.rows, key=lambda row: row.counts.households).node.id
    communities = (await store.coverage_summary(street)).rows
    community = max(communities, key=lambda row: row.counts.households).node.id
    parent = community
    for _ in range(2):  # down to the first branch, then its first building group
        parent = (await store.children(parent, first=1)).items[0].id
    households = [h.id for h in (await store.children(parent, first=100)).items]
    for household, cadres in zip(
        households, await store.household_members_many(households), strict=True
    ):
        if cadres:
            return {"community": community, "member": cadres[0].member.id, "household": household}
    raise SystemExit(f"no covered household under {parent}")


def raw_calls(store: GraphStore, ids: dict[str, str]) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The raw question: Cypher through the driver, or the direct store call."""
    driver = getattr(store, "driver", None)
    if driver is not None:

        def cypher(text: str) -> Callable[[], Awaitable[Any]]:
            async def run() -> Any:
                return await driver.execute_query(text, ids, database_="neo4j")

            return run

        return {name: cypher(text) for name, text in RAW_CYPHER.items()}
    return {
        "city summary by street": lambda: store.coverage_summary(None),
        "community summary by branch": lambda: store.coverage_summary(ids["community"]),
        "uncovered households, one page": lambda: store.gaps(
            ids["community"], [GapKind.UNCOVERED_HOUSEHOLD], Policy(), 2022, first=50
        ),
        "a cadre's households": lambda: store.member_households(ids["member"]),
        "a household's cadres": lambda: store.household_members(ids["household"]),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["memory", "neo4j"], default="memory")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=500, help="requests per measurement")
    parser.add_argument("--reuse", action="store_true", help="use the city already stored")
    args = parser.parse_args()

    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as data_dir:
        if args.store == "memory":
            settings = dataclasses.replace(settings, data_dir=Path(data_dir))
        store = await open_store(settings, args.store)
        try:
            if not args.reuse:
                await load_city(store, args.scale)
            settle_heap()  # as `orggraph serve` does once the store is loaded
            await report(store, args.requests)
        finally:
            await store.close()


async def report(store: GraphStore, requests: int) -> None:
    ids = await pick_ids(store)
    token = create_token(SECRET, Principal("bench", Role.ADMIN, None), 3600)
    app = create_app(store, Policy(), SECRET)
    raw = raw_calls(store, ids)
    print(f"store: {store.name}; ids: {ids}")
    print(
        f"{'query':<32} {'clients':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} "
        f"{'raw p50':>8} {'ratio':>6}"
    )
    post = asgi_poster(app, token)
    for name, query in GRAPHQL.items():
        body = json.dumps({"query": query, "variables": ids}).encode()

        async def ask(body: bytes = body, name: str = name) -> None:
            status, answer = await post(body)
            if status != 200 or "errors" in answer:
                raise SystemExit(f"{name}: HTTP {status} {answer.get('errors')}")

        # The raw summaries are computed afresh each time (seconds for the city): fewer of them.
        raw_count = max(20, requests // 10) if "summary" in name else requests
        for clients in (1, 16):
            api = await measure(ask, requests, clients)
            direct = await measure(raw[name], raw_count, clients)
            print(
                f"{name:<32} {clients:>7} {api.p50_ms:>8.1f} {api.p99_ms:>8.1f} "
                f"{api.rps:>8.1f} {direct.p50_ms:>8.1f} {api.p50_ms / direct.p50_ms:>6.2f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
