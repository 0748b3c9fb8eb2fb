"""Single upserts of households, cadres and work units."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orggraph.domain.entities import Household, Member, WorkUnit
from orggraph.domain.errors import DuplicateIdError, UnknownIdError, WrongParentLevelError
from orggraph.store.protocols import GraphStore

from .city import City
from .helpers import figures, ids, rejected

pytestmark = pytest.mark.contract

OTHER_KINDS = ["g1", "h01", "m1", "wu1", "p1"]


def others(*except_: str) -> list[str]:
    """Ids of the fixture's kinds of node other than the given ones."""
    return [node_id for node_id in OTHER_KINDS if node_id not in except_]


# -- upsert_household ----------------------------------------------------------------------


async def test_upsert_household_creates(store: GraphStore, city: City) -> None:
    household = Household("h21", "冯雪", "g6", "6号楼101", "13811112222", central=True)
    assert await store.upsert_household(household) == household

    assert await store.get_node("h21") == household
    assert await store.ancestors("h21") == [city.unit(u) for u in ("s2", "c3", "b4", "g6")]
    assert ids((await store.children("g6")).items) == ["h21"]
    assert await store.household_members("h21") == []
    assert figures(await store.counts("g6")) == (0, 0, 0, 1, 1, 1, 0, 0, 0, 0)


async def test_upsert_household_replaces_every_field_and_keeps_covers(
    store: GraphStore, city: City
) -> None:
    updated = Household("h02", "王秀英（户主变更）", "g1", "园林路1号1单元202", "", central=True)
    assert await store.upsert_household(updated) == updated

    assert await store.get_node("h02") == updated
    assert await store.household_members("h02") == [
        replace(city.coverage("m1", "h02"), household=updated)
    ]
    assert figures(await store.counts("g1")) == (0, 0, 0, 1, 4, 2, 3, 0, 2, 4)


async def test_upsert_household_with_a_new_parent_moves_it(store: GraphStore, city: City) -> None:
    moved = replace(city.households["h02"], parent_id="g5")
    assert await store.upsert_household(moved) == moved

    assert await store.ancestors("h02") == [city.unit(u) for u in ("s2", "c3", "b4", "g5")]
    assert ids((await store.children("g1")).items) == ["h01", "h03", "h04"]
    assert "h02" in ids((await store.children("g5")).items)
    assert await store.member_households("m1") == [
        city.coverage("m1", "h01"),
        replace(city.coverage("m1", "h02"), household=moved),
        city.coverage("m1", "h03"),
        city.coverage("m1", "h05"),
    ]
    # s2 gains a covered household, m1 as a covering cadre and m1's cover of it.
    assert figures(await store.counts("s2")) == (1, 1, 2, 2, 8, 2, 6, 3, 4, 7)
    assert figures(await store.counts("s1")) == (1, 2, 3, 4, 12, 3, 8, 5, 4, 9)


@pytest.mark.parametrize("parent_id", ["b1", "c1", "s1"])
async def test_upsert_household_refuses_a_parent_that_is_not_a_building_group(
    store: GraphStore, city: City, parent_id: str
) -> None:
    async with rejected(store, city, WrongParentLevelError, "h21", parent_id, watch=("h21",)):
        await store.upsert_household(Household("h21", "冯雪", parent_id))


async def test_upsert_household_refuses_to_move_under_a_non_building(
    store: GraphStore, city: City
) -> None:
    async with rejected(store, city, WrongParentLevelError, "h01", "b2"):
        await store.upsert_household(replace(city.households["h01"], parent_id="b2"))


async def test_upsert_household_refuses_an_unknown_parent(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "g-missing", watch=("h21",)):
        await store.upsert_household(Household("h21", "冯雪", "g-missing"))


@pytest.mark.parametrize("taken_by", others("h01"))
async def test_upsert_household_refuses_the_id_of_another_kind(
    store: GraphStore, city: City, taken_by: str
) -> None:
    async with rejected(store, city, DuplicateIdError, taken_by):
        await store.upsert_household(Household(taken_by, "冯雪", "g6"))


# -- upsert_member -------------------------------------------------------------------------


async def test_upsert_member_creates(store: GraphStore, city: City) -> None:
    member = Member("m9", "周敏", "13700000009", "wu1", "c3")
    assert await store.upsert_member(member) == member

    assert await store.get_node("m9") == member
    assert await store.member_households("m9") == []
    assert await store.member_points("m9", 2024) == []
    assert figures(await store.counts("c3"))[7:] == (4, 3, 6)
    assert figures(await store.counts("s2"))[7:] == (4, 3, 6)


async def test_upsert_member_without_unit_or_community(store: GraphStore, city: City) -> None:
    member = Member("m9", "Wu Gang")
    assert await store.upsert_member(member) == member
    assert await store.get_node("m9") == member
    assert figures(await store.counts("s1"))[7] == 5
    assert figures(await store.counts("s2"))[7] == 3


async def test_upsert_member_replaces_every_field(store: GraphStore, city: City) -> None:
    updated = Member("m1", "王芳芳", "", "wu3", "c2")
    assert await store.upsert_member(updated) == updated

    assert await store.get_node("m1") == updated
    assert await store.member_households("m1") == [
        replace(city.coverage("m1", h), member=updated) for h in ("h01", "h02", "h03", "h05")
    ]
    assert figures(await store.counts("c1"))[7] == 2
    assert figures(await store.counts("c2"))[7] == 3
    assert figures(await store.counts("s1"))[7] == 5


async def test_upsert_member_can_drop_the_registration(store: GraphStore, city: City) -> None:
    unregistered = replace(city.members["m5"], community_id=None, work_unit_id=None)
    assert await store.upsert_member(unregistered) == unregistered
    assert await store.get_node("m5") == unregistered
    assert figures(await store.counts("c3"))[7] == 2


async def test_upsert_member_refuses_an_unknown_work_unit(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "wu-missing", watch=("m9",)):
        await store.upsert_member(Member("m9", "周敏", work_unit_id="wu-missing"))


async def test_upsert_member_refuses_an_unknown_community(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "c-missing"):
        await store.upsert_member(replace(city.members["m1"], community_id="c-missing"))


@pytest.mark.parametrize("community_id", ["s1", "b1", "g1", "h01"])
async def test_upsert_member_refuses_a_community_id_that_is_no_community(
    store: GraphStore, city: City, community_id: str
) -> None:
    async with rejected(store, city, WrongParentLevelError, community_id, watch=("m9",)):
        await store.upsert_member(Member("m9", "周敏", community_id=community_id))


@pytest.mark.parametrize("taken_by", others("m1"))
async def test_upsert_member_refuses_the_id_of_another_kind(
    store: GraphStore, city: City, taken_by: str
) -> None:
    async with rejected(store, city, DuplicateIdError, taken_by):
        await store.upsert_member(Member(taken_by, "周敏", work_unit_id="wu1"))


# -- upsert_work_unit ----------------------------------------------------------------------


async def test_upsert_work_unit_creates(store: GraphStore, city: City) -> None:
    work_unit = WorkUnit("wu4", "潜江市教育局")
    assert await store.upsert_work_unit(work_unit) == work_unit
    assert await store.get_node("wu4") == work_unit


async def test_upsert_work_unit_renames(store: GraphStore, city: City) -> None:
    renamed = WorkUnit("wu2", "Alpha Works Group")
    assert await store.upsert_work_unit(renamed) == renamed
    assert await store.get_node("wu2") == renamed
    assert await store.get_nodes(["m3", "m7"]) == [city.members["m3"], city.members["m7"]]


@pytest.mark.parametrize("taken_by", others("wu1"))
async def test_upsert_work_unit_refuses_the_id_of_another_kind(
    store: GraphStore, city: City, taken_by: str
) -> None:
    async with rejected(store, city, DuplicateIdError, taken_by):
        await store.upsert_work_unit(WorkUnit(taken_by, "潜江市教育局"))
