"""What a scoped caller should see, worked out from the fixture city alone (not from a store),
and clients of any principal over one app: the ground truth of the access tests.

`Sight` says which ids lie inside a scope by the rules of docs/domain.md (a unit or household
at or below the scope's unit; a cadre registered with a community there or covering a
household there; every work unit), and `Sight.expect` turns an admin's answer to a question
into the answer that caller must get to the same question: nodes outside dropped from lists
or nulled as fields, and, for a dashboard, personal fields masked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from contract.city import City

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import SECRET, TEST_POLICY, bearer

MASK = "***"
UNKNOWN = "zz-unknown"
NOBODY = "无此人zz"
"""A search text no fixture name contains."""

BRIEF = """
fragment Brief on Node {
  __typename id
  ... on OrgNode { name level parent { __typename id } }
  ... on Household { address phone central }
  ... on Member { name phone community { __typename id } }
}
"""
COUNTS = (
    "counts { streets communities branches buildingGroups households centralHouseholds "
    "coveredHouseholds cadres coveringCadres assignments coverage }"
)
FRAGMENTS = (
    BRIEF
    + f"""
fragment Org on OrgNode {{
  __typename id name level coverage {COUNTS}
  parent {{ __typename id name }}
  ancestors {{ __typename id name }}
}}
fragment Kids on OrgUnit {{
  children(first: 500) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ __typename id name }} }}
  }}
}}
fragment Home on Household {{
  address phone central
  cadres {{ mode since member {{ __typename id name phone }} }}
}}
fragment Cadre on Member {{
  __typename id name phone
  workUnit {{ __typename id name }}
  community {{ __typename id name }}
  households {{ mode since household {{ __typename id name address phone central }} }}
  p24: points(year: 2024) {{ year total minimum meetsMinimum entries {{ id day points reason }} }}
  p25: points(year: 2025) {{ year total meetsMinimum entries {{ id day points reason }} }}
}}
fragment Work on WorkUnit {{ __typename id name }}
fragment All on Node {{ ...Brief ...Org ...Kids ...Home ...Cadre ...Work }}
"""
)
"""Every field of every node type, one level of neighbours deep (`All`), and a node's own
fields (`Brief`, for long lists)."""

GAP_FIELDS = """
  kind subjectId unitPath reason
  ... on UncoveredHouseholdGap { household { __typename id name address phone } }
  ... on CadreOutsideBandGap { households member { __typename id name phone } }
  ... on CadreCoveringNoneGap { member { __typename id name phone } }
  ... on CadreUnderPointsGap { points member { __typename id name phone } }
  ... on BuildingWithoutCentralGap { buildingGroup { __typename id name } }
  ... on UnitWithoutChildrenGap { unit { __typename id name } }
"""

ROLES: dict[str, Principal] = {
    "admin": Principal("an.admin", Role.ADMIN, None),
    "street": Principal("a.street.organiser", Role.STREET, "s1"),
    "community": Principal("a.community.organiser", Role.COMMUNITY, "c1"),
    "dashboard": Principal("a.dashboard", Role.DASHBOARD, "c1"),
    "cadre": Principal("cadre.m1", Role.CADRE, "m1"),
}

TARGETS: dict[str | None, dict[str, dict[str, str]]] = {
    # scope -> relation -> kind -> id. Kinds: unit (any), branch, building, community,
    # household, member (registered inside, or outside for "outside"), covering (a cadre
    # inside only by covering a household inside; outside: registered and covering outside).
    None: {
        "inside": {
            "unit": "b2",
            "branch": "b2",
            "building": "g3",
            "community": "c1",
            "household": "h08",
            "member": "m2",
            "covering": "m8",
            "workunit": "wu2",
        },
    },
    "s1": {
        "inside": {
            "unit": "c2",
            "branch": "b3",
            "building": "g4",
            "community": "c2",
            "household": "h10",
            "member": "m3",
            "covering": "m8",
            "workunit": "wu2",
        },
        "outside": {
            "unit": "s2",
            "branch": "b4",
            "building": "g5",
            "community": "c3",
            "household": "h19",
            "member": "m5",
            "covering": "m4",
        },
    },
    "c1": {
        "inside": {
            "unit": "b2",
            "branch": "b2",
            "building": "g3",
            "community": "c1",
            "household": "h08",
            "member": "m2",
            "covering": "m3",
            "workunit": "wu2",
        },
        "outside": {
            "unit": "c3",
            "branch": "b4",
            "building": "g5",
            "community": "c3",
            "household": "h14",
            "member": "m5",
            "covering": "m8",
        },
        "sibling": {
            "unit": "c2",
            "branch": "b3",
            "building": "g4",
            "community": "c2",
            "household": "h11",
            "member": "m6",
        },
        "ancestor": {"unit": "s1", "branch": "s1", "building": "s1", "community": "s1"},
    },
    "m1": {
        # A cadre's token (orggraph.access.cadre_view): itself and the households it covers;
        # no unit, not its own community; not a colleague of its work unit or community.
        "inside": {"household": "h01", "member": "m1", "workunit": "wu2"},
        "outside": {
            "unit": "c1",
            "branch": "b1",
            "building": "g1",
            "community": "c1",
            "household": "h04",
            "member": "m2",
            "covering": "m7",
        },
    },
}
"""What each scope's relations are, in the fixture city (tests/contract/city.py)."""

COMPANIONS: dict[str | None, dict[str, str]] = {
    # Ids a mutation needs beside its target, inside the scope: a branch and a building group
    # to move things to and from, a cadre covering nobody, the cadre covering the scope's
    # inside household, and a household nobody covers.
    None: {"branch": "b1", "building": "g1", "free": "m7", "cover": "m2", "uncovered": "h04"},
    "s1": {"branch": "b1", "building": "g1", "free": "m6", "cover": "m3", "uncovered": "h04"},
    "c1": {"branch": "b1", "building": "g1", "free": "m7", "cover": "m2", "uncovered": "h04"},
    "m1": {"branch": "b1", "building": "g1", "free": "m7", "cover": "m2", "uncovered": "h04"},
}


def relations_of(principal: Principal) -> list[str]:
    """The relations a caller's matrix rows run: every scope's own, and unknown ids."""
    return [*TARGETS[principal.scope_id], "unknown"]


def target(principal: Principal, relation: str, kind: str) -> str | None:
    """The id of `kind` in `relation` to the caller's scope (None when there is none)."""
    if relation == "unknown":
        return UNKNOWN
    return TARGETS[principal.scope_id][relation].get(kind)


_DROP = object()


@dataclass(frozen=True)
class Sight:
    """What one principal sees of the fixture city."""

    city: City
    principal: Principal
    created: frozenset[str] = frozenset()
    """Ids a test wrote inside the scope, beside the fixture's."""

    @property
    def masked(self) -> bool:
        return not self.principal.role.sees_personal_data

    def sees(self, node_id: str) -> bool:
        scope = self.principal.scope_id
        if scope is None or node_id in self.city.work_units or node_id in self.created:
            return True
        if self.principal.member_id is not None:
            return node_id == scope or (scope, node_id) in self.city.assignments
        inside = self.city.subtree(scope)
        member = self.city.members.get(node_id)
        if member is None:
            return node_id in inside
        return member.community_id in inside or any(
            household in inside for m, household in self.city.assignments if m == node_id
        )

    def expect(self, answer: Any) -> Any:
        """The admin's `answer` as this caller must see it."""
        found = self._walk(answer)
        return None if found is _DROP else found

    def _walk(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in map(self._walk, value) if item is not _DROP]
        if not isinstance(value, dict):
            return value
        if "__typename" in value and "id" in value and not self.sees(value["id"]):
            return _DROP
        result: dict[str, Any] = {}
        for key, item in value.items():
            walked = self._walk(item)
            if walked is _DROP and key in ("household", "member", "node"):
                return _DROP  # a cover or a search edge of a node the caller may not see
            result[key] = None if walked is _DROP else walked
        if self.masked and result.get("__typename") == "Household":
            result.update({k: MASK for k in ("name", "address", "phone") if k in result})
        if self.masked and result.get("__typename") == "Member" and "phone" in result:
            result["phone"] = MASK
        return result

    def expect_search(self, answer: dict[str, Any]) -> dict[str, Any]:
        """A search page as this caller must see it: what lies outside left out (and, for a
        dashboard, every household), the total and the end cursor counted again."""
        edges = self._walk(answer["edges"])
        if self.masked:
            edges = [e for e in edges if e["node"]["__typename"] != "Household"]
        return {
            "totalCount": len(edges),
            "pageInfo": {
                "hasNextPage": False,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
            "edges": edges,
        }


def swapped(answer: dict[str, Any], hidden: str) -> str:
    """An answer with a hidden id written as the unknown one, to compare the two."""
    return repr(answer).replace(hidden, UNKNOWN)


Clients = Callable[[Principal], Awaitable[GraphQLClient]]


@pytest.fixture
async def client_for(store: GraphStore) -> AsyncIterator[Clients]:
    """Clients of any principal over one app on the parametrised store."""
    app = create_app(store, TEST_POLICY, SECRET)
    opened: list[httpx.AsyncClient] = []

    async def make(principal: Principal) -> GraphQLClient:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",
            headers=bearer(principal),
        )
        opened.append(http)
        return GraphQLClient(http)

    yield make
    for http in opened:
        await http.aclose()


def every_fixture_id(city: City) -> list[str]:
    return city.node_ids()


SNAPSHOT = (
    "query($ids: [ID!]!) { nodes(ids: $ids) { ...All } "
    f"coverageSummary {{ {COUNTS} rows {{ node {{ id }} {COUNTS} }} }} "
    "serviceRequests(first: 500) { totalCount edges { node { id kind text state householdId "
    "assigneeId cadreId } } } }" + FRAGMENTS
)


async def snapshot(admin: GraphQLClient, ids: list[str]) -> dict[str, Any]:
    """Every field of these nodes and their neighbours (covers, parents, children,
    registrations, points), the city's figures and its service requests: what a write may
    change."""
    return await admin.ok(SNAPSHOT, {"ids": ids})


async def audit_count(admin: GraphQLClient) -> int:
    count: int = (await admin.ok("{ auditLog { totalCount } }"))["auditLog"]["totalCount"]
    return count


async def newest_audit(admin: GraphQLClient) -> dict[str, Any]:
    entry: dict[str, Any] = (
        await admin.ok(
            "{ auditLog(first: 1) { nodes { subject role action targetIds arguments before "
            "after } } }"
        )
    )["auditLog"]["nodes"][0]
    return entry
