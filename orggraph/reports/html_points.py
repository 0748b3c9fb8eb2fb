"""The points publication as one HTML page: a table per community, one community a printed
page, since each community posts its own list."""

from __future__ import annotations

from orggraph.reports.html_page import esc, meta_list, number, page, scope_label, timestamp
from orggraph.reports.labels import Lang, due_text, period_text, text, under_minimum_text
from orggraph.reports.points_data import CommunityPoints, PointsReport, due_points


def points_title(lang: Lang, report: PointsReport) -> str:
    period = period_text(lang, report.year, report.quarter)
    return f"{text(lang, 'points_title')} · {period} · {scope_label(lang, report.scope)}"


def render_points_html(report: PointsReport, lang: Lang) -> str:
    """The whole self-contained HTML document."""
    cadres = [cadre for group in report.communities for cadre in group.cadres]
    under = sum(cadre.under_minimum for cadre in cadres)
    due = due_points(report.policy, report.quarter)
    meta = meta_list(
        (
            ("period", text(lang, "period"), period_text(lang, report.year, report.quarter)),
            ("report-date", text(lang, "report_date"), report.data_as_of.date().isoformat()),
            ("data-as-of", text(lang, "data_as_of"), timestamp(report.data_as_of)),
            ("due", text(lang, "due"), due_text(lang, report.policy, due)),
            ("cadres-total", text(lang, "cadres_total"), number(len(cadres))),
            ("under-total", text(lang, "under_total"), number(under)),
        )
    )
    header = (
        f"<header><h1>{esc(text(lang, 'points_title'))}</h1>"
        f'<p class="scope" id="scope">{esc(scope_label(lang, report.scope))}</p>{meta}</header>'
    )
    sections = [
        _community(report, lang, group, first=i == 0) for i, group in enumerate(report.communities)
    ]
    return page(lang, points_title(lang, report), header + "".join(sections), report.source)


def _community(report: PointsReport, lang: Lang, group: CommunityPoints, first: bool) -> str:
    if group.community is None:
        heading, community_id = text(lang, "not_registered"), ""
    else:
        heading, community_id = " › ".join(group.path), group.community.id
    css = "community" if first else "community page-break"
    title = (
        f'<h2>{esc(heading)} <span class="id">{esc(community_id)}</span></h2>'
        if community_id
        else f"<h2>{esc(heading)}</h2>"
    )
    if not group.cadres:
        return (
            f'<section class="{css}" data-community-id="{esc(community_id)}">{title}'
            f'<p class="muted">{esc(text(lang, "no_community_cadres"))}</p></section>'
        )
    period_header = text(lang, "quarter_points" if report.quarter else "year_points")
    mark = under_minimum_text(
        lang, report.policy, report.quarter, due_points(report.policy, report.quarter)
    )
    head = (
        f'<th class="num">{esc(text(lang, "number"))}</th><th>{esc(text(lang, "name"))}</th>'
        f"<th>{esc(text(lang, 'id'))}</th><th>{esc(text(lang, 'work_unit'))}</th>"
        f'<th class="num">{esc(period_header)}</th>'
        + (f'<th class="num">{esc(text(lang, "year_to_date"))}</th>' if report.quarter else "")
        + f"<th>{esc(text(lang, 'status'))}</th>"
    )
    lines = []
    for number_, cadre in enumerate(group.cadres, 1):
        so_far = f'<td class="num">{cadre.year_to_date}</td>' if report.quarter else ""
        status = f'<span class="mark">▲ {esc(mark)}</span>' if cadre.under_minimum else ""
        row_class = ' class="under"' if cadre.under_minimum else ""
        lines.append(
            f'<tr data-member-id="{esc(cadre.member_id)}"{row_class}>'
            f'<td class="num">{number_}</td><td class="nowrap">{esc(cadre.name)}</td>'
            f'<td class="id">{esc(cadre.member_id)}</td>'
            f'<td class="work-unit">{esc(cadre.work_unit)}</td>'
            f'<td class="num">{cadre.period_points}</td>{so_far}<td>{status}</td></tr>'
        )
    return (
        f'<section class="{css}" data-community-id="{esc(community_id)}">{title}<table><thead>'
        f"<tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table></section>"
    )
