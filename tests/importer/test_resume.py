"""An import killed midway leaves the store consistent, and running it again completes it.
Both stores: on Neo4j the killed import had two batches in flight and its search index and
figures put off to the end (the next open finishes them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from contract.helpers import Backend

from orggraph.config import Settings
from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import Kind, read_ledger
from orggraph.store import open_store

from .conftest import assert_service_rows

IMPORT = """
import sys, time
from orggraph.cli.ledger import import_command
if sys.argv[1] == "memory":
    from orggraph.store.memory import MemoryStore as Store
else:
    from orggraph.store.neo4j import Neo4jStore as Store

write_households = Store.upsert_households

async def write_then_hang(self, households):
    changed = await write_households(self, households)
    print("households batch written", file=sys.stderr, flush=True)
    time.sleep(600)  # the whole import stops here, between two batches, until killed
    return changed

Store.upsert_households = write_then_hang
import_command(sys.argv[2:])
"""
"""The real import command, made to stop after its first batch of households: the test kills
it there, whatever the machine's speed (a kill timed by the progress bar could come too
late on a busy machine)."""


def _start_import(ledger: Path, backend: Backend) -> subprocess.Popen[bytes]:
    """The import command into the backend's store (the embedded one's folder, or the Neo4j
    server NEO4J_URI names, as the tests' own connection does)."""
    env = {**os.environ, "ORGGRAPH_STORE": backend.name}
    data_dir = getattr(backend, "data_dir", None)
    if data_dir is not None:
        env["ORGGRAPH_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT, backend.name, str(ledger), "--batch-size", "50"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_when_writing_households(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the import once a batch of households is written (killed in any case: the
    child would otherwise hang on for ten minutes after a failed wait)."""
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while b"households batch written" not in seen:
            chunk = os.read(process.stderr.fileno(), 4096)
            assert chunk and time.monotonic() < deadline, seen.decode(errors="replace")
            seen += chunk
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


async def test_killed_import_resumes_to_the_same_store(
    small_city_csv: Path, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kill_when_writing_households(_start_import(small_city_csv, backend))

    monkeypatch.setenv("ORGGRAPH_STORE", backend.name)
    data_dir = getattr(backend, "data_dir", None)
    if data_dir is not None:
        monkeypatch.setenv("ORGGRAPH_DATA_DIR", str(data_dir))
    store = await open_store(Settings.from_env())  # opened as the next command would
    try:
        partial = await store.counts()
        total = len(read_ledger(small_city_csv).households)
        assert sum(partial.units.values()), "the units were written before the kill"
        assert partial.households, "a batch of households was written before the kill"
        assert partial.households < total, "the kill came before the households were done"
        report = await import_ledger(small_city_csv, store, progress=False)
        assert report.ok
        households = report.changes[Kind.HOUSEHOLDS]
        assert households.created == total - partial.households
        assert households.unchanged == partial.households
        resumed = await export_ledger(store)
    finally:
        await store.close()

    parsed = read_ledger(small_city_csv)
    assert resumed == parsed.ledger(resumed.service)
    assert_service_rows(parsed, resumed)
