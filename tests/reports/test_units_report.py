"""The yearly feedback to work units: each unit's cadres and points, its totals equal to the
API's `WorkUnit.figures`, the overview by share meeting the minimum; HTML, XLSX, CSV, JSON in
both languages, and through the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from contract.city import City
from openpyxl import load_workbook

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.cli import main
from orggraph.domain.policy import Policy
from orggraph.reports.output import write_units_report
from orggraph.reports.units_data import UnitsReport, collect_units_report
from orggraph.store.protocols import GraphStore

from .city import POLICY, STREET, YEAR


def _quiet(_: str) -> None:
    """Progress messages are for the terminal."""


FIGURES = """{ workUnits(first: 500) { edges { node { id
  figures(year: %d) { cadres coveringCadres householdsCovered cadresMeetingMinimum } } } } }"""


def _totals(report: UnitsReport) -> dict[str, dict[str, int]]:
    return {
        unit.work_unit.id: {
            "cadres": unit.figures.cadres,
            "coveringCadres": unit.figures.covering_cadres,
            "householdsCovered": unit.figures.households_covered,
            "cadresMeetingMinimum": unit.figures.meeting_minimum,
        }
        for unit in report.units
    }


def _api_totals(body: dict[str, object]) -> dict[str, dict[str, int]]:
    edges = body["data"]["workUnits"]["edges"]  # type: ignore[index]
    return {e["node"]["id"]: e["node"]["figures"] for e in edges if e["node"]["figures"]["cadres"]}


async def test_the_totals_are_the_apis_and_the_lines_add_up(
    city_store: GraphStore, api: httpx.AsyncClient
) -> None:
    report = await collect_units_report(city_store, None, YEAR, POLICY, _quiet)
    assert report.units, "the generated city has work units with cadres"
    answer = (await api.post("/graphql", json={"query": FIGURES % YEAR})).json()
    assert _totals(report) == _api_totals(answer)
    for unit in report.units:
        ids = [cadre.member_id for cadre in unit.cadres]
        assert ids == sorted(ids) and len(ids) == unit.figures.cadres
        assert sum(c.met_minimum for c in unit.cadres) == unit.figures.meeting_minimum
        assert all(c.met_minimum == (c.points >= POLICY.min_yearly_points) for c in unit.cadres)
        assert sum(c.households > 0 for c in unit.cadres) == unit.figures.covering_cadres
    shares = [unit.share_meeting for unit in report.overview()]
    assert shares == sorted(shares, reverse=True)
    every = sum(unit.figures.cadres for unit in report.units) + report.without_unit
    assert every == (await city_store.counts()).members  # every generated cadre is registered


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_html_and_xlsx(city_store: GraphStore, tmp_path: Path, lang: str) -> None:
    report = await collect_units_report(city_store, STREET, YEAR, POLICY, _quiet)
    html, xlsx = tmp_path / "units.html", tmp_path / "units.xlsx"
    write_units_report(report, "html", lang, html)  # type: ignore[arg-type]
    write_units_report(report, "xlsx", lang, xlsx)  # type: ignore[arg-type]
    page = html.read_text(encoding="utf-8")
    assert ("街道向派出单位年度反馈" in page) == (lang == "zh")
    for unit in report.units:
        assert f'data-work-unit-id="{unit.work_unit.id}"' in page
    overview = page[page.index('id="overview"') : page.index('class="work-unit')]
    listed = [u.work_unit.id for u in report.overview()]
    positions = [overview.index(f'<tr data-work-unit-id="{i}"') for i in listed]
    assert positions == sorted(positions)
    workbook = load_workbook(xlsx, read_only=True)
    try:
        overview, lines = (list(sheet.iter_rows(values_only=True)) for sheet in workbook)
    finally:
        workbook.close()
    assert [row[1] for row in overview[1:]] == [u.work_unit.id for u in report.overview()]
    assert len(lines) - 1 == sum(len(unit.cadres) for unit in report.units)


async def test_a_streets_feedback_on_both_stores(store: GraphStore, city: City) -> None:
    """The small city's street s1 in 2024: totals equal a street organiser's API answer."""
    policy = Policy(min_households=3, max_households=3, min_yearly_points=20)
    report = await collect_units_report(store, "s1", 2024, policy, _quiet)
    assert [unit.work_unit.id for unit in report.units] == ["wu1", "wu2", "wu3"]
    wu1 = report.units[0]
    assert [
        (c.member_id, c.community_id, c.households, c.points, c.met_minimum) for c in wu1.cadres
    ] == [
        ("m1", "c1", 4, 21, True),
        ("m2", "c1", 2, 20, True),
        ("m6", "c2", 0, 0, False),
    ]
    assert [unit.work_unit.id for unit in report.overview()] == ["wu1", "wu2", "wu3"]
    secret = "units-report-secret-0123456789abcdef0123"
    app = create_app(store, policy, secret)
    token = create_token(secret, Principal("s1-organiser", Role.STREET, "s1"), 600)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        answer = (await client.post("/graphql", json={"query": FIGURES % 2024})).json()
    assert _totals(report) == _api_totals(answer)
    assert _totals(report)["wu3"] == {
        "cadres": 1,
        "coveringCadres": 1,
        "householdsCovered": 1,
        "cadresMeetingMinimum": 0,
    }


def test_the_cli_writes_each_format(city_data_dir: Path, tmp_path: Path) -> None:
    for suffix in ("html", "xlsx", "csv", "json"):
        out = tmp_path / f"units.{suffix}"
        result = CliRunner().invoke(
            main,
            ["report", "units", "--year", str(YEAR), "--lang", "zh", "--out", str(out)],
            env={"ORGGRAPH_DATA_DIR": str(city_data_dir), "ORGGRAPH_STORE": None},
        )
        assert result.exit_code == 0, result.stderr
        assert f"wrote {out} ({suffix}," in result.stderr
    data = json.loads((tmp_path / "units.json").read_text(encoding="utf-8"))
    assert data["report"] == "work_unit_feedback" and data["year"] == YEAR
    assert data["overview"] and set(data["overview"]) == {u["id"] for u in data["work_units"]}
    assert date.fromisoformat(data["data_as_of"][:10])
