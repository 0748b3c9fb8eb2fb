"""Writing a report in the format asked: HTML, XLSX, CSV or JSON.

CSV files start with a byte-order mark so Excel, which organisers open them with, reads the
Chinese correctly; XLSX sheets freeze their header row so it stays in view while scrolling.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from orggraph.domain.gaps import GapKind
from orggraph.reports.gap_data import GapReport
from orggraph.reports.html_gaps import render_gap_html
from orggraph.reports.html_points import render_points_html
from orggraph.reports.labels import Lang
from orggraph.reports.points_data import PointsReport, due_points
from orggraph.reports.scope import ReportError, Scope
from orggraph.reports.tables import (
    GAP_KEYS,
    Table,
    figures,
    gap_row,
    gap_sheets,
    gap_table,
    points_table,
)
from orggraph.reports.units_data import UnitsReport
from orggraph.reports.units_render import (
    cadres_table,
    overview_table,
    render_units_html,
    units_json,
)

Format = Literal["html", "xlsx", "csv", "json"]
FORMATS: tuple[Format, ...] = ("html", "xlsx", "csv", "json")
STDOUT = Path("-")
"""`--out -`: write a text format to standard output."""

_MAX_COLUMN_WIDTH = 60


def format_for(out: Path, fmt: Format | None) -> Format:
    """The format asked for, or the one the file name ends in, or HTML for a name without
    an ending. A name ending in something else (`gaps.pdf`) is refused rather than filled
    with HTML that its ending says it is not; so is a name whose ending contradicts --format."""
    suffix = out.suffix.lower().lstrip(".")
    if not suffix or out == STDOUT:
        return fmt or "html"
    if suffix not in FORMATS:
        raise ReportError(
            f"cannot write {out.name}: reports are written as .html, .xlsx, .csv or .json "
            "(for PDF, open the HTML report in a browser and print it: it is laid out for A4)"
        )
    named = next(known for known in FORMATS if known == suffix)
    if fmt is not None and fmt != named:
        raise ReportError(f"{out.name} ends in .{named} but --format says {fmt}")
    return named


def write_gap_report(report: GapReport, fmt: Format, lang: Lang, out: Path) -> None:
    if fmt == "html":
        _write_text(out, render_gap_html(report, lang))
    elif fmt == "json":
        _write_text(out, json.dumps(gap_json(report, lang), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_text(out, _csv(gap_table(report, lang)), bom=True)
    else:
        _write_xlsx(out, gap_sheets(report, lang))


def write_points_report(report: PointsReport, fmt: Format, lang: Lang, out: Path) -> None:
    if fmt == "html":
        _write_text(out, render_points_html(report, lang))
    elif fmt == "json":
        _write_text(out, json.dumps(points_json(report), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_text(out, _csv(points_table(report, lang)), bom=True)
    else:
        _write_xlsx(out, [points_table(report, lang)])


def write_units_report(report: UnitsReport, fmt: Format, lang: Lang, out: Path) -> None:
    """The yearly feedback to work units; CSV holds the cadre lines (XLSX adds the overview)."""
    if fmt == "html":
        _write_text(out, render_units_html(report, lang))
    elif fmt == "json":
        _write_text(out, json.dumps(units_json(report), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_text(out, _csv(cadres_table(report, lang)), bom=True)
    else:
        _write_xlsx(out, [overview_table(report, lang), cadres_table(report, lang)])


def _scope_json(scope: Scope) -> dict[str, Any]:
    unit = scope.unit
    return {
        "id": unit.id if unit else None,
        "name": unit.name if unit else None,
        "level": unit.level.label if unit else None,
        "path": list(scope.path),
    }


def gap_json(report: GapReport, lang: Lang) -> dict[str, Any]:
    """The gap report for other tools: stable keys, figures named as in the API."""
    gaps = []
    for kind in GapKind:
        for gap in report.gaps[kind]:
            row: dict[str, Any] = dict(zip(GAP_KEYS, gap_row(report, gap, lang), strict=True))
            row["unit_path"] = list(gap.unit_path)
            gaps.append(row)
    return {
        "report": "coverage_gaps",
        "scope": _scope_json(report.scope),
        "year": report.year,
        "policy": {
            "min_households": report.policy.min_households,
            "max_households": report.policy.max_households,
            "min_yearly_points": report.policy.min_yearly_points,
        },
        "data_as_of": report.data_as_of.isoformat(timespec="seconds"),
        "source": report.source,
        "figures": figures(report.summary.counts),
        "children": [
            {
                "id": row.node.id,
                "name": row.node.name,
                "level": row.node.level.label,
                "figures": figures(row.counts),
            }
            for row in report.summary.rows
        ],
        "gap_counts": {kind.value: report.gap_counts[kind] for kind in GapKind},
        "cadre_load": [
            {"households": households, "cadres": cadres}
            for households, cadres in report.cadre_load.items()
        ],
        "gaps": gaps,
    }


def points_json(report: PointsReport) -> dict[str, Any]:
    """The publication for other tools: one object per community, cadres by id."""
    return {
        "report": "points_publication",
        "scope": _scope_json(report.scope),
        "year": report.year,
        "quarter": report.quarter,
        "min_yearly_points": report.policy.min_yearly_points,
        "due_points": due_points(report.policy, report.quarter),
        "data_as_of": report.data_as_of.isoformat(timespec="seconds"),
        "source": report.source,
        "communities": [
            {
                "id": group.community.id if group.community else None,
                "path": list(group.path),
                "cadres": [
                    {
                        "member_id": cadre.member_id,
                        "name": cadre.name,
                        "work_unit": cadre.work_unit,
                        "period_points": cadre.period_points,
                        "year_to_date": cadre.year_to_date,
                        "under_minimum": cadre.under_minimum,
                    }
                    for cadre in group.cadres
                ],
            }
            for group in report.communities
        ],
    }


def _csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return buffer.getvalue()


def _write_text(out: Path, content: str, bom: bool = False) -> None:
    if out == STDOUT:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(content, encoding="utf-8-sig" if bom else "utf-8", newline="")


def _display_width(value: object) -> int:
    """Characters as Excel lays them out: a Chinese character takes two columns."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in str(value))


def _write_xlsx(out: Path, tables: list[Table]) -> None:
    if out == STDOUT:
        raise ReportError("XLSX is a binary format: give a file name with --out, not '-'")
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = workbook.create_sheet(table.title)
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, 1):
            widest = max(
                [
                    _display_width(header),
                    *(_display_width(row[index - 1] or "") for row in table.rows),
                ]
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(
                _MAX_COLUMN_WIDTH, widest + 2
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
