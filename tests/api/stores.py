"""Store wrappers for API tests: pass everything through to a real store, and count, stall or
break one thing."""

from __future__ import annotations

from typing import Any

from orggraph.store.protocols import GraphStore


class PassThroughStore:
    """Answers every call from the wrapped store; subclasses replace what they test."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class CountingStore(PassThroughStore):
    """Passes every call through to a store and counts the awaited ones."""

    def __init__(self, inner: GraphStore) -> None:
        super().__init__(inner)
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return await attribute(*args, **kwargs)

        return counted
