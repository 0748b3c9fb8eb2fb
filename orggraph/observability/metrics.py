"""The service's Prometheus metrics, in one registry per process.

Names follow Prometheus' conventions (`orggraph_` prefix, `_total` counters, `_seconds`
histograms). Label values are bounded: operation names past MAX_OPERATIONS distinct ones are
counted as `other`, so a client inventing names cannot grow the registry without end.

With several worker processes (`orggraph serve --workers N`) each process counts its own;
when PROMETHEUS_MULTIPROC_DIR is set (serve sets it for workers), /metrics adds up every
process's files instead (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MAX_OPERATIONS = 200
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "orggraph_graphql_requests_total",
    "GraphQL operations answered, by operation name and outcome (ok or the first error code).",
    ["operation", "outcome"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "orggraph_graphql_request_seconds",
    "Time to answer a GraphQL operation (parse, validate, execute), by operation name.",
    ["operation"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
HTTP_RESPONSES = Counter(
    "orggraph_http_responses_total",
    "HTTP responses by route and status (401, 413, 429, 503 and 504 included).",
    ["route", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "orggraph_http_request_seconds",
    "Time from the request's arrival to its last byte, by route.",
    ["route"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
IN_FLIGHT = Gauge(
    "orggraph_http_requests_in_flight",
    "Requests being answered now.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
STORE_QUERY_SECONDS = Histogram(
    "orggraph_store_query_seconds",
    "Time of each named Cypher query (schema/queries/<name>.cypher) on the Neo4j store.",
    ["query"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
CACHE = Counter(
    "orggraph_cache_lookups_total",
    "Cache look-ups by cache and result (hit or miss).",
    ["cache", "result"],
    registry=REGISTRY,
)
STORE_DOWN = Gauge(
    "orggraph_store_down",
    "1 while the store does not answer pings (requests get 503), else 0.",
    registry=REGISTRY,
    multiprocess_mode="max",
)
FIGURE_CHECKS = Counter(
    "orggraph_figure_checks_total",
    "Checks of the kept coverage figures against a recount, by result (clean or drift).",
    ["result"],
    registry=REGISTRY,
)
FIGURE_DRIFTS = Gauge(
    "orggraph_figure_drifts",
    "Kept figures that differed from a recount at the last check (0 when exact).",
    registry=REGISTRY,
    multiprocess_mode="max",
)

_known_operations: set[str] = set()
_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """The label for an operation name: `anonymous`, the name, or `other` past the bound."""
    if not name:
        return "anonymous"
    if name in _known_operations:
        return name
    with _lock:
        if len(_known_operations) < MAX_OPERATIONS:
            _known_operations.add(name)
            return name
    return "other"


@functools.cache
def labelled(metric: Any, *values: str) -> Any:
    """`metric.labels(*values)`, kept: every request counts into a few children, and finding
    a child under prometheus_client's lock each time is work on the hot path. Label values
    are bounded (see operation_label), so this stays small."""
    return metric.labels(*values)


def cache_lookup(cache: str, hit: bool) -> None:
    labelled(CACHE, cache, "hit" if hit else "miss").inc()


def exposition() -> tuple[bytes, str]:
    """The metrics as Prometheus text, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
        return generate_latest(combined), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
