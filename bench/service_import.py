"""Service import benchmark: the generated city's year of requests into Neo4j, beside a
hand-written UNWIND load of the same rows (issue 17's target: under 30 s at scale 1).

    python bench/service_import.py                  # scale 1, seed 1
    python bench/service_import.py --scale 0.1

It generates the city with its year of service requests (cached under build/bench/), splits
the ledger in two folders (the city's sheets, offers among them; the two service sheets),
imports the city, then the requests (read, replay through the domain's rules, check against
the store, write), and prints both times and their total. Then it deletes the requests and
loads the same rows with a hand-written UNWIND query, in the same batches (`LOAD_ROWS`
requests), through the driver, and
checks both loads left the same number of requests and steps.

It CLEARS the database it is pointed at (NEO4J_URI, default the test server on
bolt://127.0.0.1:17687 with password orggraph-test).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import time
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase

from orggraph.importer import import_ledger
from orggraph.ledger import Ledger, write_ledger
from orggraph.ledger.columns import Kind
from orggraph.seed import generate_city, load_profile
from orggraph.store.neo4j import Neo4jStore
from orggraph.store.neo4j.migrations import apply_migrations
from orggraph.store.neo4j.service_load import LOAD_ROWS, _row

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "bench"
NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE", "neo4j")
SERVICE_FILES = ("service_requests.csv", "service_steps.csv")

HAND_LOAD = """
UNWIND $rows AS row
MATCH (h:Household {id: row.request.household_id})
CREATE (h)-[:REQUESTED]->(r:ServiceRequest)
SET r = row.request, r.recorded_at = datetime(row.request.recorded_at),
    r.since = datetime(row.request.since)
WITH r, row
OPTIONAL MATCH (taker:Entity {id: row.request.assignee_id})
FOREACH (_ IN CASE WHEN taker IS NULL THEN [] ELSE [1] END |
  CREATE (r)-[:DISPATCHED_TO]->(taker))
WITH r, row
OPTIONAL MATCH (cadre:Member {id: row.request.cadre_id})
FOREACH (_ IN CASE WHEN cadre IS NULL THEN [] ELSE [1] END |
  CREATE (r)-[:ACCEPTED_BY]->(cadre))
WITH r, row
UNWIND row.steps AS s
CREATE (r)-[:HAS_STEP]->(step:ServiceStep)
SET step = s, step.request_id = r.id, step.at = datetime(s.at)
"""
"""The plainest load of the same rows: no look-up first, no change counting."""

DELETE_REQUESTS = """
MATCH (n) WHERE n:ServiceRequest OR n:ServiceStep
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""

COUNT = """
MATCH (r:ServiceRequest) WITH count(r) AS requests
MATCH (s:ServiceStep) RETURN requests, count(s) AS steps
"""


def ledgers(scale: float, seed: int) -> tuple[Ledger, Path, Path]:
    """The city (generated in memory) and its ledger split in two folders, cached."""
    started = time.perf_counter()
    city = generate_city(load_profile("qianjiang"), scale, seed)
    print(f"generated scale {scale:g} in {time.perf_counter() - started:.1f} s", flush=True)
    whole = CACHE / f"service-x{scale:g}-seed{seed}"
    graph, service = whole / "city", whole / "requests"
    sheets = {f"{kind.sheet_name('en')}.csv" for kind in Kind}
    cached = {p.name for folder in (graph, service) if folder.exists() for p in folder.iterdir()}
    if cached != sheets:  # none yet, or written before the ledger gained a sheet
        shutil.rmtree(whole, ignore_errors=True)
        write_ledger(city, graph)
        service.mkdir(parents=True)
        for name in SERVICE_FILES:
            (graph / name).rename(service / name)
    return city, graph, service


async def bench(scale: float, seed: int) -> None:
    city, graph, service = ledgers(scale, seed)
    steps = sum(len(h.steps) for h in city.service)
    print(f"{len(city.households):,} households, {len(city.service):,} requests, {steps:,} steps")
    store = await Neo4jStore.connect(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)
    await apply_migrations(store.driver, NEO4J_DATABASE)
    await store.clear()
    try:
        started = time.perf_counter()
        report = await import_ledger(graph, store, progress=False)
        city_s = time.perf_counter() - started
        assert report.ok, report.problems[:5]
        started = time.perf_counter()
        report = await import_ledger(service, store, progress=False)
        requests_s = time.perf_counter() - started
        assert report.ok, report.problems[:5]
    finally:
        await store.close()
    driver = AsyncGraphDatabase.driver(NEO4J_URI, auth=(NEO4J_USER, NEO4J_PASSWORD))
    try:
        imported = await _count(driver)
        async with driver.session(database=NEO4J_DATABASE) as session:
            await (await session.run(DELETE_REQUESTS)).consume()
        rows = [_row(h) for h in city.service]
        started = time.perf_counter()
        for start in range(0, len(rows), LOAD_ROWS):
            await driver.execute_query(
                HAND_LOAD, rows=rows[start : start + LOAD_ROWS], database_=NEO4J_DATABASE
            )
        hand_s = time.perf_counter() - started
        assert await _count(driver) == imported == (len(city.service), steps), imported
    finally:
        await driver.close()
    print(f"{'part':<34} {'seconds':>8}")
    print(f"{'city (units ... points)':<34} {city_s:>8.1f}")
    print(f"{'requests (read, replay, check, write)':<34} {requests_s:>8.1f}")
    print(f"{'total':<34} {city_s + requests_s:>8.1f}")
    print(f"{'hand-written UNWIND, same rows':<34} {hand_s:>8.1f}")
    print(f"requests import / hand Cypher: {requests_s / hand_s:.1f}x")


async def _count(driver: Any) -> tuple[int, int]:
    records, _, _ = await driver.execute_query(COUNT, database_=NEO4J_DATABASE)
    return int(records[0]["requests"]), int(records[0]["steps"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(bench(args.scale, args.seed))


if __name__ == "__main__":
    main()
