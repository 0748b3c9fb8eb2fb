"""What an operator sees of a running `orggraph serve` (issue 18.1): Prometheus text at
/metrics that counts operations by name and outcome and responses by status, a request id
taken from the client or made and echoed, JSON log lines that carry it, and the periodic
figures check reported as metrics."""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live import LiveServer, admin_header, live_server
from prometheus_client.parser import text_string_to_metric_families

AUTH = admin_header("ops")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"ORGGRAPH_LOG_FORMAT": "json", "ORGGRAPH_VERIFY_EVERY": "0.3"}
    with live_server(tmp_path_factory.mktemp("observability"), env, ("--access-log",)) as running:
        yield running


def _samples(server: LiveServer) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(f"{server.url}/metrics", timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_operations_outcomes_and_statuses(server: LiveServer) -> None:
    before = _samples(server)
    url = f"{server.url}/graphql"
    for _ in range(3):
        answer = httpx.post(url, json={"query": "query Dash { version }"}, headers=AUTH)
        assert answer.status_code == 200
    httpx.post(url, json={"query": "query Typo { versio }"}, headers=AUTH)
    assert httpx.post(url, json={"query": "{ version }"}).status_code == 401
    big = httpx.post(url, json={"query": "{ version }", "x": "y" * 1_100_000}, headers=AUTH)
    assert big.status_code == 413
    after = _samples(server)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("orggraph_graphql_requests_total", operation="Dash", outcome="ok") == 3
    assert (
        grew(
            "orggraph_graphql_requests_total", operation="Typo", outcome="GRAPHQL_VALIDATION_FAILED"
        )
        == 1
    )
    assert grew("orggraph_graphql_request_seconds_count", operation="Dash") == 3
    assert grew("orggraph_http_responses_total", route="graphql", status="200") == 4
    assert grew("orggraph_http_responses_total", route="graphql", status="401") == 1
    assert grew("orggraph_http_responses_total", route="graphql", status="413") == 1
    assert grew("orggraph_cache_lookups_total", cache="tokens", result="hit") >= 3
    assert ("orggraph_http_requests_in_flight", frozenset()) in after
    assert _value(after, "orggraph_store_down") == 0


def test_the_figures_check_runs_while_serving_and_finds_no_drift(server: LiveServer) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        samples = _samples(server)
        if _value(samples, "orggraph_figure_checks_total", result="clean") >= 2:
            break
        time.sleep(0.2)
    assert _value(samples, "orggraph_figure_checks_total", result="clean") >= 2
    assert _value(samples, "orggraph_figure_checks_total", result="drift") == 0
    assert _value(samples, "orggraph_figure_drifts") == 0


def test_a_request_id_is_echoed_or_made_and_every_log_line_is_json_with_it(
    server: LiveServer, tmp_path: Path
) -> None:
    url = f"{server.url}/graphql"
    mine = httpx.post(
        url, json={"query": "{ versio }"}, headers={**AUTH, "X-Request-ID": "dash-42.a"}
    )
    assert mine.headers["x-request-id"] == "dash-42.a"
    made = httpx.post(url, json={"query": "{ version }"}, headers=AUTH)
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    refused = httpx.post(url, json={"query": "{ version }"}, headers={"X-Request-ID": "x" * 300})
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["x-request-id"])  # too long: replaced
    time.sleep(0.3)
    lines = [line for line in server.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "request_id", "message"} <= set(entries[0])
    tagged = [entry for entry in entries if entry["request_id"] == "dash-42.a"]
    loggers = {entry["logger"] for entry in tagged}
    assert "orggraph.api" in loggers, tagged  # the client error's line
    assert "uvicorn.access" in loggers, tagged  # the access line
    assert any(e["request_id"] == made.headers["x-request-id"] for e in entries)


def test_metrics_can_be_switched_off(tmp_path: Path) -> None:
    with live_server(tmp_path, {"ORGGRAPH_METRICS": "false"}) as running:
        assert httpx.get(f"{running.url}/metrics", timeout=10).status_code == 404


def test_sigterm_lets_a_request_in_flight_finish_before_the_process_exits(
    tmp_path: Path,
) -> None:
    """The request is still arriving (its body sent slowly) when SIGTERM comes: it is
    answered in full, new connections are refused, and the process then ends by itself."""
    with live_server(tmp_path) as running:
        body = json.dumps({"query": "{ version }"}).encode()
        signalled = threading.Event()

        def slow_body() -> Iterator[bytes]:
            yield body[:5]
            running.process.send_signal(signal.SIGTERM)
            signalled.set()
            time.sleep(1.0)
            yield body[5:]

        answer = httpx.post(
            f"{running.url}/graphql",
            content=slow_body(),
            headers={**AUTH, "content-type": "application/json"},
            timeout=20,
        )
        assert signalled.is_set()
        assert answer.status_code == 200 and answer.json()["data"]["version"]
        assert running.process.wait(20) in (0, -signal.SIGTERM)  # uvicorn re-raises it
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{running.url}/healthz", timeout=2)
        assert "Waiting for connections to close" in running.output()
