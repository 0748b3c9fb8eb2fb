"""What a person reads: progress lines, and the end of Neo4j's logs when something fails.

Progress goes to stderr so stdout stays clean for the CLI's summary (and for scripts). When the
server does not start, the reason is in Neo4j's own log, not in an exit code, so every failure
report carries the tail of neo4j.log (or debug.log) and of the launcher's output, limited to what
the current start wrote so the previous run's shutdown does not pad it. The logs are append-only
and can grow large, hence tails read from the end without reading the whole file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from orggraph.localneo4j.paths import _launcher_output

_LOG_TAIL_LINES = 30
_LOG_FILES = ("neo4j.log", "debug.log")


def _say(message: str) -> None:
    """Progress goes to stderr so stdout stays clean for the CLI's summary (and for scripts)."""
    print(message, file=sys.stderr, flush=True)


def _tail(path: Path, lines: int, start: int = 0) -> str:
    """The last lines of a possibly large, append-only log after byte ``start``, without
    reading all of it."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if start > size:  # the file was rotated or truncated since
            start = 0
        handle.seek(max(start, size - 256 * 1024))
        data = handle.read()
    return "\n".join(data.decode("utf-8", errors="replace").splitlines()[-lines:])


def _log_sizes(home: Path) -> dict[str, int]:
    """How long the logs are now, so a failure report can show only what this start wrote."""
    sizes: dict[str, int] = {}
    for name in _LOG_FILES:
        with contextlib.suppress(OSError):
            sizes[name] = (home / "logs" / name).stat().st_size
    return sizes


def log_tail(
    home: Path, lines: int = _LOG_TAIL_LINES, since: Mapping[str, int] | None = None
) -> str:
    """The end of neo4j.log (or of debug.log when neo4j.log has nothing), labelled with its path.

    This is where Neo4j explains why it did not start (bad config key, port in use, ...).
    ``since`` (from ``_log_sizes`` before launching) limits it to what the current start wrote,
    so the report is not padded with the previous run's shutdown.
    """
    offsets = since or {}
    for name in _LOG_FILES:
        path = home / "logs" / name
        if not path.is_file():
            continue
        text = _tail(path, lines, offsets.get(name, 0))
        if text.strip():
            return f"--- last lines of {path} ---\n{text}"
    written = "during this start " if since else ""
    return f"--- Neo4j wrote nothing {written}to neo4j.log or debug.log in {home / 'logs'} ---"


def _failure_report(home: Path, headline: str, since: Mapping[str, int] | None = None) -> str:
    parts = [headline, log_tail(home, since=since)]
    launcher = _launcher_output(home)
    if launcher.is_file() and launcher.stat().st_size > 0:
        parts.append(f"--- launcher output ({launcher}) ---\n{_tail(launcher, _LOG_TAIL_LINES)}")
    return "\n".join(parts)
