"""Units: create, rename, move and delete, with every documented refusal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orggraph.domain.entities import Household, Member, Node, Unit
from orggraph.domain.errors import (
    CycleError,
    DuplicateIdError,
    InvalidValueError,
    RefusedDeleteError,
    UnknownIdError,
    WrongParentLevelError,
)
from orggraph.domain.levels import Level
from orggraph.store.protocols import GraphStore

from .city import HAND_COUNTS, City
from .helpers import figures, ids, rejected, snapshot

pytestmark = pytest.mark.contract


# -- create_unit ---------------------------------------------------------------------------


async def test_create_unit_at_every_level(store: GraphStore) -> None:
    chain = [
        Unit("s9", "熊口街道大工委", Level.STREET),
        Unit("c9", "Xiongkou Community", Level.COMMUNITY, "s9"),
        Unit("b9", "莲花小区党支部", Level.BRANCH, "c9"),
        Unit("g9", "9号楼党小组", Level.BUILDING, "b9"),
    ]
    for unit in chain:
        assert await store.create_unit(unit) == unit

    assert await store.get_nodes([u.id for u in chain]) == chain
    assert await store.ancestors("g9") == chain[:3]
    assert ids((await store.children(None)).items) == ["s9"]
    assert ids((await store.children("b9")).items) == ["g9"]


@pytest.mark.parametrize("taken_by", ["c2", "h04", "m6", "wu1", "p1"])
async def test_create_unit_refuses_an_id_taken_by_any_kind(
    store: GraphStore, city: City, taken_by: str
) -> None:
    async with rejected(store, city, DuplicateIdError, taken_by):
        await store.create_unit(Unit(taken_by, "新社区", Level.COMMUNITY, "s2"))


async def test_create_unit_refuses_an_unknown_parent(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "b-missing", watch=("g9",)):
        await store.create_unit(Unit("g9", "9号楼党小组", Level.BUILDING, "b-missing"))


@pytest.mark.parametrize(
    "unit",
    [
        Unit("g9", "9号楼党小组", Level.BUILDING, "c1"),
        Unit("b9", "莲花小区党支部", Level.BRANCH, "s1"),
        Unit("c9", "Xiongkou Community", Level.COMMUNITY, "c1"),
        Unit("g9", "9号楼党小组", Level.BUILDING, "g1"),
        Unit("g9", "9号楼党小组", Level.BUILDING, "h01"),
    ],
    ids=[
        "building-under-community",
        "branch-under-street",
        "community-under-community",
        "building-under-building",
        "building-under-household",
    ],
)
async def test_create_unit_refuses_a_parent_of_the_wrong_level(
    store: GraphStore, city: City, unit: Unit
) -> None:
    assert unit.parent_id is not None
    async with rejected(store, city, WrongParentLevelError, unit.id, unit.parent_id):
        await store.create_unit(unit)


async def test_create_unit_refuses_a_street_with_a_parent(store: GraphStore, city: City) -> None:
    async with rejected(store, city, WrongParentLevelError, "s9"):
        await store.create_unit(Unit("s9", "熊口街道大工委", Level.STREET, "s1"))


async def test_create_unit_refuses_a_community_without_parent(
    store: GraphStore, city: City
) -> None:
    async with rejected(store, city, WrongParentLevelError, "c9"):
        await store.create_unit(Unit("c9", "Xiongkou Community", Level.COMMUNITY))


# -- rename_unit ---------------------------------------------------------------------------


async def test_rename_unit(store: GraphStore, city: City) -> None:
    renamed = Unit("b1", "Beta Court 贝塔苑", Level.BRANCH, "c1")
    assert await store.rename_unit("b1", "Beta Court 贝塔苑") == renamed
    assert await store.get_node("b1") == renamed
    assert (await store.children("g1")).total == 4, "renaming must not touch the subtree"
    assert "b1" not in ids((await store.search("alpha")).items)
    assert ids((await store.search("贝塔")).items) == ["b1"]


async def test_rename_unit_refuses_an_unknown_id(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "u-missing"):
        await store.rename_unit("u-missing", "新名字")


async def test_rename_unit_refuses_a_cadre_id(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "m1"):
        await store.rename_unit("m1", "新名字")


@pytest.mark.parametrize("blank", ["", "   "])
async def test_rename_unit_refuses_a_blank_name(store: GraphStore, city: City, blank: str) -> None:
    async with rejected(store, city, InvalidValueError, "b1"):
        await store.rename_unit("b1", blank)


# -- move_unit -----------------------------------------------------------------------------


async def test_move_unit_takes_its_whole_subtree(store: GraphStore, city: City) -> None:
    moved = replace(city.unit("b1"), parent_id="c3")
    assert await store.move_unit("b1", "c3") == moved

    assert await store.get_node("b1") == moved
    assert await store.ancestors("h07") == [
        city.unit("s2"),
        city.unit("c3"),
        moved,
        city.unit("g2"),
    ]
    assert ids((await store.children("c1")).items) == ["b2"]
    assert ids((await store.children("c3")).items) == ["b1", "b4", "b5"]
    assert ids((await store.children("b1")).items) == ["g1", "g2"]
    # s1 loses b1's 2 building groups and 7 households; s2 gains them, with their covers.
    assert figures(await store.counts("s1")) == (1, 2, 2, 2, 6, 1, 4, 5, 3, 4)
    assert figures(await store.counts("s2")) == (1, 1, 3, 4, 14, 4, 10, 3, 6, 12)
    assert figures(await store.counts()) == HAND_COUNTS[None]


async def test_move_unit_onto_itself_is_a_cycle(store: GraphStore, city: City) -> None:
    async with rejected(store, city, CycleError, "c1"):
        await store.move_unit("c1", "c1")


@pytest.mark.parametrize(
    ("unit_id", "below_it"),
    [("b1", "g2"), ("c1", "g1"), ("s1", "b3")],
    ids=["branch-under-its-building", "community-under-its-grandchild", "street-under-branch"],
)
async def test_move_unit_below_itself_is_a_cycle_before_any_level_check(
    store: GraphStore, city: City, unit_id: str, below_it: str
) -> None:
    async with rejected(store, city, CycleError, unit_id, below_it):
        await store.move_unit(unit_id, below_it)


@pytest.mark.parametrize(
    ("unit_id", "new_parent_id"),
    [("b1", "s2"), ("g1", "c2"), ("c1", "b4"), ("s1", "s2"), ("b1", "b3")],
    ids=[
        "branch-to-street",
        "building-to-community",
        "community-to-branch",
        "street-to-street",
        "branch-to-branch",
    ],
)
async def test_move_unit_refuses_a_parent_of_the_wrong_level(
    store: GraphStore, city: City, unit_id: str, new_parent_id: str
) -> None:
    async with rejected(store, city, WrongParentLevelError, unit_id, new_parent_id):
        await store.move_unit(unit_id, new_parent_id)


async def test_move_unit_refuses_an_unknown_unit(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "b-missing"):
        await store.move_unit("b-missing", "c1")


async def test_move_unit_refuses_an_unknown_parent(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "c-missing"):
        await store.move_unit("b1", "c-missing")


# -- delete_unit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_id", "parent_id", "s2_units"),
    [("g6", "b4", (1, 1, 2, 1)), ("b5", "c3", (1, 1, 1, 2))],
    ids=["building", "branch"],
)
async def test_delete_a_childless_unit(
    store: GraphStore, city: City, unit_id: str, parent_id: str, s2_units: tuple[int, ...]
) -> None:
    assert await store.delete_unit(unit_id) == 1
    assert await store.get_node(unit_id) is None
    assert unit_id not in ids((await store.children(parent_id)).items)
    assert figures(await store.counts("s2")) == (*s2_units, 7, 2, 5, 3, 3, 6)


async def test_delete_a_household_ends_its_covers(store: GraphStore, city: City) -> None:
    assert await store.delete_unit("h01") == 1

    assert await store.get_node("h01") is None
    assert ids((await store.children("g1")).items) == ["h02", "h03", "h04"]
    assert await store.member_households("m1") == [
        city.coverage("m1", h) for h in ("h02", "h03", "h05")
    ]
    assert await store.member_households("m2") == [city.coverage("m2", "h08")]
    assert figures(await store.counts("g1")) == (0, 0, 0, 1, 3, 0, 2, 0, 1, 2)
    assert await store.get_nodes(["m1", "m2"]) == [city.members["m1"], city.members["m2"]]


@pytest.mark.parametrize("unit_id", ["c1", "g1", "s2"])
async def test_delete_refuses_a_unit_with_children(
    store: GraphStore, city: City, unit_id: str
) -> None:
    async with rejected(store, city, RefusedDeleteError, unit_id):
        await store.delete_unit(unit_id)


@pytest.mark.parametrize("cascade", [False, True], ids=["plain", "cascade"])
async def test_delete_refuses_an_unknown_id(store: GraphStore, city: City, cascade: bool) -> None:
    async with rejected(store, city, UnknownIdError, "u-missing"):
        await store.delete_unit("u-missing", cascade=cascade)


@pytest.mark.parametrize(
    ("root", "gone"),
    [("c1", 15), ("s2", 13), ("b1", 10), ("g1", 5), ("b5", 1)],
)
async def test_cascade_deletes_exactly_the_subtree(
    store: GraphStore, city: City, root: str, gone: int
) -> None:
    subtree = city.subtree(root)
    assert len(subtree) == gone, "the fixture city is not what this test expects"
    points_before = (await snapshot(store, city))["points"]

    assert await store.delete_unit(root, cascade=True) == gone

    def survivor(member: Member) -> Member:
        """A cadre as they should read now: unregistered if their community went."""
        return replace(member, community_id=None) if member.community_id in subtree else member

    all_ids = city.node_ids()
    expected: list[Node | None] = []
    for node_id in all_ids:
        node = None if node_id in subtree else city.node(node_id)
        expected.append(survivor(node) if isinstance(node, Member) else node)
    assert await store.get_nodes(all_ids) == expected
    for member_id, member in city.members.items():
        assert await store.member_households(member_id) == [
            replace(city.coverage(m, h), member=survivor(member))
            for (m, h) in sorted(city.assignments)
            if m == member_id and h not in subtree
        ]
    assert (await snapshot(store, city))["points"] == points_before


async def test_cascade_delete_of_a_community_keeps_its_cadres(
    store: GraphStore, city: City
) -> None:
    assert await store.delete_unit("c1", cascade=True) == 15

    # m1, m2 and m7 reported to c1: kept, unregistered, covering nothing (all in c1).
    for member_id in ("m1", "m2", "m7"):
        assert await store.get_node(member_id) == replace(
            city.members[member_id], community_id=None
        )
        assert await store.member_households(member_id) == []
    assert await store.get_node("m3") == city.members["m3"]
    assert await store.member_households("m3") == [
        city.coverage("m3", "h10"),
        city.coverage("m3", "h11"),
    ]
    assert [p.id for p in await store.member_points("m1", 2024)] == ["p4", "p1", "p3", "p2"]
    assert await store.get_node("wu1") == city.work_units["wu1"]
    assert ids((await store.children("s1")).items) == ["c2"]
    # Left in s1: c2, b3, g4, h10-h13; m3 and m6 report to c2; h10, h11 (m3), h12 (m8).
    assert figures(await store.counts("s1")) == (1, 1, 1, 1, 4, 1, 3, 2, 2, 3)
    city_figures = figures(await store.counts())
    assert city_figures[:7] == (2, 2, 3, 3, 11, 3, 8)
    assert city_figures[8:] == (4, 9)


async def test_cascade_delete_then_the_ids_are_free_again(store: GraphStore, city: City) -> None:
    assert await store.delete_unit("g2", cascade=True) == 4
    building = Unit("g2", "新2号楼", Level.BUILDING, "b2")
    assert await store.create_unit(building) == building
    household = Household("h05", "新住户", "g2")
    assert await store.upsert_household(household) == household
    assert await store.household_members("h05") == [], "m1's old cover of h05 came back"
    assert [c.household.id for c in await store.member_households("m1")] == ["h01", "h02", "h03"]
