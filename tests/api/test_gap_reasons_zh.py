"""Gap reasons in Chinese for organisers: `reason(lang: ZH)`, the same facts as the English
default (the band and the year named)."""

from __future__ import annotations

import re

import pytest

from .client import GraphQLClient
from .conftest import TEST_POLICY

pytestmark = pytest.mark.api

GAPS = """
query($year: Int) {
  coverageGaps(kinds: [UNCOVERED_HOUSEHOLD, CADRE_OVER_BAND, CADRE_UNDER_POINTS], year: $year,
               first: 500) {
    edges { node { kind reason zh: reason(lang: ZH) en: reason(lang: EN) } }
  }
}
"""


async def test_reasons_come_in_chinese_when_asked(api: GraphQLClient, city: object) -> None:
    edges = (await api.ok(GAPS, {"year": 2024}))["coverageGaps"]["edges"]
    by_kind: dict[str, list[dict[str, str]]] = {}
    for edge in edges:
        by_kind.setdefault(edge["node"]["kind"], []).append(edge["node"])
    assert set(by_kind) == {"UNCOVERED_HOUSEHOLD", "CADRE_OVER_BAND", "CADRE_UNDER_POINTS"}
    band = f"{TEST_POLICY.min_households}-{TEST_POLICY.max_households}"
    for node in by_kind["UNCOVERED_HOUSEHOLD"]:
        assert node["zh"] == "无党员包联" and node["reason"] == node["en"] != node["zh"]
    for node in by_kind["CADRE_OVER_BAND"]:
        assert re.fullmatch(rf"包联\d+户，超过{band}户标准", node["zh"]), node
        assert "over the band" in node["reason"]
    for node in by_kind["CADRE_UNDER_POINTS"]:
        minimum = TEST_POLICY.min_yearly_points
        assert re.fullmatch(rf"2024年积分-?\d+分，低于年度{minimum}分", node["zh"]), node


async def test_without_lang_the_accept_language_header_chooses(
    api: GraphQLClient, city: object
) -> None:
    asked = {"query": GAPS, "variables": {"year": 2024}}
    for header, expected in (
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-GB,en;q=0.9,zh;q=0.5", "en"),
        ("fr-FR, zh;q=0.3", "zh"),
        ("de", "en"),
        (None, "en"),
    ):
        headers = {"Accept-Language": header} if header else {}
        answer = await api.http.post("/graphql", json=asked, headers=headers)
        for edge in answer.json()["data"]["coverageGaps"]["edges"]:
            assert edge["node"]["reason"] == edge["node"][expected], (header, edge)
