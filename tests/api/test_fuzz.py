"""Property-based fuzzing that reaches the data, on both stores and for every role.

hypothesis-graphql builds documents from the served SDL; ids are drawn from the fixture city
(and an unknown one), texts from its names, integers from years and page sizes around the
limits, so most reads find something. A fresh seed every run (no derandomize, no example
database): a failure prints its document and the seed to reproduce it.

- Reads: never a 500 or an `INTERNAL` error; a scoped caller's answer is a subset of what
  the admin may know (every id in it lies inside the caller's scope, every field of a node is
  the admin's value of that field, or the mask for a dashboard's personal fields); and a
  required share of the answers carry fixture data, so a server refusing everything fails.
- Writes: never a 500 or `INTERNAL`; exactly one audit entry per mutation field that ran to
  its end, none for one that failed; a required share succeed.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from contract.city import build_small_city, small_city
from graphql import IntValueNode, StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from orggraph.api.app import create_app
from orggraph.api.sdl import current_sdl
from orggraph.store.protocols import GraphStore

from .access import FRAGMENTS, MASK, ROLES, UNKNOWN, Sight
from .conftest import SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.api

CITY = small_city()
EXAMPLES = int(os.environ.get("ORGGRAPH_FUZZ_EXAMPLES", "60"))
"""Read examples per role (a third more for writes); under a minute a store on 2 cores."""
READS_ON_NEO4J = EXAMPLES * 2 // 3

_NAMES = [CITY.node(i).name for i in CITY.node_ids()]
TEXTS = st.one_of(
    st.sampled_from([*_NAMES, *{name[:1] for name in _NAMES}, "alpha", "园林"]),
    st.text(max_size=6),
).map(lambda value: StringValueNode(value=value))
INTS = st.sampled_from([-1, 0, 1, 2, 3, 10, 50, 500, 501, 2023, 2024, 2025]).map(
    lambda value: IntValueNode(value=str(value))
)
_DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))
_ODD = st.text(max_size=12)
DATES = st.one_of(_DAYS.map(date.isoformat), _DAYS.map(date.isoformat), _ODD).map(
    lambda text: StringValueNode(value=text)
)
TIMES = st.one_of(_DAYS.map(lambda day: f"{day.isoformat()}T08:00:00Z"), _ODD).map(
    lambda text: StringValueNode(value=text)
)
NEW_IDS = ["n1", "n2"]
"""Ids no node has yet, so creates and upserts can go through."""
SDL = current_sdl()
_SERVED = graphql.build_schema(SDL)
assert _SERVED.query_type is not None and _SERVED.mutation_type is not None
_MUTATION = _SERVED.mutation_type
READ_FIELDS = [n for n in _SERVED.query_type.fields if n not in ("version", "store", "auditLog")]
"""Every query field that reads the city (the constant ones and the audit log are left to the
matrix), so the share of answers with data measures the store, not the draw."""


FIXTURE_NODES = set(CITY.node_ids())
EVERY_ID = [*CITY.node_ids(), *CITY.points, *NEW_IDS, UNKNOWN]
_UNITS, _HOMES, _CADRES = list(CITY.units), list(CITY.households), list(CITY.members)
WRITE_POOLS = {
    "createUnit": [*_UNITS, *NEW_IDS],
    "renameUnit": _UNITS,
    "moveUnit": _UNITS,
    "deleteUnit": [*_UNITS, *_HOMES],
    "upsertHousehold": [*_HOMES, *_UNITS, *NEW_IDS],
    "upsertMember": [*_CADRES, *_UNITS, *CITY.work_units, *NEW_IDS],
    "upsertWorkUnit": [*CITY.work_units, *NEW_IDS],
    "assignHousehold": [*_CADRES, *_HOMES],
    "unassignHousehold": [*_CADRES, *_HOMES],
    "transferHousehold": [*_CADRES, *_HOMES],
    "recordPoints": [*CITY.points, *_CADRES, *NEW_IDS],
}
"""The ids a mutation's arguments are drawn from (the kinds it takes); any other mutation
draws from every id."""


def scalars_for(role: str, pool: list[str] = EVERY_ID) -> dict[str, Any]:
    """Value strategies: ids three times in four from the part of `pool` inside the role's
    scope, else from all of it (new and unknown ids among them); names, dates, years and page
    sizes around the limits."""
    sight = Sight(CITY, ROLES[role])
    inside = [i for i in pool if i in FIXTURE_NODES and sight.sees(i)]
    ids = _mostly(st.sampled_from(inside or pool), st.sampled_from([*pool, UNKNOWN]))
    return {
        "ID": ids.map(lambda value: StringValueNode(value=value)),
        "String": TEXTS,
        "Int": INTS,
        "Date": DATES,
        "DateTime": TIMES,
    }


def _mostly(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` three draws in four, else `other`."""
    return st.sampled_from([usual, usual, usual, other]).flatmap(lambda chosen: chosen)


def reads_for(role: str) -> st.SearchStrategy[str]:
    return queries(SDL, fields=READ_FIELDS, custom_scalars=scalars_for(role))


def writes_for(role: str) -> st.SearchStrategy[str]:
    """One mutation field at a time: three times in four one of the city's own writes (whose
    ids the fixture holds), else any mutation of the schema (most of the service loop's and
    the supply's refuse ids the fixture has no request or offer for: with half and half, a
    street organiser's 80 writes had 1-8 go through, and a run with none failed CI)."""

    def field(name: str) -> st.SearchStrategy[str]:
        pool = WRITE_POOLS.get(name, EVERY_ID)
        return mutations(SDL, fields=[name], custom_scalars=scalars_for(role, pool))

    city_writes = [name for name in _MUTATION.fields if name in WRITE_POOLS]
    return _mostly(st.one_of(*map(field, city_writes)), st.one_of(*map(field, _MUTATION.fields)))


WRITE_FUZZ = settings(
    max_examples=EXAMPLES + EXAMPLES // 3,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
"""More examples for writes: few generated writes match the fixture well enough to go
through, and at least one must."""
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

STORES = [
    pytest.param("memory", id="memory"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


@dataclass
class Tally:
    """How many answers came back, and how many carried fixture data."""

    answers: dict[str, int] = field(default_factory=dict)
    with_data: dict[str, int] = field(default_factory=dict)

    def count(self, role: str, found: bool) -> None:
        self.answers[role] = self.answers.get(role, 0) + 1
        self.with_data[role] = self.with_data.get(role, 0) + found

    def share(self, role: str) -> float:
        return self.with_data.get(role, 0) / max(1, self.answers.get(role, 0))


class Harness:
    """The app over a store holding the fixture city, driven from one event loop."""

    def __init__(self, store: GraphStore, loop: asyncio.AbstractEventLoop) -> None:
        self.store = store
        self.loop = loop
        app = create_app(store, TEST_POLICY, SECRET)
        self.clients = {
            role: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://test",
                headers=bearer(principal),
            )
            for role, principal in ROLES.items()
        }
        self.known: dict[str, dict[str, Any]] = {}

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    async def reset(self) -> None:
        """The fixture city afresh, and every field the admin knows of each node."""
        await self.store.clear()
        await build_small_city(self.store)
        answer = await self.post("admin", SNAPSHOT, {"ids": CITY.node_ids()})
        self.known = {}
        for node in _objects(answer["data"]):
            self.known.setdefault(node["id"], {}).update(_scalars(node))

    async def post(
        self, role: str, document: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        response = await self.clients[role].post(
            "/graphql", json={"query": document, "variables": variables}
        )
        assert response.status_code in (200, 400), (role, document, response.text)
        body: dict[str, Any] = response.json()
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
        assert "INTERNAL" not in codes, (role, document, body)
        return body

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        await self.store.close()


SNAPSHOT = "query($ids: [ID!]!) { nodes(ids: $ids) { ...All } }" + FRAGMENTS


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in an answer that names a node by `id`."""
    if isinstance(value, list):
        for item in value:
            yield from _objects(item)
    elif isinstance(value, dict):
        if isinstance(value.get("id"), str):
            yield value
        for item in value.values():
            yield from _objects(item)


def _scalars(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if isinstance(v, str | int | float | bool)}


def _ids(value: Any) -> set[str]:
    found = {node["id"] for node in _objects(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "subjectId":
                found.add(item)
            else:
                found |= _ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= _ids(item)
    return found


MASKED_FIELDS = {"Household": ("name", "address", "phone"), "Member": ("phone",)}


def check_subset(harness: Harness, sight: Sight, answer: dict[str, Any]) -> None:
    """Every id in the scoped answer lies inside, and each node field is the admin's value
    (or the mask, and never the value, for a dashboard's personal fields)."""
    data = answer.get("data")
    if not data:
        return
    outside = {i for i in _ids(data) if i in harness.known and not sight.sees(i)}
    assert not outside, f"ids outside the scope: {sorted(outside)}"
    for node in _objects(data):
        known = harness.known.get(node["id"])
        if known is None:
            continue  # an id the fixture does not hold (an echo of a cursor or an audit id)
        kind = "Household" if node["id"] in CITY.households else "Member"
        masked = MASKED_FIELDS.get(kind, ()) if sight.masked else ()
        if node["id"] not in CITY.households and node["id"] not in CITY.members:
            masked = ()
        for key, value in _scalars(node).items():
            if key not in known:
                continue  # an alias or a field the snapshot does not ask
            wanted = MASK if key in masked else known[key]
            assert value == wanted, (node["id"], key, value, wanted)


IDLE_FIELDS = {"version", "store", "__typename"}
"""Root fields that answer the same whatever the data."""

UNHELD_FIELDS = {
    "serviceRequests",
    "serviceRequest",
    "cadreRequests",
    "workUnitRequests",
    "serviceOffers",
    "serviceOffer",
    "serviceList",
}
"""Root fields reading what the fixture holds none of (service requests, offers): still
drawn and checked for the scope, but a document asking only these is not counted in the
share with data, which would otherwise fall with every such field the schema gains."""
assert set(_SERVED.query_type.fields) >= UNHELD_FIELDS, UNHELD_FIELDS - set(
    _SERVED.query_type.fields
)


def _asks_fixture(document: str) -> bool:
    """Whether the document asks a root field whose answer the fixture can fill."""
    (operation,) = graphql.parse(document).definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    return any(
        isinstance(selection, graphql.FieldNode)
        and selection.name.value not in UNHELD_FIELDS | IDLE_FIELDS
        for selection in operation.selection_set.selections
    )


def _reaches_data(answer: dict[str, Any]) -> bool:
    """Whether the answer carries something read from the city under a root field."""
    data = answer.get("data") or {}
    return any(_filled(value) for key, value in data.items() if key not in IDLE_FIELDS)


def _filled(value: Any) -> bool:
    """An object found (even if the selection asked none of its type's fields), a list with
    one, or a value; null and empty lists are nothing."""
    if isinstance(value, list):
        return any(_filled(item) for item in value)
    return value is not None


def _open(kind: str, data_dir: Path) -> Any:
    async def opening() -> GraphStore:
        if kind == "memory":
            from orggraph.store.memory import MemoryStore

            return await MemoryStore.open(data_dir)
        from orggraph.store.neo4j import Neo4jStore
        from orggraph.store.neo4j.migrations import apply_migrations

        database = os.environ.get("NEO4J_DATABASE", "neo4j")
        store = await Neo4jStore.connect(
            os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687"),
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", "orggraph-test"),
            database=database,
        )
        await apply_migrations(getattr(store, "driver", None) or store._driver, database)
        return store

    return opening()


@pytest.fixture(params=STORES)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    """Its own event loop: hypothesis drives each example from a plain function."""
    loop = asyncio.new_event_loop()
    store = loop.run_until_complete(_open(request.param, tmp_path / "data"))
    built = Harness(store, loop)
    try:
        built.run(built.reset())
        yield built
    finally:
        loop.run_until_complete(built.close())
        loop.close()


REQUIRED_SHARE = 0.3
"""Of each role's reads, at least this share must carry fixture data; of its writes, at
least this share must reach a resolver (not be refused as invalid before running)."""


@pytest.mark.parametrize("role", sorted(ROLES))
def test_generated_reads_stay_inside_the_scope_and_reach_the_data(
    harness: Harness, role: str
) -> None:
    tally = Tally()
    sight = Sight(CITY, ROLES[role])

    @settings(FUZZ, max_examples=EXAMPLES if harness.store.name == "memory" else READS_ON_NEO4J)
    @given(document=reads_for(role))
    def read(document: str) -> None:
        answer = harness.run(harness.post(role, document))
        if role != "admin":
            check_subset(harness, sight, answer)
        if _asks_fixture(document):
            tally.count(role, _reaches_data(answer))

    read()
    share = tally.share(role)
    print(f"answers with data as {role}: {share:.2f} of {tally.answers}")
    assert share >= REQUIRED_SHARE, share


def writes_done(document: str, answer: dict[str, Any]) -> int:
    """How many of the document's mutation fields ran to their end (so wrote). Fields run in
    order; one whose own resolver failed wrote nothing, and when its type is non-null the
    failure nulls the whole answer and the fields after it never run. A field that failed
    only below its root (in the selection of what it returns) did write."""
    errors = answer.get("errors") or []
    if any("path" not in error for error in errors):
        return 0  # refused before execution
    operation = next(
        d
        for d in graphql.parse(document).definitions
        if isinstance(d, graphql.OperationDefinitionNode)
    )
    done = 0
    for selection in operation.selection_set.selections:
        assert isinstance(selection, graphql.FieldNode)
        name = (selection.alias or selection.name).value
        own = [e for e in errors if e["path"][0] == name]
        non_null = graphql.is_non_null_type(_MUTATION.fields[selection.name.value].type)
        if any(len(e["path"]) == 1 for e in own):
            if non_null:
                return done
            continue
        done += 1
        if own and answer.get("data") is None:
            return done  # an error below nulled the whole answer: nothing after it ran
    return done


@pytest.mark.parametrize("role", sorted(ROLES))
def test_generated_writes_are_audited_once_each_and_never_break(
    harness: Harness, role: str
) -> None:
    tally, reached = Tally(), Tally()
    audits = {"count": harness.run(_audits(harness))}

    @WRITE_FUZZ
    @given(document=writes_for(role))
    def write(document: str) -> None:
        answer = harness.run(harness.post(role, document))
        after = harness.run(_audits(harness))
        done = writes_done(document, answer)
        assert after - audits["count"] == done, json.dumps(answer, ensure_ascii=False)
        audits["count"] = after
        tally.count(role, done > 0)
        reached.count(role, not any("path" not in e for e in answer.get("errors") or []))
        if done:
            harness.run(harness.reset())  # every example starts from the fixture city
            audits["count"] = harness.run(_audits(harness))

    write()
    went = tally.with_data.get(role, 0)
    print(
        f"writes as {role}: {went} of {tally.answers[role]} went through, "
        f"{reached.share(role):.2f} reached a resolver"
    )
    assert reached.share(role) >= REQUIRED_SHARE, reached.share(role)
    if ROLES[role].role.can_write:
        assert went >= 1, "no generated write went through"
    elif not ROLES[role].role.sees_personal_data:
        assert went == 0, "a dashboard's write went through"
    # a cadre's writes may go through: it records and withdraws its own offers


async def _audits(harness: Harness) -> int:
    answer = await harness.post("admin", "{ auditLog { totalCount } }")
    count: int = answer["data"]["auditLog"]["totalCount"]
    return count
