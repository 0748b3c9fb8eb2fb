"""Abuse resistance: deep, wide and circular queries are refused before any work is done,
and text never reaches Cypher as text (injection strings are stored and read back verbatim)."""

from __future__ import annotations

import httpx
import pytest
from contract.city import City

from orggraph.api.app import create_app
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import ADMIN, SECRET, TEST_POLICY, bearer
from .stores import CountingStore

pytestmark = pytest.mark.api


def _deep_query(depth: int) -> str:
    """`depth` levels of parent { ... } nesting."""
    return (
        '{ node(id: "h01") { ... on OrgNode { '
        + "parent { " * depth
        + "id"
        + " }" * depth
        + " } } }"
    )


ALIAS_BOMB = "{ " + " ".join(f'a{i}: node(id: "h01") {{ id }}' for i in range(1000)) + " }"
CIRCULAR = """
query { node(id: "h01") { ...A } }
fragment A on OrgNode { parent { ...B } }
fragment B on OrgNode { parent { ...A } }
"""
COSTLY = (
    "{ streets { children(first: 500) { edges { node { ... on OrgUnit { "
    "children(first: 500) { edges { node { ... on OrgUnit { "
    "children(first: 500) { edges { node { id } } } } } } } } } } } } }"
)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        (_deep_query(50), "depth"),
        (ALIAS_BOMB, "more than 2000 tokens"),
        (CIRCULAR, "within itself"),
        (COSTLY, "cost"),
    ],
    ids=["50-deep", "alias-bomb", "circular-fragments", "costly"],
)
async def test_abusive_queries_are_refused_before_any_work(
    store: GraphStore, city: City, query: str, fragment: str
) -> None:
    """Refused by the limits before execution: not one store call. How fast a refusal is (the
    issue asks under 100 ms) is measured by `bench/refusal.py`, not asserted here; each limit
    alone, just over and just under, is test_limits.py (the alias bomb meets the token limit
    first)."""
    counting = CountingStore(store)
    app = create_app(counting, TEST_POLICY, SECRET)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        body = await GraphQLClient(http).post(query)
    assert body.get("data") is None, "an abusive query must not execute"
    messages = " ".join(error["message"].lower() for error in body["errors"])
    assert fragment in messages
    assert counting.calls == 0


INJECTIONS = [
    "x' }) MATCH (n) DETACH DELETE n //",
    '" OR 1=1 --',
    "$id} RETURN 1 UNION MATCH (n) RETURN n //",
    "园林\u0000\u202eevil",
    "{{7*7}} ${jndi:ldap://127.0.0.1/a}",
]


@pytest.mark.parametrize("text", INJECTIONS)
async def test_injection_strings_are_plain_text(api: GraphQLClient, city: City, text: str) -> None:
    before = await api.ok("{ coverageSummary { counts { households cadres assignments } } }")
    renamed = await api.ok(
        'mutation($n: String!) { renameUnit(id: "b2", name: $n) { ... on OrgNode { name } } }',
        {"n": text},
    )
    assert renamed["renameUnit"]["name"] == text.strip()
    found = await api.ok(
        "query($t: String!) { search(text: $t) { edges { node { id } } } }", {"t": text}
    )
    assert {"node": {"id": "b2"}} in found["search"]["edges"]
    for query, variables in [
        ("query($i: ID!) { node(id: $i) { id } }", {"i": text}),
        ("query($i: ID!) { coverageSummary(scope: $i) { counts { households } } }", {"i": text}),
        (
            "mutation($i: ID!, $n: String!) { upsertWorkUnit(id: $i, name: $n) { id } }",
            {"i": text, "n": text},
        ),
    ]:
        body = await api.post(query, variables)
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        assert "INTERNAL" not in codes
    after = await api.ok("{ coverageSummary { counts { households cadres assignments } } }")
    assert after == before
