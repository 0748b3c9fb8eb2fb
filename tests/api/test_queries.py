"""The GraphQL API over both stores, on the small fixture city (tests/contract/city.py)."""

from __future__ import annotations

from typing import Any

import pytest
from contract.city import City

from .client import GraphQLClient

pytestmark = pytest.mark.api


async def test_streets_and_node_lookup(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        "{ streets { id name level parent { id } } "
        '  node(id: "g2") { id ... on OrgNode { name level } } }'
    )
    assert data["streets"] == [
        {"id": "s1", "name": "园林街道大工委", "level": "STREET", "parent": None},
        {"id": "s2", "name": "Garden Street", "level": "STREET", "parent": None},
    ]
    assert data["node"] == {"id": "g2", "name": "ALPHA Building", "level": "BUILDING"}


async def test_nodes_keeps_order_and_nulls_unknown(api: GraphQLClient, city: City) -> None:
    data = await api.ok('{ nodes(ids: ["m3", "nope", "h07", "wu2"]) { id __typename } }')
    assert data["nodes"] == [
        {"id": "m3", "__typename": "Member"},
        None,
        {"id": "h07", "__typename": "Household"},
        {"id": "wu2", "__typename": "WorkUnit"},
    ]


async def test_parent_ancestors_and_types(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        '{ household(id: "h05") { central parent { __typename id } ancestors { __typename id } } }'
    )
    assert data["household"] == {
        "central": True,
        "parent": {"__typename": "BuildingGroup", "id": "g2"},
        "ancestors": [
            {"__typename": "StreetCommittee", "id": "s1"},
            {"__typename": "CommunityCommittee", "id": "c1"},
            {"__typename": "ResidentialBranch", "id": "b1"},
            {"__typename": "BuildingGroup", "id": "g2"},
        ],
    }


async def test_children_pages_in_id_order(api: GraphQLClient, city: City) -> None:
    query = """query($after: String) { node(id: "g5") { ... on OrgUnit {
        children(first: 3, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }"""
    seen: list[str] = []
    after: str | None = None
    while True:
        page = (await api.ok(query, {"after": after}))["node"]["children"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["h14", "h15", "h16", "h17", "h18", "h19", "h20"]


async def test_counts_and_coverage_of_a_community(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        '{ node(id: "c1") { ... on OrgNode { coverage counts { communities branches '
        "buildingGroups households centralHouseholds coveredHouseholds cadres "
        "coveringCadres assignments } } } }"
    )
    # c1 holds b1 (g1: h01-h04, g2: h05-h07) and b2 (g3: h08, h09); covered: h01, h02, h03,
    # h05, h06, h08; registered there: m1, m2, m7; covering there: m1, m2, m3.
    assert data["node"]["counts"] == {
        "communities": 1,
        "branches": 2,
        "buildingGroups": 3,
        "households": 9,
        "centralHouseholds": 2,
        "coveredHouseholds": 6,
        "cadres": 3,
        "coveringCadres": 3,
        "assignments": 7,
    }
    assert data["node"]["coverage"] == pytest.approx(6 / 9)


async def test_member_households_and_points(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        '{ member(id: "m1") { name workUnit { id } community { id } '
        "households { household { id } mode since } "
        "points(year: 2024) { total minimum meetsMinimum entries { id points } } } }"
    )
    member = data["member"]
    assert member["workUnit"] == {"id": "wu1"}
    assert member["community"] == {"id": "c1"}
    assert member["households"] == [
        {"household": {"id": "h01"}, "mode": "UNIT", "since": "2024-01-10"},
        {"household": {"id": "h02"}, "mode": "UNIT", "since": "2024-01-10"},
        {"household": {"id": "h03"}, "mode": "RESIDENCE", "since": "2024-03-01"},
        {"household": {"id": "h05"}, "mode": "UNIT", "since": "2024-02-01"},
    ]
    assert member["points"]["total"] == 21
    assert member["points"]["minimum"] == 20
    assert member["points"]["meetsMinimum"] is True
    assert [e["id"] for e in member["points"]["entries"]] == ["p4", "p1", "p3", "p2"]


async def test_household_cadres(api: GraphQLClient, city: City) -> None:
    data = await api.ok('{ household(id: "h14") { cadres { member { id } mode since } } }')
    assert data["household"]["cadres"] == [
        {"member": {"id": "m4"}, "mode": "UNIT", "since": "2024-01-15"},
        {"member": {"id": "m5"}, "mode": "RESIDENCE", "since": "2024-07-01"},
    ]


async def test_search_prefix_first_then_contains(api: GraphQLClient, city: City) -> None:
    data = await api.ok('{ search(text: "alpha") { totalCount edges { node { id } } } }')
    ids = [edge["node"]["id"] for edge in data["search"]["edges"]]
    assert ids == ["b1", "g2", "h07", "g3", "m3"]
    assert data["search"]["totalCount"] == 5
    data = await api.ok('{ search(text: "园林", level: STREET) { edges { node { id } } } }')
    assert [edge["node"]["id"] for edge in data["search"]["edges"]] == ["s1"]


async def test_coverage_summary_of_the_city(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        "{ coverageSummary { scope { id } counts { streets households coveredHouseholds "
        "cadres coveringCadres } rows { node { id } counts { households coveredHouseholds } } } }"
    )
    summary = data["coverageSummary"]
    assert summary["scope"] is None
    assert summary["counts"] == {
        "streets": 2,
        "households": 20,
        "coveredHouseholds": 14,
        "cadres": 8,
        "coveringCadres": 6,
    }
    assert summary["rows"] == [
        {"node": {"id": "s1"}, "counts": {"households": 13, "coveredHouseholds": 9}},
        {"node": {"id": "s2"}, "counts": {"households": 7, "coveredHouseholds": 5}},
    ]


async def test_coverage_summary_rows_add_up(api: GraphQLClient, city: City) -> None:
    data = await api.ok(
        '{ coverageSummary(scope: "c3") { counts { households coveredHouseholds } '
        "rows { node { id } counts { households coveredHouseholds } } } }"
    )
    summary = data["coverageSummary"]
    assert [row["node"]["id"] for row in summary["rows"]] == ["b4", "b5"]
    for field in ("households", "coveredHouseholds"):
        assert sum(row["counts"][field] for row in summary["rows"]) == summary["counts"][field]


GAPS_QUERY = """query($kinds: [CoverageGapKind!], $scope: ID, $first: Int, $after: String) {
  coverageGaps(scope: $scope, kinds: $kinds, year: 2024, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { __typename kind subjectId unitPath reason
      ... on CadreOutsideBandGap { households member { id } }
      ... on CadreUnderPointsGap { points }
      ... on UncoveredHouseholdGap { household { id } }
      ... on BuildingWithoutCentralGap { buildingGroup { id } }
      ... on UnitWithoutChildrenGap { unit { id } } } } } }"""


def _subjects(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (edge["node"]["kind"], edge["node"]["subjectId"]) for edge in data["coverageGaps"]["edges"]
    ]


async def test_every_gap_kind_is_found(api: GraphQLClient, city: City) -> None:
    # The api fixture's policy is a band of exactly 3 households and 20 points a year.
    data = await api.ok(GAPS_QUERY, {"first": 500})
    assert _subjects(data) == [
        *[("UNCOVERED_HOUSEHOLD", h) for h in ("h04", "h07", "h09", "h13", "h19", "h20")],
        *[("CADRE_UNDER_BAND", m) for m in ("m2", "m5", "m8")],
        ("CADRE_OVER_BAND", "m1"),
        ("CADRE_COVERING_NONE", "m6"),
        ("CADRE_COVERING_NONE", "m7"),
        ("BUILDING_WITHOUT_CENTRAL", "g3"),
        ("BUILDING_WITHOUT_CENTRAL", "g6"),
        ("UNIT_WITHOUT_CHILDREN", "b5"),
        ("UNIT_WITHOUT_CHILDREN", "g6"),
        *[("CADRE_UNDER_POINTS", m) for m in ("m3", "m4", "m5", "m6", "m7", "m8")],
    ]
    nodes = {
        (e["node"]["kind"], e["node"]["subjectId"]): e["node"]
        for e in data["coverageGaps"]["edges"]
    }
    assert nodes[("CADRE_OVER_BAND", "m1")]["households"] == 4
    assert nodes[("CADRE_OVER_BAND", "m1")]["member"] == {"id": "m1"}
    assert nodes[("UNCOVERED_HOUSEHOLD", "h07")]["household"] == {"id": "h07"}
    assert nodes[("UNCOVERED_HOUSEHOLD", "h07")]["unitPath"] == [
        "园林街道大工委",
        "园林社区大党委",
        "Alphabet Court",
        "ALPHA Building",
    ]
    assert nodes[("BUILDING_WITHOUT_CENTRAL", "g3")]["buildingGroup"] == {"id": "g3"}
    assert nodes[("UNIT_WITHOUT_CHILDREN", "b5")]["unit"] == {"id": "b5"}
    assert nodes[("CADRE_UNDER_POINTS", "m3")]["points"] == 0
    assert all(node["reason"] for node in nodes.values())


async def test_gaps_page_through_kinds_and_scope(api: GraphQLClient, city: City) -> None:
    whole = _subjects(await api.ok(GAPS_QUERY, {"first": 500}))
    paged: list[tuple[str, str]] = []
    after: str | None = None
    while True:
        data = await api.ok(GAPS_QUERY, {"first": 4, "after": after})
        paged += _subjects(data)
        if not data["coverageGaps"]["pageInfo"]["hasNextPage"]:
            break
        after = data["coverageGaps"]["pageInfo"]["endCursor"]
    assert paged == whole
    scoped = await api.ok(GAPS_QUERY, {"scope": "c3", "kinds": ["UNCOVERED_HOUSEHOLD"]})
    assert _subjects(scoped) == [("UNCOVERED_HOUSEHOLD", "h19"), ("UNCOVERED_HOUSEHOLD", "h20")]


async def test_gap_counts_match_gap_lists(api: GraphQLClient, city: City) -> None:
    counts = (await api.ok("{ gapCounts(year: 2024) { kind count } }"))["gapCounts"]
    listed = _subjects(await api.ok(GAPS_QUERY, {"first": 500}))
    for row in counts:
        assert row["count"] == sum(1 for kind, _ in listed if kind == row["kind"])


async def test_unknown_scope_is_a_coded_error(api: GraphQLClient, city: City) -> None:
    error = await api.error('{ coverageSummary(scope: "nowhere") { counts { households } } }')
    assert error["extensions"]["code"] == "UNKNOWN_ID"
    assert "nowhere" in error["message"]
