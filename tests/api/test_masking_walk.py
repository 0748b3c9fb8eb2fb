"""A dashboard walks every path of the API (and the reports run through its token) and never
meets a resident's name, address or phone number, nor a cadre's phone number; a search by a
resident's name answers it exactly as a search by a name nobody has. Both stores.

"Every path" is checked against the served schema: every field of every type a query can
reach must be asked somewhere in the walk, so a new field is walked or the test fails.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from contract.city import City
from openpyxl import load_workbook

from orggraph.access import ScopedStore
from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.api.sdl import current_sdl
from orggraph.auth.tokens import Principal, Role
from orggraph.domain.levels import Level
from orggraph.reports.gap_data import collect_gap_report
from orggraph.reports.labels import LANGS
from orggraph.reports.output import FORMATS, write_gap_report, write_points_report
from orggraph.reports.points_data import collect_points_report
from orggraph.store.protocols import GraphStore

from .access import FRAGMENTS, GAP_FIELDS, NOBODY, UNKNOWN, Clients, Sight, client_for
from .client import GraphQLClient
from .conftest import SECRET, TEST_POLICY, bearer
from .every_field import root_documents

__all__ = ["client_for"]

pytestmark = pytest.mark.api

DASHBOARDS = {
    "community": Principal("screen.c1", Role.DASHBOARD, "c1"),
    "street": Principal("screen.s1", Role.DASHBOARD, "s1"),
}

NODE = (
    "query($id: ID!) { node(id: $id) { ...All } nodes(ids: [$id, $id]) { ...All } "
    "member(id: $id) { ...All } household(id: $id) { ...All } }" + FRAGMENTS
)
SEARCH = (
    "query($text: String!, $level: Level, $after: String) { "
    "search(text: $text, level: $level, first: 2, after: $after) { totalCount "
    "pageInfo { hasNextPage endCursor } edges { cursor node { ...All } } } }" + FRAGMENTS
)
SUMMARY = (
    "query($id: ID) { coverageSummary(scope: $id) { scope { ...All } counts { households } "
    "rows { node { ...All } counts { coveredHouseholds } } } }" + FRAGMENTS
)
GAPS = (
    "query($id: ID, $kinds: [CoverageGapKind!], $year: Int, $after: String) { "
    "coverageGaps(scope: $id, kinds: $kinds, year: $year, first: 2, after: $after) { "
    f"totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {GAP_FIELDS} "
    "... on UncoveredHouseholdGap { household { ...All } } "
    "... on CadreOutsideBandGap { member { ...All } } } } } "
    "gapCounts(scope: $id, year: $year) { kind count } }" + FRAGMENTS
)
ROOTS = (
    "{ version store streets { ...All } "
    "auditLog(first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { id at subject "
    "role action targetIds arguments before after } } }" + FRAGMENTS
)
CADRES = (
    "query($id: ID, $after: String) { "
    "cadres(scope: $id, year: 2024, first: 2, after: $after) { totalCount "
    "pageInfo { hasNextPage endCursor } edges { cursor node { member { ...All } registeredHere "
    "coveringHere householdsHere householdsTotal year points meetsMinimum band "
    "coversIn { ...All } } } } "
    "workUnits(first: 500) { totalCount pageInfo { hasNextPage endCursor } edges { cursor "
    "node { ...All roster: cadres(year: 2024, first: 500) { totalCount pageInfo { hasNextPage "
    "endCursor } edges { cursor node { member { ...All } coversIn { ...All } } } } "
    "figures(year: 2024) { cadres coveringCadres householdsCovered cadresMeetingMinimum } } } } }"
    + FRAGMENTS
)
HISTORY = (
    "query($id: ID!) { household(id: $id) { cadreHistory { ...Cover } } "
    "member(id: $id) { householdHistory { ...Cover } } "
    "node(id: $id) { ... on OrgUnit { roster: cadres(year: 2024, first: 500) { totalCount "
    "edges { node { member { ...All } } } } } } } "
    "fragment Cover on CoverRecord { memberId householdId mode since ended endReason "
    "member { ...All } household { ...All } transferredTo { ...All } }" + FRAGMENTS
)
WALKED = [NODE, SEARCH, SUMMARY, GAPS, ROOTS, CADRES, HISTORY]


def test_the_walk_asks_every_field_a_query_can_reach() -> None:
    served = graphql.build_schema(current_sdl())
    assert served.query_type is not None
    asked: set[tuple[str, str]] = set()
    for document in [*WALKED, *root_documents(served, "h01").values()]:
        asked |= _fields_asked(served, document)
    reachable = set(_reachable_fields(served, served.query_type))
    assert reachable - asked == set()


def _fields_asked(served: graphql.GraphQLSchema, document: str) -> set[tuple[str, str]]:
    parsed = graphql.parse(document)
    assert not graphql.validate(served, parsed), graphql.validate(served, parsed)
    info = graphql.TypeInfo(served)
    asked: set[tuple[str, str]] = set()

    class Collect(graphql.Visitor):
        def enter_field(self, node: graphql.FieldNode, *_: Any) -> None:
            parent = info.get_parent_type()
            if parent is not None and not node.name.value.startswith("__"):
                asked.add((parent.name, node.name.value))

    graphql.visit(parsed, graphql.TypeInfoVisitor(info, Collect()))
    return _with_implementations(served, asked)


def _with_implementations(
    served: graphql.GraphQLSchema, asked: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """A field asked on an interface is asked on each type that implements it."""
    found = set(asked)
    for type_name, field_name in asked:
        named = served.get_type(type_name)
        if isinstance(named, graphql.GraphQLInterfaceType):
            for impl in served.get_possible_types(named):
                found.add((impl.name, field_name))
    return found


def _reachable_fields(
    served: graphql.GraphQLSchema, root: graphql.GraphQLObjectType
) -> Iterator[tuple[str, str]]:
    """(type, field) of every object type a query can reach (interfaces via their types)."""
    seen: set[str] = set()
    pending: list[graphql.GraphQLNamedType] = [root]
    while pending:
        named = pending.pop()
        if named.name in seen:
            continue
        seen.add(named.name)
        if isinstance(named, graphql.GraphQLInterfaceType):
            pending.extend(served.get_possible_types(named))
            continue
        if not isinstance(named, graphql.GraphQLObjectType):
            continue
        for field_name, field in named.fields.items():
            yield named.name, field_name
            pending.append(graphql.get_named_type(field.type))


def _secrets(city: City) -> set[str]:
    """Every resident's name, address and phone, and every cadre's phone."""
    found = {h.name for h in city.households.values()}
    found |= {h.address for h in city.households.values()}
    found |= {h.phone for h in city.households.values()}
    found |= {m.phone for m in city.members.values()}
    shown = [u.name for u in city.units.values()] + [m.name for m in city.members.values()]
    assert not [s for s in found if any(s in name for name in shown)], "a secret is also shown"
    return found


class Walk:
    """One dashboard's answers, each checked for secrets as it comes."""

    def __init__(self, client: GraphQLClient, secrets: set[str]) -> None:
        self.client = client
        self.secrets = secrets
        self.answers = 0
        self.with_data = 0

    async def ask(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = await self.client.post(query, variables)
        self.check(json.dumps(answer, ensure_ascii=False), f"{variables}")
        self.answers += 1
        self.with_data += bool(answer.get("data"))
        return answer

    def check(self, text: str, where: str) -> None:
        leaked = sorted(secret for secret in self.secrets if secret in text)
        assert not leaked, f"{where} shows {leaked}"

    async def pages(self, query: str, variables: dict[str, Any], field: str) -> list[Any]:
        """Every page of a paged field, by edge cursor: the answers, first to last."""
        answers = []
        after = None
        while True:
            answer = await self.ask(query, {**variables, "after": after})
            answers.append(answer)
            page = (answer.get("data") or {}).get(field)
            if not page or not page["pageInfo"]["hasNextPage"]:
                return answers
            assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
            after = page["edges"][-1]["cursor"]


@pytest.mark.parametrize("dashboard", sorted(DASHBOARDS))
async def test_a_dashboard_never_sees_personal_data(
    client_for: Clients, store: GraphStore, city: City, dashboard: str
) -> None:
    """The hand-made documents (scopes, kinds, years, paging by cursor), then every root
    field asked in full (`every_field`) about every fixture id."""
    principal = DASHBOARDS[dashboard]
    walk = Walk(await client_for(principal), _secrets(city))
    ids = [*city.node_ids(), UNKNOWN]
    await walk.ask(ROOTS, {})
    served = graphql.build_schema(current_sdl())
    async with _unlimited(store, principal) as http:
        whole = Walk(GraphQLClient(http), walk.secrets)
        # A root field without an id argument makes the same document for every id: each
        # distinct document once (350 of 1,008), nothing changes the data in between.
        documents = (d for node_id in ids for d in root_documents(served, node_id).values())
        for document in dict.fromkeys(documents):
            await whole.ask(document, {})
    assert whole.with_data > whole.answers // 2
    organiser = await client_for(Principal("organiser", Role.STREET, principal.scope_id))
    await organiser.ok(  # ended covers to walk, inside the dashboard's scope
        'mutation { transferHousehold(householdId: "h01", fromMemberId: "m2", '
        'toMemberId: "m7", since: "2025-01-01") { since } }'
    )
    await organiser.ok(
        'mutation { unassignHousehold(memberId: "m1", householdId: "h02", ended: "2025-02-01") }'
    )
    for node_id in ids:
        await walk.ask(NODE, {"id": node_id})
        await walk.ask(HISTORY, {"id": node_id})
    for scope in [None, *city.units, *city.households, UNKNOWN]:
        await walk.pages(CADRES, {"id": scope}, "cadres")
    for scope in [None, *city.units, *city.households, UNKNOWN]:
        await walk.ask(SUMMARY, {"id": scope})
    for scope in [None, *city.units]:
        for kinds in (None, ["UNCOVERED_HOUSEHOLD"]):
            await walk.pages(GAPS, {"id": scope, "kinds": kinds, "year": 2024}, "coverageGaps")
    names = [city.node(i).name for i in city.node_ids()]
    texts = [*names, *{name[0] for name in names}, NOBODY]
    for text in texts:
        for level in [None, *(level.name for level in Level)]:
            await walk.pages(SEARCH, {"text": text, "level": level}, "search")
    assert walk.with_data > walk.answers // 2, "most answers must hold data, or nothing walked"


def _unlimited(store: GraphStore, principal: Principal) -> httpx.AsyncClient:
    """A client of an app whose abuse limits are lifted: the full documents are big."""
    lifted = Limits(max_depth=1000, max_aliases=10**6, max_tokens=10**7, max_cost=10**12)
    lifted = dataclasses.replace(lifted, max_repeats=10**6)
    app = create_app(store, TEST_POLICY, SECRET, AppOptions(limits=lifted))
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(principal)
    )


@pytest.mark.parametrize("dashboard", sorted(DASHBOARDS))
async def test_a_search_by_a_residents_name_answers_as_a_name_nobody_has(
    client_for: Clients, city: City, dashboard: str
) -> None:
    principal = DASHBOARDS[dashboard]
    client = await client_for(principal)
    sight = Sight(city, principal)
    inside = [h for h in city.households.values() if sight.sees(h.id)]
    assert len(inside) >= 9
    for household in city.households.values():
        for level in [None, "HOUSEHOLD"]:
            for first in (1, 10):
                variables = {"text": household.name, "level": level, "after": None}
                nobody = {**variables, "text": NOBODY}
                query = SEARCH.replace("first: 2", f"first: {first}")
                found = await client.post(query, variables)
                assert found == await client.post(query, nobody), household.id
                assert found["data"]["search"]["totalCount"] == 0
    organiser = await client_for(Principal("organiser", Role.STREET, principal.scope_id))
    seen = await organiser.ok(SEARCH, {"text": inside[0].name, "level": "HOUSEHOLD"})
    assert [e["node"]["id"] for e in seen["search"]["edges"]] == [inside[0].id]


@pytest.mark.parametrize("dashboard", sorted(DASHBOARDS))
async def test_reports_through_a_dashboards_token_show_no_personal_data(
    store: GraphStore, city: City, tmp_path: Path, dashboard: str
) -> None:
    """Reports read through the same scoped view the API does (`orggraph report --token`)."""
    principal = DASHBOARDS[dashboard]
    view = ScopedStore(store, principal)
    secrets = _secrets(city)
    checked = 0
    for scope in [None, principal.scope_id]:
        gaps = await collect_gap_report(view, scope, TEST_POLICY, 2024, lambda _: None)
        assert gaps.gap_counts[next(iter(gaps.gap_counts))] is not None
        points = await collect_points_report(view, scope, 2024, None, TEST_POLICY, lambda _: None)
        for fmt in FORMATS:
            for lang in LANGS:
                for kind, report in (("gaps", gaps), ("points", points)):
                    out = tmp_path / f"{kind}-{scope}-{lang}.{fmt}"
                    if kind == "gaps":
                        write_gap_report(report, fmt, lang, out)  # type: ignore[arg-type]
                    else:
                        write_points_report(report, fmt, lang, out)  # type: ignore[arg-type]
                    text = _text_of(out)
                    leaked = sorted(s for s in secrets if s in text)
                    assert not leaked, f"{out.name} shows {leaked}"
                    checked += 1
    masked_name = "***"
    html = _text_of(tmp_path / f"gaps-{principal.scope_id}-en.html")
    assert masked_name in html, "the uncovered households are listed, masked"
    assert checked == 2 * len(FORMATS) * len(LANGS) * 2


def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join(cells)
    return path.read_text(encoding="utf-8")
