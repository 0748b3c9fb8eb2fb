"""The access matrix: every query field and every mutation x every role x the ids inside the
caller's scope, outside it, above it, beside it and unknown, on both stores.

- Inside, a caller gets the admin's answer to the same question as `Sight` says they must see
  it (what lies outside their scope left out, personal fields masked for a dashboard); a
  write inside leaves the graph exactly as the admin's same write does, and is audited.
- Outside (a sibling, an ancestor, another street), the answer is the unknown id's, byte for
  byte once the id is swapped, a write changes nothing and leaves no audit entry.
- A cadre inside only by covering a household inside is read and written like a registered one.

The rows come from the served schema: a new query field or mutation without a row fails
`test_every_query_field_and_mutation_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from string import Template
from typing import Any

import graphql
import pytest
from contract.city import City, build_small_city

from orggraph.access.scoped import NO_OWN_UNIT
from orggraph.api.sdl import current_sdl
from orggraph.auth.tokens import Principal, Role
from orggraph.store.protocols import GraphStore

from .access import (
    BRIEF,
    COMPANIONS,
    COUNTS,
    FRAGMENTS,
    GAP_FIELDS,
    NOBODY,
    ROLES,
    UNKNOWN,
    Clients,
    Sight,
    audit_count,
    client_for,
    newest_audit,
    relations_of,
    snapshot,
    swapped,
    target,
)

__all__ = ["client_for"]

pytestmark = pytest.mark.api

ID_KINDS = ("unit", "household", "member", "covering")
SERVICE_FIELDS = (
    "id kind text state householdId assigneeId cadreId "
    "household { __typename id name address phone } cadre { __typename id name phone }"
)


def _by_id(_: City, node_id: str) -> dict[str, Any]:
    return {"id": node_id}


def _by_name(city: City, node_id: str) -> dict[str, Any]:
    """Search by the node's own name, at its level (cadres: every level)."""
    if node_id == UNKNOWN:
        return {"text": NOBODY, "level": None}
    node = city.node(node_id)
    level = getattr(node, "level", None)
    return {"text": node.name, "level": level.name if level is not None else None}


@dataclass(frozen=True)
class QueryRow:
    doc: str
    kinds: tuple[str, ...] = ()
    """Kinds of id the field is asked about; empty: it takes none."""
    variables: Callable[[City, str], dict[str, Any]] = _by_id
    scoped: bool = False
    """Whether a null scope means the caller's own unit (asked both ways)."""
    echoes: bool = True
    """Whether an inside answer holds what was asked about (the fixture holds no service
    requests, so their reads answer empty; tests/api's service tests read real ones)."""
    unknown_as_admin: bool = True
    """Whether an unknown id answers a scoped caller as it answers the admin (cadreRequests
    does not: the admin gets an empty page for a cadre nobody is, a scoped caller UNKNOWN_ID,
    as for a cadre outside; no leak, but two answers)."""


QUERY_ROWS: dict[str, QueryRow] = {
    "version": QueryRow("{ version }"),
    "store": QueryRow("{ store }"),
    "streets": QueryRow("{ streets { ...All } }" + FRAGMENTS),
    "auditLog": QueryRow("{ auditLog(first: 5) { totalCount nodes { action } } }"),
    "node": QueryRow("query($id: ID!) { node(id: $id) { ...All } }" + FRAGMENTS, ID_KINDS),
    "nodes": QueryRow(
        'query($id: ID!) { nodes(ids: [$id, "wu2", $id]) { ...All } }' + FRAGMENTS, ID_KINDS
    ),
    "member": QueryRow(
        "query($id: ID!) { member(id: $id) { ...All } }" + FRAGMENTS, ("member", "covering")
    ),
    "household": QueryRow(
        "query($id: ID!) { household(id: $id) { ...All } }" + FRAGMENTS, ("household",)
    ),
    "search": QueryRow(
        "query($text: String!, $level: Level) { search(text: $text, level: $level, first: 500) "
        "{ totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...Brief } } } }"
        + BRIEF,
        ID_KINDS,
        _by_name,
    ),
    "coverageSummary": QueryRow(
        "query($id: ID) { coverageSummary(scope: $id) { scope { ...All } "
        f"{COUNTS} rows {{ node {{ ...All }} {COUNTS} }} }} }}" + FRAGMENTS,
        ("unit", "household"),
        scoped=True,
    ),
    "coverageGaps": QueryRow(
        "query($id: ID) { coverageGaps(scope: $id, year: 2024, first: 500) { totalCount "
        f"pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {GAP_FIELDS} }} }} }} }}",
        ("unit",),
        scoped=True,
    ),
    "gapCounts": QueryRow(
        "query($id: ID) { gapCounts(scope: $id, year: 2024) { kind count } }",
        ("unit",),
        scoped=True,
    ),
    "cadres": QueryRow(
        "query($id: ID) { cadres(scope: $id, year: 2024, first: 500) { totalCount "
        "pageInfo { hasNextPage endCursor } edges { cursor node { "
        "member { __typename id name phone } registeredHere coveringHere householdsHere "
        "householdsTotal year points meetsMinimum band coversIn { __typename id name } } } } }",
        ("unit",),
        scoped=True,
    ),
    "workUnits": QueryRow(
        "{ workUnits(first: 500) { totalCount pageInfo { hasNextPage endCursor } "
        "edges { cursor node { __typename id name } } } }"
    ),
    "serviceRequests": QueryRow(
        "query($id: ID) { serviceRequests(scope: $id, first: 500) { totalCount edges { node { "
        f"{SERVICE_FIELDS} }} }} }} }}",
        ("unit",),
        scoped=True,
        echoes=False,
    ),
    "serviceRequest": QueryRow(
        f"query($id: ID!) {{ serviceRequest(id: $id) {{ {SERVICE_FIELDS} }} }}",
        ("household", "unit"),
        echoes=False,
    ),
    "cadreRequests": QueryRow(
        "query($id: ID) { cadreRequests(member: $id, openOnly: false, first: 500) { totalCount "
        f"edges {{ node {{ {SERVICE_FIELDS} }} }} }} }}",
        ("member", "covering"),
        echoes=False,
        unknown_as_admin=False,
    ),
    "serviceOffers": QueryRow(
        "query($id: ID) { serviceOffers(scope: $id, first: 500) { totalCount edges { node { "
        "id kind text state offeredById serves { __typename id name } } } } }",
        ("unit",),
        scoped=True,
        echoes=False,
    ),
    "serviceOffer": QueryRow(
        "query($id: ID!) { serviceOffer(id: $id) { id text } }",
        ("household", "unit"),
        echoes=False,
    ),
    "serviceList": QueryRow(
        "query($id: ID) { serviceList(scope: $id, first: 500) { totalCount edges { node { "
        f"request {{ {SERVICE_FIELDS} }} totalHours cadre {{ id name }} }} }} }} }}",
        ("unit",),
        scoped=True,
        echoes=False,
    ),
    "workUnitRequests": QueryRow(
        "query($id: ID!) { workUnitRequests(workUnit: $id, openOnly: false, first: 500) { "
        f"totalCount edges {{ node {{ {SERVICE_FIELDS} }} }} }} }}",
        ("workunit",),
        echoes=False,
    ),
}


CADRES_OWN = ("serviceRequests", "serviceOffers", "serviceList")
"""Listings whose null scope is, for a cadre token, its own (requests, offers, services)."""


def test_every_query_field_and_mutation_has_a_row() -> None:
    served = graphql.build_schema(current_sdl())
    assert served.query_type is not None and served.mutation_type is not None
    assert set(served.query_type.fields) == set(QUERY_ROWS)
    assert set(served.mutation_type.fields) == {row.field for row in MUTATION_ROWS.values()}


def _data(answer: dict[str, Any]) -> Any:
    assert "errors" not in answer, answer
    return answer["data"]


async def _check_fieldless(
    name: str, row: QueryRow, principal: Principal, caller: Any, admin: Any
) -> None:
    answer = await caller.post(row.doc)
    expected = await admin.post(row.doc)
    if name == "auditLog" and principal.role is not Role.ADMIN:
        assert answer["data"] is None and len(answer["errors"]) == 1, answer
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert answer["errors"][0]["message"] == "only an admin may read the audit log"
    elif name == "streets" and principal.role is not Role.ADMIN:
        # The streets are an admin's list: a scoped caller's tree starts at its own unit.
        assert answer == {"data": {"streets": []}}
    else:
        assert answer == expected
        assert _data(answer)[name]


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(QUERY_ROWS))
async def test_query_field(client_for: Clients, city: City, name: str, role: str) -> None:
    row, principal = QUERY_ROWS[name], ROLES[role]
    caller, admin = await client_for(principal), await client_for(ROLES["admin"])
    sight = Sight(city, principal)
    if not row.kinds:
        await _check_fieldless(name, row, principal, caller, admin)
        return
    asked = 0
    for relation in relations_of(principal):
        for kind in row.kinds:
            node_id = target(principal, relation, kind)
            if node_id is None:
                continue
            asked += 1
            where = f"{name} of {kind} {node_id} ({relation}) as {role}"
            variables = row.variables(city, node_id)
            answer = await caller.post(row.doc, variables)
            expected = await admin.post(row.doc, variables)
            if name == "search" and principal.member_id is not None:
                assert _refusal(answer) == ("FORBIDDEN", NO_OWN_UNIT), where
                continue
            if relation == "unknown":
                if row.unknown_as_admin:
                    assert _without_messages(answer) == _without_messages(expected), where
                continue
            if name == "search":
                found = sight.expect_search(_data(expected)["search"])
                assert answer == {"data": {"search": found}}, where
                visible = node_id in {e["node"]["id"] for e in found["edges"]}
                assert visible == (relation == "inside" and not _masked_household(sight, kind))
                if relation != "inside" and not _visible_name_contains(sight, variables["text"]):
                    nobody = {**variables, "text": NOBODY}
                    assert answer == await caller.post(row.doc, nobody), where
                continue
            if relation == "inside":
                assert answer == {"data": sight.expect(_data(expected))}, where
                assert not row.echoes or _says_something(name, node_id, answer), where
            else:
                unknown = await caller.post(row.doc, row.variables(city, UNKNOWN))
                assert swapped(answer, node_id) == repr(unknown), where
    assert asked
    if row.scoped and principal.member_id is not None:
        own = await caller.post(row.doc, {"id": None})
        if name in CADRES_OWN:  # a cadre's own requests, offers or services, across the city
            everyone = await admin.post(row.doc, {"id": None})
            assert own == {"data": sight.expect(_data(everyone))}, f"{name} as {role}"
        else:
            assert _refusal(own) == ("FORBIDDEN", NO_OWN_UNIT), f"{name} of no scope as {role}"
    elif row.scoped and principal.scope_id is not None:
        own = await caller.post(row.doc, {"id": None})
        expected = await admin.post(row.doc, {"id": principal.scope_id})
        wanted = sight.expect(_data(expected))
        if name == "coverageSummary":  # the scope itself is named only when asked by id
            wanted["coverageSummary"]["scope"] = None
        assert own == {"data": wanted}, f"{name} of the own scope as {role}"


def _refusal(answer: dict[str, Any]) -> tuple[str, str]:
    """The code and message of an answer refused as a whole."""
    assert answer.get("data") is None and len(answer["errors"]) == 1, answer
    error = answer["errors"][0]
    return error["extensions"]["code"], error["message"]


def _without_messages(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer with its errors' wording left out: an unknown id is worded by whoever
    finds it unknown (the scope check or the store), but is the same null and the same code."""
    errors = [{k: v for k, v in e.items() if k != "message"} for e in answer.get("errors", [])]
    return {**answer, "errors": errors}


def _masked_household(sight: Sight, kind: str) -> bool:
    return sight.masked and kind == "household"


def _visible_name_contains(sight: Sight, text: str) -> bool:
    city = sight.city
    names = [
        (node_id, city.node(node_id).name)
        for node_id in city.node_ids()
        if node_id not in city.work_units
    ]
    return any(
        text.lower() in name.lower()
        for node_id, name in names
        if sight.sees(node_id) and not (sight.masked and node_id in city.households)
    )


def _says_something(name: str, node_id: str, answer: dict[str, Any]) -> bool:
    """The inside answer holds the node, or gaps: the comparison compared something."""
    if name == "coverageGaps":
        return bool(answer["data"]["coverageGaps"]["totalCount"])
    if name == "gapCounts":
        return any(item["count"] for item in answer["data"]["gapCounts"])
    if name == "cadres":
        return bool(answer["data"]["cadres"]["totalCount"])
    return f"'id': '{node_id}'" in repr(answer)


# -- mutations ---------------------------------------------------------------------------------

READ_ONLY = {
    "dashboard": "role dashboard may not change anything",
    "cadre": "role cadre may only accept, decline and complete the service requests it holds, "
    "and record and withdraw its own offers",
}


@dataclass(frozen=True)
class MutationRow:
    field: str
    kind: str | None
    """Kind of the target id taken from the caller's scope; None: the row takes no such id."""
    doc: str
    """Template: $target, and the scope's companions ($branch, $building, $free, $cover,
    $uncovered)."""
    action: str
    audited: tuple[str, ...]
    """The audit entry's target ids, as template fields."""
    fragments: bool = field(default=True)
    unknown_only: bool = False
    """Rows that move a service request or keep an offer: the fixture holds none, so only an
    unknown request, offer or offerer is asked here (refused alike for every role, nothing
    changed, nothing audited); moving real ones in and out of scope is tests/api's service and
    supply tests' own."""

    def document(self, principal: Principal, node_id: str) -> str:
        text = Template(self.doc).substitute(target=node_id, **COMPANIONS[principal.scope_id])
        return f"mutation {{ {text} }}" + (FRAGMENTS if self.fragments else "")

    def audited_ids(self, principal: Principal, node_id: str) -> list[str]:
        values = {"target": node_id, **COMPANIONS[principal.scope_id]}
        return [Template(name).substitute(values) for name in self.audited]


BOTH_ENDS = "mode since member { ...All } household { ...All }"
MUTATION_ROWS: dict[str, MutationRow] = {
    "createUnit": MutationRow(
        "createUnit",
        "branch",
        'createUnit(input: {id: "gnew", name: "新楼党小组", level: BUILDING, '
        'parentId: "$target"}) { ...All }',
        "create_unit",
        ("gnew",),
    ),
    "renameUnit": MutationRow(
        "renameUnit",
        "unit",
        'renameUnit(id: "$target", name: "新名字") { ...All }',
        "rename_unit",
        ("$target",),
    ),
    "moveUnit": MutationRow(
        "moveUnit",
        "building",
        'moveUnit(id: "$target", parentId: "$branch") { ...All }',
        "move_unit",
        ("$target",),
    ),
    "moveUnit into": MutationRow(
        "moveUnit",
        "branch",
        'moveUnit(id: "$building", parentId: "$target") { ...All }',
        "move_unit",
        ("$building",),
    ),
    "deleteUnit": MutationRow(
        "deleteUnit",
        "building",
        'deleteUnit(id: "$target", cascade: true) { deletedCount }',
        "delete_unit",
        ("$target",),
        fragments=False,
    ),
    "upsertHousehold": MutationRow(
        "upsertHousehold",
        "building",
        'upsertHousehold(input: {id: "hnew", name: "钱多多", parentId: "$target", '
        'address: "新村1号", phone: "13700000000", central: true}) { ...All }',
        "upsert_household",
        ("hnew",),
    ),
    "upsertMember": MutationRow(
        "upsertMember",
        "community",
        'upsertMember(input: {id: "mnew", name: "新干部", phone: "13711112222", '
        'workUnitId: "wu1", communityId: "$target"}) { ...All }',
        "upsert_member",
        ("mnew",),
    ),
    "upsertWorkUnit": MutationRow(
        "upsertWorkUnit",
        None,
        'upsertWorkUnit(id: "wu1", name: "潜江市税务局（新）") { ...All }',
        "upsert_work_unit",
        ("wu1",),
    ),
    "assignHousehold": MutationRow(
        "assignHousehold",
        "household",
        'assignHousehold(input: {memberId: "$free", householdId: "$target", mode: RESIDENCE, '
        f'since: "2025-03-01"}}) {{ {BOTH_ENDS} }}',
        "assign",
        ("$target", "$free"),
    ),
    "assignHousehold to a cadre": MutationRow(
        "assignHousehold",
        "member",
        'assignHousehold(input: {memberId: "$target", householdId: "$uncovered", mode: UNIT, '
        f'since: "2025-03-01"}}) {{ {BOTH_ENDS} }}',
        "assign",
        ("$uncovered", "$target"),
    ),
    "assignHousehold to a covering cadre": MutationRow(
        "assignHousehold",
        "covering",
        'assignHousehold(input: {memberId: "$target", householdId: "$uncovered", mode: UNIT, '
        f'since: "2025-03-01"}}) {{ {BOTH_ENDS} }}',
        "assign",
        ("$uncovered", "$target"),
    ),
    "unassignHousehold": MutationRow(
        "unassignHousehold",
        "household",
        'unassignHousehold(memberId: "$cover", householdId: "$target")',
        "unassign",
        ("$target", "$cover"),
        fragments=False,
    ),
    "transferHousehold": MutationRow(
        "transferHousehold",
        "household",
        'transferHousehold(householdId: "$target", fromMemberId: "$cover", toMemberId: "$free", '
        f'since: "2025-04-01") {{ {BOTH_ENDS} }}',
        "transfer",
        ("$target", "$cover", "$free"),
    ),
    "recordPoints": MutationRow(
        "recordPoints",
        "member",
        'recordPoints(input: {id: "pnew", memberId: "$target", day: "2025-05-01", points: 7, '
        'reason: "志愿服务"}) { id day points reason }',
        "record_points",
        ("$target",),
        fragments=False,
    ),
    "recordPoints for a covering cadre": MutationRow(
        "recordPoints",
        "covering",
        'recordPoints(input: {id: "pnew", memberId: "$target", day: "2025-05-01", points: 7, '
        'reason: "志愿服务"}) { id day points reason }',
        "record_points",
        ("$target",),
        fragments=False,
    ),
}

SERVICE_MOVES = {
    "dispatchService": 'dispatchService(id: "$target", assigneeId: "$free") { id state }',
    "acceptService": 'acceptService(id: "$target") { id state }',
    "declineService": 'declineService(id: "$target", reason: "不在家") { id state }',
    "completeService": 'completeService(id: "$target") { id state }',
    "verifyService": 'verifyService(id: "$target") { id state }',
    "reopenService": 'reopenService(id: "$target", reason: "未修好") { id state }',
    "cancelService": 'cancelService(id: "$target", reason: "撤销") { id state }',
}
MUTATION_ROWS |= {
    "orderService": MutationRow(
        "orderService",
        "household",
        'orderService(input: {householdId: "$target", kind: WISH, text: "修水管", id: "srnew"}) '
        "{ id kind text state householdId household { ...All } }",
        "order_service",
        ("srnew", "$target"),
    ),
    **{
        name: MutationRow(name, "request", doc, "", (), fragments=False, unknown_only=True)
        for name, doc in SERVICE_MOVES.items()
    },
}
SUPPLY_WRITES = {
    "recordOffer": 'recordOffer(input: {kind: SKILL, text: "修水管", offeredBy: "$target", '
    'serves: "$target"}) { id }',
    "withdrawOffer": 'withdrawOffer(id: "$target", reason: "调岗") { id state }',
}
MUTATION_ROWS |= {
    name: MutationRow(name, "offer", doc, "", (), fragments=False, unknown_only=True)
    for name, doc in SUPPLY_WRITES.items()
}

NEW_IDS = ["gnew", "hnew", "mnew"]


def _targets(principal: Principal, row: MutationRow, relation: str) -> str | None:
    if row.kind is None:
        return "-" if relation == "inside" else None
    return target(principal, relation, row.kind)


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(MUTATION_ROWS))
async def test_mutation(
    client_for: Clients, store: GraphStore, city: City, name: str, role: str
) -> None:
    row, principal = MUTATION_ROWS[name], ROLES[role]
    caller, admin = await client_for(principal), await client_for(ROLES["admin"])
    ids = [*city.node_ids(), *NEW_IDS]
    before, audits = await snapshot(admin, ids), await audit_count(admin)
    if row.unknown_only:
        answer = await caller.post(row.document(principal, UNKNOWN))
        assert answer.get("data") is None and len(answer["errors"]) == 1, answer
        assert answer["errors"][0]["extensions"]["code"] == "UNKNOWN_ID", answer
        assert await snapshot(admin, ids) == before
        assert await audit_count(admin) == audits
        return
    writer = principal.role.can_write
    refused = [r for r in relations_of(principal) if r != "inside" or not writer]
    for relation in refused:
        node_id = _targets(principal, row, relation)
        if node_id is None:
            continue
        where = f"{name} on {node_id} ({relation}) as {role}"
        answer = await caller.post(row.document(principal, node_id))
        assert answer.get("data") is None and len(answer["errors"]) == 1, where
        code = answer["errors"][0]["extensions"]["code"]
        if not writer:
            assert code == "FORBIDDEN", where
            assert answer["errors"][0]["message"] == READ_ONLY[role], where
        elif relation == "unknown":
            assert code == "UNKNOWN_ID", where
        else:
            unknown = await caller.post(row.document(principal, UNKNOWN))
            assert swapped(answer, node_id) == repr(unknown), where
        assert await snapshot(admin, ids) == before, f"{where} changed the graph"
        assert await audit_count(admin) == audits, f"{where} left an audit entry"
    if not writer:
        return
    node_id = _targets(principal, row, "inside")
    assert node_id is not None
    document = row.document(principal, node_id)
    expected = _data(await admin.post(document))
    wanted_state = await snapshot(admin, ids)
    assert wanted_state != before, f"the admin's {name} changed nothing: the row tests nothing"
    if principal.role is not Role.ADMIN:
        await store.clear()
        await build_small_city(store)
        audits = await audit_count(admin)
        answer = await caller.post(document)
        sight = Sight(city, principal, frozenset(NEW_IDS))
        assert answer == {"data": sight.expect(expected)}, name
        assert await snapshot(admin, ids) == wanted_state
    assert await audit_count(admin) == audits + 1
    entry = await newest_audit(admin)
    assert (entry["subject"], entry["role"], entry["action"]) == (
        principal.subject,
        principal.role.value,
        row.action,
    )
    assert entry["targetIds"] == row.audited_ids(principal, node_id)
    if row.action == "record_points":  # a points entry is no node: the arguments hold it
        assert '"id": "pnew"' in entry["arguments"] and '"points": 7' in entry["arguments"]
    else:
        assert entry["before"] != entry["after"]


async def test_an_upsert_of_an_id_outside_the_scope_is_refused_as_taken(
    client_for: Clients, city: City
) -> None:
    """Ids are global: overwriting a household or cadre outside the scope is refused as a
    duplicate id (the clash cannot be hidden), changes nothing and is not audited."""
    organiser = await client_for(ROLES["community"])
    admin = await client_for(ROLES["admin"])
    ids = city.node_ids()
    before, audits = await snapshot(admin, ids), await audit_count(admin)
    for mutation, taken in [
        ('upsertHousehold(input: {id: "h14", name: "x", parentId: "g1"}) { id }', "h14"),
        ('upsertMember(input: {id: "m5", name: "x", communityId: "c1"}) { id }', "m5"),
    ]:
        error = await organiser.error(f"mutation {{ {mutation} }}")
        assert error["extensions"] == {"code": "DUPLICATE_ID", "ids": [taken]}
    assert await snapshot(admin, ids) == before
    assert await audit_count(admin) == audits


@pytest.mark.parametrize("role", ["street", "community"])
async def test_an_organiser_may_not_move_or_delete_their_own_unit(
    client_for: Clients, city: City, role: str
) -> None:
    principal = ROLES[role]
    organiser, admin = await client_for(principal), await client_for(ROLES["admin"])
    ids = city.node_ids()
    before, audits = await snapshot(admin, ids), await audit_count(admin)
    own = principal.scope_id
    for mutation in [
        f'moveUnit(id: "{own}", parentId: "s2") {{ id }}',
        f'deleteUnit(id: "{own}", cascade: true) {{ deletedCount }}',
    ]:
        error = await organiser.error(f"mutation {{ {mutation} }}")
        assert error["extensions"]["code"] == "FORBIDDEN", error
    assert await snapshot(admin, ids) == before
    assert await audit_count(admin) == audits


async def test_a_move_out_of_the_scope_is_refused(client_for: Clients, city: City) -> None:
    """Both ends of a move must lie inside: an inside unit cannot be hung outside."""
    organiser, admin = await client_for(ROLES["community"]), await client_for(ROLES["admin"])
    ids = city.node_ids()
    before = await snapshot(admin, ids)
    hidden = await organiser.post('mutation { moveUnit(id: "g3", parentId: "b4") { id } }')
    unknown = await organiser.post(
        f'mutation {{ moveUnit(id: "g3", parentId: "{UNKNOWN}") {{ id }} }}'
    )
    assert swapped(hidden, "b4") == repr(unknown)
    assert hidden["errors"][0]["extensions"]["code"] == "UNKNOWN_ID"
    assert await snapshot(admin, ids) == before
