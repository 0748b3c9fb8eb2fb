"""Mutations over both stores: what organisers change, and coded errors that change nothing."""

from __future__ import annotations

import pytest
from contract.city import City

from .access import audit_count, snapshot
from .client import GraphQLClient

pytestmark = pytest.mark.api


async def test_create_rename_move_delete_a_unit(api: GraphQLClient, city: City) -> None:
    created = await api.ok(
        'mutation { createUnit(input: {id: "b9", name: "新园小区党支部", level: BRANCH, '
        'parentId: "c2"}) { __typename id name parent { id } } }'
    )
    assert created["createUnit"] == {
        "__typename": "ResidentialBranch",
        "id": "b9",
        "name": "新园小区党支部",
        "parent": {"id": "c2"},
    }
    renamed = await api.ok('mutation { renameUnit(id: "b9", name: "Xinyuan") { name } }')
    assert renamed["renameUnit"] == {"name": "Xinyuan"}
    moved = await api.ok('mutation { moveUnit(id: "b9", parentId: "c3") { parent { id } } }')
    assert moved["moveUnit"] == {"parent": {"id": "c3"}}
    deleted = await api.ok('mutation { deleteUnit(id: "b9") { deletedCount } }')
    assert deleted["deleteUnit"] == {"deletedCount": 1}
    assert (await api.ok('{ node(id: "b9") { id } }'))["node"] is None


async def test_cascade_delete_through_the_api(api: GraphQLClient, city: City) -> None:
    refused = await api.error('mutation { deleteUnit(id: "b1") { deletedCount } }')
    assert refused["extensions"]["code"] == "REFUSED_DELETE"
    deleted = await api.ok('mutation { deleteUnit(id: "b1", cascade: true) { deletedCount } }')
    assert deleted["deleteUnit"] == {"deletedCount": 10}  # b1, g1, g2 and h01-h07


async def test_assign_transfer_unassign(api: GraphQLClient, city: City) -> None:
    assigned = await api.ok(
        'mutation { assignHousehold(input: {memberId: "m6", householdId: "h04", mode: RESIDENCE, '
        'since: "2025-03-01"}) { member { id } household { id } mode since } }'
    )
    assert assigned["assignHousehold"] == {
        "member": {"id": "m6"},
        "household": {"id": "h04"},
        "mode": "RESIDENCE",
        "since": "2025-03-01",
    }
    moved = await api.ok(
        'mutation { transferHousehold(householdId: "h04", fromMemberId: "m6", '
        'toMemberId: "m7", since: "2025-04-01") { member { id } mode } }'
    )
    assert moved["transferHousehold"] == {"member": {"id": "m7"}, "mode": "RESIDENCE"}
    cadres = await api.ok('{ household(id: "h04") { cadres { member { id } } } }')
    assert cadres["household"]["cadres"] == [{"member": {"id": "m7"}}]
    assert (await api.ok('mutation { unassignHousehold(memberId: "m7", householdId: "h04") }'))[
        "unassignHousehold"
    ] is True
    cadres = await api.ok('{ household(id: "h04") { cadres { member { id } } } }')
    assert cadres["household"]["cadres"] == []


async def test_upserts_and_points(api: GraphQLClient, city: City) -> None:
    await api.ok('mutation { upsertWorkUnit(id: "wu9", name: "市民政局") { id } }')
    member = await api.ok(
        'mutation { upsertMember(input: {id: "m9", name: "Wang Lei", workUnitId: "wu9", '
        'communityId: "c2"}) { id workUnit { name } community { id } } }'
    )
    assert member["upsertMember"] == {
        "id": "m9",
        "workUnit": {"name": "市民政局"},
        "community": {"id": "c2"},
    }
    household = await api.ok(
        'mutation { upsertHousehold(input: {id: "h99", name: "钱多", parentId: "g6", '
        "central: true}) { id central parent { id } } }"
    )
    assert household["upsertHousehold"] == {"id": "h99", "central": True, "parent": {"id": "g6"}}
    await api.ok(
        'mutation { recordPoints(input: {id: "p99", memberId: "m9", day: "2024-05-04", '
        'points: 25, reason: "志愿服务"}) { id } }'
    )
    points = await api.ok('{ member(id: "m9") { points(year: 2024) { total meetsMinimum } } }')
    assert points["member"]["points"] == {"total": 25, "meetsMinimum": True}


@pytest.mark.parametrize(
    ("mutation", "code", "named_id"),
    [
        ('createUnit(input: {id: "s1", name: "x", level: STREET}) { id }', "DUPLICATE_ID", "s1"),
        (
            'createUnit(input: {id: "g9", name: "x", level: BUILDING, parentId: "c1"}) { id }',
            "WRONG_PARENT_LEVEL",
            "c1",
        ),
        ('moveUnit(id: "c1", parentId: "b1") { id }', "CYCLE", "b1"),
        ('renameUnit(id: "zz", name: "x") { id }', "UNKNOWN_ID", "zz"),
        ('unassignHousehold(memberId: "m6", householdId: "h01")', "NOT_ASSIGNED", "m6"),
        (
            'assignHousehold(input: {memberId: "m404", householdId: "h01", mode: UNIT, '
            'since: "2024-01-01"}) { since }',
            "UNKNOWN_ID",
            "m404",
        ),
        (
            'createUnit(input: {id: "bad id!", name: "x", level: STREET}) { id }',
            "INVALID_VALUE",
            "bad id!",
        ),
        ('renameUnit(id: "b1", name: "   ") { id }', "INVALID_VALUE", "b1"),
        ('moveUnit(id: "g1", parentId: "c1") { id }', "WRONG_PARENT_LEVEL", "c1"),
        (
            'upsertHousehold(input: {id: "h01", name: "x", parentId: "b1"}) { id }',
            "WRONG_PARENT_LEVEL",
            "b1",
        ),
        (
            'transferHousehold(householdId: "h04", fromMemberId: "m1", toMemberId: "m2", '
            'since: "2025-01-01") { since }',
            "NOT_ASSIGNED",
            "m1",
        ),
    ],
)
async def test_failed_mutations_are_coded_and_change_nothing(
    api: GraphQLClient, city: City, mutation: str, code: str, named_id: str
) -> None:
    ids = [*city.node_ids(), "g9", "bad id!"]
    before, audits = await snapshot(api, ids), await audit_count(api)
    error = await api.error(f"mutation {{ {mutation} }}")
    assert error["extensions"]["code"] == code
    assert named_id in error["message"]
    assert await snapshot(api, ids) == before  # every field of every node and the figures
    assert await audit_count(api) == audits
