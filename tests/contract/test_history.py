"""The assignment history (台账 kept over time): ended covers are kept, never erased."""

from __future__ import annotations

from datetime import date

import pytest

from orggraph.domain.cadres import CoverRecord, EndReason
from orggraph.domain.entities import Assignment, Mode
from orggraph.domain.errors import InvalidValueError, UnknownIdError
from orggraph.store.protocols import GraphStore

from .city import City
from .helpers import Backend, rejected

pytestmark = pytest.mark.contract

U, R = Mode.UNIT, Mode.RESIDENCE
ENDED = date(2025, 3, 1)


async def figures_match_a_recount(store: GraphStore, city: City) -> None:
    scopes: list[str | None] = [None, *city.units]
    assert await store.counts_many(scopes) == await store.recount_many(scopes)


async def test_a_fresh_city_has_only_current_covers(store: GraphStore, city: City) -> None:
    assert await store.household_history("h01") == [
        CoverRecord("m1", "h01", U, date(2024, 1, 10)),
        CoverRecord("m2", "h01", R, date(2024, 5, 5)),
    ]
    assert await store.household_history("h04") == []
    assert await store.member_history("m6") == []


async def test_unassign_keeps_the_ended_cover(store: GraphStore, city: City) -> None:
    await store.unassign("m1", "h02", ENDED)
    ended = CoverRecord("m1", "h02", U, date(2024, 1, 10), ENDED, EndReason.UNASSIGNED)
    assert await store.household_history("h02") == [ended]
    assert await store.member_history("m1") == [
        CoverRecord("m1", "h01", U, date(2024, 1, 10)),
        ended,
        CoverRecord("m1", "h05", U, date(2024, 2, 1)),
        CoverRecord("m1", "h03", R, date(2024, 3, 1)),
    ]
    assert [c.household.id for c in await store.member_households("m1")] == ["h01", "h03", "h05"]
    assert (await store.counts("g1")).covered_households == 2
    await figures_match_a_recount(store, city)


async def test_unassign_without_a_date_ends_today(store: GraphStore, city: City) -> None:
    await store.unassign("m3", "h06")
    (record,) = await store.household_history("h06")
    assert (record.ended, record.reason) == (date.today(), EndReason.UNASSIGNED)


async def test_transfer_ends_one_cover_and_starts_the_next(store: GraphStore, city: City) -> None:
    day = date(2025, 5, 5)
    await store.transfer("h08", "m2", "m6", day)
    assert await store.household_history("h08") == [
        CoverRecord("m2", "h08", U, date(2024, 2, 20), day, EndReason.TRANSFERRED, "m6"),
        CoverRecord("m6", "h08", U, day),
    ]
    assert await store.member_history("m6") == [CoverRecord("m6", "h08", U, day)]
    assert [
        (r.household_id, r.ended, r.to_member_id) for r in await store.member_history("m2")
    ] == [
        ("h08", day, "m6"),
        ("h01", None, None),
    ]
    await figures_match_a_recount(store, city)


async def test_a_reassigned_pair_shows_both_covers(store: GraphStore, city: City) -> None:
    await store.unassign("m1", "h03", ENDED)
    await store.assign(Assignment("m1", "h03", U, date(2025, 4, 1)))
    assert await store.household_history("h03") == [
        CoverRecord("m1", "h03", R, date(2024, 3, 1), ENDED, EndReason.UNASSIGNED),
        CoverRecord("m1", "h03", U, date(2025, 4, 1)),
    ]


async def test_removing_households_ends_their_covers(store: GraphStore, city: City) -> None:
    await store.delete_unit("g3", cascade=True)
    removed = CoverRecord(
        "m2", "h08", U, date(2024, 2, 20), date.today(), EndReason.HOUSEHOLD_REMOVED
    )
    assert await store.household_history("h08") == [removed]
    assert removed in await store.member_history("m2")
    with pytest.raises(UnknownIdError):
        await store.household_history("h09")  # removed, and never covered
    await figures_match_a_recount(store, city)


async def test_an_end_before_the_start_is_refused(store: GraphStore, city: City) -> None:
    async with rejected(store, city, InvalidValueError, "m1", "h02"):
        await store.unassign("m1", "h02", date(2023, 12, 31))
    async with rejected(store, city, InvalidValueError, "m2", "h08"):
        await store.transfer("h08", "m2", "m6", date(2024, 2, 19))
    assert await store.household_history("h08") == [CoverRecord("m2", "h08", U, date(2024, 2, 20))]


@pytest.mark.parametrize("reader", ["household_history", "member_history"])
async def test_unknown_ids_are_refused(store: GraphStore, city: City, reader: str) -> None:
    with pytest.raises(UnknownIdError):
        await getattr(store, reader)("nope")
    found = await getattr(store, f"{reader}_many")(["nope", "wu1", "c1"])
    assert found == [None, None, None]


async def test_history_survives_reopening(backend: Backend, store: GraphStore, city: City) -> None:
    await store.unassign("m1", "h02", ENDED)
    await store.transfer("h08", "m2", "m6", date(2025, 5, 5))
    await store.delete_unit("h10")
    expected = {h: await store.household_history(h) for h in ("h02", "h08", "h10")}
    if backend.name == "memory":
        await store.close()
    again = await backend.open()
    try:
        assert {h: await again.household_history(h) for h in expected} == expected
        assert len(expected["h10"]) == 1
    finally:
        await again.close()


async def test_imported_history_is_idempotent(store: GraphStore, city: City) -> None:
    rows = [
        CoverRecord("m6", "h04", R, date(2022, 1, 1), date(2023, 1, 1), EndReason.UNASSIGNED),
        CoverRecord(
            "m7", "h04", U, date(2023, 1, 1), date(2024, 1, 1), EndReason.TRANSFERRED, "m6"
        ),
        CoverRecord(
            "m7", "gone-h99", U, date(2021, 1, 1), date(2022, 1, 1), EndReason.HOUSEHOLD_REMOVED
        ),
    ]
    first = await store.record_history_many(rows)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    again = await store.record_history_many(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert await store.household_history("h04") == rows[:2]
    assert await store.household_history("gone-h99") == [rows[2]]
    changed = CoverRecord("m6", "h04", U, date(2022, 1, 1), date(2023, 1, 1), EndReason.UNASSIGNED)
    third = await store.record_history_many([changed])
    assert (third.created, third.updated) == (0, 1)
    assert (await store.household_history("h04"))[0] == changed
    await figures_match_a_recount(store, city)


async def test_imported_history_is_checked(store: GraphStore, city: City) -> None:
    ended = date(2023, 1, 1)
    async with rejected(store, city, UnknownIdError, "m-missing"):
        await store.record_history_many(
            [CoverRecord("m-missing", "h04", U, date(2022, 1, 1), ended, EndReason.UNASSIGNED)]
        )
    async with rejected(store, city, UnknownIdError, "h-missing"):
        await store.record_history_many(
            [CoverRecord("m1", "h-missing", U, date(2022, 1, 1), ended, EndReason.UNASSIGNED)]
        )
    async with rejected(store, city, InvalidValueError, "m1", "h04"):
        await store.record_history_many([CoverRecord("m1", "h04", U, date(2022, 1, 1))])
    assert await store.household_history("h04") == []


def test_a_record_must_be_consistent() -> None:
    with pytest.raises(InvalidValueError):
        CoverRecord("m1", "h01", U, date(2024, 1, 1), date(2023, 1, 1), EndReason.UNASSIGNED)
    with pytest.raises(InvalidValueError):
        CoverRecord("m1", "h01", U, date(2024, 1, 1), date(2025, 1, 1))
    with pytest.raises(InvalidValueError):
        CoverRecord("m1", "h01", U, date(2024, 1, 1), date(2025, 1, 1), EndReason.UNASSIGNED, "m2")
