"""The demo city behind `make serve`: the Qianjiang profile at scale 1, generated and imported
through the same ledger path an organiser's spreadsheets take, only when the store is empty."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from orggraph.importer.run import import_ledger
from orggraph.ledger.writer import write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.seed.service import ServiceRates
from orggraph.store.protocols import GraphStore

DEMO_PROFILE = "qianjiang"
DEMO_SEED = 1


def demo_rates(today: date) -> ServiceRates:
    """The demo city's requests: finished ones in the profile's points year, open ones in the
    weeks up to the day before `today`, so as of `today` some wait inside their limits and
    some past them (`orggraph.seed.service`). The day before, not `today` itself: a step
    dated later today than the server started would refuse a cadre acting on it now."""
    return ServiceRates(until=today - timedelta(days=1))


class DemoImportError(Exception):
    """The generated demo ledger did not import (`orggraph serve --demo` reports it, exit 1)."""


async def ensure_demo_city(store: GraphStore) -> bool:
    """Load the demo city into an empty store; return whether it loaded one."""
    counts = await store.counts()
    if sum(counts.units.values()) or counts.households:
        return False
    print(
        f"Empty store: generating the {DEMO_PROFILE} city (scale 1) and importing it...",
        flush=True,
    )
    city = generate_city(load_profile(DEMO_PROFILE), 1.0, DEMO_SEED, demo_rates(date.today()))
    with tempfile.TemporaryDirectory(prefix="orggraph-demo-") as folder:
        ledger_dir = Path(folder) / "ledger"
        write_ledger(city, ledger_dir, "csv")
        report = await import_ledger(ledger_dir, store)
    if report.problems:
        raise DemoImportError(f"the demo ledger did not import: {report.problems[0]}")
    return True
