"""A page size below 1 is refused as INVALID_VALUE on every paged field (it used to give one
item quietly)."""

from __future__ import annotations

import pytest

from .client import GraphQLClient

pytestmark = pytest.mark.api

PAGED = [
    'search(text: "s", first: $first) { totalCount }',
    "coverageGaps(first: $first) { totalCount }",
    'node(id: "s1") { ... on StreetCommittee { children(first: $first) { totalCount } } }',
    "streets { children(first: 2) { edges { node { ... on CommunityCommittee {"
    " children(first: $first) { totalCount } } } } } }",
]


@pytest.mark.parametrize("first", [0, -1])
@pytest.mark.parametrize("field", PAGED)
async def test_a_page_size_below_one_is_refused(
    api: GraphQLClient, city: object, field: str, first: int
) -> None:
    error = await api.error(f"query($first: Int!) {{ {field} }}", {"first": first})
    assert error["extensions"]["code"] == "INVALID_VALUE"
    assert "page size must be at least 1" in error["message"]
