"""Coverage summaries and gaps, against figures worked out by hand from the fixture city.

With POLICY (band 3..3, 20 points) the fixture's cadres fall on every side of the band:
m1 covers 4 households (over), m3 and m4 cover 3 (in), m2, m5 and m8 cover 2 (under), m6 and
m7 none. Points dated 2024: m1 21, m2 20 (not below), every other cadre 0.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from orggraph.domain.errors import UnknownIdError
from orggraph.domain.gaps import SERVICE_GAP_KINDS, Gap, GapKind
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore

from .city import HAND_COUNTS, City
from .helpers import figures, rejected, walk_pages

pytestmark = pytest.mark.contract

POLICY = Policy(min_households=3, max_households=3, min_yearly_points=20)
ALL_KINDS = list(GapKind)

UNCOVERED = GapKind.UNCOVERED_HOUSEHOLD
UNDER = GapKind.CADRE_UNDER_BAND
OVER = GapKind.CADRE_OVER_BAND
NONE = GapKind.CADRE_COVERING_NONE
NO_CENTRAL = GapKind.BUILDING_WITHOUT_CENTRAL
EMPTY = GapKind.UNIT_WITHOUT_CHILDREN
POINTS = GapKind.CADRE_UNDER_POINTS

# (kind, subject id, value); the value of a building without a central household is not
# documented, so it is left out (None here, and not compared).
CITY_GAPS_2024 = [
    *[(UNCOVERED, h, None) for h in ("h04", "h07", "h09", "h13", "h19", "h20")],
    (UNDER, "m2", 2),
    (UNDER, "m5", 2),
    (UNDER, "m8", 2),
    (OVER, "m1", 4),
    (NONE, "m6", 0),
    (NONE, "m7", 0),
    (NO_CENTRAL, "g3", None),
    (NO_CENTRAL, "g6", None),
    (EMPTY, "b5", 0),
    (EMPTY, "g6", 0),
    *[(POINTS, m, 0) for m in ("m3", "m4", "m5", "m6", "m7", "m8")],
]


def brief(gaps: list[Gap]) -> list[tuple[GapKind, str, Any]]:
    return [(g.kind, g.subject_id, None if g.kind is NO_CENTRAL else g.value) for g in gaps]


def of_kinds(expected: list[tuple[GapKind, str, Any]], *kinds: GapKind) -> list[Any]:
    return [gap for gap in expected if gap[0] in kinds]


# -- coverage_summary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "rows"),
    [
        (None, ["s1", "s2"]),
        ("s1", ["c1", "c2"]),
        ("c3", ["b4", "b5"]),
        ("g1", ["h01", "h02", "h03", "h04"]),
    ],
    ids=["city", "s1", "c3", "g1"],
)
async def test_coverage_summary(
    store: GraphStore, city: City, scope: str | None, rows: list[str]
) -> None:
    summary = await store.coverage_summary(scope)
    assert figures(summary.counts) == HAND_COUNTS[scope]
    assert [row.node for row in summary.rows] == [city.node(node_id) for node_id in rows]
    assert [figures(row.counts) for row in summary.rows] == [HAND_COUNTS[r] for r in rows]


async def test_coverage_summary_of_an_empty_unit(store: GraphStore, city: City) -> None:
    summary = await store.coverage_summary("b5")
    assert (figures(summary.counts), summary.rows) == (HAND_COUNTS["b5"], [])


async def test_coverage_summary_refuses_an_unknown_scope(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "x-missing"):
        await store.coverage_summary("x-missing")


# -- gaps ----------------------------------------------------------------------------------


async def test_gaps_of_the_city(store: GraphStore, city: City) -> None:
    page = await store.gaps(None, ALL_KINDS, POLICY, 2024)
    assert brief(page.items) == CITY_GAPS_2024
    assert (page.total, page.has_next) == (len(CITY_GAPS_2024), False)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        # s2: cadres m4, m5, m8 (registered with c3, covering there).
        (
            "s2",
            [
                (UNCOVERED, "h19", None),
                (UNCOVERED, "h20", None),
                (UNDER, "m5", 2),
                (UNDER, "m8", 2),
                (NO_CENTRAL, "g6", None),
                (EMPTY, "b5", 0),
                (EMPTY, "g6", 0),
                (POINTS, "m4", 0),
                (POINTS, "m5", 0),
                (POINTS, "m8", 0),
            ],
        ),
        # c2: m3 and m6 report to it; m8 (of c3) belongs by covering h12. Counts are "in all".
        (
            "c2",
            [
                (UNCOVERED, "h13", None),
                (UNDER, "m8", 2),
                (NONE, "m6", 0),
                (POINTS, "m3", 0),
                (POINTS, "m6", 0),
                (POINTS, "m8", 0),
            ],
        ),
        # g1: no community inside, so only m1 and m2, who cover households there.
        ("g1", [(UNCOVERED, "h04", None), (UNDER, "m2", 2), (OVER, "m1", 4)]),
    ],
)
async def test_gaps_of_a_scope(
    store: GraphStore, city: City, scope: str, expected: list[tuple[GapKind, str, Any]]
) -> None:
    page = await store.gaps(scope, ALL_KINDS, POLICY, 2024)
    assert brief(page.items) == expected
    assert page.total == len(expected)


async def test_gaps_of_some_kinds_come_in_kind_order(store: GraphStore, city: City) -> None:
    page = await store.gaps(None, [POINTS, UNCOVERED, NONE], POLICY, 2024)
    assert brief(page.items) == of_kinds(CITY_GAPS_2024, UNCOVERED, NONE, POINTS)


async def test_gaps_depend_on_the_year(store: GraphStore, city: City) -> None:
    page = await store.gaps(None, [POINTS], POLICY, 2025)
    assert brief(page.items) == [
        (POINTS, "m1", 12),
        (POINTS, "m2", 0),
        (POINTS, "m3", 6),
        *[(POINTS, m, 0) for m in ("m4", "m5", "m6", "m7", "m8")],
    ]


async def test_gaps_depend_on_the_policy(store: GraphStore, city: City) -> None:
    page = await store.gaps(None, [UNDER, OVER], Policy(), 2024)
    counts = {"m1": 4, "m2": 2, "m3": 3, "m4": 3, "m5": 2, "m8": 2}
    assert brief(page.items) == [(UNDER, m, n) for m, n in counts.items()]


@pytest.mark.parametrize("first", [1, 4, 7])
async def test_gaps_pages_follow_each_other(store: GraphStore, city: City, first: int) -> None:
    pages = await walk_pages(
        lambda n, after: store.gaps(None, ALL_KINDS, POLICY, 2024, first=n, after=after), first
    )
    assert all(len(page.items) == first for page in pages[:-1])
    assert {page.total for page in pages} == {len(CITY_GAPS_2024)}
    assert brief([gap for page in pages for gap in page.items]) == CITY_GAPS_2024


async def test_gaps_say_where_they_sit(store: GraphStore, city: City) -> None:
    page = await store.gaps(None, ALL_KINDS, POLICY, 2024, first=100)
    found = {(g.kind, g.subject_id): g for g in page.items}

    household = found[(UNCOVERED, "h04")]
    assert (household.subject_name, household.unit_id) == ("刘洋", "g1")
    assert household.unit_path == (
        "园林街道大工委",
        "园林社区大党委",
        "Alphabet Court",
        "1号楼党小组",
    )
    cadre = found[(NONE, "m6")]
    assert (cadre.subject_name, cadre.unit_id) == ("赵磊", "c2")
    assert cadre.unit_path == ("园林街道大工委", "Lakeside Community")
    building = found[(NO_CENTRAL, "g3")]
    assert (building.subject_name, building.unit_id) == ("Building Alpha-2", "g3")
    assert building.unit_path == (
        "园林街道大工委",
        "园林社区大党委",
        "东园林小区党支部",
        "Building Alpha-2",
    )
    assert all(gap.reason.strip() for gap in page.items)


async def test_gaps_place_an_unregistered_cadre_at_their_first_household(
    store: GraphStore, city: City
) -> None:
    await store.upsert_member(replace(city.members["m5"], community_id=None))  # covers h14, h17
    page = await store.gaps(None, [UNDER], POLICY, 2024)
    cadre = {g.subject_id: g for g in page.items}["m5"]
    assert cadre.unit_id == "g5"
    assert cadre.unit_path == ("Garden Street", "周矶社区大党委", "Riverside Branch", "5号楼党小组")


async def test_gaps_refuse_an_unknown_scope(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "x-missing"):
        await store.gaps("x-missing", ALL_KINDS, POLICY, 2024)


# -- gap_counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (POLICY, {UNCOVERED: 6, UNDER: 3, OVER: 1, NONE: 2, NO_CENTRAL: 2, EMPTY: 2, POINTS: 6}),
        (Policy(), {UNCOVERED: 6, UNDER: 6, OVER: 0, NONE: 2, NO_CENTRAL: 2, EMPTY: 2, POINTS: 6}),
    ],
    ids=["band-3-3", "default-policy"],
)
async def test_gap_counts_of_the_city(
    store: GraphStore, city: City, policy: Policy, expected: dict[GapKind, int]
) -> None:
    no_requests = dict.fromkeys(SERVICE_GAP_KINDS, 0)  # the fixture city has none
    assert await store.gap_counts(None, policy, 2024) == expected | no_requests


async def test_gap_counts_list_every_kind(store: GraphStore, city: City) -> None:
    expected = {kind: 0 for kind in GapKind} | {UNCOVERED: 1, UNDER: 1, OVER: 1}
    assert await store.gap_counts("g1", POLICY, 2024) == expected


async def test_gap_counts_refuse_an_unknown_scope(store: GraphStore, city: City) -> None:
    async with rejected(store, city, UnknownIdError, "x-missing"):
        await store.gap_counts("x-missing", POLICY, 2024)


async def test_gaps_carry_their_subject(store: GraphStore, city: City) -> None:
    """Each gap brings the household, cadre or unit it is about, as a node read gives it, so
    showing it costs no second read."""
    page = await store.gaps(None, ALL_KINDS, POLICY, 2024, first=500)
    subjects = [gap.subject for gap in page.items]
    assert subjects == await store.get_nodes([gap.subject_id for gap in page.items])
    assert {type(subject).__name__ for subject in subjects} == {"Household", "Member", "Unit"}
