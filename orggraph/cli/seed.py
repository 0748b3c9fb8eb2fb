"""`orggraph seed ...`: make synthetic cities for demos, tests and benchmarks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from orggraph.ledger import LANGUAGES, write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import ProfileError, load_profile
from orggraph.seed.service import ServiceRates

_RATES = ServiceRates()


@click.group("seed")
def seed_group() -> None:
    """Synthetic cities, written as ledgers that `orggraph import` loads."""


@seed_group.command("generate")
@click.option(
    "--profile",
    default="qianjiang",
    show_default=True,
    help="A profile name from seed/profiles/, or the path of a profile .toml file.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Multiply every count by this (10 = a city ten times larger, same shape; 0.05 = a"
    " small city for tests).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same profile, scale and seed give byte-identical files.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write: a folder for csv, a workbook file for xlsx.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default="csv",
    show_default=True,
    help="A folder of CSV files, one per sheet, or one XLSX workbook.",
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
    "--requests-per-household",
    type=click.FloatRange(min=0),
    default=_RATES.per_household,
    show_default=True,
    help="Service requests (微心愿/微诉求/微梦想) a household places in the profile's year;"
    " 0 writes none. See orggraph/seed/service.py for why the defaults.",
)
@click.option(
    "--late-share",
    type=click.FloatRange(0, 1),
    default=_RATES.late_share,
    show_default=True,
    help="Share of a request's waits that run past the policy's time limit (overdue).",
)
@click.option(
    "--requests-until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day open requests stand as of [default: the end of the profile's year]. A"
    " day after that year moves the open requests forward to it (finished ones stay in the"
    " points year): `serve --demo` passes the day before it runs.",
)
def generate_command(
    profile: str,
    scale: float,
    seed: int,
    out: Path,
    fmt: str,
    language: str,
    requests_per_household: float,
    late_share: float,
    requests_until: datetime | None,
) -> None:
    """Generate a synthetic city as a ledger.

    At scale 1 the qianjiang profile reproduces the source document's figures exactly
    (7 streets, 56 communities, 508 branches, 3,192 building groups, 3,753 central households,
    13,340 cadres of whom 9,166 cover 113,986 households, 10-15 each), with uncovered
    households and other coverage gaps injected as the profile says, and a year of service
    requests (ordered, dispatched, accepted, done, verified; some declined, reopened,
    cancelled or overdue) with a supply list of cadres' and work units' offers, some
    dispatches matched to them. Load the result with `orggraph import OUT`.
    """
    rates = replace(
        _RATES,
        per_household=requests_per_household,
        late_share=late_share,
        until=requests_until.date() if requests_until else None,
    )
    try:
        city = generate_city(load_profile(profile), scale, seed, rates)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "xlsx" and out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    written = write_ledger(city, out, fmt, language)
    click.echo(f"wrote {len(written)} file(s) to {out}")
    figures = city.figures()
    for key, value in [*figures.pop("units").items(), *figures.items()]:
        click.echo(f"  {key:<20} {value:>10,}")
    click.echo(f"  {'service_requests':<20} {len(city.service):>10,}")
