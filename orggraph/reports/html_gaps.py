"""The coverage-gap report as one HTML page: header, figures, two charts, counts, gap lists.

Figures carry `data-figure` (and gap counts `data-gap-kind`) attributes with the API's field
names, so a test or a script can read them off the page and compare them with the API.
"""

from __future__ import annotations

from orggraph.domain.entities import Unit
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.levels import Level
from orggraph.reports.charts import Bar, coverage_chart, load_histogram
from orggraph.reports.gap_data import GapReport
from orggraph.reports.html_page import (
    esc,
    figure_text,
    meta_list,
    number,
    page,
    percent,
    scope_label,
    timestamp,
)
from orggraph.reports.labels import (
    Lang,
    band_text,
    gap_reason,
    kind_name,
    level_plural,
    policy_text,
    text,
    value_header,
)
from orggraph.reports.tables import applicable_figure_keys, child_figure_keys, figures
from orggraph.store.values import CoverageRow


def report_title(lang: Lang, report: GapReport) -> str:
    """The page title: what, where, when (also the file's <title>)."""
    date = report.data_as_of.date().isoformat()
    return f"{text(lang, 'gaps_title')} · {scope_label(lang, report.scope)} · {date}"


def render_gap_html(report: GapReport, lang: Lang) -> str:
    """The whole self-contained HTML document."""
    body = "\n".join(
        (
            _header(report, lang),
            _figures(report, lang),
            _per_child(report, lang),
            _load(report, lang),
            _gap_counts(report, lang),
            _gap_lists(report, lang),
        )
    )
    return page(lang, report_title(lang, report), body, report.source)


def _header(report: GapReport, lang: Lang) -> str:
    meta = meta_list(
        (
            ("report-date", text(lang, "report_date"), report.data_as_of.date().isoformat()),
            ("data-as-of", text(lang, "data_as_of"), timestamp(report.data_as_of)),
            ("points-year", text(lang, "points_year"), str(report.year)),
            ("policy", text(lang, "policy"), policy_text(lang, report.policy)),
        )
    )
    return (
        f"<header><h1>{esc(text(lang, 'gaps_title'))}</h1>"
        f'<p class="scope" id="scope" data-scope-id="{esc(report.scope.id or "")}">'
        f"{esc(scope_label(lang, report.scope))}</p>{meta}</header>"
    )


def _figures(report: GapReport, lang: Lang) -> str:
    values = figures(report.summary.counts)
    cards = []
    for key in applicable_figure_keys(report.scope.level):
        cards.append(
            f'<div class="figure" data-figure="{key}" data-value="{values[key]}">'
            f'<span class="label">{esc(text(lang, key))}</span>'
            f'<span class="value">{esc(figure_text(values[key]))}</span></div>'
        )
    return (
        f'<section id="figures"><h2>{esc(text(lang, "figures"))}</h2>'
        f'<div class="figures">{"".join(cards)}</div></section>'
    )


def _per_child(report: GapReport, lang: Lang) -> str:
    heading = f"{text(lang, 'per_child')}: {level_plural(lang, report.scope.child_level)}"
    rows = [row for row in report.summary.rows if isinstance(row.node, Unit)]
    if not rows:
        return (
            f'<section id="per-child"><h2>{esc(heading)}</h2>'
            f'<p class="muted">{esc(text(lang, "no_child_units"))}</p></section>'
        )
    bars = [
        Bar(
            row.node.name,
            row.counts.coverage,
            f"{percent(row.counts.coverage)} "
            f"({number(row.counts.covered_households)}/{number(row.counts.households)})",
        )
        for row in rows
    ]
    return (
        f'<section id="per-child"><h2>{esc(heading)}</h2>{coverage_chart(bars, heading)}'
        f"{_child_table(rows, lang, report.scope.child_level)}</section>"
    )


def _child_table(rows: list[CoverageRow], lang: Lang, level: Level) -> str:
    applicable = child_figure_keys(level)
    columns = tuple(
        key
        for key in (
            "households",
            "covered_households",
            "coverage",
            "central_households",
            "cadres",
            "covering_cadres",
        )
        if key in applicable
    )
    head = "".join(f'<th class="num">{esc(text(lang, key))}</th>' for key in columns)
    lines = []
    for row in rows:
        values = figures(row.counts)
        cells = "".join(
            f'<td class="num" data-figure="{key}">{esc(figure_text(values[key]))}</td>'
            for key in columns
        )
        lines.append(
            f'<tr data-child-id="{esc(row.node.id)}"><td class="nowrap">{esc(row.node.name)} '
            f'<span class="id">{esc(row.node.id)}</span></td>{cells}</tr>'
        )
    return (
        f"<table><thead><tr><th>{esc(text(lang, 'unit'))}</th>{head}</tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table>"
    )


def _load(report: GapReport, lang: Lang) -> str:
    title = text(lang, "load")
    if not report.cadre_load:
        chart = f'<p class="muted">{esc(text(lang, "no_cadres"))}</p>'
    else:
        chart = load_histogram(
            report.cadre_load,
            report.policy,
            title,
            band_text(lang, report.policy),
            text(lang, "load_axis_x"),
            text(lang, "load_axis_y"),
        )
    return f'<section id="load"><h2>{esc(title)}</h2>{chart}</section>'


def _gap_counts(report: GapReport, lang: Lang) -> str:
    lines = "".join(
        f'<tr data-gap-kind="{kind.value}"><td>'
        + (
            f'<a href="#gaps-{kind.value}">{esc(kind_name(lang, kind))}</a>'
            if kind in report.listed
            else f'{esc(kind_name(lang, kind))} <span class="muted">'
            f"({esc(text(lang, 'not_listed'))})</span>"
        )
        + f'</td><td class="num">{number(report.gap_counts[kind])}</td></tr>'
        for kind in GapKind
    )
    return (
        f'<section id="gap-counts"><h2>{esc(text(lang, "gap_counts"))}</h2><table><thead><tr>'
        f'<th>{esc(text(lang, "kind"))}</th><th class="num">{esc(text(lang, "count"))}</th>'
        f"</tr></thead><tbody>{lines}</tbody></table></section>"
    )


def _gap_lists(report: GapReport, lang: Lang) -> str:
    if not report.listed:
        return f'<p class="muted" id="summary-only">{esc(text(lang, "summary_only"))}</p>'
    sections = [_gap_list(report, lang, kind, report.gaps[kind]) for kind in report.listed]
    return (
        f'<section id="gap-lists" class="page-break"><h2>{esc(text(lang, "gap_lists"))}</h2>'
        f"{''.join(sections)}</section>"
    )


def _gap_list(report: GapReport, lang: Lang, kind: GapKind, gaps: list[Gap]) -> str:
    heading = (
        f'<h3>{esc(kind_name(lang, kind))} <span class="muted">({number(len(gaps))})</span></h3>'
    )
    if not gaps:
        return (
            f'<section class="gap-list" id="gaps-{kind.value}">{heading}'
            f'<p class="muted">{esc(text(lang, "no_gaps"))}</p></section>'
        )
    value_title = value_header(lang, kind)
    head = (
        f'<th class="num">{esc(text(lang, "number"))}</th>'
        f'<th class="path">{esc(text(lang, "unit_path"))}</th>'
        f"<th>{esc(text(lang, 'name'))}</th>"
        + (f'<th class="num">{esc(value_title)}</th>' if value_title else "")
        + f"<th>{esc(text(lang, 'reason'))}</th>"
        + (f"<th>{esc(text(lang, 'contact'))}</th>" if kind in _WITH_CONTACT else "")
    )
    lines = []
    for number_, gap in enumerate(gaps, 1):
        reason = gap_reason(lang, kind, gap.value, gap.reason, report.policy, report.year)
        value_cell = f'<td class="num">{esc(gap.value)}</td>' if value_title else ""
        lines.append(
            f'<tr data-subject-id="{esc(gap.subject_id)}"><td class="num">{number_}</td>'
            f"<td>{esc(' › '.join(_below(report.scope.path, gap.unit_path)))}</td>"
            f'<td>{esc(gap.subject_name)} <span class="id">{esc(gap.subject_id)}</span></td>'
            f"{value_cell}<td>{esc(reason)}</td>"
            + (
                f'<td class="contact">{esc(report.contact(gap))}</td>'
                if kind in _WITH_CONTACT
                else ""
            )
            + "</tr>"
        )
    return (
        f'<section class="gap-list" id="gaps-{kind.value}">{heading}<table><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(lines)}</tbody></table></section>"
    )


_WITH_CONTACT = frozenset(
    {
        GapKind.UNCOVERED_HOUSEHOLD,
        GapKind.CADRE_UNDER_BAND,
        GapKind.CADRE_OVER_BAND,
        GapKind.CADRE_COVERING_NONE,
        GapKind.CADRE_UNDER_POINTS,
    }
)
"""The kinds about a household or a cadre: their rows say how to reach them."""


def _below(scope_path: tuple[str, ...], unit_path: tuple[str, ...]) -> tuple[str, ...]:
    """The part of a gap's unit path under the scope (the header names the scope already);
    the whole path when the gap sits elsewhere, e.g. a cadre registered in another street."""
    if scope_path and unit_path[: len(scope_path)] == scope_path:
        return unit_path[len(scope_path) :] or unit_path[-1:]
    return unit_path
