"""`orggraph report service`: the monthly service report (服务清单月报) as a command.

Added to the `report` group by orggraph/cli/__init__.py; options and failure handling are the
other reports' (`orggraph.cli.reports`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from orggraph.cli.reports import _common_options, _run, _say
from orggraph.config import Settings
from orggraph.reports.labels import Lang
from orggraph.reports.output import Format, format_for
from orggraph.reports.service_data import collect_service_report
from orggraph.reports.service_render import write_service_report
from orggraph.store.protocols import OrgView


def _month(value: str) -> tuple[int, int]:
    try:
        moment = datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month like 2026-03") from None
    return moment.year, moment.month


@click.command(name="service")
@_common_options("Id of a community (or any unit) whose requests to report (default: the city).")
@click.option(
    "--month",
    default=None,
    help="The month, YYYY-MM (default: this month, UTC).",
)
def service_command(
    scope_id: str | None,
    fmt: Format | None,
    lang: Lang,
    out: Path,
    store_kind: str | None,
    token: str | None,
    month: str | None,
) -> None:
    """Monthly service report (服务清单月报): requests by kind and state, median time per stage,
    overdue requests, and the cadres and work units who served.

    States are as they stood at the month's end. CSV holds the overdue requests; XLSX a sheet
    per table.

    Example: orggraph report service --scope S01-C03 --month 2026-03 --lang zh --out service.html
    """
    now = datetime.now(UTC)
    year, number = _month(month) if month else (now.year, now.month)
    chosen = format_for(out, fmt)

    async def work(store: OrgView, settings: Settings, scope_id: str | None) -> None:
        report = await collect_service_report(store, scope_id, year, number, settings.policy)
        write_service_report(report, chosen, lang, out)
        recorded = sum(report.recorded.values())
        _say(f"wrote {out} ({chosen}, {recorded:,} request(s) recorded, {len(report.late)} late)")

    _run(store_kind, token, scope_id, work)
