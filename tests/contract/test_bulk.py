"""Bulk writes: per-row Changes, parents earlier in a batch, and all-or-nothing batches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
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
from orggraph.domain.errors import (
    CycleError,
    DuplicateIdError,
    UnknownIdError,
    WrongParentLevelError,
)
from orggraph.domain.levels import Level
from orggraph.store.neo4j.bulk import FAST_PATH_ROWS
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from . import city as fixture
from .city import HAND_COUNTS, City
from .helpers import ErrorType, figures, ids, rejected, snapshot

pytestmark = pytest.mark.contract

LATER = date(2025, 6, 1)
HOUSEHOLDS = {h.id: h for h in fixture.HOUSEHOLDS}
MEMBERS = {m.id: m for m in fixture.MEMBERS}
POINTS = {p.id: p for p in fixture.POINTS}


async def read_nodes(store: GraphStore, rows: Sequence[Any]) -> list[Any]:
    return await store.get_nodes([row.id for row in rows])


async def read_assignments(store: GraphStore, rows: Sequence[Assignment]) -> list[Any]:
    """Each row's pair as the store now has it, or None."""
    found: list[Any] = []
    for row in rows:
        covers = {c.member.id: c for c in await store.household_members(row.household_id)}
        cover = covers.get(row.member_id)
        found.append(cover and Assignment(row.member_id, row.household_id, cover.mode, cover.since))
    return found


async def read_points(store: GraphStore, rows: Sequence[PointsEntry]) -> list[Any]:
    found: list[Any] = []
    for row in rows:
        entries = {e.id: e for e in await store.member_points(row.member_id, row.day.year)}
        found.append(entries.get(row.id))
    return found


@dataclass(frozen=True)
class BadRow:
    """A row that spoils a batch: the error it must raise and the ids that error must name."""

    label: str
    error: ErrorType
    row: Any
    named: tuple[str, ...]


def bad(label: str, error: ErrorType, row: Any, *named: str) -> BadRow:
    return BadRow(label, error, row, named)


@dataclass(frozen=True)
class BulkCase:
    """One bulk call: a batch that is good against the fixture city, and rows that spoil it."""

    method: str
    good: tuple[Any, ...]
    changes: Changes
    read_back: Callable[[GraphStore, Sequence[Any]], Awaitable[list[Any]]]
    bad: tuple[BadRow, ...]

    def call(self, store: GraphStore, rows: Sequence[Any]) -> Awaitable[Changes]:
        method: Callable[[Sequence[Any]], Awaitable[Changes]] = getattr(store, self.method)
        return method(rows)


BUILDING, BRANCH = Level.BUILDING, Level.BRANCH

UNITS = BulkCase(
    "upsert_units",
    good=(
        Unit("s1", "园林街道大工委", Level.STREET),  # unchanged
        Unit("s3", "熊口街道大工委", Level.STREET),  # created ...
        Unit("c4", "Xiongkou Community", Level.COMMUNITY, "s3"),  # ... under a parent just made
        Unit("b6", "莲花小区党支部", BRANCH, "c4"),
        Unit("c2", "湖滨社区大党委", Level.COMMUNITY, "s1"),  # renamed
        Unit("b5", "广华小区党支部", BRANCH, "c1"),  # moved from c3
        Unit("g4", "3号楼党小组", BUILDING, "b3"),  # unchanged
    ),
    changes=Changes(created=3, updated=2, unchanged=2),
    read_back=read_nodes,
    bad=(
        bad(
            "unknown-parent",
            UnknownIdError,
            Unit("g7", "七号楼", BUILDING, "b-missing"),
            "b-missing",
        ),
        bad("wrong-level", WrongParentLevelError, Unit("g7", "七号楼", BUILDING, "c1"), "g7", "c1"),
        bad(
            "street-with-parent",
            WrongParentLevelError,
            Unit("s7", "七街道", Level.STREET, "s1"),
            "s7",
        ),
        bad(
            "community-without-parent",
            WrongParentLevelError,
            Unit("c7", "七社区", Level.COMMUNITY),
            "c7",
        ),
        bad("level-changed", DuplicateIdError, Unit("g1", "1号楼党小组", BRANCH, "c1"), "g1"),
        bad("id-of-a-household", DuplicateIdError, Unit("h01", "七号楼", BUILDING, "b1"), "h01"),
        bad("id-of-a-member", DuplicateIdError, Unit("m1", "七号楼", BUILDING, "b1"), "m1"),
        # b1 under its own building group: a cycle and a wrong level; either error will do.
        bad(
            "cycle",
            (CycleError, WrongParentLevelError),
            Unit("b1", "Alphabet Court", BRANCH, "g2"),
            "b1",
        ),
    ),
)

HOUSEHOLDS_CASE = BulkCase(
    "upsert_households",
    good=(
        Household("h21", "冯雪", "g6", "6号楼101", "13811112222", central=True),
        replace(HOUSEHOLDS["h04"], name="刘洋（新户主）"),
        replace(HOUSEHOLDS["h09"], parent_id="g6"),
        HOUSEHOLDS["h10"],
        Household("h22", "Alpha Feng", "g6"),
    ),
    changes=Changes(created=2, updated=2, unchanged=1),
    read_back=read_nodes,
    bad=(
        bad("unknown-parent", UnknownIdError, Household("h23", "x", "g-missing"), "g-missing"),
        bad("wrong-level", WrongParentLevelError, Household("h23", "x", "b1"), "h23", "b1"),
        bad("id-of-a-unit", DuplicateIdError, Household("g1", "x", "g2"), "g1"),
        bad("id-of-a-member", DuplicateIdError, Household("m1", "x", "g2"), "m1"),
    ),
)

MEMBERS_CASE = BulkCase(
    "upsert_members",
    good=(
        Member("m9", "周敏", "13700000009", "wu1", "c3"),
        replace(MEMBERS["m6"], phone="13911112222"),
        MEMBERS["m7"],
        replace(MEMBERS["m8"], community_id="c2"),
        Member("m10", "Wu Gang"),
    ),
    changes=Changes(created=2, updated=2, unchanged=1),
    read_back=read_nodes,
    bad=(
        bad(
            "unknown-work-unit",
            UnknownIdError,
            Member("m11", "x", work_unit_id="wu-missing"),
            "wu-missing",
        ),
        bad(
            "unknown-community",
            UnknownIdError,
            Member("m11", "x", community_id="c-missing"),
            "c-missing",
        ),
        bad(
            "community-id-of-a-branch",
            WrongParentLevelError,
            Member("m11", "x", community_id="b1"),
            "m11",
            "b1",
        ),
        bad("id-of-a-household", DuplicateIdError, Member("h01", "x"), "h01"),
    ),
)

WORK_UNITS_CASE = BulkCase(
    "upsert_work_units",
    good=(
        WorkUnit("wu4", "潜江市教育局"),
        WorkUnit("wu1", "国家税务总局潜江市税务局"),
        WorkUnit("wu2", "Alpha Works Ltd"),
    ),
    changes=Changes(created=1, updated=1, unchanged=1),
    read_back=read_nodes,
    bad=(
        bad("id-of-a-unit", DuplicateIdError, WorkUnit("c1", "x"), "c1"),
        bad("id-of-a-member", DuplicateIdError, WorkUnit("m1", "x"), "m1"),
    ),
)

ASSIGNMENTS_CASE = BulkCase(
    "assign_many",
    good=(
        Assignment("m6", "h04", Mode.UNIT, LATER),
        Assignment("m1", "h01", Mode.UNIT, date(2024, 1, 10)),  # as it is
        Assignment("m1", "h02", Mode.RESIDENCE, date(2024, 1, 10)),  # new mode
        Assignment("m2", "h08", Mode.UNIT, LATER),  # new date
        Assignment("m7", "h13", Mode.RESIDENCE, LATER),
    ),
    changes=Changes(created=2, updated=2, unchanged=1),
    read_back=read_assignments,
    bad=(
        bad(
            "unknown-member",
            UnknownIdError,
            Assignment("m-missing", "h04", Mode.UNIT, LATER),
            "m-missing",
        ),
        bad(
            "unknown-household",
            UnknownIdError,
            Assignment("m6", "h-missing", Mode.UNIT, LATER),
            "h-missing",
        ),
    ),
)

POINTS_CASE = BulkCase(
    "record_points_many",
    good=(
        PointsEntry("p8", "m6", date(2025, 4, 1), 4, "志愿服务"),
        POINTS["p1"],
        replace(POINTS["p6"], points=25),
        replace(POINTS["p7"], reason="volunteer service (epidemic prevention)"),
    ),
    changes=Changes(created=1, updated=2, unchanged=1),
    read_back=read_points,
    bad=(
        bad(
            "unknown-member", UnknownIdError, PointsEntry("p9", "m-missing", LATER, 3), "m-missing"
        ),
        bad("id-of-a-household", DuplicateIdError, PointsEntry("h01", "m1", LATER, 3), "h01"),
    ),
)

CASES = (UNITS, HOUSEHOLDS_CASE, MEMBERS_CASE, WORK_UNITS_CASE, ASSIGNMENTS_CASE, POINTS_CASE)


def by_method(cases: Sequence[BulkCase]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case.method for case in cases])


@by_method(CASES)
async def test_bulk_counts_created_updated_unchanged(
    store: GraphStore, city: City, case: BulkCase
) -> None:
    assert await case.call(store, case.good) == case.changes
    assert await case.read_back(store, case.good) == list(case.good)


@by_method(CASES)
async def test_bulk_repeated_is_all_unchanged(
    store: GraphStore, city: City, case: BulkCase
) -> None:
    await case.call(store, case.good)
    again = await case.call(store, case.good)
    assert again == Changes(unchanged=len(case.good))
    assert await case.read_back(store, case.good) == list(case.good)


@by_method(CASES)
async def test_bulk_of_nothing_changes_nothing(
    store: GraphStore, city: City, case: BulkCase
) -> None:
    before = await snapshot(store, city)
    assert await case.call(store, []) == Changes()
    assert await snapshot(store, city) == before


@pytest.mark.parametrize("position", ["first", "middle", "last"])
@pytest.mark.parametrize(
    ("case", "bad"),
    [(case, bad) for case in CASES for bad in case.bad],
    ids=[f"{case.method}-{bad.label}" for case in CASES for bad in case.bad],
)
async def test_bulk_with_one_bad_row_writes_nothing(
    store: GraphStore, city: City, case: BulkCase, bad: BadRow, position: str
) -> None:
    rows = list(case.good)
    at = {"first": 0, "middle": len(rows) // 2, "last": len(rows)}[position]
    rows.insert(at, bad.row)
    row_ids = tuple(row.id for row in rows if not isinstance(row, Assignment))
    async with rejected(store, city, bad.error, *bad.named, watch=row_ids):
        await case.call(store, rows)


# -- whole batches on an empty store -------------------------------------------------------


async def test_upsert_units_takes_parents_from_earlier_in_the_batch(store: GraphStore) -> None:
    assert await store.upsert_units(fixture.UNITS) == Changes(created=len(fixture.UNITS))
    assert await store.get_nodes([u.id for u in fixture.UNITS]) == list(fixture.UNITS)
    assert ids((await store.children(None)).items) == ["s1", "s2"]
    assert ids((await store.children("b4")).items) == ["g5", "g6"]


BULK_BUILD = (
    ("upsert_units", fixture.UNITS),
    ("upsert_households", fixture.HOUSEHOLDS),
    ("upsert_work_units", fixture.WORK_UNITS),
    ("upsert_members", fixture.MEMBERS),
    ("assign_many", fixture.ASSIGNMENTS),
    ("record_points_many", fixture.POINTS),
)


async def build_in_bulk(store: GraphStore) -> list[Changes]:
    return [await getattr(store, method)(rows) for method, rows in BULK_BUILD]


async def test_bulk_calls_build_the_whole_city(store: GraphStore) -> None:
    assert await build_in_bulk(store) == [Changes(created=len(rows)) for _, rows in BULK_BUILD]

    city = fixture.small_city()
    assert await store.get_nodes(city.node_ids()) == [city.node(i) for i in city.node_ids()]
    assert figures(await store.counts()) == HAND_COUNTS[None]
    assert figures(await store.counts("s2")) == HAND_COUNTS["s2"]
    assert await store.household_members("h14") == [
        city.coverage("m4", "h14"),
        city.coverage("m5", "h14"),
    ]
    assert [p.id for p in await store.member_points("m1", 2024)] == ["p4", "p1", "p3", "p2"]


async def test_bulk_build_repeated_is_all_unchanged(store: GraphStore) -> None:
    await build_in_bulk(store)
    assert await build_in_bulk(store) == [Changes(unchanged=len(rows)) for _, rows in BULK_BUILD]
    assert figures(await store.counts()) == HAND_COUNTS[None]


async def test_bulk_on_a_single_built_city_is_all_unchanged(store: GraphStore, city: City) -> None:
    assert await build_in_bulk(store) == [Changes(unchanged=len(rows)) for _, rows in BULK_BUILD]


# -- batches big enough for the Neo4j store's fast path ------------------------------------

BIG = FAST_PATH_ROWS + 50
"""Rows in a "big" batch: above the size from which the Neo4j store first tries writing
without its look-up. Errors and what is written must not differ from small batches."""

FAST_CASES = (HOUSEHOLDS_CASE, ASSIGNMENTS_CASE, POINTS_CASE)


async def new_rows(store: GraphStore, method: str) -> list[Any]:
    """BIG new, valid rows for `method` (assignments get new households written first)."""
    if method == "upsert_households":
        return [Household(f"hb{i:03}", f"大户{i}", "g6") for i in range(BIG)]
    if method == "assign_many":
        households = await new_rows(store, "upsert_households")
        await store.upsert_households(households)
        return [Assignment("m6", h.id, Mode.UNIT, LATER) for h in households]
    return [PointsEntry(f"pb{i:03}", "m6", LATER, 1, "志愿服务") for i in range(BIG)]


@by_method(FAST_CASES)
async def test_big_bulk_counts_and_reads_back(
    store: GraphStore, city: City, case: BulkCase
) -> None:
    rows = [*await new_rows(store, case.method), *case.good]
    assert await case.call(store, rows) == case.changes + Changes(created=BIG)
    assert await case.read_back(store, rows) == rows
    assert await case.call(store, rows) == Changes(unchanged=len(rows))


@pytest.mark.parametrize("position", ["first", "last"])
@pytest.mark.parametrize(
    ("case", "bad"),
    [(case, bad) for case in FAST_CASES for bad in case.bad],
    ids=[f"{case.method}-{bad.label}" for case in FAST_CASES for bad in case.bad],
)
async def test_big_bulk_with_one_bad_row_writes_nothing(
    store: GraphStore, city: City, case: BulkCase, bad: BadRow, position: str
) -> None:
    rows = await new_rows(store, case.method)
    rows.insert(0 if position == "first" else len(rows), bad.row)
    row_ids = tuple(row.id for row in rows if not isinstance(row, Assignment))
    async with rejected(store, city, bad.error, *bad.named, watch=row_ids):
        await case.call(store, rows)
