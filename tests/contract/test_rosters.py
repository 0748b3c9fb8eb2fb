"""Rosters (名册): a scope's cadres with their load, points and standing, filtered and paged."""

from __future__ import annotations

import pytest

from orggraph.domain.cadres import Band, RosterFilter, RosterRequest
from orggraph.domain.entities import Mode
from orggraph.domain.errors import InvalidValueError, UnknownIdError
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore

from .city import City

pytestmark = pytest.mark.contract

POLICY = Policy(min_households=2, max_households=3, min_yearly_points=20)
"""A band the fixture's few households fall on every side of."""


def request(scope_id: str | None, **kwargs: object) -> RosterRequest:
    return RosterRequest(scope_id, POLICY, 2024, **kwargs)  # type: ignore[arg-type]


def rows(roster: object) -> list[tuple[object, ...]]:
    """Entries as (id, registered here, covering here, here, total, points, meets, band)."""
    return [
        (
            e.member.id,
            e.registered_here,
            e.covering_here,
            e.households_here,
            e.households_total,
            e.points,
            e.meets_minimum,
            e.band,
        )
        for e in roster.page.items  # type: ignore[attr-defined]
    ]


async def test_a_community_roster_by_hand(store: GraphStore, city: City) -> None:
    roster = await store.roster(request("c1"))
    assert rows(roster) == [
        ("m1", True, True, 4, 4, 21, True, Band.OVER),
        ("m2", True, True, 2, 2, 20, True, Band.WITHIN),
        ("m3", False, True, 1, 3, 0, False, Band.WITHIN),
        ("m7", True, False, 0, 0, 0, False, Band.NONE),
    ]
    assert [e.member for e in roster.page.items] == [
        city.members[m] for m in ("m1", "m2", "m3", "m7")
    ]
    assert [e.cover_communities for e in roster.page.items] == [("c1",), ("c1",), ("c1", "c2"), ()]
    assert (roster.page.total, roster.page.has_next, roster.figures) == (4, False, None)


async def test_a_street_counts_households_inside_it_and_in_all(
    store: GraphStore, city: City
) -> None:
    roster = await store.roster(request("s2"))
    assert [(e.member.id, e.households_here, e.households_total) for e in roster.page.items] == [
        ("m4", 3, 3),
        ("m5", 2, 2),
        ("m8", 1, 2),
    ]


async def test_a_household_roster_is_its_cadres(store: GraphStore, city: City) -> None:
    roster = await store.roster(request("h01"))
    assert [(e.member.id, e.registered_here, e.households_here) for e in roster.page.items] == [
        ("m1", False, 1),
        ("m2", False, 1),
    ]


async def test_the_city_roster_is_every_cadre(store: GraphStore, city: City) -> None:
    roster = await store.roster(request(None))
    assert [e.member.id for e in roster.page.items] == sorted(city.members)
    assert all(e.households_here == e.households_total for e in roster.page.items)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"covering": True}, ["m1", "m2", "m3"]),
        ({"covering": False}, ["m7"]),
        ({"band": Band.OVER}, ["m1"]),
        ({"band": Band.WITHIN}, ["m2", "m3"]),
        ({"band": Band.UNDER}, []),
        ({"band": Band.NONE}, ["m7"]),
        ({"under_points": True}, ["m3", "m7"]),
        ({"under_points": False}, ["m1", "m2"]),
        ({"mode": Mode.RESIDENCE}, ["m1", "m2", "m3"]),
        ({"work_unit_id": "wu2"}, ["m3", "m7"]),
        ({"work_unit_id": "wu2", "covering": True}, ["m3"]),
    ],
)
async def test_filters(
    store: GraphStore, city: City, criteria: dict[str, object], expected: list[str]
) -> None:
    roster = await store.roster(request("c1", filter=RosterFilter(**criteria)))  # type: ignore[arg-type]
    assert [e.member.id for e in roster.page.items] == expected
    assert roster.page.total == len(expected)


async def test_pages_follow_member_ids(store: GraphStore, city: City) -> None:
    first = await store.roster(request(None, first=3))
    assert [e.member.id for e in first.page.items] == ["m1", "m2", "m3"]
    assert (first.page.has_next, first.page.total, first.page.end_cursor) == (True, 8, "m3")
    rest = await store.roster(request(None, first=10, after=first.page.end_cursor))
    assert [e.member.id for e in rest.page.items] == ["m4", "m5", "m6", "m7", "m8"]
    assert not rest.page.has_next


async def test_figures_total_the_filtered_roster(store: GraphStore, city: City) -> None:
    roster = await store.roster(request("c1", first=1, with_figures=True))
    assert roster.figures is not None
    # covering m1, m2, m3; households h01 h02 h03 h05 h06 h08 inside c1; m1 and m2 reach 20.
    assert (roster.figures.cadres, roster.figures.covering_cadres) == (4, 3)
    assert (roster.figures.households_covered, roster.figures.meeting_minimum) == (6, 2)
    wu3 = await store.roster(
        request(None, filter=RosterFilter(work_unit_id="wu3"), with_figures=True)
    )
    assert wu3.figures is not None
    assert (wu3.figures.cadres, wu3.figures.covering_cadres) == (3, 3)
    # h12 h14 h15 h16 h17 h18 (m4 and m5 share h14).
    assert (wu3.figures.households_covered, wu3.figures.meeting_minimum) == (6, 0)


async def test_rosters_many_answer_in_order_with_none_for_unknown(
    store: GraphStore, city: City
) -> None:
    found = await store.rosters_many([request("c2"), request("nope"), request("m1"), request("c2")])
    assert found[1] is None and found[2] is None
    assert found[0] == found[3]
    assert found[0] is not None
    assert [e.member.id for e in found[0].page.items] == ["m3", "m6", "m8"]
    with pytest.raises(UnknownIdError):
        await store.roster(request("nope"))


async def test_a_roster_follows_writes(store: GraphStore, city: City) -> None:
    await store.unassign("m2", "h08")
    roster = await store.roster(request("c1", filter=RosterFilter(band=Band.UNDER)))
    assert [(e.member.id, e.households_total) for e in roster.page.items] == [("m2", 1)]


async def test_a_bad_cursor_is_refused(store: GraphStore, city: City) -> None:
    with pytest.raises(InvalidValueError):
        await store.roster(request("c1", after=""))


async def test_work_units_by_id_and_by_name(store: GraphStore, city: City) -> None:
    page = await store.work_units()
    assert page.items == [city.work_units[w] for w in ("wu1", "wu2", "wu3")]
    first = await store.work_units(first=2)
    assert (first.has_next, first.total, first.end_cursor) == (True, 3, "wu2")
    rest = await store.work_units(first=2, after="wu2")
    assert [w.id for w in rest.items] == ["wu3"] and not rest.has_next
    assert [w.id for w in (await store.work_units(search="alpha")).items] == ["wu2"]
    assert [w.id for w in (await store.work_units(search="局")).items] == ["wu1", "wu3"]
    assert (await store.work_units(search="nothing like it")).total == 0


@pytest.mark.parametrize("scope_id", ["g6", "h04", "b5"])
async def test_a_scope_without_cadres_has_an_empty_roster(
    store: GraphStore, city: City, scope_id: str
) -> None:
    for with_figures in (False, True):
        roster = await store.roster(request(scope_id, with_figures=with_figures))
        assert (roster.page.items, roster.page.total, roster.page.has_next) == ([], 0, False)


@pytest.mark.parametrize("scope_id", [None, "s1", "c1", "g5", "h14"])
async def test_an_unfiltered_page_is_the_page_read_with_every_standing(
    store: GraphStore, city: City, scope_id: str | None
) -> None:
    """Unfiltered rosters may be paged before their standings are read: same answer."""
    after: str | None = None
    while True:
        plain = await store.roster(request(scope_id, first=2, after=after))
        full = await store.roster(request(scope_id, first=2, after=after, with_figures=True))
        assert plain.page == full.page
        if not plain.page.has_next:
            break
        after = plain.page.end_cursor
