"""Import benchmark: the generated city into each store, at scale 1 and 10.

    python bench/import.py                          # memory and neo4j, scale 1
    python bench/import.py --store memory --scale 1 --scale 10

For each store and scale it generates the city (cached under build/bench/), then imports it in
a fresh child process, timing the whole import (read, check, write) and reading the child's
peak resident memory (getrusage maxrss). Targets on a 2-core machine: scale 1 into Neo4j in
under 30 s, scale 10 in under 5 minutes, the embedded store's peak memory at scale 1 under
1 GiB.

`--repeat N` imports N times in a row, each into a cleared store: on Neo4j the first import
after the server starts is slower, while the JVM compiles Neo4j's code paths for the first time
(on 2 cores, tens of seconds of compiler work), so both figures are worth printing.

The Neo4j run CLEARS the database it is pointed at (NEO4J_URI, default the test server on
bolt://127.0.0.1:17687 with password orggraph-test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orggraph.importer import import_ledger
from orggraph.ledger import write_ledger
from orggraph.seed import generate_city, load_profile
from orggraph.store.protocols import GraphStore

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "bench"
NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE", "neo4j")


def city(scale: float, seed: int) -> Path:
    """The generated city's CSV ledger, made once per scale and seed."""
    folder = CACHE / f"qianjiang-x{scale:g}-seed{seed}"
    if not (folder / "points.csv").exists():
        started = time.perf_counter()
        write_ledger(generate_city(load_profile("qianjiang"), scale, seed), folder)
        print(f"generated scale {scale:g} in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


async def open_store(kind: str, data_dir: Path) -> GraphStore:
    if kind == "memory":
        from orggraph.store.memory import MemoryStore

        return await MemoryStore.open(data_dir)
    from orggraph.store.neo4j import Neo4jStore
    from orggraph.store.neo4j.migrations import apply_migrations

    store = await Neo4jStore.connect(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)
    await apply_migrations(store.driver, NEO4J_DATABASE)
    await store.clear()
    return store


async def child(kind: str, ledger: Path, batch_size: int) -> None:
    """Runs in the child process: one timed import, then a JSON line of figures."""
    with tempfile.TemporaryDirectory(prefix="orggraph-bench-") as data_dir:
        store = await open_store(kind, Path(data_dir))
        try:
            started = time.perf_counter()
            report = await import_ledger(ledger, store, batch_size=batch_size, progress=False)
            seconds = time.perf_counter() - started
            counts = await store.counts()
        finally:
            await store.close()
    if not report.ok:
        raise SystemExit("\n".join(map(str, report.problems[:20])))
    rows = sum(c.created + c.updated + c.unchanged for c in report.changes.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"seconds": seconds, "households": counts.households, "rows": rows, "peak_mb": peak_mb}
    print(json.dumps(result))


def run(kind: str, scale: float, seed: int, batch_size: int) -> dict[str, float]:
    ledger = city(scale, seed)
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        str(ledger),
        "--batch-size",
        str(batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} import at scale {scale:g} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--store", action="append", choices=["memory", "neo4j"], help="repeatable")
    parser.add_argument("--scale", action="append", type=float, help="repeatable (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1, help="imports per store and scale")
    parser.add_argument("--child", nargs=2, metavar=("STORE", "LEDGER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.child[0], Path(args.child[1]), args.batch_size))
        return
    scales = args.scale or [1.0]
    for scale in scales:
        city(scale, args.seed)
    header = ("store", "scale", "run", "households", "rows", "seconds", "households/s", "peak MB")
    print("{:<7} {:>5} {:>3} {:>11} {:>10} {:>8} {:>13} {:>8}".format(*header))
    for scale in scales:
        for kind in args.store or ["memory", "neo4j"]:
            for attempt in range(1, args.repeat + 1):
                r = run(kind, scale, args.seed, args.batch_size)
                rate = r["households"] / r["seconds"]
                print(
                    f"{kind:<7} {scale:>5g} {attempt:>3} {r['households']:>11,} {r['rows']:>10,} "
                    f"{r['seconds']:>8.1f} {rate:>13,.0f} {r['peak_mb']:>8.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
