"""A unit without households has no coverage (null), not 0%: a dashboard would paint 0% red.
A unit with households keeps its share."""

from __future__ import annotations

import pytest

from .client import GraphQLClient

pytestmark = pytest.mark.api

COVERAGE = """
query($id: ID!) {
  node(id: $id) { ... on OrgNode { coverage counts { households coverage } } }
  coverageSummary(scope: $id) { counts { coverage } }
}
"""


async def test_a_unit_without_households_has_null_coverage(
    api: GraphQLClient, city: object
) -> None:
    data = await api.ok(COVERAGE, {"id": "g6"})  # 6号楼党小组: no households
    assert data["node"] == {"coverage": None, "counts": {"households": 0, "coverage": None}}
    assert data["coverageSummary"]["counts"]["coverage"] is None


async def test_a_unit_with_households_keeps_its_share(api: GraphQLClient, city: object) -> None:
    data = await api.ok(COVERAGE, {"id": "s1"})
    node = data["node"]
    assert node["counts"]["households"] > 0
    assert 0 < node["coverage"] <= 1 and node["counts"]["coverage"] == node["coverage"]
