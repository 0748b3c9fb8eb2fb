"""Figures computed once per data version: dashboards ask the same summaries over and over,
and one small read tells whether any write (from any process) changed them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar, cast

from orggraph.observability.metrics import cache_lookup
from orggraph.store.neo4j.connection import Connection

T = TypeVar("T")

SUMMARY_CACHE_SIZE = 512
"""How many summaries (figures, gap pages) are kept per data version."""


class SummaryCache:
    """Answers keyed by the question, each valid while the data version it was made at stands.
    Every caller gets the same object until the next write: treat it as read-only."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._answers: dict[Hashable, tuple[int, Any]] = {}

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        version = int((await self._connection.query("data_version"))[0]["version"])
        hit = self._answers.get(key)
        if hit is not None and hit[0] == version:
            cache_lookup("summaries", True)
            return cast(T, hit[1])
        cache_lookup("summaries", False)
        value = await compute()
        if len(self._answers) >= SUMMARY_CACHE_SIZE:
            self._answers.pop(next(iter(self._answers)))
        self._answers[key] = (version, value)
        return value
