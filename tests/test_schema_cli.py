"""`orggraph schema apply`: reports what it applied, and fails cleanly without a server."""

from __future__ import annotations

import os
import socket

import pytest
from click.testing import CliRunner

from orggraph.cli.schema import schema_group
from orggraph.store.neo4j.migrations import load_migrations


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_apply_without_a_server_exits_1_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    uri = f"bolt://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("NEO4J_URI", uri)
    result = CliRunner().invoke(schema_group, ["apply"])
    assert result.exit_code == 1
    assert uri in result.output
    assert "orggraph neo4j start" in result.output
    assert "Traceback" not in result.output


@pytest.mark.neo4j
def test_apply_twice_reports_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687"))
    monkeypatch.setenv("NEO4J_PASSWORD", os.environ.get("NEO4J_PASSWORD", "orggraph-test"))
    runner = CliRunner()
    first = runner.invoke(schema_group, ["apply"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(schema_group, ["apply"])
    assert second.exit_code == 0, second.output
    assert second.output.strip() == f"schema up to date at version {load_migrations()[-1].version}"
