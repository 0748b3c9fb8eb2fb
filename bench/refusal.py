"""Refusal benchmark: how long the API takes to refuse abusive queries (issue #7: < 100 ms,
judged here on the 99th percentile).

    python bench/refusal.py [--requests 200]

Each query goes straight into the ASGI app in-process with a real admin token, as in
`bench/asgi.py`. The limits refuse these queries before execution, so the store is an empty
embedded one; the tests (`tests/api/test_abuse.py`) check that no store call is made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from asgi import asgi_poster

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.domain.policy import Policy
from orggraph.serve import settle_heap
from orggraph.store.memory import MemoryStore

SECRET = "bench-refusal-signing-secret-0123456789abcdef"
TARGET_MS = 100.0

ABUSIVE = {
    "50-deep": '{ node(id: "h") { ... on OrgNode { '
    + "parent { " * 50
    + "id"
    + " }" * 50
    + " } } }",
    "alias bomb (1,000)": "{ "
    + " ".join(f'a{i}: node(id: "h") {{ id }}' for i in range(1000))
    + " }",
    "circular fragments": 'query { node(id: "h") { ...A } } '
    "fragment A on OrgNode { parent { ...B } } fragment B on OrgNode { parent { ...A } }",
    "costly (500^3 children)": "{ streets { children(first: 500) { edges { node { "
    "... on OrgUnit { children(first: 500) { edges { node { ... on OrgUnit { "
    "children(first: 500) { edges { node { id } } } } } } } } } } } } }",
}


async def main(requests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="orggraph-bench-") as data_dir:
        store = await MemoryStore.open(Path(data_dir))
        try:
            token = create_token(SECRET, Principal("bench", Role.ADMIN, None), 3600)
            post = asgi_poster(create_app(store, Policy(), SECRET), token)
            settle_heap()  # as `orggraph serve` does before it takes requests
            print(f"{'query':<24} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  target")
            for name, query in ABUSIVE.items():
                body = json.dumps({"query": query}).encode()
                status, answer = await post(body)
                if status != 200 or answer.get("data") is not None or not answer.get("errors"):
                    raise SystemExit(f"{name}: not refused by the limits (status {status})")
                latencies = []
                for _ in range(requests):
                    started = time.perf_counter()
                    await post(body)
                    latencies.append((time.perf_counter() - started) * 1000)
                latencies.sort()
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                met = "met" if p99 < TARGET_MS else "NOT met"
                print(
                    f"{name:<24} {statistics.median(latencies):>8.1f} {p99:>8.1f} "
                    f"{latencies[-1]:>8.1f}  < {TARGET_MS:.0f} ms: {met}"
                )
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="refusals timed per query")
    arguments = parser.parse_args()
    if arguments.requests < 1:
        parser.error("--requests must be at least 1")
    asyncio.run(main(arguments.requests))
