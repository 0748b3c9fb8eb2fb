"""Suite-wide rules: with ORGGRAPH_FORBID_SKIPS set (as `make test` does), a skip fails the run.

A test that needs Neo4j must fail loudly when the server is missing, never vanish as a skip.
"""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("ORGGRAPH_FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        names = ", ".join(report.nodeid for report in skipped[:10])
        print(f"\nERROR: {len(skipped)} test(s) skipped, which this run forbids: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
