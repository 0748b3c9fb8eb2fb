"""One advisory file lock, shared by the assembly and by start/stop.

Two concurrent starts (two terminals, parallel make targets) must neither download the jars
twice nor launch two servers on one home. An ``flock`` on a file beside what it guards is
released by the kernel when the holder dies, so a killed start never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so two concurrent starts (two terminals, parallel make
    targets) neither download twice nor launch two servers on one home.

    Not re-entrant: callers already holding it use the ``_locked``-free internals.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
