"""Reads: nodes by id, ancestors, pages of children, and the counts of every scope."""

from __future__ import annotations

import pytest

from orggraph.domain.entities import Household, Page
from orggraph.domain.errors import InvalidValueError, UnknownIdError
from orggraph.store.protocols import GraphStore
from orggraph.store.values import MAX_PAGE_SIZE

from .city import HAND_COUNTS, City
from .helpers import figures, ids, rejected, walk_pages

pytestmark = pytest.mark.contract


# -- get_node / get_nodes ------------------------------------------------------------------


@pytest.mark.parametrize("node_id", ["s2", "c1", "b3", "g5", "h15", "h07", "m4", "m7", "wu2"])
async def test_get_node_returns_every_kind_as_written(
    store: GraphStore, city: City, node_id: str
) -> None:
    assert await store.get_node(node_id) == city.node(node_id)


async def test_get_node_returns_none_for_an_unknown_id(store: GraphStore, city: City) -> None:
    assert await store.get_node("x-missing") is None


async def test_get_node_returns_none_for_a_points_entry(store: GraphStore, city: City) -> None:
    assert await store.get_node("p1") is None


async def test_get_nodes_keeps_the_order_asked(store: GraphStore, city: City) -> None:
    asked = ["m1", "x-missing", "s1", "h07", "wu2", "g6", "s1", "h-missing", "c3"]
    assert await store.get_nodes(asked) == [
        None if node_id.endswith("-missing") else city.node(node_id) for node_id in asked
    ]


async def test_get_nodes_of_nothing(store: GraphStore, city: City) -> None:
    assert await store.get_nodes([]) == []


async def test_get_nodes_reads_the_whole_city(store: GraphStore, city: City) -> None:
    all_ids = city.node_ids()
    assert await store.get_nodes(all_ids) == [city.node(node_id) for node_id in all_ids]


# -- ancestors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "expected"),
    [
        ("h01", ["s1", "c1", "b1", "g1"]),
        ("h20", ["s2", "c3", "b4", "g5"]),
        ("g3", ["s1", "c1", "b2"]),
        ("b3", ["s1", "c2"]),
        ("c3", ["s2"]),
        ("s1", []),
    ],
)
async def test_ancestors_street_first(
    store: GraphStore, city: City, node_id: str, expected: list[str]
) -> None:
    assert await store.ancestors(node_id) == [city.unit(u) for u in expected]


async def test_ancestors_refuses_an_unknown_id(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "x-missing"):
        await store.ancestors("x-missing")


# -- children ------------------------------------------------------------------------------


async def children_pages(
    store: GraphStore, parent_id: str | None, first: int
) -> list[Page[object]]:
    return await walk_pages(lambda n, after: store.children(parent_id, first=n, after=after), first)


@pytest.mark.parametrize(
    ("parent_id", "expected"),
    [
        (None, ["s1", "s2"]),
        ("s1", ["c1", "c2"]),
        ("c3", ["b4", "b5"]),
        ("b1", ["g1", "g2"]),
        ("g5", ["h14", "h15", "h16", "h17", "h18", "h19", "h20"]),
    ],
)
async def test_children_in_id_order(
    store: GraphStore, city: City, parent_id: str | None, expected: list[str]
) -> None:
    page = await store.children(parent_id)
    assert page.items == [city.node(node_id) for node_id in expected]
    assert page.total == len(expected)
    assert page.has_next is False


@pytest.mark.parametrize("parent_id", ["b5", "g6"])
async def test_children_of_an_empty_unit(store: GraphStore, city: City, parent_id: str) -> None:
    page = await store.children(parent_id)
    assert (page.items, page.total, page.has_next) == ([], 0, False)


@pytest.mark.parametrize(("first", "sizes"), [(3, [3, 3, 1]), (2, [2, 2, 2, 1]), (7, [7])])
async def test_children_pages_follow_each_other(
    store: GraphStore, city: City, first: int, sizes: list[int]
) -> None:
    pages = await children_pages(store, "g5", first)
    assert [len(page.items) for page in pages] == sizes
    assert [page.total for page in pages] == [7] * len(sizes)
    assert [page.has_next for page in pages] == [True] * (len(sizes) - 1) + [False]
    walked = [item for page in pages for item in page.items]
    assert ids(walked) == ["h14", "h15", "h16", "h17", "h18", "h19", "h20"]


async def test_children_paging_is_stable_after_an_insert_behind_the_cursor(
    store: GraphStore, city: City
) -> None:
    first_page = await store.children("g5", first=3)
    await store.upsert_household(Household("h140", "新住户", "g5"))
    rest = await store.children("g5", first=10, after=first_page.end_cursor)
    assert ids(rest.items) == ["h17", "h18", "h19", "h20"]


@pytest.mark.parametrize("first", [0, -5])
async def test_a_children_page_size_below_one_is_refused(
    store: GraphStore, city: City, first: int
) -> None:
    with pytest.raises(InvalidValueError, match=f"page size must be at least 1, got {first}"):
        await store.children("g5", first=first)


async def test_children_page_size_is_at_most_the_maximum(store: GraphStore, city: City) -> None:
    many = [Household(f"x{n:04d}", f"住户{n}", "g6") for n in range(MAX_PAGE_SIZE + 1)]
    await store.upsert_households(many)

    page = await store.children("g6", first=10 * MAX_PAGE_SIZE)
    assert len(page.items) == MAX_PAGE_SIZE
    assert (page.total, page.has_next) == (MAX_PAGE_SIZE + 1, True)
    assert page.items == many[:MAX_PAGE_SIZE]
    rest = await store.children("g6", first=10 * MAX_PAGE_SIZE, after=page.end_cursor)
    assert (rest.items, rest.has_next) == ([many[-1]], False)


async def test_children_refuses_an_unknown_parent(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "u-missing"):
        await store.children("u-missing")


async def test_children_of_an_empty_store(store: GraphStore) -> None:
    page = await store.children(None)
    assert (page.items, page.total, page.has_next) == ([], 0, False)


# -- counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", list(HAND_COUNTS), ids=lambda s: s or "city")
async def test_counts_of_every_scope(store: GraphStore, city: City, scope: str | None) -> None:
    assert figures(await store.counts(scope)) == HAND_COUNTS[scope]


async def test_counts_coverage_share(store: GraphStore, city: City) -> None:
    assert (await store.counts("g1")).coverage == pytest.approx(0.75)
    assert (await store.counts("g6")).coverage == 0.0


async def test_counts_of_an_empty_store(store: GraphStore) -> None:
    assert figures(await store.counts()) == (0,) * 10


@pytest.mark.parametrize("scope", ["x-missing", "m1", "wu1"])
async def test_counts_refuses_an_id_that_is_no_unit_or_household(
    store: GraphStore, city: City, scope: str
) -> None:
    async with rejected(store, city, UnknownIdError, scope):
        await store.counts(scope)
