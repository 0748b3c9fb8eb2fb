"""`orggraph report gaps|points`: the reports as commands.

Registered by orggraph/cli/__init__.py with ``main.add_command(report_group)``. Progress goes
to stderr (so `--out -` can stream a CSV or JSON to stdout); every failure is a one-line message
and exit code 1.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from orggraph.access import ScopedStore
from orggraph.auth.tokens import AuthError, load_secret, verify_token
from orggraph.cli.store_option import run_with_store, store_option
from orggraph.config import Settings
from orggraph.domain.errors import OrgGraphError
from orggraph.domain.gaps import GapKind
from orggraph.reports.gap_data import collect_gap_report
from orggraph.reports.labels import LANGS, Lang
from orggraph.reports.output import (
    FORMATS,
    Format,
    format_for,
    write_gap_report,
    write_points_report,
    write_units_report,
)
from orggraph.reports.points_data import collect_points_report
from orggraph.reports.scope import ReportError
from orggraph.reports.units_data import collect_units_report
from orggraph.store import GraphStore
from orggraph.store.protocols import OrgView
from orggraph.store.years import points_year

T = TypeVar("T")
_F = TypeVar("_F", bound=Callable[..., Any])


def _say(message: str) -> None:
    click.echo(message, err=True)


_POINTS_YEAR = click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    default=None,
    help="Calendar year of the points (default: the latest year with points entries, else "
    "this year).",
)


def _common_options(scope_help: str) -> Callable[[_F], _F]:
    """--scope/--format/--lang/--out/--store: the same for every report."""
    return functools.partial(_add_common_options, scope_help=scope_help)


def _add_common_options(command: _F, scope_help: str) -> _F:
    options = [
        store_option,
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            required=True,
            help="File to write; '-' writes HTML, CSV or JSON to standard output.",
        ),
        click.option(
            "--lang",
            type=click.Choice(LANGS),
            default="en",
            show_default=True,
            help="Language of headings, column headers and reasons (zh: Chinese).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default=None,
            help="Output format (default: from the --out file name's ending, else html).",
        ),
        click.option("--scope", "scope_id", metavar="ID", default=None, help=scope_help),
        click.option(
            "--token",
            envvar="ORGGRAPH_TOKEN",
            default=None,
            help="Read as this API token's holder (role, scope and masking as in the API; "
            "default: $ORGGRAPH_TOKEN, else the whole store unmasked, as an operator).",
        ),
    ]
    for option in options:
        command = option(command)
    return command


def _run(
    store_kind: str | None,
    token: str | None,
    scope_id: str | None,
    work: Callable[[OrgView, Settings, str | None], Awaitable[T]],
) -> T:
    """Open the store, run `work`, close it; every expected failure becomes a clean message.

    With a token the report sees the store exactly as that holder does through the API
    (`ScopedStore`): only their scope (the default --scope), personal fields masked for a
    dashboard.
    """

    async def scoped(store: GraphStore, settings: Settings) -> T:
        await _refuse_an_empty_store(store, settings)
        principal = verify_token(load_secret(settings.api.secret_file), token) if token else None
        if principal is None:
            return await work(store, settings, scope_id)
        return await work(ScopedStore(store, principal), settings, scope_id or principal.scope_id)

    try:
        return run_with_store(store_kind, scoped, read_only=True)
    except (ReportError, OrgGraphError, ValueError, AuthError) as exc:
        raise click.ClickException(str(exc)) from exc


def _gap_kinds(raw: str | None) -> list[GapKind] | None:
    """`--kinds uncovered_household,cadre_over_band` as gap kinds; an unknown one is named."""
    if raw is None:
        return None
    known = {kind.value: kind for kind in GapKind}
    wanted = [part.strip().lower() for part in raw.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in known]
    if unknown or not wanted:
        raise click.BadParameter(
            f"unknown gap kind(s) {', '.join(unknown) or '(none given)'}; choose from "
            + ", ".join(known),
            param_hint="--kinds",
        )
    return [known[part] for part in wanted]


def _format(out: Path, fmt: Format | None) -> Format:
    """The output format, or a clean message for a file name it cannot be written as."""
    try:
        return format_for(out, fmt)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc


async def _refuse_an_empty_store(store: GraphStore, settings: Settings) -> None:
    """An empty store would print a convincing "no gaps" report: say what is wrong instead."""
    if sum((await store.counts(None)).units.values()):
        return
    where = f" in {settings.data_dir}" if store.name == "memory" else f" at {settings.neo4j_uri}"
    raise ReportError(
        f"the {store.name} store{where} is empty: there is nothing to report on. Import a "
        "ledger (orggraph import), or use the store the service serves (--store, "
        "ORGGRAPH_STORE, ORGGRAPH_DATA_DIR)"
    )


@click.group(name="report")
def report_group() -> None:
    """Reports to print, share and file: coverage gaps, the points publication and the
    yearly feedback to work units.

    Both read the same store the API serves (ORGGRAPH_STORE, or --store) and give the same
    figures as the API's coverageSummary, gapCounts and coverageGaps. The policy (the
    household band and the points minimum) comes from ORGGRAPH_MIN_HOUSEHOLDS,
    ORGGRAPH_MAX_HOUSEHOLDS and ORGGRAPH_MIN_YEARLY_POINTS (10, 15 and 20 by default); the
    service requests' time limits from ORGGRAPH_SERVICE_LIMITS (see README).
    """


@report_group.command(name="gaps")
@_common_options("Id of a street, community, branch or building group (default: the city).")
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    default=None,
    help="Year whose points count for the points-minimum gap (default: the latest year with "
    "points entries, else this year).",
)
@click.option(
    "--kinds",
    metavar="KIND,...",
    default=None,
    help="List only these gap kinds, comma-separated (every kind is still counted): "
    + ", ".join(kind.value for kind in GapKind)
    + ".",
)
@click.option(
    "--summary-only",
    is_flag=True,
    help="Figures, charts and gap counts without the gap lists (a city's lists run to "
    "hundreds of pages).",
)
def gaps_command(
    scope_id: str | None,
    fmt: Format | None,
    lang: Lang,
    out: Path,
    store_kind: str | None,
    token: str | None,
    year: int | None,
    kinds: str | None,
    summary_only: bool,
) -> None:
    """Coverage-gap report of a scope: figures, charts and every gap, by kind.

    HTML is one self-contained page for printing on A4 (coverage per child unit, the cadres'
    household loads against the band, gap counts and lists); XLSX has one sheet per gap kind;
    CSV and JSON hold the same rows for other tools.

    Example: orggraph report gaps --scope S01-C03 --lang zh --out gaps.html
    """
    chosen = _format(out, fmt)
    listed = _gap_kinds(kinds)

    async def work(store: OrgView, settings: Settings, scope_id: str | None) -> None:
        wanted_year = await points_year(store, year)
        report = await collect_gap_report(
            store,
            scope_id,
            settings.policy,
            wanted_year,
            _say,
            ZoneInfo(settings.report_timezone),
            listed,
            summary_only,
        )
        write_gap_report(report, chosen, lang, out)
        total = sum(report.gap_counts.values())
        _say(f"wrote {out} ({chosen}, {total:,} gap(s), {report.source} store)")

    _run(store_kind, token, scope_id, work)


@report_group.command(name="points")
@_common_options("Id of a community or a street (default: the city).")
@_POINTS_YEAR
@click.option(
    "--quarter",
    type=click.IntRange(1, 4),
    default=None,
    help="Publish this quarter's points (with the year so far); default: the whole year.",
)
def points_command(
    scope_id: str | None,
    fmt: Format | None,
    lang: Lang,
    out: Path,
    store_kind: str | None,
    token: str | None,
    year: int | None,
    quarter: int | None,
) -> None:
    """Points publication (积分公示): each community's cadres and their points.

    The scope is a community, a street (all its communities) or, without --scope, the city.
    Cadres behind the yearly minimum are marked: in a quarter, those under the share of it due
    by the quarter's end (5, 10, 15, 20 of 20 points); for the whole year, those under it.

    Example: orggraph report points --scope S01-C03 --year 2022 --quarter 3 --out points.html
    """
    chosen = _format(out, fmt)

    async def work(store: OrgView, settings: Settings, scope_id: str | None) -> None:
        wanted_year = await points_year(store, year)
        report = await collect_points_report(
            store,
            scope_id,
            wanted_year,
            quarter,
            settings.policy,
            _say,
            ZoneInfo(settings.report_timezone),
        )
        write_points_report(report, chosen, lang, out)
        cadres = sum(len(group.cadres) for group in report.communities)
        _say(f"wrote {out} ({chosen}, {cadres:,} cadre(s), {report.source} store)")

    _run(store_kind, token, scope_id, work)


@report_group.command(name="units")
@_common_options("Id of a street (or any unit) whose cadres are fed back (default: the city).")
@_POINTS_YEAR
def units_command(
    scope_id: str | None,
    fmt: Format | None,
    lang: Lang,
    out: Path,
    store_kind: str | None,
    token: str | None,
    year: int | None,
) -> None:
    """Yearly feedback to work units (街道向单位一年一反馈): each unit's cadres and points.

    Per work unit with cadres in the scope: its cadres with their community, the households
    they cover there, their points for the year and whether they met the minimum; the unit's
    totals (the API's WorkUnit.figures); and an overview of the units sorted by the share of
    their cadres meeting the minimum. XLSX has the overview and the cadre lines; CSV the lines.

    Example: orggraph report units --scope S01 --year 2022 --lang zh --out units.html
    """
    chosen = _format(out, fmt)

    async def work(store: OrgView, settings: Settings, scope_id: str | None) -> None:
        wanted_year = await points_year(store, year)
        report = await collect_units_report(store, scope_id, wanted_year, settings.policy, _say)
        write_units_report(report, chosen, lang, out)
        _say(f"wrote {out} ({chosen}, {len(report.units):,} work unit(s), {report.source} store)")

    _run(store_kind, token, scope_id, work)
