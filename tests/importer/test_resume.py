"""An import killed midway leaves the store consistent, and running it again completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import Kind, read_ledger
from orggraph.store.memory import MemoryStore

IMPORT = """
import sys, time
from orggraph.cli.ledger import import_command
from orggraph.store.memory import MemoryStore

write_households = MemoryStore.upsert_households

async def write_then_hang(self, households):
    changed = await write_households(self, households)
    print("households batch written", file=sys.stderr, flush=True)
    time.sleep(600)  # the whole import stops here, between two batches, until killed
    return changed

MemoryStore.upsert_households = write_then_hang
import_command(sys.argv[1:])
"""
"""The real import command, made to stop after its first batch of households: the test kills
it there, whatever the machine's speed (a kill timed by the progress bar could come too
late on a busy machine)."""


def _start_import(ledger: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": "memory"}
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT, str(ledger), "--batch-size", "50"],
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
    small_city_csv: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "killed"
    _kill_when_writing_households(_start_import(small_city_csv, data_dir))

    store = await MemoryStore.open(data_dir)
    try:
        partial = await store.counts()
        total = len(read_ledger(small_city_csv).households)
        assert partial.units, "the units were written before the kill"
        assert partial.households < total, "the kill came before the households were done"
        report = await import_ledger(small_city_csv, store, progress=False)
        assert report.ok
        households = report.changes[Kind.HOUSEHOLDS]
        assert households.created == total - partial.households
        assert households.unchanged == partial.households
        resumed = await export_ledger(store)
    finally:
        await store.close()

    assert resumed == read_ledger(small_city_csv).ledger()
