"""The demo city's requests as of the day it runs: open ones within and past their limits,
finished ones (and their points) still in the profile's points year, the default unchanged."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from orggraph.demo import DEMO_PROFILE, demo_rates
from orggraph.domain.policy import Policy
from orggraph.domain.service import ServiceFilter, ServiceState, overdue_stage
from orggraph.importer import import_ledger
from orggraph.ledger import Ledger, write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.seed.service import ServiceRates
from orggraph.store.protocols import GraphStore

SCALE = 0.05
TODAY = date(2030, 5, 20)


@pytest.fixture(scope="module")
def year_end_city() -> Ledger:
    return generate_city(load_profile(DEMO_PROFILE), SCALE, 1)


@pytest.fixture(scope="module")
def demo_city() -> Ledger:
    return generate_city(load_profile(DEMO_PROFILE), SCALE, 1, demo_rates(TODAY))


def test_open_requests_wait_within_and_past_their_limits_as_of_the_day(demo_city: Ledger) -> None:
    limits = Policy().limits()
    open_ = [h.request for h in demo_city.service if h.request.state.is_open]
    assert open_
    late = [r for r in open_ if overdue_stage(r, limits[r.kind], TODAY) is not None]
    assert late and len(late) < len(open_)
    for request in open_:  # a stalled request may have waited since early in the year
        assert TODAY - timedelta(days=366) < request.entered.date() < TODAY, request
    assert all(r.recorded_at.date() > TODAY - timedelta(days=366) for r in open_)


def test_finished_requests_and_their_points_stay_in_the_points_year(
    demo_city: Ledger, year_end_city: Ledger
) -> None:
    year = load_profile(DEMO_PROFILE).year
    finished = [h for h in demo_city.service if not h.request.state.is_open]
    assert finished and {s.at.year for h in finished for s in h.steps} == {year}
    assert max(entry.day.year for entry in demo_city.points) == year
    assert demo_city.points == year_end_city.points
    same = [h for h in year_end_city.service if not h.request.state.is_open]
    assert finished == same


def test_open_requests_move_by_whole_days_and_the_default_is_the_year_end(
    demo_city: Ledger, year_end_city: Ledger
) -> None:
    year = load_profile(DEMO_PROFILE).year
    shift = TODAY - timedelta(days=1) - date(year, 12, 31)
    moved = {h.id: h for h in demo_city.service}
    for history in year_end_city.service:
        if history.request.state.is_open:
            later = moved[history.id]
            assert [s.at - shift for s in later.steps] == [s.at for s in history.steps]
            assert later.request.state is history.request.state
    by_year_end = generate_city(
        load_profile(DEMO_PROFILE), SCALE, 1, ServiceRates(until=date(year, 12, 31))
    )
    assert by_year_end.service == year_end_city.service


async def test_the_demo_ledger_imports_and_lists_open_requests_late_and_not(
    demo_city: Ledger, memory_store: GraphStore, tmp_path: Path
) -> None:
    write_ledger(demo_city, tmp_path / "ledger")
    report = await import_ledger(tmp_path / "ledger", memory_store, progress=False)
    assert report.ok, report.problems[:3]
    open_states = tuple(s for s in ServiceState if s.is_open)
    for overdue in (True, False):
        keep = ServiceFilter(states=open_states, overdue=overdue)
        page = await memory_store.service_requests(None, keep, Policy(), TODAY)
        assert page.items, overdue
