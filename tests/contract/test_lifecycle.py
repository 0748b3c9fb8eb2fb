"""Lifecycle: the store names itself and answers, clears, and keeps every write across a reopen.

The durability tests open their own handles through `backend` (a MemoryStore on the same
folder, a new Neo4j connection), so nothing one handle holds in memory can answer for the other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from orggraph.domain.entities import (
    Assignment,
    Household,
    Member,
    Mode,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.levels import Level
from orggraph.store.protocols import GraphStore

from .city import HAND_COUNTS, City, build_small_city
from .helpers import Backend, figures, ids, raises, snapshot

pytestmark = pytest.mark.contract

NEW_IDS = ("s3", "h21", "m9", "wu4")


async def test_store_is_a_graph_store_named_after_its_kind(
    store: GraphStore, backend: Backend
) -> None:
    assert isinstance(store, GraphStore)
    assert store.name == backend.name
    await store.ping()


async def test_clear_removes_everything(store: GraphStore, city: City) -> None:
    await store.clear()

    assert figures(await store.counts()) == (0,) * 10
    assert (await store.children(None)).total == 0
    assert await store.get_nodes(city.node_ids()) == [None] * len(city.node_ids())
    assert (await store.search("alpha")).items == []
    with raises(UnknownIdError, "m1"):
        await store.member_points("m1", 2024)


async def test_clear_frees_every_id(store: GraphStore, city: City) -> None:
    await store.clear()
    rebuilt = await build_small_city(store, single_writes=True)
    all_ids = rebuilt.node_ids()
    assert await store.get_nodes(all_ids) == [rebuilt.node(node_id) for node_id in all_ids]
    assert figures(await store.counts()) == HAND_COUNTS[None]


async def test_single_writes_and_bulk_calls_build_the_same_city(store: GraphStore) -> None:
    city = await build_small_city(store, single_writes=True)
    one_by_one = await whole_city_seen(store, city)
    await store.clear()
    await build_small_city(store)
    assert await whole_city_seen(store, city) == one_by_one
    assert figures(one_by_one["counts"]) == HAND_COUNTS[None]


async def whole_city_seen(store: GraphStore, city: City) -> dict[str, Any]:
    """The snapshot plus every scope's counts, children, ancestors and covers."""
    seen = await snapshot(store, city)
    tree = [*city.units, *city.households]
    seen["scopes"] = [await store.counts(node_id) for node_id in tree]
    seen["children"] = [await store.children(unit_id) for unit_id in city.units]
    seen["ancestors"] = [await store.ancestors(node_id) for node_id in tree]
    seen["covered"] = [await store.household_members(h) for h in city.households]
    seen["search"] = [await store.search(text) for text in ("alpha", "园林", "号楼")]
    return seen


async def change_a_bit_of_everything(store: GraphStore) -> None:
    """One write of every kind on top of the fixture city."""
    later = date(2025, 6, 1)
    await store.create_unit(Unit("s3", "熊口街道大工委", Level.STREET))
    await store.rename_unit("c2", "湖滨社区大党委")
    await store.move_unit("b5", "c1")
    await store.delete_unit("h04")
    await store.delete_unit("g3", cascade=True)
    await store.upsert_household(Household("h21", "冯雪", "g6", "6号楼101", "", central=True))
    await store.upsert_member(Member("m9", "周敏", "13700000009", "wu1", "c3"))
    await store.upsert_work_unit(WorkUnit("wu2", "Alpha Works Group"))
    await store.assign(Assignment("m9", "h21", Mode.UNIT, later))
    await store.unassign("m1", "h02")
    await store.transfer("h03", "m1", "m7", later)
    await store.record_points(PointsEntry("p1", "m1", date(2025, 3, 3), 7, "更正"))
    await store.upsert_units([Unit("c5", "Newtown Community", Level.COMMUNITY, "s3")])
    await store.upsert_households([Household("h22", "Alpha Feng", "g6")])
    await store.upsert_members([Member("m10", "Wu Gang", community_id="c5")])
    await store.upsert_work_units([WorkUnit("wu4", "潜江市教育局")])
    await store.assign_many([Assignment("m10", "h22", Mode.RESIDENCE, later)])
    await store.record_points_many([PointsEntry("p8", "m10", later, 4, "志愿服务")])


async def everything_seen(store: GraphStore, city: City) -> dict[str, Any]:
    """The snapshot plus what the extra writes added and the per-scope reads."""
    seen = await snapshot(store, city, *NEW_IDS, "c5", "h22", "m10")
    seen["m10"] = await store.member_households("m10"), await store.member_points("m10", 2025)
    seen["scopes"] = [await store.counts(scope) for scope in ("s1", "s2", "s3", "g6", "h21")]
    seen["children"] = [await store.children(u) for u in ("s3", "c1", "g1", "g6")]
    seen["search"] = await store.search("alpha")
    return seen


async def test_every_write_survives_a_reopen(backend: Backend) -> None:
    first = await backend.open()
    try:
        city = await build_small_city(first, single_writes=True)
        await change_a_bit_of_everything(first)
        written = await everything_seen(first, city)
    finally:
        await first.close()

    second = await backend.open()
    try:
        assert await everything_seen(second, city) == written
    finally:
        await second.close()
    # Not vacuous: the writes are there to be seen.
    assert ids(written["children"][0].items) == ["c5"]
    assert figures(written["scopes"][3]) == (0, 0, 0, 1, 2, 1, 2, 0, 2, 2)


async def test_a_failed_batch_leaves_nothing_behind_after_a_reopen(backend: Backend) -> None:
    first = await backend.open()
    try:
        city = await build_small_city(first)
        before = await snapshot(first, city, "h21")
        with raises(UnknownIdError, "g-missing"):
            await first.upsert_households(
                [Household("h21", "冯雪", "g6"), Household("h22", "x", "g-missing")]
            )
    finally:
        await first.close()

    second = await backend.open()
    try:
        assert await snapshot(second, city, "h21") == before
    finally:
        await second.close()


async def test_clear_survives_a_reopen(backend: Backend) -> None:
    first = await backend.open()
    try:
        city = await build_small_city(first)
        await first.clear()
    finally:
        await first.close()

    second = await backend.open()
    try:
        assert figures(await second.counts()) == (0,) * 10
        assert await second.get_nodes(city.node_ids()) == [None] * len(city.node_ids())
    finally:
        await second.close()
