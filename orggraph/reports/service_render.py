"""The monthly service report in HTML, XLSX, CSV and JSON, from one set of tables.

Its own words live here (not in `labels`), in English and Chinese, since no other report uses
them. CSV holds the overdue requests, the list an organiser acts on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orggraph.domain.service import AssigneeKind, ServiceKind, ServiceState, Stage
from orggraph.reports.html_page import esc, meta_list, number, page, scope_label, timestamp
from orggraph.reports.labels import Lang
from orggraph.reports.output import Format, _csv, _write_text, _write_xlsx
from orggraph.reports.service_data import ServiceReport
from orggraph.reports.tables import Cell, Table

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Monthly service report", "服务清单月报"),
    "month": ("Month", "月份"),
    "as_of": ("Data as of", "数据截至"),
    "requests": ("Requests recorded in the month, by state at its end", "本月下单及月末状态"),
    "kind": ("Kind", "类型"),
    "total": ("Total", "合计"),
    "stages": ("Median time per stage (steps taken in the month)", "各环节用时中位数（本月）"),
    "stage": ("Stage", "环节"),
    "steps": ("Steps", "次数"),
    "hours": ("Median hours", "中位数（小时）"),
    "late": ("Open at the month's end and past the time limit", "月末超时未完成"),
    "request": ("Request", "服务单"),
    "household": ("Household", "住户"),
    "state": ("State", "状态"),
    "waiting": ("Days waiting", "已等待天数"),
    "servers": ("Who served (verified in the month)", "本月核单的服务者"),
    "who": ("Cadre or work unit", "党员或单位"),
    "as": ("As", "类别"),
    "verified": ("Verified", "核单数"),
    "points": ("Points", "积分"),
    "none": ("None.", "无。"),
}

_STAGE_NAMES = {
    Stage.DISPATCH: ("dispatch", "派单"),
    Stage.ACCEPT: ("accept", "接单"),
    Stage.DONE: ("done", "办结"),
    Stage.VERIFY: ("verify", "核单"),
}


def _w(lang: Lang, key: str) -> str:
    english, chinese = _WORDS[key]
    return english if lang == "en" else chinese


def _kind(lang: Lang, kind: ServiceKind) -> str:
    return kind.value if lang == "en" else kind.chinese


def _state(lang: Lang, state: ServiceState) -> str:
    return state.value if lang == "en" else state.chinese


def _stage(lang: Lang, stage: Stage) -> str:
    english, chinese = _STAGE_NAMES[stage]
    return english if lang == "en" else chinese


def _as(lang: Lang, kind: AssigneeKind) -> str:
    if kind is AssigneeKind.MEMBER:
        return "cadre" if lang == "en" else "党员"
    return "work unit" if lang == "en" else "单位"


def tables(report: ServiceReport, lang: Lang) -> list[Table]:
    """Requests by kind and state, stage medians, overdue requests, servers."""
    states = list(ServiceState)
    by_kind: list[tuple[Cell, ...]] = []
    for kind in ServiceKind:
        counts = [report.recorded.get((kind, state), 0) for state in states]
        by_kind.append((_kind(lang, kind), *counts, sum(counts)))
    stages: list[tuple[Cell, ...]] = [
        (
            _stage(lang, stage),
            report.stage_steps[stage],
            None if (h := report.median_hours[stage]) is None else f"{h:.1f}",
        )
        for stage in Stage
    ]
    late: list[tuple[Cell, ...]] = [
        (
            item.request.id,
            _kind(lang, item.request.kind),
            item.request.household_id,
            _state(lang, item.state),
            _stage(lang, item.stage),
            item.days_waiting,
        )
        for item in report.late
    ]
    servers: list[tuple[Cell, ...]] = [
        (server.id, _as(lang, server.kind), server.verified, server.points)
        for server in report.servers
    ]
    return [
        Table(
            _w(lang, "kind")[:31],
            (_w(lang, "kind"), *(_state(lang, s) for s in states), _w(lang, "total")),
            by_kind,
        ),
        Table(
            _w(lang, "stage")[:31],
            (_w(lang, "stage"), _w(lang, "steps"), _w(lang, "hours")),
            stages,
        ),
        Table(
            _w(lang, "late")[:31],
            (
                _w(lang, "request"),
                _w(lang, "kind"),
                _w(lang, "household"),
                _w(lang, "state"),
                _w(lang, "stage"),
                _w(lang, "waiting"),
            ),
            late,
        ),
        Table(
            _w(lang, "servers")[:31],
            (_w(lang, "who"), _w(lang, "as"), _w(lang, "verified"), _w(lang, "points")),
            servers,
        ),
    ]


def service_json(report: ServiceReport) -> dict[str, Any]:
    return {
        "scope": {"id": report.scope.id, "path": list(report.scope.path)},
        "year": report.year,
        "month": report.month,
        "data_as_of": report.data_as_of.isoformat(),
        "store": report.source,
        "recorded": [
            {"kind": kind.value, "state": state.value, "count": count}
            for (kind, state), count in sorted(
                report.recorded.items(), key=lambda item: (item[0][0].value, item[0][1].value)
            )
        ],
        "stages": [
            {
                "stage": stage.value,
                "steps": report.stage_steps[stage],
                "median_hours": report.median_hours[stage],
            }
            for stage in Stage
        ],
        "late": [
            {
                "id": item.request.id,
                "kind": item.request.kind.value,
                "household_id": item.request.household_id,
                "state": item.state.value,
                "stage": item.stage.value,
                "days_waiting": item.days_waiting,
            }
            for item in report.late
        ],
        "servers": [
            {"id": s.id, "as": s.kind.value, "verified": s.verified, "points": s.points}
            for s in report.servers
        ],
    }


def _html_table(table: Table) -> str:
    if not table.rows:
        return ""
    head = "".join(f"<th>{esc(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{number(c)}</td>'
            if isinstance(c, int)
            else f"<td>{esc(c or '')}</td>"
            for c in row
        )
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_service_html(report: ServiceReport, lang: Lang) -> str:
    title = _w(lang, "title")
    meta = meta_list(
        [
            ("month", _w(lang, "month"), f"{report.year}-{report.month:02d}"),
            ("as-of", _w(lang, "as_of"), timestamp(report.data_as_of)),
        ]
    )
    sections = []
    for key, table in zip(
        ("requests", "stages", "late", "servers"), tables(report, lang), strict=True
    ):
        body = _html_table(table) or f'<p class="muted">{esc(_w(lang, "none"))}</p>'
        sections.append(f'<section id="{key}"><h2>{esc(_w(lang, key))}</h2>{body}</section>')
    header = (
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="scope">{esc(scope_label(lang, report.scope))}</p>{meta}</header>'
    )
    return page(lang, title, header + "".join(sections), f"{report.source} store")


def write_service_report(report: ServiceReport, fmt: Format, lang: Lang, out: Path) -> None:
    if fmt == "html":
        _write_text(out, render_service_html(report, lang))
    elif fmt == "json":
        _write_text(out, json.dumps(service_json(report), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_text(out, _csv(tables(report, lang)[2]), bom=True)
    else:
        _write_xlsx(out, tables(report, lang))
