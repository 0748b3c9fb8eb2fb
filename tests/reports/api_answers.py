"""The API's answers for a scope, fetched the way a dashboard fetches them, for comparison."""

from __future__ import annotations

from typing import Any

import httpx

_COUNTS = (
    "streets communities branches buildingGroups households centralHouseholds "
    "coveredHouseholds cadres coveringCadres assignments coverage"
)
SUMMARY = f"""
query ($scope: ID) {{
  coverageSummary(scope: $scope) {{
    counts {{ {_COUNTS} }}
    rows {{ node {{ id name }} counts {{ {_COUNTS} }} }}
  }}
}}"""
GAP_COUNTS = """
query ($scope: ID, $year: Int) { gapCounts(scope: $scope, year: $year) { kind count } }"""
GAPS = """
query ($scope: ID, $year: Int, $after: String) {
  coverageGaps(scope: $scope, year: $year, first: 500, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      kind subjectId unitPath reason
      ... on CadreOutsideBandGap { households }
      ... on CadreUnderPointsGap { points }
    } }
  }
}"""


def snake(name: str) -> str:
    """buildingGroups -> building_groups: the API's field names as the report's JSON keys."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


async def ask(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def figures_of(counts: dict[str, Any]) -> dict[str, Any]:
    return {snake(key): value for key, value in counts.items()}


async def summary(api: httpx.AsyncClient, scope: str | None) -> dict[str, Any]:
    """coverageSummary as {figures, children: [{id, name, figures}]}."""
    answer = (await ask(api, SUMMARY, scope=scope))["coverageSummary"]
    return {
        "figures": figures_of(answer["counts"]),
        "children": [
            {
                "id": row["node"]["id"],
                "name": row["node"]["name"],
                "figures": figures_of(row["counts"]),
            }
            for row in answer["rows"]
        ],
    }


async def gap_counts(api: httpx.AsyncClient, scope: str | None, year: int) -> dict[str, int]:
    answer = await ask(api, GAP_COUNTS, scope=scope, year=year)
    return {item["kind"].lower(): item["count"] for item in answer["gapCounts"]}


async def gaps(api: httpx.AsyncClient, scope: str | None, year: int) -> list[dict[str, Any]]:
    """Every gap, following the pages: {kind, subject_id, unit_path, value, reason}."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await ask(api, GAPS, scope=scope, year=year, after=after))["coverageGaps"]
        for edge in page["edges"]:
            node = edge["node"]
            found.append(
                {
                    "kind": node["kind"].lower(),
                    "subject_id": node["subjectId"],
                    "unit_path": node["unitPath"],
                    "value": node.get("households", node.get("points")),
                    "reason": node["reason"],
                }
            )
        if not page["pageInfo"]["hasNextPage"]:
            assert len(found) == page["totalCount"]
            return found
        after = page["pageInfo"]["endCursor"]
