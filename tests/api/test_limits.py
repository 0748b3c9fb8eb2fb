"""Each abuse limit on its own: a document just over it is refused with that limit's code and
message, the same document one step smaller is answered, and the over document is answered
once that one limit is lifted, so nothing but the limit under test refuses it. Both stores.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from contract.city import City
from graphql.language import Lexer, Source, TokenKind

from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient
from .conftest import ADMIN, SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.api

DEFAULTS = Limits()


def deep(parents: int) -> str:
    """`node` and `parents` levels of `parent` below it: depth parents + 1."""
    return (
        '{ node(id: "h01") { ... on OrgNode { '
        + "parent { " * parents
        + "id"
        + " }" * parents
        + " } } }"
    )


def aliased(count: int) -> str:
    """`count` aliases of one cheap field, each its own response name."""
    return "{ " + " ".join(f"a{i}: version" for i in range(count)) + " }"


def tokens(count: int) -> str:
    """A document of exactly `count` lexical tokens: 12 of structure, the rest enum values in
    one list argument (no alias, no repeated field, cost 2, depth 1)."""
    values = " UNCOVERED_HOUSEHOLD" * (count - 12)
    return f"{{ coverageGaps(kinds: [{values} ]) {{ totalCount }} }}"


def costing(extra: int) -> str:
    """Cost 100,000 + `extra` - 1 by the rule (a field costs 1 plus its page size times its
    subtree): version 1 + streets (1 + children 361 x (edges 1 + node 1 + children
    (1 + 274 x totalCount 1))) = 1 + 2 + 361 x 277 = 100,000; `store` adds one."""
    more = " store" if extra else ""
    return (
        f"{{ version{more} streets {{ children(first: 361) {{ edges {{ node {{ ... on OrgUnit {{ "
        "children(first: 274) { totalCount } } } } } } }"
    )


LIMITS = {
    # limit: (field of Limits, document at the limit, document just over, code, message)
    "depth": (
        "max_depth",
        deep(DEFAULTS.max_depth - 1),
        deep(DEFAULTS.max_depth),
        "GRAPHQL_VALIDATION_FAILED",
        f"'anonymous' exceeds maximum operation depth of {DEFAULTS.max_depth}",
    ),
    "aliases": (
        "max_aliases",
        aliased(DEFAULTS.max_aliases),
        aliased(DEFAULTS.max_aliases + 1),
        "GRAPHQL_VALIDATION_FAILED",
        f"{DEFAULTS.max_aliases + 1} aliases found. Allowed: {DEFAULTS.max_aliases}",
    ),
    "tokens": (
        "max_tokens",
        tokens(DEFAULTS.max_tokens),
        tokens(DEFAULTS.max_tokens + 1),
        "GRAPHQL_PARSE_FAILED",
        f"Syntax Error: Document contains more than {DEFAULTS.max_tokens} tokens. Parsing aborted.",
    ),
    "cost": (
        "max_cost",
        costing(0),
        costing(1),
        "QUERY_TOO_COSTLY",
        f"query cost {DEFAULTS.max_cost + 1} exceeds the limit of {DEFAULTS.max_cost}; "
        "ask for smaller pages or fewer nested lists",
    ),
}

Client = Callable[[Limits], Awaitable[GraphQLClient]]


@pytest.fixture
async def client_with(store: GraphStore) -> AsyncIterator[Client]:
    """An admin's client over an app with the given limits."""
    opened: list[httpx.AsyncClient] = []

    async def make(limits: Limits) -> GraphQLClient:
        app = create_app(store, TEST_POLICY, SECRET, AppOptions(limits=limits))
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
        )
        opened.append(http)
        return GraphQLClient(http)

    yield make
    for http in opened:
        await http.aclose()


@pytest.mark.parametrize("limit", sorted(LIMITS))
async def test_just_over_a_limit_is_refused_and_just_under_answered(
    client_with: Client, city: City, limit: str
) -> None:
    field, under, over, code, message = LIMITS[limit]
    api = await client_with(DEFAULTS)
    refused = await api.post(over)
    assert refused.get("data") is None
    assert [(e["message"], e["extensions"]["code"]) for e in refused["errors"]] == [(message, code)]
    answered = await api.ok(under)
    assert answered and all(value is not None for value in answered.values())

    lifted = await client_with(dataclasses.replace(DEFAULTS, **{field: 10**9}))
    assert await lifted.ok(over), f"{limit}: the over document hits another limit too"


def test_the_documents_are_as_big_as_they_say() -> None:
    """The token document's size is counted by the lexer itself, not taken on trust."""

    def count(document: str) -> int:
        lexer, found = Lexer(Source(document)), 0
        while lexer.advance().kind is not TokenKind.EOF:
            found += 1
        return found

    assert count(tokens(DEFAULTS.max_tokens)) == DEFAULTS.max_tokens
    assert count(tokens(DEFAULTS.max_tokens + 1)) == DEFAULTS.max_tokens + 1
