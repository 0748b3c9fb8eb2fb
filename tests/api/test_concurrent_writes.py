"""Writes fired at once through the API: no duplicate relationship, no lost update, no cycle.

Each test sends many mutations of the same nodes concurrently (asyncio tasks over one app, so
on Neo4j their transactions overlap) and then checks the graph itself: on Neo4j by counting
relationships with Cypher of its own, on both stores through the API's figures.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from contract.city import City

from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore
from orggraph.verify import find_drifts

from .client import GraphQLClient

pytestmark = pytest.mark.api

COPIES = 12


async def _all(api: GraphQLClient, documents: list[str]) -> list[dict[str, Any]]:
    return await asyncio.gather(*(api.post(document) for document in documents))


async def _relationships(store: GraphStore, cypher: str, **params: Any) -> int | None:
    """A count from Neo4j itself (None on the embedded store, which has no Cypher)."""
    driver = getattr(store, "driver", None)
    if driver is None:
        return None
    records, _, _ = await driver.execute_query(cypher, params, database_=store.db.database)  # type: ignore[attr-defined]
    return int(records[0]["n"])


def _assign(member: str, household: str, day: int) -> str:
    return (
        f'mutation {{ assignHousehold(input: {{memberId: "{member}", householdId: "{household}", '
        f'mode: UNIT, since: "2025-01-{day:02d}"}}) {{ since }} }}'
    )


async def test_concurrent_covers_of_the_same_pairs_make_one_relationship_each(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    pairs = [("m6", "h04"), ("m7", "h04")]
    documents = [_assign(m, h, 1 + i) for i in range(COPIES) for m, h in pairs]
    answers = await _all(api, documents)
    assert all("errors" not in answer for answer in answers), answers
    for member, household in pairs:
        count = await _relationships(
            store,
            "MATCH (:Member {id: $m})-[r:ASSIGNED]->(:Household {id: $h}) RETURN count(r) AS n",
            m=member,
            h=household,
        )
        assert count in (None, 1)
    cadres = await api.ok(
        '{ household(id: "h04") { counts { assignments } cadres { member { id } } } }'
    )
    assert [c["member"]["id"] for c in cadres["household"]["cadres"]] == ["m6", "m7"]
    assert cadres["household"]["counts"]["assignments"] == 2


async def test_concurrent_moves_leave_one_parent_each(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    """Building groups moved back and forth between branches at once: each move is valid
    alone and succeeds, and each group ends with exactly one parent. (A cycle needs a unit
    hung under its own subtree, which the level rule refuses before any race could matter.)"""
    documents = []
    for _ in range(COPIES // 2):
        documents.append('mutation { moveUnit(id: "g1", parentId: "b2") { id } }')
        documents.append('mutation { moveUnit(id: "g1", parentId: "b1") { id } }')
        documents.append('mutation { moveUnit(id: "g3", parentId: "b1") { id } }')
    answers = await _all(api, documents)
    for answer in answers:
        assert "errors" not in answer, answer
    parents = await _relationships(
        store,
        "MATCH (g:BuildingGroup) WHERE g.id IN ['g1', 'g3'] "
        "WITH COUNT { (g)<-[:HAS_CHILD]-() } AS parents "
        "RETURN min(parents) * 10 + max(parents) AS n",
    )
    assert parents in (None, 11), "every moved building group has exactly one parent"
    tree = await api.ok('{ node(id: "g1") { ... on OrgUnit { ancestors { id } } } }')
    assert [a["id"] for a in tree["node"]["ancestors"]][:2] == ["s1", "c1"]


async def test_concurrent_creates_of_one_id_make_one_unit(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    documents = [
        f'mutation {{ createUnit(input: {{id: "b9", name: "支部{i}", level: BRANCH, '
        f'parentId: "c{1 + i % 3}"}}) {{ id }} }}'
        for i in range(COPIES)
    ]
    answers = await _all(api, documents)
    succeeded = [a for a in answers if "errors" not in a]
    refused = [a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a]
    assert len(succeeded) == 1
    assert refused == ["DUPLICATE_ID"] * (COPIES - 1)
    count = await _relationships(store, "MATCH (b {id: 'b9'}) RETURN count(b) AS n")
    assert count in (None, 1)
    parents = await _relationships(
        store, "MATCH (b {id: 'b9'})<-[r:HAS_CHILD]-() RETURN count(r) AS n"
    )
    assert parents in (None, 1)


async def test_concurrent_transfers_of_one_household_keep_one_cover(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    """h02 is covered by m1 alone; many transfers to m6 and m7 at once: exactly one wins,
    the rest find m1 no longer covers it."""
    documents = [
        'mutation { transferHousehold(householdId: "h02", fromMemberId: "m1", '
        f'toMemberId: "m{6 + i % 2}", since: "2025-02-01") {{ member {{ id }} }} }}'
        for i in range(COPIES)
    ]
    answers = await _all(api, documents)
    assert sum("errors" not in a for a in answers) == 1
    assert {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a} == {
        "NOT_ASSIGNED"
    }
    cadres = await api.ok('{ household(id: "h02") { cadres { member { id } } } }')
    assert len(cadres["household"]["cadres"]) == 1
    count = await _relationships(
        store, "MATCH (:Member)-[r:ASSIGNED]->(:Household {id: 'h02'}) RETURN count(r) AS n"
    )
    assert count in (None, 1)


async def test_concurrent_points_and_upserts_keep_one_node_each(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    documents = []
    for i in range(COPIES):
        documents.append(
            f'mutation {{ recordPoints(input: {{id: "p99", memberId: "m6", '
            f'day: "2025-03-{1 + i:02d}", points: {i + 1}, reason: "志愿服务"}}) {{ id }} }}'
        )
        documents.append(
            f'mutation {{ upsertHousehold(input: {{id: "h99", name: "住户{i}", parentId: "g6"}}) '
            "{ id } }"
        )
        documents.append('mutation { unassignHousehold(memberId: "m1", householdId: "h03") }')
    answers = await _all(api, documents)
    codes = {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a}
    assert codes <= {"DUPLICATE_ID", "NOT_ASSIGNED"}, answers
    unassigned = [a for a in answers if "unassignHousehold" in (a.get("data") or {})]
    assert sum(a["data"]["unassignHousehold"] is True for a in unassigned) == 1
    for node_id in ("p99", "h99"):
        count = await _relationships(store, "MATCH (n {id: $id}) RETURN count(n) AS n", id=node_id)
        assert count in (None, 1)
    points = await api.ok('{ member(id: "m6") { points(year: 2025) { total } } }')
    assert 1 <= points["member"]["points"]["total"] <= COPIES
    household = await api.ok('{ household(id: "h99") { name parent { id } } }')
    assert household["household"]["parent"] == {"id": "g6"}


async def test_concurrent_deletes_renames_and_registrations_keep_the_figures_exact(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    """A branch deleted with its subtree while its households are covered, renamed and its
    cadres moved between communities, all at once: whatever order the store settles on, no
    figure it keeps differs from a recount of what it holds (`stats --verify`)."""
    documents = []
    for i in range(COPIES // 3):
        documents += [
            _assign("m6", "h08", 1 + i),
            'mutation { renameUnit(id: "b2", name: "东园") { id } }',
            f'mutation {{ upsertMember(input: {{id: "m7", name: "干部", '
            f'communityId: "c{1 + i % 3}"}}) {{ id }} }}',
            'mutation { deleteUnit(id: "g3", cascade: true) { deletedCount } }',
        ]
    answers = await _all(api, documents)
    codes = {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a}
    assert codes <= {"UNKNOWN_ID"}, answers  # covers and deletes of g3 after it went
    assert (await api.ok('{ node(id: "g3") { id } }'))["node"] is None
    checked, drifts = await find_drifts(store, Policy(), 2024)
    assert checked == len(city.units)  # the city, less g3
    assert drifts == []
