"""Kill -9 the embedded store mid-write, again and again: no acknowledged write may be lost.

A child process writes in a loop (single writes, bulk calls, refused calls) and prints
`ack <k>` only after write k returned. The parent kills it at a random moment, then checks a
copy of the folder as the crash left it: every acknowledged write is there whole; the one write
that may have been in flight is there whole or not at all; nothing later is there; refused
calls left nothing. The child of the next round recovers the real folder and writes on, with
compaction limits so small that kills land in compactions too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orggraph.domain.entities import Household, Member, Unit
from orggraph.domain.levels import Level
from orggraph.store.memory import MemoryStore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]  # 15 s quiet, 35 s on a busy machine

ROUNDS = 14
SEED = 20241126
BATCH = 20
SINCE = date(2024, 1, 1)
REPO = Path(__file__).resolve().parents[1]

CHILD = f"""
import asyncio, sys
from datetime import date
from pathlib import Path
from orggraph.domain.entities import Assignment, Household, Member, Mode, Unit
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.levels import Level
from orggraph.store.memory.journal import Limits
from orggraph.store.memory import MemoryStore

BATCH, SINCE = {BATCH}, date({SINCE.year}, {SINCE.month}, {SINCE.day})


async def write(store, k):
    if k == 0:
        await store.upsert_units([
            Unit("s0", "街道", Level.STREET), Unit("c0", "社区", Level.COMMUNITY, "s0"),
            Unit("b0", "小区", Level.BRANCH, "c0"), Unit("g0", "楼", Level.BUILDING, "b0"),
        ])
    elif k == 1:
        await store.upsert_member(Member("m0", "王芳", community_id="c0"))
    elif (k - 2) % 6 == 0:
        await store.create_unit(Unit(f"g{{k}}", f"楼{{k}}", Level.BUILDING, "b0"))
    elif (k - 2) % 6 == 1:
        await store.upsert_household(Household(f"h{{k}}", f"户{{k}}", "g0"))
    elif (k - 2) % 6 == 2:
        await store.assign(Assignment("m0", f"h{{k - 1}}", Mode.UNIT, SINCE))
    elif (k - 2) % 6 == 3:
        await store.upsert_households(
            [Household(f"h{{k}}-{{i}}", f"户{{k}}-{{i}}", "g0") for i in range(BATCH)]
        )
    elif (k - 2) % 6 == 4:
        await store.assign_many(
            [Assignment("m0", f"h{{k - 1}}-{{i}}", Mode.RESIDENCE, SINCE) for i in range(BATCH)]
        )
    else:
        try:
            await store.upsert_households(
                [Household(f"x{{k}}", "refused", "g0"), Household(f"y{{k}}", "y", "g-missing")]
            )
        except UnknownIdError:
            pass
        else:
            raise AssertionError("a batch with an unknown parent was accepted")


async def main(data_dir, start):
    store = await MemoryStore.open(Path(data_dir), Limits(max_bytes=32_000, max_records=25))
    print("ready", flush=True)
    k = start
    while True:
        await write(store, k)
        print(f"ack {{k}}", flush=True)
        k += 1


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


@dataclass
class Expected:
    """What writes 0..last leave in the store, counted the way `counts` counts."""

    buildings: int = 0
    households: int = 0
    assignments: int = 0

    @classmethod
    def after(cls, last: int) -> Expected:
        expected = cls()
        for k in range(last + 1):
            expected.add(k)
        return expected

    def add(self, k: int) -> None:
        kind = (k - 2) % 6 if k >= 2 else None
        self.buildings += 1 if k == 0 or kind == 0 else 0
        self.households += {1: 1, 3: BATCH}.get(kind, 0) if kind is not None else 0
        self.assignments += {2: 1, 4: BATCH}.get(kind, 0) if kind is not None else 0


async def written(store: MemoryStore, k: int, covered: set[str]) -> bool:
    """Whether write k is in the store (`covered`: m0's households); found in part: fail."""
    if k == 0:
        return await store.get_node("g0") == Unit("g0", "楼", Level.BUILDING, "b0")
    if k == 1:
        return await store.get_node("m0") == Member("m0", "王芳", community_id="c0")
    kind = (k - 2) % 6
    if kind == 0:
        return await store.get_node(f"g{k}") == Unit(f"g{k}", f"楼{k}", Level.BUILDING, "b0")
    if kind == 1:
        return await store.get_node(f"h{k}") == Household(f"h{k}", f"户{k}", "g0")
    if kind == 2:
        covers = await store.household_members(f"h{k - 1}")
        return [(c.member.id, c.since) for c in covers] == [("m0", SINCE)]
    if kind == 5:
        assert await store.get_nodes([f"x{k}", f"y{k}"]) == [None, None], "a refused call wrote"
        return True
    if kind == 3:
        found = await store.get_nodes([f"h{k}-{i}" for i in range(BATCH)])
        present = sum(node is not None for node in found)
    else:
        present = sum(f"h{k - 1}-{i}" in covered for i in range(BATCH))
    assert present in (0, BATCH), f"write {k} is in the store in part ({present} of {BATCH} rows)"
    return present == BATCH


async def check_crashed_folder(folder: Path, acked: int) -> int:
    """Check the store as the crash left it; return the last write it holds."""
    store = await MemoryStore.open(folder)
    try:
        covered = set()
        if await store.get_node("m0") is not None:
            covered = {c.household.id for c in await store.member_households("m0")}
        for k in range(acked + 1):
            assert await written(store, k, covered), f"acknowledged write {k} was lost"
        last = acked + 1 if await written(store, acked + 1, covered) else acked
        counts = await store.counts()
        expected = Expected.after(last)
        seen = (counts.units.get(Level.BUILDING, 0), counts.households, counts.assignments)
        assert seen == (expected.buildings, expected.households, expected.assignments), (
            f"after write {last} the store holds more or less than was written"
        )
        return last
    finally:
        await store.close()


def run_child(script: Path, data_dir: Path, start: int, rng: random.Random) -> list[int]:
    """Start the writer, kill it with SIGKILL at a random moment, return the acked writes."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(data_dir), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        bufsize=0,  # unbuffered: `readline` must not read acks ahead, out of communicate's sight
    )
    assert child.stdout is not None
    if rng.random() < 0.2:  # now and then, kill it while it opens and recovers
        time.sleep(rng.uniform(0.0, 0.8))
    else:
        ready = child.stdout.readline()
        assert ready == b"ready\n", f"writer failed to start: {ready!r} {child.stderr!r}"
        time.sleep(rng.uniform(0.05, 0.8))
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL, f"writer died by itself: {err.decode()[-2000:]}"
    lines = out.split(b"\n")[:-1]  # a line cut by the kill has no newline: not an ack
    return [int(line.split()[1]) for line in lines if line.startswith(b"ack ")]


async def test_no_acknowledged_write_is_lost_to_sigkill(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(CHILD)
    data_dir = tmp_path / "data"
    data_dir.mkdir()  # a child killed at once may not have made it
    rng = random.Random(SEED)
    next_write, total_acked = 0, 0
    for _ in range(ROUNDS):
        acked = run_child(script, data_dir, next_write, rng)
        assert acked == list(range(next_write, next_write + len(acked))), "acks out of order"
        total_acked += len(acked)
        inspected = tmp_path / "inspect"
        shutil.rmtree(inspected, ignore_errors=True)
        shutil.copytree(data_dir, inspected)
        last = await check_crashed_folder(inspected, next_write + len(acked) - 1)
        next_write = last + 1
    assert total_acked > 50, "the writer hardly wrote: the test proved little"
