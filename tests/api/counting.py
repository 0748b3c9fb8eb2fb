"""A store wrapper for tests that count how often the API reaches the store."""

from __future__ import annotations

from typing import Any

from orggraph.store.base import GraphStore


class CountingStore:
    """Passes every call through to a store and counts the awaited ones."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return await attribute(*args, **kwargs)

        return counted
