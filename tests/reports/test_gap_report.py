"""The coverage-gap report on the generated city, on both stores: its figures and gap counts
equal a recount of the ledger's raw facts, its figures and gaps are the API's, every format
holds them, and the cadre-load histogram agrees with the band gaps."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract.model import Model
from openpyxl import load_workbook

from orggraph.domain.entities import Counts
from orggraph.domain.gaps import COVERAGE_GAP_KINDS, GapKind
from orggraph.domain.levels import Level
from orggraph.reports.gap_data import GapReport, collect_gap_report
from orggraph.reports.html_gaps import render_gap_html, report_title
from orggraph.reports.labels import LANGS, Lang, kind_name, sheet_name
from orggraph.reports.output import gap_json, write_gap_report
from orggraph.reports.tables import applicable_figure_keys
from orggraph.store.protocols import GraphStore

from . import api_answers
from .city import BRANCH, COMMUNITY, POLICY, STREET, YEAR

SCOPES = [None, STREET, COMMUNITY, BRANCH]


def _quiet(_: str) -> None:
    """Progress messages are for the terminal; tests ignore them."""


async def _report(store: GraphStore, scope: str | None) -> GapReport:
    return await collect_gap_report(store, scope, POLICY, YEAR, _quiet)


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s or "city")
async def test_report_figures_and_gaps_equal_the_api(
    city_store: GraphStore, api: httpx.AsyncClient, scope: str | None
) -> None:
    report = gap_json(await _report(city_store, scope), "en")

    answer = await api_answers.summary(api, scope)
    assert report["figures"] == answer["figures"]
    assert [(c["id"], c["name"], c["figures"]) for c in report["children"]] == [
        (c["id"], c["name"], c["figures"]) for c in answer["children"]
    ]
    assert report["gap_counts"] == await api_answers.gap_counts(api, scope, YEAR)
    api_gaps = await api_answers.gaps(api, scope, YEAR)
    assert [(g["kind"], g["subject_id"], g["unit_path"], g["reason"]) for g in report["gaps"]] == [
        (g["kind"], g["subject_id"], g["unit_path"], g["reason"]) for g in api_gaps
    ]
    valued = {"cadre_under_band", "cadre_over_band", "cadre_under_points"}
    assert [g["value"] for g in report["gaps"] if g["kind"] in valued] == [
        g["value"] for g in api_gaps if g["kind"] in valued
    ]


@dataclass(frozen=True)
class Recounted:
    """What a scope's report must show, counted by the plain model from the ledger."""

    counts: Counts
    rows: dict[str, Counts]
    gap_counts: dict[GapKind, int]
    uncovered: list[str]
    covering_none: set[str]


_RECOUNTED: dict[str | None, Recounted] = {}
"""Counted once a session per scope (the model is slow by design), for both stores."""


def _recounted(model: Model, scope: str | None) -> Recounted:
    if scope not in _RECOUNTED:
        units, households = model.subtree(scope)
        covered = {h for _, h in model.covers}
        covering = {m for m, _ in model.covers}
        _RECOUNTED[scope] = Recounted(
            counts=model.counts(scope),
            rows={child: model.counts(child) for child in model.children(scope)}
            if scope is not None
            else {u.id: model.counts(u.id) for u in model.units.values() if u.parent_id is None},
            gap_counts=model.gap_counts(scope, POLICY, YEAR),
            uncovered=sorted(set(households) - covered),
            covering_none={
                m.id
                for m in model.members.values()
                if m.community_id in set(units) and m.id not in covering
            },
        )
    return _RECOUNTED[scope]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s or "city")
async def test_report_figures_equal_a_recount(
    city_store: GraphStore, recount: Model, scope: str | None
) -> None:
    """Against the plain model's count of the ledger's rows, not against another reader."""
    report = await _report(city_store, scope)
    wanted = _recounted(recount, scope)
    assert report.summary.counts == wanted.counts
    assert {row.node.id: row.counts for row in report.summary.rows} == wanted.rows
    assert [row.node.id for row in report.summary.rows] == sorted(wanted.rows)
    assert report.gap_counts == wanted.gap_counts
    assert [g.subject_id for g in report.gaps[GapKind.UNCOVERED_HOUSEHOLD]] == wanted.uncovered
    assert {g.subject_id for g in report.gaps[GapKind.CADRE_COVERING_NONE]} == wanted.covering_none
    assert wanted.uncovered and wanted.counts.households > 100


async def test_the_generated_city_has_gaps_of_most_kinds(city_store: GraphStore) -> None:
    """Otherwise the comparisons above would compare empty lists."""
    report = await _report(city_store, None)
    coverage = {k: n for k, n in report.gap_counts.items() if k in COVERAGE_GAP_KINDS}
    empty = [kind for kind, count in coverage.items() if count == 0]  # the city has no requests
    assert len(empty) <= 1, empty
    assert report.summary.counts.households > 5000


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s or "city")
async def test_cadre_load_agrees_with_the_band_gaps(
    city_store: GraphStore, scope: str | None
) -> None:
    report = await _report(city_store, scope)
    load = report.cadre_load
    under = sum(n for k, n in load.items() if 0 < k < POLICY.min_households)
    over = sum(n for k, n in load.items() if k > POLICY.max_households)

    assert under == report.gap_counts[GapKind.CADRE_UNDER_BAND]
    assert over == report.gap_counts[GapKind.CADRE_OVER_BAND]
    assert load.get(0, 0) == report.gap_counts[GapKind.CADRE_COVERING_NONE]
    assert under and over


async def test_cadre_load_of_the_city_counts_every_cover_once(city_store: GraphStore) -> None:
    report = await _report(city_store, None)
    counts = report.summary.counts

    assert sum(k * n for k, n in report.cadre_load.items()) == counts.assignments
    assert sum(n for k, n in report.cadre_load.items() if k) == counts.covering_members


class _Figures(HTMLParser):
    """Collects the text of every element carrying data-figure / data-gap-kind, and the title."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.gap_counts: dict[str, str] = {}
        self.title = ""
        self._open: list[tuple[str, dict[str, str], str | None]] = []
        self._text: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self._open.append((tag, found, None))
        self._text.append([])

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        _, attrs, _ = self._open.pop()
        content = "".join(self._text.pop())
        if self._text:
            self._text[-1].append(content)
        if tag == "title" and not self.title:
            self.title = content
        if "data-figure" in attrs and "data-child-id" not in attrs and tag == "div":
            self.figures[attrs["data-figure"]] = content
        if "data-gap-kind" in attrs:
            self.gap_counts[attrs["data-gap-kind"]] = content

    def handle_data(self, data: str) -> None:
        if self._text:
            self._text[-1].append(data)


def _shown(value: Any) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, float) else f"{value:,}"


@pytest.mark.parametrize("lang", LANGS)
async def test_html_shows_the_api_figures(
    city_store: GraphStore, api: httpx.AsyncClient, lang: Lang
) -> None:
    report = await _report(city_store, STREET)
    page = render_gap_html(report, lang)
    parsed = _Figures()
    parsed.feed(page)

    assert parsed.title == report_title(lang, report)
    figures = (await api_answers.summary(api, STREET))["figures"]
    shown = applicable_figure_keys(Level.STREET)  # no street count in a street's report
    assert set(parsed.figures) == set(shown)
    for key in shown:
        assert parsed.figures[key].endswith(_shown(figures[key])), (key, parsed.figures[key])
    counts = await api_answers.gap_counts(api, STREET, YEAR)
    for code, count in counts.items():
        assert parsed.gap_counts[code].endswith(f"{count:,}")
    for kind in GapKind:
        assert f'id="gaps-{kind.value}"' in page
        assert kind_name(lang, kind) in page
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "@page { size: A4" in page


@pytest.mark.parametrize("lang", LANGS)
async def test_xlsx_has_a_sheet_per_gap_kind_with_frozen_headers(
    city_store: GraphStore, tmp_path: Path, lang: Lang
) -> None:
    report = await _report(city_store, COMMUNITY)
    out = tmp_path / "gaps.xlsx"
    write_gap_report(report, "xlsx", lang, out)

    workbook = load_workbook(out, read_only=False)
    assert workbook.sheetnames == [
        "汇总" if lang == "zh" else "Summary",
        *(sheet_name(lang, kind) for kind in GapKind),
    ]
    for kind in GapKind:
        sheet = workbook[sheet_name(lang, kind)]
        assert sheet.freeze_panes == "A2"
        headers = [cell.value for cell in sheet[1]]
        assert headers == (
            ["所在组织", "组织编号", "编号", "名称", "数值", "原因", "联系方式"]
            if lang == "zh"
            else ["Unit path", "Unit id", "Id", "Name", "Value", "Reason", "Contact"]
        )
        assert sheet.max_row - 1 == report.gap_counts[kind]
        ids = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert ids == [gap.subject_id for gap in report.gaps[kind]]


async def test_csv_and_json_hold_the_same_rows(city_store: GraphStore, tmp_path: Path) -> None:
    report = await _report(city_store, STREET)
    write_gap_report(report, "csv", "zh", tmp_path / "gaps.csv")
    write_gap_report(report, "json", "zh", tmp_path / "gaps.json")

    raw = (tmp_path / "gaps.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    document = json.loads((tmp_path / "gaps.json").read_text(encoding="utf-8"))
    assert rows[0] == ["类别", "所在组织", "组织编号", "编号", "名称", "数值", "原因", "联系方式"]
    assert len(rows) - 1 == sum(report.gap_counts.values()) == len(document["gaps"])
    for row, gap in zip(rows[1:], document["gaps"], strict=True):
        assert row[0] == gap["kind"]
        assert row[1] == " / ".join(gap["unit_path"])
        assert row[3] == gap["subject_id"]
        assert row[5] == ("" if gap["value"] is None else str(gap["value"]))
        assert row[6] == gap["reason"]
    assert "无党员包联" in {row[6] for row in rows[1:]}
