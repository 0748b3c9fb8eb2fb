"""The HTML reports opened in headless Chromium: title, figures and gap counts as shown on
the page equal the API's answers for the same scope; the page prints on A4."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from reports import api_answers
from reports.city import COMMUNITY, POLICY, STREET, YEAR

from orggraph.domain.levels import Level
from orggraph.reports.gap_data import collect_gap_report
from orggraph.reports.html_gaps import report_title
from orggraph.reports.html_points import points_title
from orggraph.reports.labels import LANGS, Lang
from orggraph.reports.output import write_gap_report, write_points_report
from orggraph.reports.points_data import collect_points_report
from orggraph.reports.tables import applicable_figure_keys
from orggraph.store.protocols import GraphStore

pytestmark = pytest.mark.browser


def _quiet(_: str) -> None:
    """Progress messages are for the terminal; tests ignore them."""


def _shown(value: Any) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, float) else f"{value:,}"


@pytest.mark.parametrize("lang", LANGS)
async def test_gap_report_shows_the_api_figures(
    city_store: GraphStore,
    api: httpx.AsyncClient,
    page: Any,
    shots: Path,
    tmp_path: Path,
    lang: Lang,
) -> None:
    report = await collect_gap_report(city_store, STREET, POLICY, YEAR, _quiet)
    out = tmp_path / f"gaps-{lang}.html"
    write_gap_report(report, "html", lang, out)

    await page.goto(out.as_uri())
    await page.screenshot(path=shots / f"report-gaps-{lang}.png", full_page=True)

    assert await page.title() == report_title(lang, report)
    figures = (await api_answers.summary(api, STREET))["figures"]
    tiles = applicable_figure_keys(Level.STREET)  # a street's report counts no streets
    assert await page.locator("div[data-figure]").count() == len(tiles)
    for key in tiles:
        shown = await page.locator(f'div[data-figure="{key}"] .value').inner_text()
        assert shown == _shown(figures[key]), key
    counts = await api_answers.gap_counts(api, STREET, YEAR)
    for kind, count in counts.items():
        shown = await page.locator(f'tr[data-gap-kind="{kind}"] td.num').inner_text()
        assert shown == f"{count:,}", kind
        rows = page.locator(f"#gaps-{kind} tbody tr")
        assert await rows.count() == count
    children = (await api_answers.summary(api, STREET))["children"]
    for child in children:
        row = page.locator(f'tr[data-child-id="{child["id"]}"]')
        assert await row.locator('[data-figure="households"]').inner_text() == _shown(
            child["figures"]["households"]
        )
    assert await page.locator("svg.coverage-chart").is_visible()
    assert await page.locator("svg.load-histogram rect.band").count() == 1


async def test_gap_report_prints_on_a4(
    city_store: GraphStore, page: Any, shots: Path, tmp_path: Path
) -> None:
    report = await collect_gap_report(city_store, COMMUNITY, POLICY, YEAR, _quiet)
    out = tmp_path / "gaps.html"
    write_gap_report(report, "html", "zh", out)
    await page.goto(out.as_uri())

    pdf: bytes = await page.pdf(path=shots / "report-gaps-zh.pdf", prefer_css_page_size=True)

    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert boxes, "no page boxes in the PDF"
    for width, height in boxes:  # A4 is 595 x 842 points
        assert abs(float(width) - 595.3) < 1.5 and abs(float(height) - 841.9) < 1.5


async def test_points_publication_shows_each_community(
    city_store: GraphStore, page: Any, shots: Path, tmp_path: Path
) -> None:
    report = await collect_points_report(city_store, STREET, YEAR, 2, POLICY, _quiet)
    out = tmp_path / "points.html"
    write_points_report(report, "html", "zh", out)

    await page.goto(out.as_uri())
    await page.screenshot(path=shots / "report-points-zh.png")

    assert await page.title() == points_title("zh", report)
    cadres = sum(len(group.cadres) for group in report.communities)
    under = sum(c.under_minimum for group in report.communities for c in group.cadres)
    assert await page.locator("#cadres-total").inner_text() == f"{cadres:,}"
    assert await page.locator("tr.under").count() == under
    for group in report.communities:
        assert group.community is not None
        rows = page.locator(f'section[data-community-id="{group.community.id}"] tbody tr')
        assert await rows.count() == len(group.cadres)
