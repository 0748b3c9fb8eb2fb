"""Points (积分): dated entries per cadre, replaced by id when a ledger is imported again."""

from __future__ import annotations

from datetime import date

import pytest

from orggraph.domain.entities import PointsEntry
from orggraph.domain.errors import DuplicateIdError, UnknownIdError
from orggraph.store.protocols import GraphStore

from .city import City
from .helpers import rejected

pytestmark = pytest.mark.contract


def entry_ids(entries: list[PointsEntry]) -> list[str]:
    return [entry.id for entry in entries]


async def test_member_points_by_year_in_day_then_id_order(store: GraphStore, city: City) -> None:
    assert await store.member_points("m1", 2024) == [
        city.points[p] for p in ("p4", "p1", "p3", "p2")
    ]
    assert await store.member_points("m1", 2025) == [city.points["p5"]]
    assert await store.member_points("m1", 2023) == []
    assert await store.member_points("m3", 2025) == [city.points["p7"]]
    assert await store.member_points("m3", 2024) == []
    assert await store.member_points("m6", 2024) == []


@pytest.mark.parametrize("member_id", ["m-missing", "h01", "wu1"])
async def test_member_points_refuses_an_id_that_is_no_member(
    store: GraphStore, city: City, member_id: str
) -> None:
    async with rejected(store, city, UnknownIdError, member_id):
        await store.member_points(member_id, 2024)


async def test_record_points_adds_an_entry(store: GraphStore, city: City) -> None:
    entry = PointsEntry("p8", "m6", date(2024, 9, 9), 15, "调解邻里纠纷 mediation")
    assert await store.record_points(entry) == entry
    assert await store.member_points("m6", 2024) == [entry]
    assert await store.member_points("m6", 2025) == []


async def test_record_points_replaces_the_entry_with_the_same_id(
    store: GraphStore, city: City
) -> None:
    replacement = PointsEntry("p1", "m1", date(2025, 3, 3), 7, "季度积分更正")
    assert await store.record_points(replacement) == replacement

    assert entry_ids(await store.member_points("m1", 2024)) == ["p4", "p3", "p2"]
    assert await store.member_points("m1", 2025) == [city.points["p5"], replacement]


async def test_record_points_can_move_an_entry_to_another_cadre(
    store: GraphStore, city: City
) -> None:
    moved = PointsEntry("p6", "m5", date(2024, 6, 1), 20, "基础积分")
    await store.record_points(moved)
    assert await store.member_points("m2", 2024) == []
    assert await store.member_points("m5", 2024) == [moved]


async def test_record_points_refuses_an_unknown_member(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "m-missing"):
        await store.record_points(PointsEntry("p8", "m-missing", date(2024, 9, 9), 15))


@pytest.mark.parametrize("taken_by", ["g1", "h01", "m1", "wu1"])
async def test_record_points_refuses_the_id_of_another_kind(
    store: GraphStore, city: City, taken_by: str
) -> None:
    async with rejected(store, city, DuplicateIdError, taken_by):
        await store.record_points(PointsEntry(taken_by, "m6", date(2024, 9, 9), 15))
