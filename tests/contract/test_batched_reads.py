"""Batched reads: each answers like the single read, in the order asked, None for an unknown id
(an empty answer means known, with nothing in it)."""

from __future__ import annotations

import pytest

from orggraph.domain.entities import Counts, Household, Page, Unit
from orggraph.domain.errors import InvalidValueError
from orggraph.store.protocols import GraphStore
from orggraph.store.values import ChildrenRequest, LevelRequest, SubtreeRequest

from .city import HAND_COUNTS, City
from .helpers import figures, ids

pytestmark = pytest.mark.contract


async def test_ancestors_many(store: GraphStore, city: City) -> None:
    asked = ["h01", "x-missing", "c3", "s1", "h01"]
    assert await store.ancestors_many(asked) == [
        [city.unit(u) for u in ("s1", "c1", "b1", "g1")],
        None,
        [city.unit("s2")],
        [],
        [city.unit(u) for u in ("s1", "c1", "b1", "g1")],
    ]


async def test_children_many_pages_like_children(store: GraphStore, city: City) -> None:
    pages = await store.children_many(
        [
            ChildrenRequest(None),
            ChildrenRequest("g5", first=3),
            ChildrenRequest("x-missing"),
            ChildrenRequest("b5"),
        ]
    )
    assert pages[2] is None
    known = [page for page in pages if page is not None]
    assert [ids(page.items) for page in known] == [
        ["s1", "s2"],
        ["h14", "h15", "h16"],
        [],
    ]
    assert [(page.total, page.has_next) for page in known] == [
        (2, False),
        (7, True),
        (0, False),
    ]
    assert known[0].items == [city.unit("s1"), city.unit("s2")]

    (rest,) = await store.children_many([ChildrenRequest("g5", 10, known[1].end_cursor)])
    assert rest is not None
    assert ids(rest.items) == ["h17", "h18", "h19", "h20"]
    assert rest.has_next is False


async def test_counts_many(store: GraphStore, city: City) -> None:
    asked = ["s1", "x-missing", "h01", "g6", "c2"]
    got = await store.counts_many(asked)
    assert got[1] is None
    assert [figures(counts) for counts in got if counts is not None] == [
        HAND_COUNTS[scope] for scope in asked if scope != "x-missing"
    ]


async def test_counts_many_of_the_city(store: GraphStore, city: City) -> None:
    city_counts, street = await store.counts_many([None, "s1"])
    assert city_counts == await store.counts()
    assert street == await store.counts("s1")


async def test_member_households_many(store: GraphStore, city: City) -> None:
    assert await store.member_households_many(["m3", "x-missing", "m6", "m2"]) == [
        [city.coverage("m3", h) for h in ("h06", "h10", "h11")],
        None,
        [],
        [city.coverage("m2", "h01"), city.coverage("m2", "h08")],
    ]


async def test_household_members_many(store: GraphStore, city: City) -> None:
    assert await store.household_members_many(["h14", "h-missing", "h04", "h12"]) == [
        [city.coverage("m4", "h14"), city.coverage("m5", "h14")],
        None,
        [],
        [city.coverage("m8", "h12")],
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, [["p6"], ["p4", "p1", "p3", "p2"], [], []]), (2025, [[], ["p5"], ["p7"], []])],
)
async def test_member_points_many(
    store: GraphStore, city: City, year: int, expected: list[list[str]]
) -> None:
    got = await store.member_points_many(["m2", "m1", "m3", "m6"], year)
    assert got == [[city.points[p] for p in entries] for entries in expected]


async def test_batched_reads_of_nothing(store: GraphStore, city: City) -> None:
    assert await store.ancestors_many([]) == []
    assert await store.children_many([]) == []
    assert await store.counts_many([]) == []
    assert await store.member_households_many([]) == []
    assert await store.household_members_many([]) == []
    assert await store.member_points_many([], 2024) == []


async def test_member_points_many_of_an_unknown_id(store: GraphStore, city: City) -> None:
    assert await store.member_points_many(["m1", "x-missing", "h01"], 2024) == [
        [city.points[p] for p in ("p4", "p1", "p3", "p2")],
        None,
        None,
    ]


async def test_batched_reads_are_about_one_kind(store: GraphStore, city: City) -> None:
    """A cadre has no ancestors or children and a household no households: None, not []."""
    assert await store.ancestors_many(["m1"]) == [None]
    assert await store.children_many([ChildrenRequest("m1")]) == [None]
    assert await store.counts_many(["m1"]) == [None]
    assert await store.member_households_many(["h01"]) == [None]
    assert await store.household_members_many(["m1"]) == [None]


async def _level_by_level(
    store: GraphStore, request: SubtreeRequest
) -> tuple[dict[ChildrenRequest, Page[Unit | Household]], dict[str, Counts]]:
    """What `children_many` and `counts_many` answer for every page and figure a subtree
    read covers."""
    pages: dict[ChildrenRequest, Page[Unit | Household]] = {}
    figures: dict[str, Counts] = {}
    parents = [request.parent_id]
    for depth, level in enumerate(request.levels):
        asked = [request.page_request(parent, depth) for parent in parents]
        found = await store.children_many(asked)
        children = [child for page in found if page is not None for child in page.items]
        pages.update((key, page) for key, page in zip(asked, found, strict=True) if page)
        if level.figures:
            counted = await store.counts_many([child.id for child in children])
            figures.update(
                (child.id, counts)
                for child, counts in zip(children, counted, strict=True)
                if counts
            )
        parents = [child.id for child in children]
    return pages, figures


@pytest.mark.parametrize(
    "request_",
    [
        # A street, two levels, figures on the second: a dashboard's tree.
        SubtreeRequest("s1", (LevelRequest(), LevelRequest(figures=True))),
        # Three levels down to households, small pages (the one more is not read below).
        SubtreeRequest(
            "c1", (LevelRequest(1), LevelRequest(2, figures=True), LevelRequest(3, figures=True))
        ),
        # A page after a cursor, figures on the first level only.
        SubtreeRequest("g5", (LevelRequest(2, "h15", figures=True),)),
        # A household's children: known, none; a branch without building groups.
        SubtreeRequest("h14", (LevelRequest(), LevelRequest())),
        SubtreeRequest("b5", (LevelRequest(figures=True), LevelRequest(figures=True))),
    ],
)
async def test_subtrees_many_answers_like_children_and_counts(
    store: GraphStore, city: City, request_: SubtreeRequest
) -> None:
    (tree,) = await store.subtrees_many([request_])
    assert tree is not None
    pages, figures_found = await _level_by_level(store, request_)
    assert tree.pages == pages
    assert tree.figures == figures_found


async def test_subtrees_many_in_the_order_asked(store: GraphStore, city: City) -> None:
    two_levels = (LevelRequest(), LevelRequest(figures=True))
    asked = [SubtreeRequest(i, two_levels) for i in ("c2", "x-missing", "m1", "c1")]
    found = await store.subtrees_many(asked)
    assert found[1] is None and found[2] is None
    pages = [
        tree.pages[ChildrenRequest(r.parent_id)]
        for r, tree in zip(asked, found, strict=True)
        if tree
    ]
    assert pages == [
        await store.children("c2"),
        await store.children("c1"),
    ]
    assert await store.subtrees_many([]) == []


@pytest.mark.parametrize("first", [0, -1])
async def test_a_page_size_below_one_is_refused(store: GraphStore, city: City, first: int) -> None:
    """It used to give one item quietly."""
    with pytest.raises(InvalidValueError, match="page size must be at least 1"):
        await store.children_many([ChildrenRequest("g5", first=first)])
