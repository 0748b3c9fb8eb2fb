"""Without `year`, every points rule of the API reads the latest year with points entries:
gapCounts, coverageGaps and Member.points agree with the same queries given that year."""

from __future__ import annotations

import pytest

from orggraph.store.protocols import GraphStore

from .client import GraphQLClient

pytestmark = pytest.mark.api


async def test_points_rules_default_to_the_latest_year_with_entries(
    api: GraphQLClient, store: GraphStore, city: object
) -> None:
    latest = await store.latest_points_year()
    assert latest is not None and latest < 2026  # the fixture's points are in earlier years

    given = await api.ok(
        "query($y: Int) { gapCounts(year: $y) { kind count }"
        " coverageGaps(kinds: [CADRE_UNDER_POINTS], year: $y) { totalCount }"
        ' member(id: "m1") { points(year: $y) { year total } } }',
        {"y": latest},
    )
    default = await api.ok(
        "{ gapCounts { kind count } coverageGaps(kinds: [CADRE_UNDER_POINTS]) { totalCount }"
        ' member(id: "m1") { points { year total } } }'
    )

    assert default == given
    assert default["member"]["points"]["year"] == latest


async def test_rosters_and_work_unit_figures_default_to_the_same_year(
    api: GraphQLClient, store: GraphStore, city: object
) -> None:
    latest = await store.latest_points_year()
    roster = (
        "{{ cadres(first: 50{year}) {{ edges {{ node {{ year points meetsMinimum }} }} }} "
        "workUnits(first: 10) {{ edges {{ node {{ figures{paren} "
        "{{ cadresMeetingMinimum }} }} }} }} }}"
    )
    given = await api.ok(roster.format(year=f", year: {latest}", paren=f"(year: {latest})"))
    default = await api.ok(roster.format(year="", paren=""))
    assert default == given
    assert {edge["node"]["year"] for edge in default["cadres"]["edges"]} == {latest}
