"""Covers (联户包保): assign, unassign, transfer, and reading them from either side."""

from __future__ import annotations

from datetime import date

import pytest

from orggraph.domain.entities import Assignment, Coverage, Mode
from orggraph.domain.errors import NotAssignedError, UnknownIdError
from orggraph.store.protocols import GraphStore

from .city import HAND_COUNTS, City
from .helpers import figures, rejected

pytestmark = pytest.mark.contract

LATER = date(2025, 6, 1)


def covering(covers: list[Coverage]) -> list[tuple[str, str, Mode, date]]:
    """Covers as (member, household, mode, since), to compare without full values."""
    return [(c.member.id, c.household.id, c.mode, c.since) for c in covers]


# -- reads ---------------------------------------------------------------------------------


async def test_member_households_in_household_order(store: GraphStore, city: City) -> None:
    assert await store.member_households("m1") == [
        city.coverage("m1", h) for h in ("h01", "h02", "h03", "h05")
    ]
    assert await store.member_households("m3") == [
        city.coverage("m3", h) for h in ("h06", "h10", "h11")
    ]


async def test_household_members_in_member_order(store: GraphStore, city: City) -> None:
    assert await store.household_members("h01") == [
        city.coverage("m1", "h01"),
        city.coverage("m2", "h01"),
    ]
    assert covering(await store.household_members("h14")) == [
        ("m4", "h14", Mode.UNIT, date(2024, 1, 15)),
        ("m5", "h14", Mode.RESIDENCE, date(2024, 7, 1)),
    ]


async def test_nobody_and_nothing_covered_read_empty(store: GraphStore, city: City) -> None:
    assert await store.member_households("m6") == []
    assert await store.household_members("h04") == []


@pytest.mark.parametrize("member_id", ["m-missing", "h01", "c1", "wu1"])
async def test_member_households_refuses_an_id_that_is_no_member(
    store: GraphStore, city: City, member_id: str
) -> None:
    async with rejected(store, city, UnknownIdError, member_id):
        await store.member_households(member_id)


@pytest.mark.parametrize("household_id", ["h-missing", "m1", "g1"])
async def test_household_members_refuses_an_id_that_is_no_household(
    store: GraphStore, city: City, household_id: str
) -> None:
    async with rejected(store, city, UnknownIdError, household_id):
        await store.household_members(household_id)


# -- assign --------------------------------------------------------------------------------


async def test_assign(store: GraphStore, city: City) -> None:
    assignment = Assignment("m6", "h04", Mode.UNIT, LATER)
    assert await store.assign(assignment) == assignment

    cover = Coverage(city.members["m6"], city.households["h04"], Mode.UNIT, LATER)
    assert await store.member_households("m6") == [cover]
    assert await store.household_members("h04") == [cover]
    assert figures(await store.counts("g1")) == (0, 0, 0, 1, 4, 1, 4, 0, 3, 5)
    assert figures(await store.counts()) == (2, 3, 5, 6, 20, 5, 15, 8, 7, 17)


async def test_assign_an_existing_pair_updates_mode_and_since(
    store: GraphStore, city: City
) -> None:
    again = Assignment("m1", "h01", Mode.RESIDENCE, LATER)
    assert await store.assign(again) == again

    assert covering(await store.household_members("h01")) == [
        ("m1", "h01", Mode.RESIDENCE, LATER),
        ("m2", "h01", Mode.RESIDENCE, date(2024, 5, 5)),
    ]
    assert len(await store.member_households("m1")) == 4
    assert figures(await store.counts()) == HAND_COUNTS[None]


@pytest.mark.parametrize(
    ("member_id", "household_id", "unknown"),
    [
        ("m-missing", "h04", "m-missing"),
        ("m6", "h-missing", "h-missing"),
        ("m6", "g1", "g1"),
        ("h01", "h04", "h01"),
    ],
    ids=[
        "unknown-member",
        "unknown-household",
        "household-id-of-a-unit",
        "member-id-of-a-household",
    ],
)
async def test_assign_refuses_unknown_ids(
    store: GraphStore, city: City, member_id: str, household_id: str, unknown: str
) -> None:
    async with rejected(store, city, UnknownIdError, unknown):
        await store.assign(Assignment(member_id, household_id, Mode.UNIT, LATER))


# -- unassign ------------------------------------------------------------------------------


async def test_unassign(store: GraphStore, city: City) -> None:
    await store.unassign("m1", "h02")

    assert await store.member_households("m1") == [
        city.coverage("m1", h) for h in ("h01", "h03", "h05")
    ]
    assert await store.household_members("h02") == []
    assert figures(await store.counts("g1")) == (0, 0, 0, 1, 4, 1, 2, 0, 2, 3)


async def test_unassign_the_last_cover_of_a_cadre(store: GraphStore, city: City) -> None:
    await store.unassign("m2", "h08")
    await store.unassign("m2", "h01")
    assert await store.member_households("m2") == []
    assert await store.household_members("h01") == [city.coverage("m1", "h01")]
    assert await store.get_node("m2") == city.members["m2"]
    assert figures(await store.counts())[6:] == (13, 8, 5, 14)


async def test_unassign_refuses_a_pair_that_is_not_assigned(store: GraphStore, city: City) -> None:
    async with rejected(store, city, NotAssignedError, "m1", "h04"):
        await store.unassign("m1", "h04")


@pytest.mark.parametrize(
    ("member_id", "household_id", "unknown"),
    [("m-missing", "h01", "m-missing"), ("m1", "h-missing", "h-missing")],
    ids=["unknown-member", "unknown-household"],
)
async def test_unassign_refuses_unknown_ids_before_anything_else(
    store: GraphStore, city: City, member_id: str, household_id: str, unknown: str
) -> None:
    async with rejected(store, city, UnknownIdError, unknown):
        await store.unassign(member_id, household_id)


# -- transfer ------------------------------------------------------------------------------


async def test_transfer_keeps_the_mode(store: GraphStore, city: City) -> None:
    moved = await store.transfer("h03", "m1", "m7", LATER)
    assert moved == Assignment("m7", "h03", Mode.RESIDENCE, LATER)

    assert await store.household_members("h03") == [
        Coverage(city.members["m7"], city.households["h03"], Mode.RESIDENCE, LATER)
    ]
    assert [c.household.id for c in await store.member_households("m1")] == ["h01", "h02", "h05"]
    assert figures(await store.counts("g1")) == (0, 0, 0, 1, 4, 1, 3, 0, 3, 4)


async def test_transfer_with_an_explicit_mode(store: GraphStore, city: City) -> None:
    moved = await store.transfer("h02", "m1", "m6", LATER, mode=Mode.RESIDENCE)
    assert moved == Assignment("m6", "h02", Mode.RESIDENCE, LATER)
    assert covering(await store.household_members("h02")) == [("m6", "h02", Mode.RESIDENCE, LATER)]


async def test_transfer_to_a_cadre_already_covering_only_removes_the_old_cover(
    store: GraphStore, city: City
) -> None:
    kept = await store.transfer("h01", "m1", "m2", LATER)
    assert (kept.member_id, kept.household_id) == ("m2", "h01")

    assert await store.household_members("h01") == [city.coverage("m2", "h01")]
    assert [c.household.id for c in await store.member_households("m1")] == ["h02", "h03", "h05"]
    assert figures(await store.counts())[6:] == (14, 8, 6, 15)


async def test_transfer_refuses_a_cadre_who_does_not_cover_it(
    store: GraphStore, city: City
) -> None:
    async with rejected(store, city, NotAssignedError, "m2", "h02"):
        await store.transfer("h02", "m2", "m6", LATER)


@pytest.mark.parametrize(
    ("household_id", "from_id", "to_id", "unknown"),
    [
        ("h-missing", "m1", "m6", "h-missing"),
        ("h02", "m-missing", "m6", "m-missing"),
        ("h02", "m1", "m-missing", "m-missing"),
    ],
    ids=["unknown-household", "unknown-from", "unknown-to"],
)
async def test_transfer_refuses_unknown_ids(
    store: GraphStore, city: City, household_id: str, from_id: str, to_id: str, unknown: str
) -> None:
    async with rejected(store, city, UnknownIdError, unknown):
        await store.transfer(household_id, from_id, to_id, LATER)
