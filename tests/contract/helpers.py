"""Assertions the contract tests share: typed errors that name ids, untouched state, paging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Protocol

import pytest

from orggraph.domain.entities import Counts, Page
from orggraph.domain.errors import OrgGraphError
from orggraph.domain.levels import UNIT_LEVELS
from orggraph.store.protocols import GraphStore

from .city import YEARS, City

ErrorType = type[OrgGraphError] | tuple[type[OrgGraphError], ...]


class Backend(Protocol):
    """A store implementation under test (see conftest.py)."""

    name: str

    async def open(self) -> GraphStore:
        """A new store handle onto this test's data; the caller closes it."""
        ...


@contextmanager
def raises(error: ErrorType, *named_ids: str) -> Iterator[pytest.ExceptionInfo[OrgGraphError]]:
    """Expect `error`, and expect its message to name every one of `named_ids`."""
    with pytest.raises(error) as info:
        yield info
    message = str(info.value)
    for node_id in named_ids:
        assert node_id in message, (
            f"{type(info.value).__name__} {message!r} does not name {node_id}"
        )


async def snapshot(store: GraphStore, city: City, *extra_ids: str) -> dict[str, Any]:
    """Everything a reader can see of the fixture city (plus `extra_ids`), for comparison."""
    return {
        "counts": await store.counts(),
        "streets": await store.children(None),
        "nodes": await store.get_nodes([*city.node_ids(), *extra_ids]),
        "covers": {m: await store.member_households(m) for m in city.members},
        "points": {(m, y): await store.member_points(m, y) for m in city.members for y in YEARS},
    }


@asynccontextmanager
async def rejected(
    store: GraphStore,
    city: City,
    error: ErrorType,
    *named_ids: str,
    watch: tuple[str, ...] = (),
) -> AsyncIterator[None]:
    """Expect the body to fail with `error` naming `named_ids`, and to change nothing at all.

    `watch` adds ids the failed call would have created, so "nothing written" covers them.
    """
    before = await snapshot(store, city, *named_ids, *watch)
    with raises(error, *named_ids):
        yield
    after = await snapshot(store, city, *named_ids, *watch)
    assert after == before, "a failed call changed the store"


def figures(counts: Counts) -> tuple[int, ...]:
    """Counts as (streets, communities, branches, buildings, households, central, covered,
    members, covering members, assignments); a level missing from `units` counts 0."""
    return (
        *(counts.units.get(level, 0) for level in UNIT_LEVELS),
        counts.households,
        counts.central_households,
        counts.covered_households,
        counts.members,
        counts.covering_members,
        counts.assignments,
    )


PageFetch = Callable[[int, str | None], Awaitable[Page[Any]]]


async def walk_pages(fetch: PageFetch, first: int) -> list[Page[Any]]:
    """Every page of a list, `first` at a time, following `end_cursor`."""
    pages: list[Page[Any]] = []
    after: str | None = None
    while True:
        page = await fetch(first, after)
        pages.append(page)
        if not page.has_next:
            return pages
        assert page.end_cursor is not None, "a page with a next page has no end_cursor"
        assert len(pages) < 1000, "paging does not end"
        after = page.end_cursor


def ids(items: list[Any]) -> list[str]:
    return [item.id for item in items]
