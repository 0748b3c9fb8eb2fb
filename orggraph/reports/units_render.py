"""The yearly feedback to work units on paper and in spreadsheets: its words (en, zh), its
tables (XLSX, CSV and JSON share them) and its HTML page (an overview, then one work unit a
printed page, since each unit receives its own)."""

from __future__ import annotations

from typing import Any

from orggraph.reports.html_page import esc, meta_list, number, page, percent, scope_label, timestamp
from orggraph.reports.labels import Lang, text
from orggraph.reports.tables import Cell, Table
from orggraph.reports.units_data import UnitFeedback, UnitsReport

_TEXT: dict[str, tuple[str, str]] = {
    # key: (English, Chinese); one table, so the two languages cannot drift apart
    "title": ("Yearly feedback to work units", "街道向派出单位年度反馈"),
    "work_unit": ("Work unit", "派出单位"),
    "overview": (
        "Work units by share of cadres meeting the points minimum",
        "各派出单位党员积分达标率",
    ),
    "rank": ("Rank", "名次"),
    "cadres": ("Cadres", "下沉党员人数"),
    "covering": ("Covering cadres", "参与包户人数"),
    "households": ("Households covered", "联系群众户数"),
    "meeting": ("Met the minimum", "积分达标人数"),
    "share": ("Share met", "达标率"),
    "lines": ("Cadres by work unit", "各单位下沉党员明细"),
    "cadre_households": ("Households covered", "包联户数"),
    "met": ("met", "达标"),
    "not_met": ("not met", "未达标"),
    "no_units": ("No work unit has cadres in this scope.", "此范围内无派出单位的下沉党员。"),
    "without_unit": ("Cadres dispatched by no work unit", "无派出单位的党员"),
    "units_total": ("Work units", "派出单位数"),
    "minimum": ("Yearly points minimum", "年度积分底线"),
    "totals": ("Totals", "合计"),
    "not_registered": ("not registered", "未报到"),
}


def words(lang: Lang, key: str) -> str:
    """The feedback's fixed text `key` in `lang`."""
    english, chinese = _TEXT[key]
    return english if lang == "en" else chinese


def minimum_text(lang: Lang, report: UnitsReport) -> str:
    points = report.policy.min_yearly_points
    return f"{points} points a year" if lang == "en" else f"年度积分不少于{points}分"


def _status(lang: Lang, met: bool) -> str:
    return words(lang, "met" if met else "not_met")


# -- tables ------------------------------------------------------------------------------------


def overview_table(report: UnitsReport, lang: Lang) -> Table:
    """One row per work unit, best share first."""
    headers = (
        words(lang, "rank"),
        text(lang, "id"),
        words(lang, "work_unit"),
        words(lang, "cadres"),
        words(lang, "covering"),
        words(lang, "households"),
        words(lang, "meeting"),
        words(lang, "share"),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            rank,
            unit.work_unit.id,
            unit.work_unit.name,
            unit.figures.cadres,
            unit.figures.covering_cadres,
            unit.figures.households_covered,
            unit.figures.meeting_minimum,
            percent(unit.share_meeting),
        )
        for rank, unit in enumerate(report.overview(), 1)
    ]
    return Table(words(lang, "overview")[:31], headers, rows)


def cadres_table(report: UnitsReport, lang: Lang) -> Table:
    """Every cadre of every work unit, unit by unit."""
    headers = (
        text(lang, "unit_id"),
        words(lang, "work_unit"),
        text(lang, "id"),
        text(lang, "name"),
        text(lang, "community"),
        words(lang, "cadre_households"),
        text(lang, "year_points"),
        text(lang, "status"),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            unit.work_unit.id,
            unit.work_unit.name,
            cadre.member_id,
            cadre.name,
            cadre.community_name or words(lang, "not_registered"),
            cadre.households,
            cadre.points,
            _status(lang, cadre.met_minimum),
        )
        for unit in report.units
        for cadre in unit.cadres
    ]
    return Table(words(lang, "lines")[:31], headers, rows)


def units_json(report: UnitsReport) -> dict[str, Any]:
    """The report with stable keys, for other tools."""
    return {
        "report": "work_unit_feedback",
        "scope_id": report.scope.id,
        "year": report.year,
        "min_yearly_points": report.policy.min_yearly_points,
        "data_as_of": report.data_as_of.isoformat(),
        "store": report.source,
        "cadres_without_work_unit": report.without_unit,
        "overview": [unit.work_unit.id for unit in report.overview()],
        "work_units": [
            {
                "id": unit.work_unit.id,
                "name": unit.work_unit.name,
                "cadres": unit.figures.cadres,
                "covering_cadres": unit.figures.covering_cadres,
                "households_covered": unit.figures.households_covered,
                "cadres_meeting_minimum": unit.figures.meeting_minimum,
                "share_meeting_minimum": unit.share_meeting,
                "members": [
                    {
                        "id": cadre.member_id,
                        "name": cadre.name,
                        "community_id": cadre.community_id,
                        "households": cadre.households,
                        "points": cadre.points,
                        "met_minimum": cadre.met_minimum,
                    }
                    for cadre in unit.cadres
                ],
            }
            for unit in report.units
        ],
    }


# -- HTML --------------------------------------------------------------------------------------


def render_units_html(report: UnitsReport, lang: Lang) -> str:
    """The whole self-contained HTML document."""
    cadres = sum(unit.figures.cadres for unit in report.units)
    meeting = sum(unit.figures.meeting_minimum for unit in report.units)
    meta = meta_list(
        (
            ("points-year", text(lang, "points_year"), str(report.year)),
            ("report-date", text(lang, "report_date"), report.data_as_of.date().isoformat()),
            ("data-as-of", text(lang, "data_as_of"), timestamp(report.data_as_of)),
            ("minimum", words(lang, "minimum"), minimum_text(lang, report)),
            ("units-total", words(lang, "units_total"), number(len(report.units))),
            ("cadres-total", words(lang, "cadres"), number(cadres)),
            ("meeting-total", words(lang, "meeting"), number(meeting)),
            ("without-unit", words(lang, "without_unit"), number(report.without_unit)),
        )
    )
    scope = scope_label(lang, report.scope)
    header = (
        f"<header><h1>{esc(words(lang, 'title'))}</h1>"
        f'<p class="scope" id="scope">{esc(scope)}</p>{meta}</header>'
    )
    body = header + _overview(report, lang) + "".join(_unit(unit, lang) for unit in report.units)
    title = f"{words(lang, 'title')} · {report.year} · {scope}"
    return page(lang, title, body, report.source)


def _overview(report: UnitsReport, lang: Lang) -> str:
    heading = f'<h2 id="overview">{esc(words(lang, "overview"))}</h2>'
    if not report.units:
        return f'<section>{heading}<p class="muted">{esc(words(lang, "no_units"))}</p></section>'
    table = overview_table(report, lang)
    numeric = {0, 3, 4, 5, 6, 7}
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(table.headers)
    )
    lines = "".join(
        f'<tr data-work-unit-id="{esc(row[1])}">'
        + "".join(
            f'<td class="num">{esc(cell)}</td>' if i in numeric else f"<td>{esc(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    return (
        f"<section>{heading}<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{lines}</tbody></table></section>"
    )


def _unit(unit: UnitFeedback, lang: Lang) -> str:
    figures = unit.figures
    totals = meta_list(
        (
            (f"cadres-{unit.work_unit.id}", words(lang, "cadres"), number(figures.cadres)),
            (
                f"covering-{unit.work_unit.id}",
                words(lang, "covering"),
                number(figures.covering_cadres),
            ),
            (
                f"households-{unit.work_unit.id}",
                words(lang, "households"),
                number(figures.households_covered),
            ),
            (
                f"meeting-{unit.work_unit.id}",
                words(lang, "meeting"),
                f"{number(figures.meeting_minimum)} ({percent(unit.share_meeting)})",
            ),
        )
    )
    head = (
        f'<th class="num">{esc(text(lang, "number"))}</th><th>{esc(text(lang, "name"))}</th>'
        f"<th>{esc(text(lang, 'id'))}</th><th>{esc(text(lang, 'community'))}</th>"
        f'<th class="num">{esc(words(lang, "cadre_households"))}</th>'
        f'<th class="num">{esc(text(lang, "year_points"))}</th>'
        f"<th>{esc(text(lang, 'status'))}</th>"
    )
    lines = []
    for index, cadre in enumerate(unit.cadres, 1):
        community = cadre.community_name or words(lang, "not_registered")
        status = _status(lang, cadre.met_minimum)
        mark = esc(status) if cadre.met_minimum else f'<span class="mark">▲ {esc(status)}</span>'
        row_class = "" if cadre.met_minimum else ' class="under"'
        lines.append(
            f'<tr data-member-id="{esc(cadre.member_id)}"{row_class}>'
            f'<td class="num">{index}</td><td class="nowrap">{esc(cadre.name)}</td>'
            f'<td class="id">{esc(cadre.member_id)}</td><td>{esc(community)}</td>'
            f'<td class="num">{cadre.households}</td><td class="num">{cadre.points}</td>'
            f"<td>{mark}</td></tr>"
        )
    return (
        f'<section class="work-unit page-break" data-work-unit-id="{esc(unit.work_unit.id)}">'
        f"<h2>{esc(unit.work_unit.name)} "
        f'<span class="id">{esc(unit.work_unit.id)}</span></h2>{totals}'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table></section>"
    )
