"""`orggraph import`, `orggraph export` and `orggraph stats`: ledgers in and out of a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from orggraph.cli.store_option import run_with_store, store_option
from orggraph.config import Settings
from orggraph.domain.errors import OrgGraphError
from orggraph.importer.export import export_ledger
from orggraph.importer.in_flight import DEFAULT_JOBS
from orggraph.importer.run import ImportReport, import_ledger
from orggraph.importer.write import DEFAULT_BATCH_SIZE
from orggraph.ledger import LANGUAGES, write_ledger
from orggraph.ledger.chinese import in_chinese
from orggraph.ledger.popolo import write_popolo
from orggraph.stats import collect_stats, format_stats
from orggraph.store import GraphStore
from orggraph.store.years import points_year
from orggraph.verify import Drift, find_drifts


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@store_option
@click.option(
    "--dry-run", is_flag=True, help="Check the ledger and say what would change; write nothing."
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Rows per bulk write; each batch is written all or nothing.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Batches written at once (Neo4j uses one server thread for each).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: when stderr is a terminal).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the problems listed (zh: 中文, for a Chinese workbook).",
)
def import_command(
    path: Path,
    store_kind: str | None,
    dry_run: bool,
    batch_size: int,
    jobs: int,
    progress: bool | None,
    language: str,
) -> None:
    """Import a ledger: a folder of CSV files or an XLSX workbook (see docs/ledger-format.md).

    Every file is checked before anything is written; if any row is wrong, every problem is
    listed with its file, sheet, row and column, nothing is written and the exit code is 1.
    Importing the same ledger again changes nothing. An import that was stopped midway can
    simply be run again: it completes what is missing.
    """
    show_progress = sys.stderr.isatty() if progress is None else progress

    async def work(store: GraphStore, _: Settings) -> ImportReport:
        return await import_ledger(path, store, dry_run, batch_size, show_progress, jobs)

    resume = ". Batches already written stay whole; run the import again to complete it."
    try:
        report = run_with_store(store_kind, work, resume)
    except OrgGraphError as exc:
        raise click.ClickException(
            f"the store refused a batch: {exc.message}{resume} (after fixing the cause)"
        ) from exc
    if not report.ok:
        for problem in report.problems:
            click.echo(in_chinese(problem) if language == "zh" else str(problem), err=True)
        found = len(report.problems)
        click.echo(
            f"发现{found}个问题，未写入任何数据。"
            if language == "zh"
            else f"{found} problem(s) found; nothing was written.",
            err=True,
        )
        sys.exit(1)
    click.echo(report.summary())


@click.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A folder for csv, a workbook file for xlsx, a JSON file for popolo.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "popolo"]),
    default=None,
    help="csv (a folder, one file per sheet), xlsx (one workbook) or popolo (Popolo JSON:"
    " organizations, persons, memberships; no points); default: xlsx if --out ends in .xlsx,"
    " popolo if in .json, else csv.",
)
@click.option(
    "--scope",
    metavar="ID",
    default=None,
    help="Export only this unit's subtree (and the units above it that it needs).",
)
@click.option(
    "--lang",
    "--language",
    "language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Sheet names, headers and words like levels and modes in English or Chinese "
    "(--lang, as for reports; --language is the older spelling).",
)
@click.option(
    "--points-year",
    "points_years",
    metavar="YEAR",
    type=int,
    multiple=True,
    help="Years whose points entries to export (repeatable; default: from the earliest"
    " assignment's year to this year).",
)
@store_option
def export_command(
    out: Path,
    fmt: str | None,
    scope: str | None,
    language: str,
    points_years: tuple[int, ...],
    store_kind: str | None,
) -> None:
    """Write the store (or one unit's subtree) back out as a ledger.

    The ledger imports on its own into an empty store; exporting, importing into an empty
    store and exporting again gives identical files. Popolo JSON holds the same units,
    households, work units, cadres and covers (current and ended) for other systems.
    """
    suffix = out.suffix.lower()
    chosen = fmt or {".xlsx": "xlsx", ".json": "popolo"}.get(suffix, "csv")

    async def work(store: GraphStore, _: Settings) -> list[Path]:
        ledger = await export_ledger(store, scope, points_years or None)
        if chosen == "popolo":
            return [write_popolo(ledger, out)]
        return write_ledger(ledger, out, chosen, language)

    try:
        written = run_with_store(store_kind, work, read_only=True)
    except OrgGraphError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"wrote {len(written)} file(s) to {out}")


@click.command("stats")
@click.option(
    "--scope", metavar="ID", default=None, help="A unit or household id (default: the whole city)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--year",
    metavar="YEAR",
    type=int,
    default=None,
    help="The year whose points count for the points gap (default: the latest year with "
    "points entries, else this year).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Recount every unit from the raw graph and list any figure the store keeps "
    "differently (exit 1 if there is one).",
)
@store_option
def stats_command(
    scope: str | None, as_json: bool, year: int | None, verify: bool, store_kind: str | None
) -> None:
    """Counts per level, households, cover, cadres, assignments and gaps per kind.

    The same numbers from either store. Gaps follow the configured policy
    (ORGGRAPH_MIN_HOUSEHOLDS, ORGGRAPH_MAX_HOUSEHOLDS, ORGGRAPH_MIN_YEARLY_POINTS; the
    service requests' time limits from ORGGRAPH_SERVICE_LIMITS).
    """
    if verify:
        _verify(year, store_kind)
        return

    async def work(store: GraphStore, settings: Settings) -> dict[str, Any]:
        chosen = await points_year(store, year)
        return await collect_stats(store, scope, settings.policy, chosen)

    try:
        stats = run_with_store(store_kind, work, read_only=True)
    except OrgGraphError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(json.dumps(stats, ensure_ascii=False, indent=2) if as_json else format_stats(stats))


def _verify(year: int | None, store_kind: str | None) -> None:
    """Every kept figure against a recount; exit 1 listing the drifts if any."""

    async def work(store: GraphStore, settings: Settings) -> tuple[int, list[Drift]]:
        return await find_drifts(store, settings.policy, await points_year(store, year))

    try:
        checked, drifts = run_with_store(store_kind, work, read_only=True)
    except OrgGraphError as exc:
        raise click.ClickException(exc.message) from exc
    for drift in drifts:
        click.echo(str(drift))
    if drifts:
        raise click.ClickException(f"{len(drifts)} figure(s) drift from a recount")
    click.echo(f"checked {checked:,} scopes (and the gaps of every community): no drift")
