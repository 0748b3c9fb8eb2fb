"""Revoked tokens: a file of token ids (`jti`), one a line, that the API refuses before they
expire. `orggraph token revoke ID` appends to it; every serving process notices a change by
the file's modification time, checked at most once a second, so a revocation reaches every
worker and replica that reads the same file within about a second, without a restart.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

RECHECK_S = 1.0


class RevokedTokens:
    """The ids in the revocation file, reread when the file changes."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.clock = clock
        self._ids: frozenset[str] = frozenset()
        self._seen_mtime: int | None = None
        self._checked_at = -RECHECK_S
        self._reload_if_changed()

    def __contains__(self, token_id: object) -> bool:
        now = self.clock()
        if now - self._checked_at >= RECHECK_S:
            self._checked_at = now
            self._reload_if_changed()
        return token_id in self._ids

    def _reload_if_changed(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            self._ids, self._seen_mtime = frozenset(), None
            return
        if mtime != self._seen_mtime:
            self._ids = read_revoked(self.path)
            self._seen_mtime = mtime


def read_revoked(path: Path) -> frozenset[str]:
    """The ids in a revocation file (blank lines and `#` comments ignored)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    )


def revoke(path: Path, token_id: str, note: str = "") -> bool:
    """Add `token_id` to the file (made with mode 0600); False if it was already there."""
    if token_id in read_revoked(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(f"{token_id}{'  # ' + note if note else ''}\n")
    return True
