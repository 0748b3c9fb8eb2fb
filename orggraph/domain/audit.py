"""Audit entries: every change made through the API, attributable to a person (issue #7).

`arguments` is the change as asked (JSON); `before` and `after` are JSON snapshots of the nodes
the change touched, so an entry can be read without the store's history. Ids sort by time, so
listing newest first is an id order.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, when, and how it looked before and after."""

    id: str
    at: datetime
    subject: str
    role: str
    action: str
    target_ids: tuple[str, ...]
    arguments: str
    before: str
    after: str


def new_audit_id(at: datetime) -> str:
    """A unique id that sorts by time: UTC timestamp to the microsecond, then randomness."""
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
