"""Search by name: prefix matches first, then the rest, each by id; Chinese and Latin alike."""

from __future__ import annotations

from typing import Any

import pytest

from orggraph.domain.entities import Page
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.levels import Level
from orggraph.store.protocols import GraphStore

from .city import City
from .helpers import ids, rejected, walk_pages

pytestmark = pytest.mark.contract

# "alpha": b1 "Alphabet Court", g2 "ALPHA Building", h07 "Alpha Zhou" start with it;
# g3 "Building Alpha-2" and cadre m3 "Li Alpha" contain it; work unit wu2 is never searched.
ALPHA = ["b1", "g2", "h07", "g3", "m3"]
# "园林": s1 and c1 start with it, b2 "东园林小区党支部" and cadre m4 "刘园林" contain it; work
# unit wu3 "园林绿化局" and the addresses of h01 and h02 are never searched.
YUANLIN = ["c1", "s1", "b2", "m4"]


async def search_pages(
    store: GraphStore, text: str, first: int, level: Level | None = None
) -> list[Page[Any]]:
    return await walk_pages(
        lambda n, after: store.search(text, level=level, first=n, after=after), first
    )


@pytest.mark.parametrize("text", ["alpha", "ALPHA", "aLpHa"])
async def test_search_latin_ignores_case_and_puts_prefix_matches_first(
    store: GraphStore, city: City, text: str
) -> None:
    page = await store.search(text)
    assert page.items == [city.node(node_id) for node_id in ALPHA]
    assert (page.total, page.has_next) == (len(ALPHA), False)


async def test_search_chinese(store: GraphStore, city: City) -> None:
    page = await store.search("园林")
    assert page.items == [city.node(node_id) for node_id in YUANLIN]
    assert page.total == len(YUANLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Garden street", ["s2"]),
        ("号楼党", ["g1", "g4", "g5", "g6"]),
        ("1号", ["g1"]),
        ("社区大党委", ["c1", "c3"]),
        ("王", ["h02", "m1"]),
        ("zhou", ["m7", "h07"]),
        ("Alpha-2", ["g3"]),
        ("没有这个名字", []),
    ],
)
async def test_search_matches_names(
    store: GraphStore, city: City, text: str, expected: list[str]
) -> None:
    assert ids((await store.search(text)).items) == expected


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        ("alpha", Level.BUILDING, ["g2", "g3"]),
        ("alpha", Level.HOUSEHOLD, ["h07"]),
        ("alpha", Level.BRANCH, ["b1"]),
        ("alpha", Level.STREET, []),
        ("园林", Level.STREET, ["s1"]),
        ("园林", Level.COMMUNITY, ["c1"]),
        ("园林", Level.BRANCH, ["b2"]),
        ("园林", Level.HOUSEHOLD, []),
    ],
)
async def test_search_with_a_level_leaves_out_other_levels_and_cadres(
    store: GraphStore, city: City, text: str, level: Level, expected: list[str]
) -> None:
    page = await store.search(text, level=level)
    assert ids(page.items) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(("first", "sizes"), [(1, [1] * 5), (2, [2, 2, 1]), (4, [4, 1])])
async def test_search_pages_cross_from_prefix_to_contains_matches(
    store: GraphStore, city: City, first: int, sizes: list[int]
) -> None:
    pages = await search_pages(store, "alpha", first)
    assert [len(page.items) for page in pages] == sizes
    assert [page.total for page in pages] == [len(ALPHA)] * len(sizes)
    assert ids([item for page in pages for item in page.items]) == ALPHA


async def test_search_pages_with_a_level(store: GraphStore, city: City) -> None:
    pages = await search_pages(store, "alpha", 1, level=Level.BUILDING)
    assert [ids(page.items) for page in pages] == [["g2"], ["g3"]]


async def test_search_follows_renames_and_deletes(store: GraphStore, city: City) -> None:
    await store.rename_unit("g4", "Alpha Tower")
    await store.delete_unit("h07")
    assert ids((await store.search("alpha")).items) == ["b1", "g2", "g4", "g3", "m3"]


@pytest.mark.parametrize("text", ["", " ", "\t \n"])
async def test_search_refuses_blank_text(store: GraphStore, city: City, text: str) -> None:
    async with rejected(store, city, InvalidValueError):
        await store.search(text)
