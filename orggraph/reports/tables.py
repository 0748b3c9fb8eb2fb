"""Reports as plain tables: the rows CSV, XLSX and JSON share.

One function per report builds the rows once, so the formats cannot disagree about what a row
holds; only the headers follow the language (JSON uses the stable keys instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from orggraph.domain.entities import Counts
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.reports.gap_data import GapReport
from orggraph.reports.labels import (
    Lang,
    gap_reason,
    kind_name,
    sheet_name,
    text,
    under_minimum_text,
)
from orggraph.reports.points_data import PointsReport, due_points

Cell = str | int | None

PATH_SEPARATOR = " / "

GAP_KEYS = (
    "kind",
    "unit_path",
    "unit_id",
    "subject_id",
    "subject_name",
    "value",
    "reason",
    "contact",
)
"""The columns of a gap row, as JSON keys; CSV and XLSX (without `kind`) have them in this order."""


@dataclass(frozen=True)
class Table:
    """A titled table: an XLSX sheet, or a CSV file (which leaves the title out)."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def gap_row(report: GapReport, gap: Gap, lang: Lang) -> tuple[Cell, ...]:
    """One gap as a row in `GAP_KEYS` order; the kind is its stable code."""
    reason = gap_reason(lang, gap.kind, gap.value, gap.reason, report.policy, report.year)
    return (
        gap.kind.value,
        PATH_SEPARATOR.join(gap.unit_path),
        gap.unit_id,
        gap.subject_id,
        gap.subject_name,
        gap.value,
        reason,
        report.contact(gap),
    )


def _gap_headers(lang: Lang) -> tuple[str, ...]:
    names = ("kind", "unit_path", "unit_id", "id", "name", "value", "reason", "contact")
    return tuple(text(lang, name) for name in names)


def gap_table(report: GapReport, lang: Lang) -> Table:
    """Every gap of the report in one table (CSV), kinds in their usual order."""
    rows = [gap_row(report, gap, lang) for kind in GapKind for gap in report.gaps[kind]]
    return Table(text(lang, "gap_lists"), _gap_headers(lang), rows)


def gap_sheets(report: GapReport, lang: Lang) -> list[Table]:
    """The summary sheet first (the scope's figures, one row per child unit, the count of
    every gap kind), then one table per listed gap kind, the same columns in each."""
    return [
        summary_table(report, lang),
        *(
            Table(
                sheet_name(lang, kind),
                _gap_headers(lang)[1:],
                [gap_row(report, gap, lang)[1:] for gap in report.gaps[kind]],
            )
            for kind in report.listed
        ),
    ]


def summary_table(report: GapReport, lang: Lang) -> Table:
    """The scope and each child unit with the figures that apply to them, then the gap
    counts: what a summary-only report prints, as one sheet."""
    keys = applicable_figure_keys(report.scope.level)
    child_keys = child_figure_keys(report.scope.child_level)
    headers = (text(lang, "unit_id"), text(lang, "unit"), *(text(lang, key) for key in keys))
    own = figures(report.summary.counts)
    rows: list[tuple[Cell, ...]] = [
        (
            report.scope.id,
            PATH_SEPARATOR.join(report.scope.path) or text(lang, "city"),
            *(_cell(own[key]) for key in keys),
        )
    ]
    for row in report.summary.rows:
        values = figures(row.counts)
        rows.append(
            (
                row.node.id,
                row.node.name,
                *(_cell(values[key]) if key in child_keys else None for key in keys),
            )
        )
    padding = (None,) * (len(keys) - 1)
    rows.append((None, None, None, *padding))
    rows.append((None, text(lang, "gap_counts"), text(lang, "count"), *padding))
    for kind in GapKind:
        rows.append((kind.value, kind_name(lang, kind), report.gap_counts[kind], *padding))
    return Table(text(lang, "summary"), headers, rows)


def _cell(value: int | float | None) -> Cell:
    """A share as a percentage with one decimal, as printed; counts as they are."""
    if isinstance(value, float):
        return f"{value * 100:.1f}%"
    return value


def points_table(report: PointsReport, lang: Lang) -> Table:
    """Every cadre of the publication, community by community."""
    headers = (
        text(lang, "unit_id"),
        text(lang, "community"),
        text(lang, "id"),
        text(lang, "name"),
        text(lang, "work_unit"),
        text(lang, "quarter_points" if report.quarter else "year_points"),
        text(lang, "year_to_date"),
        text(lang, "status"),
    )
    mark = under_minimum_text(
        lang, report.policy, report.quarter, due_points(report.policy, report.quarter)
    )
    rows: list[tuple[Cell, ...]] = []
    for group in report.communities:
        community_name = (
            PATH_SEPARATOR.join(group.path) if group.community else text(lang, "not_registered")
        )
        community_id = group.community.id if group.community else None
        for cadre in group.cadres:
            rows.append(
                (
                    community_id,
                    community_name,
                    cadre.member_id,
                    cadre.name,
                    cadre.work_unit,
                    cadre.period_points,
                    cadre.year_to_date,
                    mark if cadre.under_minimum else "",
                )
            )
    return Table(text(lang, "points_title"), headers, rows)


FIGURE_KEYS = (
    "streets",
    "communities",
    "branches",
    "building_groups",
    "households",
    "central_households",
    "covered_households",
    "coverage",
    "cadres",
    "covering_cadres",
    "assignments",
)
"""A scope's figures, named as the API's `Counts` fields are (in snake_case)."""


def applicable_figure_keys(level: Level | None) -> tuple[str, ...]:
    """The figures that can apply to a scope of `level` (None: the city): no count of the
    levels above it or of itself (a community report has no 街道大工委 0 and no 社区大党委 1),
    and no registered cadres below a community (cadres register with communities only)."""
    if level is None:
        return FIGURE_KEYS
    above = {_LEVEL_KEYS[unit] for unit in UNIT_LEVELS if unit.value <= level.value}
    if level.value > Level.COMMUNITY.value:
        above.add("cadres")
    return tuple(key for key in FIGURE_KEYS if key not in above)


def child_figure_keys(level: Level) -> tuple[str, ...]:
    """The figures that apply to child units of `level` (the per-child table's columns)."""
    return applicable_figure_keys(level)


_LEVEL_KEYS = dict(zip(UNIT_LEVELS, FIGURE_KEYS[:4], strict=True))


def figures(counts: Counts) -> dict[str, int | float]:
    """The figures of `counts` under `FIGURE_KEYS`, the same numbers the API answers."""
    units = [counts.units.get(level, 0) for level in UNIT_LEVELS]
    values: tuple[int | float, ...] = (
        *units,
        counts.households,
        counts.central_households,
        counts.covered_households,
        counts.coverage,
        counts.members,
        counts.covering_members,
        counts.assignments,
    )
    return dict(zip(FIGURE_KEYS, values, strict=True))
