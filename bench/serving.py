"""What the HTTP benchmarks share: a generated city in a store, `orggraph serve` in its own
process, a driver on the same Neo4j, and latency figures.

Every benchmark that asks over HTTP starts the real command, so what it measures is what a
dashboard gets: uvicorn, HTTP parsing, the token, limits, execution and JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from orggraph.config import Settings
from orggraph.store import open_store

BIN = Path(sys.executable).parent


def store_env(store: str, folder: Path, port: int, secret: str) -> dict[str, str]:
    """The environment `orggraph` runs with: the store, a data folder, the secret, the port."""
    return {
        **os.environ,
        "ORGGRAPH_STORE": store,
        "ORGGRAPH_DATA_DIR": os.environ.get("ORGGRAPH_DATA_DIR", str(folder / f"data-{store}")),
        "ORGGRAPH_JWT_SECRET": secret,
        "ORGGRAPH_PORT": str(port),
    }


def run_cli(*args: str, env: dict[str, str]) -> None:
    """Run an `orggraph` command to its end (output hidden, failure raised)."""
    subprocess.run([str(BIN / "orggraph"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def load_city(store: str, scale: float, folder: Path, env: dict[str, str]) -> None:
    """Generate the Qianjiang city and import it into an emptied store."""
    city = folder / f"city-{scale:g}"
    if not city.exists():
        print(f"generating the scale-{scale:g} city...", file=sys.stderr, flush=True)
        run_cli("seed", "generate", "--scale", f"{scale:g}", "--out", str(city), env=env)
    print(f"importing it into {store}...", file=sys.stderr, flush=True)
    if store == "neo4j":
        asyncio.run(_clear(env))
    run_cli("import", str(city), "--no-progress", env=env)


async def _clear(env: dict[str, str]) -> None:
    """Empty the Neo4j database first, so the import is of this city alone."""
    os.environ.update(env)
    store = await open_store(Settings.from_env())
    try:
        await store.clear()
    finally:
        await store.close()


@contextmanager
def serving(
    env: dict[str, str], port: int, extra: Sequence[str] = (), log: Path | None = None
) -> Iterator[str]:
    """`orggraph serve` running in its own process; yields its base URL, stops it after.
    Its output goes to `log` when given (else to this process's)."""
    out = log.open("ab") if log is not None else None
    server = subprocess.Popen(
        [str(BIN / "orggraph"), "serve", *extra], env=env, stdout=out, stderr=out
    )
    try:
        wait_ready(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)
        if out is not None:
            out.close()


def wait_ready(port: int, server: subprocess.Popen[bytes] | None = None) -> None:
    """Until /readyz answers 200 (the store is open and answers)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"orggraph serve exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("orggraph serve did not become ready")


def neo4j_driver() -> Any:
    """An async driver on the Neo4j the store uses ($NEO4J_URI, $NEO4J_USER, $NEO4J_PASSWORD)."""
    from neo4j import AsyncGraphDatabase

    return AsyncGraphDatabase.driver(
        os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        auth=(os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "")),
    )


def percentile(samples: Sequence[float], share: float) -> float:
    """The sample below which `share` of them lie (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def ms(samples: Sequence[float]) -> str:
    """p50 and p99 of latencies in seconds, as milliseconds."""
    return f"{statistics.median(samples) * 1000:8.1f} {percentile(samples, 0.99) * 1000:8.1f}"


def bench_arguments(doc: str, store: str, requests: int, port: int) -> argparse.ArgumentParser:
    """The options every HTTP benchmark takes; a benchmark adds its own to the parser."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--store", choices=["memory", "neo4j"], default=store)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--requests", type=int, default=requests, help="timed calls per row")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--reuse", action="store_true", help="keep the store's data (no import)")
    return parser


def run_served(
    args: argparse.Namespace,
    secret: str,
    bench: Callable[[argparse.Namespace, int], Coroutine[Any, Any, None]],
) -> None:
    """Import the city (unless --reuse), start `orggraph serve` on it and run `bench`."""
    with tempfile.TemporaryDirectory() as folder:
        env = store_env(args.store, Path(folder), args.port, secret)
        if not args.reuse:
            load_city(args.store, args.scale, Path(folder), env)
        with serving(env, args.port):
            asyncio.run(bench(args, args.port))
