"""API benchmark over HTTP: dashboard questions to a running `orggraph serve`, from `wrk`.

For each store asked (Neo4j with the server in $NEO4J_URI, cleared first; the embedded one in
a temporary folder) it imports the generated Qianjiang city, starts `orggraph serve` in its
own process and drives it with `wrk` (Debian's package; one Lua script per question, written
to a temporary folder), a load generator in C that shares no Python with the server. Every
question is asked with 1 and with 16 connections, and on Neo4j beside it the hand-written
Cypher giving the same answer, through the Python driver from this process, in the same run
and with as many concurrent callers. Prints p50 and p99 (ms), requests per second and the
ratio of the two p50s.

    .venv/bin/python bench/api.py --store neo4j --store memory
    .venv/bin/python bench/api.py --store neo4j --workers 2 --seconds 10

The gap page is asked twice: "cached", the same question each time (the store keeps finished
gap pages per data version, so the answer is one version check), and "uncached", a different
`year` on every request (the uncovered households do not depend on it, but the cache key
does), which finds the page afresh as the hand-written Cypher does. Every answer is checked
once against the Cypher's before timing, and wrk's runs count answers with errors.

Targets (issue 14; 2 cores shared by Neo4j, the server and the load generator): every p50 at
most 2x its hand-written Cypher's; the embedded store's tree p50 <= 3 ms; `{ __typename }`
>= 3,000 req/s with 16 connections; a cadre's households with 16 connections >= 800 req/s
and p99 <= 40 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from serving import load_city, neo4j_driver, percentile, serving, store_env

from orggraph.auth.tokens import Principal, Role, create_token

SECRET = "bench-api-signing-secret-0123456789abcdefghij"
CONNECTIONS = (1, 16)


@dataclass(frozen=True)
class Question:
    """A dashboard question: the GraphQL document, and the hand-written Cypher answering it.

    `ids` names what the GraphQL answer's comparable part is (a function of the data) and
    `cypher_ids` the same from the Cypher's records, so the two are checked to agree.
    """

    name: str
    graphql: str
    cypher: str | None
    ids: Callable[[dict[str, Any]], list[Any]]
    cypher_ids: Callable[[list[dict[str, Any]]], list[Any]]
    new_year_each_time: bool = False


def _edges(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


GAP_PAGE = (
    "query($community: ID!, $year: Int) { coverageGaps(scope: $community, "
    "kinds: [UNCOVERED_HOUSEHOLD], year: $year, first: 50) { edges { node { subjectId "
    "... on UncoveredHouseholdGap { household { id name } } } } } }"
)
UNCOVERED_CYPHER = (
    "MATCH (:CommunityCommittee {id: $community})-[:HAS_CHILD*3]->(h:Household) "
    "WHERE NOT EXISTS { (:Member)-[:ASSIGNED]->(h) } "
    "RETURN h.id AS id, h.name AS name ORDER BY id LIMIT 50"
)
_GAP_IDS: tuple[
    Callable[[dict[str, Any]], list[Any]], Callable[[list[dict[str, Any]]], list[Any]]
] = (
    lambda data: [gap["household"]["id"] for gap in _edges(data["coverageGaps"])],
    lambda rows: [row["id"] for row in rows],
)

QUESTIONS = [
    Question(
        "{ __typename }",
        "{ __typename }",
        "RETURN 1 AS one",
        lambda data: [1],
        lambda rows: [row["one"] for row in rows],
    ),
    Question(
        "a cadre's households",
        "query($member: ID!) { member(id: $member) "
        "{ households { household { id name } mode since } } }",
        "MATCH (:Member {id: $member})-[a:ASSIGNED]->(h:Household) "
        "RETURN h.id AS id, h.name AS name, a.mode AS mode, a.since AS since ORDER BY id",
        lambda data: [row["household"]["id"] for row in data["member"]["households"]],
        lambda rows: [row["id"] for row in rows],
    ),
    Question(
        "a household's cadres",
        "query($household: ID!) { household(id: $household) "
        "{ cadres { member { id name } mode since } } }",
        "MATCH (m:Member)-[a:ASSIGNED]->(:Household {id: $household}) "
        "RETURN m.id AS id, m.name AS name, a.mode AS mode, a.since AS since ORDER BY id",
        lambda data: [row["member"]["id"] for row in data["household"]["cadres"]],
        lambda rows: [row["id"] for row in rows],
    ),
    Question(
        "community tree, two levels + counts",
        "query($community: ID!) { node(id: $community) { ... on OrgUnit { children { edges "
        "{ node { id ... on OrgUnit { children { edges { node { id counts { households } } "
        "} } } } } } } } }",
        "MATCH (:CommunityCommittee {id: $community})-[:HAS_CHILD]->(b) "
        "OPTIONAL MATCH (b)-[:HAS_CHILD]->(g) "
        "WITH b, g ORDER BY g.id "
        "WITH b, collect({id: g.id, households: COUNT { (g)-[:HAS_CHILD]->(:Household) }}) "
        "AS groups RETURN b.id AS id, groups ORDER BY id",
        lambda data: [
            (branch["id"], group["id"], group["counts"]["households"])
            for branch in _edges(data["node"]["children"])
            for group in _edges(branch["children"])
        ],
        lambda rows: [
            (row["id"], group["id"], group["households"]) for row in rows for group in row["groups"]
        ],
    ),
    Question(
        "community's children, names",
        "query($community: ID!) { node(id: $community) { ... on OrgUnit { children { edges "
        "{ node { id name } } } } } }",
        "MATCH (:CommunityCommittee {id: $community})-[:HAS_CHILD]->(b) "
        "RETURN b.id AS id, b.name AS name ORDER BY id",
        lambda data: [node["id"] for node in _edges(data["node"]["children"])],
        lambda rows: [row["id"] for row in rows],
    ),
    Question("uncovered households page, cached", GAP_PAGE, UNCOVERED_CYPHER, *_GAP_IDS),
    Question(
        "uncovered households page, uncached",
        GAP_PAGE,
        UNCOVERED_CYPHER,
        *_GAP_IDS,
        new_year_each_time=True,
    ),
    Question(
        "search, first 20",
        "query($text: String!) { search(text: $text, first: 20) { edges { node { id "
        "... on OrgNode { name } ... on Member { name } } } } }",
        "WITH toLower($text) AS needle MATCH (n:Entity) WHERE n.search_name CONTAINS needle "
        "AND (n:Member OR n.level IS NOT NULL) "
        "WITH n, CASE WHEN n.search_name STARTS WITH needle THEN 0 ELSE 1 END AS grp "
        "RETURN n.id AS id, n.name AS name ORDER BY grp, id LIMIT 20",
        lambda data: [node["id"] for node in _edges(data["search"])],
        lambda rows: [row["id"] for row in rows],
    ),
]

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.body = {body}
local new_year = {new_year}
local threads = {{}}
local counter = 0
base = 1
failed = 0

function setup(thread)
  thread:set("base", 1 + #threads * 4500)
  table.insert(threads, thread)
end

function request()
  if not new_year then
    return wrk.request()
  end
  counter = counter + 1
  local body = string.gsub(wrk.body, '"year": 2022', '"year": ' .. (base + counter % 4500))
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("failed") or 0)
  end
  io.write(string.format("answers-with-errors %d\\n", errors))
  for _, p in ipairs({{50, 99}}) do
    io.write(string.format("latency-p%d-us %d\\n", p, latency:percentile(p)))
  end
  io.write(string.format("requests %d duration-us %d\\n", summary.requests, summary.duration))
end
"""


@dataclass(frozen=True)
class Figures:
    p50_ms: float
    p99_ms: float
    rps: float

    def cells(self) -> str:
        return f"{self.p50_ms:8.2f} {self.p99_ms:8.2f} {self.rps:8.0f}"


def lua_script(token: str, body: dict[str, Any], new_year: bool) -> str:
    text = json.dumps(body, ensure_ascii=True)
    return LUA.format(token=token, body=_lua_string(text), new_year="true" if new_year else "false")


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def run_wrk(script: Path, url: str, connections: int, seconds: float) -> Figures:
    """wrk against /graphql with `connections` open connections (a thread per core at most)."""
    threads = min(connections, 2)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"{url}/graphql",
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = dict(re.findall(r"^([a-z0-9-]+) (\d+)", output, flags=re.MULTILINE))
    if int(found["answers-with-errors"]) or "Non-2xx" in output:
        raise SystemExit(f"wrk saw failed answers for {script.name}:\n{output}")
    duration_s = int(re.search(r"duration-us (\d+)", output).group(1)) / 1e6  # type: ignore[union-attr]
    return Figures(
        int(found["latency-p50-us"]) / 1000,
        int(found["latency-p99-us"]) / 1000,
        int(found["requests"]) / duration_s,
    )


async def run_cypher(
    driver: Any, cypher: str, params: dict[str, Any], connections: int, seconds: float
) -> Figures:
    """The hand-written Cypher through the driver's `execute_query`, `connections` at a time."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def caller() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await driver.execute_query(cypher, params, database_="neo4j")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return Figures(
        statistics.median(latencies) * 1000,
        percentile(latencies, 0.99) * 1000,
        len(latencies) / elapsed,
    )


async def pick_variables(http: httpx.AsyncClient, community: str) -> dict[str, Any]:
    """A community, a covered household in it with one of its cadres, and a search text."""
    found = await _ask(
        http,
        "query($c: ID!) { node(id: $c) { ... on OrgUnit { name children(first: 1) { edges "
        "{ node { ... on OrgUnit { children(first: 1) { edges { node { ... on OrgUnit "
        "{ children(first: 100) { edges { node { id ... on Household { cadres "
        "{ member { id } } } } } } } } } } } } } } } } }",
        {"c": community},
    )
    node = found["node"]
    building = _edges(_edges(node["children"])[0]["children"])[0]
    for household in _edges(building["children"]):
        if household["cadres"]:
            return {
                "community": community,
                "household": household["id"],
                "member": household["cadres"][0]["member"]["id"],
                "text": node["name"][:2],
                "year": 2022,
            }
    raise SystemExit(f"no covered household in the first building group of {community}")


async def _ask(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"{query[:60]}...: {response.status_code} {body}")
    return body["data"]


def _used(document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The variables a document declares (GraphQL refuses undeclared ones)."""
    return {name: value for name, value in variables.items() if f"${name}" in document}


async def bench_store(
    store: str, url: str, token: str, seconds: float, folder: Path, workers: int
) -> list[str]:
    """Every question at every connection count; the printed lines."""
    driver = neo4j_driver() if store == "neo4j" else None
    headers = {"Authorization": f"Bearer {token}"}
    lines = [
        f"store {store}, orggraph serve --workers {workers}, {seconds:g} s per row; "
        "p50/p99 ms, req/s",
        f"{'question':38} {'conns':>5} {'p50':>8} {'p99':>8} {'req/s':>8}"
        + (f" {'cy p50':>8} {'cy p99':>8} {'cy r/s':>8} {'ratio':>6}" if driver else ""),
    ]
    print(*lines, sep="\n", flush=True)
    try:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
            variables = await pick_variables(http, "S01-C01")
            print(f"ids: {variables}", flush=True)
            for number, question in enumerate(QUESTIONS):
                used = _used(question.graphql, variables)
                answer = question.ids(await _ask(http, question.graphql, used))
                if driver is not None and question.cypher:
                    records, _, _ = await driver.execute_query(
                        question.cypher, _used(question.cypher, variables), database_="neo4j"
                    )
                    expected = question.cypher_ids([record.data() for record in records])
                    if answer != expected:
                        raise SystemExit(f"{question.name}: {answer[:5]} != {expected[:5]}")
                script = folder / f"q{number}.lua"
                script.write_text(
                    lua_script(
                        token,
                        {"query": question.graphql, "variables": used},
                        question.new_year_each_time,
                    )
                )
                run_wrk(script, url, 4, 1)  # warm up
                for connections in CONNECTIONS:
                    api = run_wrk(script, url, connections, seconds)
                    line = f"{question.name:38} {connections:>5} {api.cells()}"
                    if driver is not None and question.cypher:
                        cypher = await run_cypher(
                            driver,
                            question.cypher,
                            _used(question.cypher, variables),
                            connections,
                            seconds,
                        )
                        line += f" {cypher.cells()} {api.p50_ms / cypher.p50_ms:6.2f}"
                    print(line, flush=True)
                    lines.append(line)
    finally:
        if driver is not None:
            await driver.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["neo4j", "memory"], action="append")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=5.0, help="wrk's duration per row")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers (Neo4j)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--reuse", action="store_true", help="serve the city already stored")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    token = create_token(SECRET, Principal("bench", Role.ADMIN, None), 24 * 3600)
    report: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for store in args.store or ["neo4j", "memory"]:
            env = store_env(store, folder, args.port, SECRET)
            if not args.reuse:
                load_city(store, args.scale, folder, env)
            workers = args.workers if store == "neo4j" else 1
            extra = ["--workers", str(workers)] if workers > 1 else []
            with serving(env, args.port, extra, folder / f"serve-{store}.log") as url:
                report += asyncio.run(bench_store(store, url, token, args.seconds, folder, workers))
            report.append("")
    print("\n".join(report), file=sys.stderr)


if __name__ == "__main__":
    main()
