"""The points publication on the generated city, on both stores: each community's registered
cadres, their sums against a recount of the ledger's entries, marks against the yearly
minimum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contract.model import Model
from openpyxl import load_workbook

from orggraph.domain.gaps import GapKind
from orggraph.reports.gap_data import all_gaps
from orggraph.reports.output import write_points_report
from orggraph.reports.points_data import (
    PointsReport,
    collect_points_report,
    due_points,
    period_bounds,
)
from orggraph.reports.scope import ReportError
from orggraph.store.protocols import GraphStore

from .city import BRANCH, COMMUNITY, POLICY, STREET, YEAR


def _quiet(_: str) -> None:
    """Progress messages are for the terminal; tests ignore them."""


async def _publication(store: GraphStore, scope: str | None, quarter: int | None) -> PointsReport:
    return await collect_points_report(store, scope, YEAR, quarter, POLICY, _quiet)


def test_quarters_and_the_points_due() -> None:
    assert period_bounds(2022, 1) == (period_bounds(2022, None)[0], period_bounds(2022, 1)[1])
    assert [period_bounds(2024, q)[1].isoformat() for q in (1, 2, 3, 4)] == [
        "2024-03-31",
        "2024-06-30",
        "2024-09-30",
        "2024-12-31",
    ]
    assert [due_points(POLICY, q) for q in (1, 2, 3, 4, None)] == [5, 10, 15, 20, 20]


@pytest.mark.parametrize("quarter", [2, None])
async def test_each_cadre_is_under_their_community_with_their_sums(
    city_store: GraphStore, recount: Model, quarter: int | None
) -> None:
    report = await _publication(city_store, STREET, quarter)
    first, last = period_bounds(YEAR, quarter)

    assert [group.community.id for group in report.communities if group.community] == [
        "S01-C01",
        "S01-C02",
        "S01-C03",
    ]
    seen = 0
    for group in report.communities:
        assert group.community is not None, "every generated cadre is registered"
        ids = [cadre.member_id for cadre in group.cadres]
        assert ids == sorted(ids)
        for cadre in group.cadres:
            member = recount.members[cadre.member_id]
            own = [
                e
                for e in recount.points.values()
                if e.member_id == member.id and e.day.year == YEAR
            ]
            assert member.community_id == group.community.id
            assert cadre.name == member.name
            assert cadre.period_points == sum(e.points for e in own if first <= e.day <= last)
            assert cadre.year_to_date == sum(e.points for e in own if e.day <= last)
            assert cadre.under_minimum == (cadre.year_to_date < due_points(POLICY, quarter))
        seen += len(ids)
    assert seen == recount.counts(STREET).members > 100


async def test_the_yearly_marks_are_the_points_gaps(city_store: GraphStore) -> None:
    report = await _publication(city_store, COMMUNITY, None)
    marked = {c.member_id for g in report.communities for c in g.cadres if c.under_minimum}

    gaps = await all_gaps(city_store, COMMUNITY, [GapKind.CADRE_UNDER_POINTS], POLICY, YEAR, _quiet)
    registered = {c.member_id for g in report.communities for c in g.cadres}
    assert marked == {gap.subject_id for gap in gaps} & registered
    assert marked


async def test_a_branch_is_refused_with_the_reason(city_store: GraphStore) -> None:
    with pytest.raises(ReportError, match=f"'{BRANCH}' is a residential branch"):
        await _publication(city_store, BRANCH, 1)


async def test_formats_hold_the_same_cadres(city_store: GraphStore, tmp_path: Path) -> None:
    report = await _publication(city_store, COMMUNITY, 3)
    write_points_report(report, "json", "zh", tmp_path / "p.json")
    write_points_report(report, "xlsx", "zh", tmp_path / "p.xlsx")
    write_points_report(report, "html", "zh", tmp_path / "p.html")

    document = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    cadres = [c for g in document["communities"] for c in g["cadres"]]
    sheet = load_workbook(tmp_path / "p.xlsx").active
    assert sheet is not None and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[4], r[5], r[6]) for r in rows] == [
        (c["member_id"], c["work_unit"], c["period_points"], c["year_to_date"]) for c in cadres
    ]
    assert [bool(r[7]) for r in rows] == [c["under_minimum"] for c in cadres]
    assert all(c["work_unit"] for c in cadres)  # every generated cadre has a work unit
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert page.count('class="under"') == sum(c["under_minimum"] for c in cadres)
    assert "2022年第3季度" in page and "本季度积分" in page
