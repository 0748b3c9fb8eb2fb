"""Nested queries read through DataLoaders: store round trips follow the query's depth, not
the number of results. On Neo4j the Cypher queries actually sent are counted too."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.auth.tokens import Principal, Role
from orggraph.domain.entities import Assignment, Household, Member, Mode, Unit
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import ADMIN, SECRET, bearer
from .stores import CountingStore

pytestmark = pytest.mark.api

NESTED = """{ streets { id counts { households } ancestors { id }
  children(first: 100) { edges { node { id parent { id } coverage
    ... on OrgUnit { children(first: 100) { edges { node { id counts { coveredHouseholds }
      ... on OrgUnit { children(first: 100) { edges { node { id
        ... on OrgUnit { children(first: 100) { edges { node { id
          ... on Household { cadres { member { id households { household { id } } } } }
        } } } } } } } } } } } } } } } } }"""


async def _build_city(store: GraphStore, width: int) -> None:
    """`width` streets, each with `width` communities, two branches, one building group,
    three households and a cadre covering them: results grow with width squared."""
    units: list[Unit] = []
    households: list[Household] = []
    members: list[Member] = []
    assignments: list[Assignment] = []
    for s in range(width):
        street = f"S{s}"
        units.append(Unit(street, f"街道{s}", Level.STREET))
        for c in range(width):
            community = f"{street}-C{c}"
            units.append(Unit(community, f"社区{s}{c}", Level.COMMUNITY, street))
            for b in range(2):
                branch = f"{community}-B{b}"
                building = f"{branch}-G0"
                units += [
                    Unit(branch, f"支部{b}", Level.BRANCH, community),
                    Unit(building, "1号楼", Level.BUILDING, branch),
                ]
                member = f"M-{branch}"
                members.append(Member(member, f"干部{s}{c}{b}", community_id=community))
                for h in range(3):
                    household = f"{building}-H{h}"
                    households.append(Household(household, f"住户{h}", building))
                    assignments.append(Assignment(member, household, Mode.UNIT, date(2024, 1, 1)))
    await store.upsert_units(units)
    await store.upsert_households(households)
    await store.upsert_members(members)
    await store.assign_many(assignments)


async def _round_trips(store: GraphStore) -> tuple[int, int, int]:
    """(store calls, Cypher queries sent or -1, result size) for the nested query."""
    counting = CountingStore(store)
    # The query is deliberately wide; lift the cost limit so only round trips are measured.
    options = AppOptions(limits=Limits(max_cost=10**12))
    app = create_app(counting, Policy(), SECRET, options)  # type: ignore[arg-type]
    sent_before = getattr(store, "queries_sent", None)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        data = await GraphQLClient(http).ok(NESTED)
    sent = -1 if sent_before is None else store.queries_sent - sent_before
    return counting.calls, sent, len(str(data))


async def test_round_trips_do_not_grow_with_results(backend: Any) -> None:
    figures = []
    for width in (2, 5):
        store = await backend.open()
        try:
            await store.clear()
            await _build_city(store, width)
            figures.append(await _round_trips(store))
        finally:
            await store.close()
    (small_calls, small_sent, small_size), (large_calls, large_sent, large_size) = figures
    assert large_size > 4 * small_size, "the larger city must give a much larger result"
    assert large_calls == small_calls
    assert large_sent == small_sent
    # One batch per nesting level at most: node+children+counts+... stays under 20.
    assert small_calls <= 20


MEMBER = "query($id: ID!) { member(id: $id) { id name households { household { id } mode } } }"
MEMBER_BY_FRAGMENT = """query($id: ID!) { member(id: $id) { ...Cadre } }
fragment Cadre on Member { name ... on Member { households { household { id } } } }"""
MEMBER_ONLY = "query($id: ID!) { member(id: $id) { id name } }"
HOUSEHOLD = "query($id: ID!) { household(id: $id) { id name cadres { member { id } since } } }"


async def _store_calls(
    store: GraphStore, query: str, node_id: str, caller: Principal = ADMIN
) -> tuple[int, dict[str, Any]]:
    """(store calls, data) for one query about `node_id`, asked by `caller`."""
    counting = CountingStore(store)
    app = create_app(counting, Policy(), SECRET)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(caller)
    ) as http:
        data = await GraphQLClient(http).ok(query, {"id": node_id})
    return counting.calls, data


@pytest.mark.parametrize(
    ("query", "node_id", "calls", "listed"),
    [
        (MEMBER, "M-S0-C0-B0", 1, 3),  # its households carry the cadre: one read answers both
        (MEMBER_BY_FRAGMENT, "M-S0-C0-B0", 1, 3),
        (MEMBER, "M-idle", 2, 0),  # covers none: the cadre is read on its own
        (MEMBER_ONLY, "M-S0-C0-B0", 1, 0),  # households not asked: not read
        (HOUSEHOLD, "S0-C0-B0-G0-H0", 1, 1),
        (HOUSEHOLD, "S0-C0-B0-G0-H-alone", 2, 0),
        (MEMBER, "S0-C0-B0-G0-H0", 2, 0),  # a household's id asked as a cadre: null
    ],
)
async def test_one_person_and_their_assignments_in_one_read(
    store: GraphStore, query: str, node_id: str, calls: int, listed: int
) -> None:
    await _build_city(store, 1)
    await store.upsert_members([Member("M-idle", "闲置干部")])
    await store.upsert_households([Household("S0-C0-B0-G0-H-alone", "独户", "S0-C0-B0-G0")])
    made, data = await _store_calls(store, query, node_id)
    assert made == calls
    found = data.get("member") or data.get("household")
    if query is MEMBER and node_id.startswith("S0"):
        assert found is None
        return
    assert found is not None
    assert found["name"] == (await store.get_node(node_id)).name  # type: ignore[union-attr]
    rows = found.get("households", found.get("cadres", []))
    assert len(rows) == listed


NODE_NAME = "query($id: ID!) { node(id: $id) { id ... on Household { name } } }"


async def test_a_scoped_organiser_reads_a_node_once(store: GraphStore) -> None:
    """Deciding whether a node lies in the caller's scope fetches it; the answer reuses that
    fetch: one node read and one ancestors read, not a second node read."""
    await _build_city(store, 1)
    organiser = Principal("li.organiser", Role.COMMUNITY, "S0-C0")
    made, data = await _store_calls(store, NODE_NAME, "S0-C0-B0-G0-H0", organiser)
    assert data["node"] == {"id": "S0-C0-B0-G0-H0", "name": "住户0"}
    assert made == 2
    outsider = Principal("wang.organiser", Role.COMMUNITY, "S0-C0-B1")
    made, data = await _store_calls(store, NODE_NAME, "S0-C0-B0-G0-H0", outsider)
    assert data["node"] is None
    assert made == 2


TREE = """query($id: ID!) { node(id: $id) { ... on OrgUnit { children { edges { node { id
  ... on OrgUnit { coverage children(first: 10) { edges { node { id counts { households } }
  } } } } } } } } }"""
UNCOVERED_PAGE = """{ coverageGaps(kinds: [UNCOVERED_HOUSEHOLD]) { edges { node { subjectId
  ... on UncoveredHouseholdGap { household { id name address } } } } } }"""


async def test_a_tree_and_its_figures_in_one_read(store: GraphStore) -> None:
    """A street's communities, their branches and every figure asked: the street's node read
    and one subtree read, however wide the tree (not a read per level plus one per figure)."""
    made = []
    for width in (2, 5):
        await store.clear()
        await _build_city(store, width)
        sent_before = getattr(store, "queries_sent", None)
        calls, data = await _store_calls(store, TREE, "S0")
        communities = data["node"]["children"]["edges"]
        assert len(communities) == width
        branches = [b["node"] for c in communities for b in c["node"]["children"]["edges"]]
        assert [b["counts"]["households"] for b in branches] == [3] * (2 * width)
        assert all(c["node"]["coverage"] == 1.0 for c in communities)
        sent = -1 if sent_before is None else store.queries_sent - sent_before  # type: ignore[attr-defined]
        made.append((calls, sent))
    assert made[0] == made[1]
    assert made[0][0] == 2
    assert made[0][1] in (-1, 2)


async def test_gap_items_carry_their_subject(store: GraphStore) -> None:
    """An uncovered household's gap brings the household: the page is one store read, and the
    household shown is the one a node read gives."""
    await _build_city(store, 2)
    await store.upsert_households([Household("S0-C0-B0-G0-H9", "独户", "S0-C0-B0-G0", "1-1")])
    calls, data = await _store_calls(store, UNCOVERED_PAGE, "unused")
    (gap,) = data["coverageGaps"]["edges"]
    assert gap["node"]["household"] == {"id": "S0-C0-B0-G0-H9", "name": "独户", "address": "1-1"}
    assert calls == 1


async def test_a_refused_nested_page_size_is_refused_where_it_is_asked(store: GraphStore) -> None:
    """The look-ahead leaves a nested `children(first: 0)` to its own field: the error sits
    there (and nulls what holds it, as GraphQL's non-null rule says), not on the field that
    looked ahead."""
    await _build_city(store, 1)
    app = create_app(store, Policy(), SECRET)
    query = """{ node(id: "S0") { ... on OrgUnit { children { edges { node { id
      ... on OrgUnit { children(first: 0) { totalCount } } } } } } } }"""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    assert body["errors"][0]["extensions"]["code"] == "INVALID_VALUE"
    assert body["errors"][0]["path"] == ["node", "children", "edges", 0, "node", "children"]
