"""Cursors: every paged read takes back the cursors it made and refuses any other alike.

The embedded store once accepted cursors such as "p:" or "1:" (an empty id) that Neo4j
refused; a malformed cursor is now the same INVALID_VALUE error from every paged read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from orggraph.domain.errors import InvalidValueError
from orggraph.domain.gaps import GapKind
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore
from orggraph.store.values import ChildrenRequest

from .city import City
from .helpers import ids

pytestmark = pytest.mark.contract

PagedRead = Callable[[GraphStore, str], Awaitable[object]]


async def _children(store: GraphStore, after: str) -> object:
    return await store.children("g5", first=2, after=after)


async def _children_many(store: GraphStore, after: str) -> object:
    return await store.children_many([ChildrenRequest("g5", 2, after)])


async def _search(store: GraphStore, after: str) -> object:
    return await store.search("h", first=2, after=after)


async def _gaps(store: GraphStore, after: str) -> object:
    return await store.gaps(None, list(GapKind), Policy(), 2024, first=2, after=after)


async def _audit(store: GraphStore, after: str) -> object:
    return await store.audit_entries(first=2, after=after)


MALFORMED: list[tuple[str, PagedRead, str]] = [
    ("children", _children, ""),
    ("children_many", _children_many, ""),
    ("audit", _audit, ""),
    *(("search", _search, cursor) for cursor in ["", "p:", "c:", "x:h01", "h01", "1:h01", ":"]),
    *(("gaps", _gaps, cursor) for cursor in ["", "1:", ":h01", "p:h01", "h01", "-1:h01", "99:x"]),
]


@pytest.mark.parametrize(
    ("read", "cursor"),
    [pytest.param(read, cursor, id=f"{name}-{cursor!r}") for name, read, cursor in MALFORMED],
)
async def test_a_malformed_cursor_is_invalid_value(
    store: GraphStore, city: City, read: PagedRead, cursor: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        await read(store, cursor)
    assert caught.value.code == "INVALID_VALUE"
    assert repr(cursor) in caught.value.message


async def test_search_and_gaps_take_back_their_own_cursors(store: GraphStore, city: City) -> None:
    """Following end_cursor walks each list once, in order, on both stores."""
    seen: list[str] = []
    after: str | None = None
    while True:
        page = await store.search("h", first=2, after=after)
        seen += ids(page.items)
        if not page.has_next:
            break
        after = page.end_cursor
    assert seen == ids((await store.search("h", first=500)).items)
    gaps: list[tuple[GapKind, str]] = []
    after = None
    while True:
        gap_page = await store.gaps(None, list(GapKind), Policy(), 2024, first=3, after=after)
        gaps += [(gap.kind, gap.subject_id) for gap in gap_page.items]
        if not gap_page.has_next:
            break
        after = gap_page.end_cursor
    everything = await store.gaps(None, list(GapKind), Policy(), 2024, first=500)
    assert gaps == [(gap.kind, gap.subject_id) for gap in everything.items]
