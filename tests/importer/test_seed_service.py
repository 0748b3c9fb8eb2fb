"""The generated city's year of service requests: at the asked rates, the same for the same
seed, every state present, overdue waits among them, and each timeline one the rules allow."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, timedelta

import pytest

from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    STAGE_OF,
    AssigneeKind,
    ServiceAction,
    ServiceKind,
    ServiceState,
)
from orggraph.domain.service_history import check_history, service_points
from orggraph.domain.supply import OfferState
from orggraph.ledger import Ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.seed.service import NO_REQUESTS, ServiceRates

SCALE = 0.02


@pytest.fixture(scope="module")
def busy_city() -> Ledger:
    """Many requests and many stalls, so a small city shows every state."""
    rates = replace(ServiceRates(), per_household=1.0, stall_share=0.3, decline_share=0.2)
    return generate_city(load_profile("qianjiang"), SCALE, seed=5, service=rates)


def test_the_rate_and_the_mix_are_the_ones_asked(small_city: Ledger) -> None:
    rates = ServiceRates()
    assert len(small_city.service) == round(rates.per_household * len(small_city.households))
    kinds = Counter(h.request.kind for h in small_city.service)
    total = len(small_city.service)
    for kind, share in rates.mix:
        assert abs(kinds[kind] / total - share) < 0.06, (kind, kinds)
    assert {h.request.recorded_at.year for h in small_city.service} == {2022}


def test_every_timeline_is_one_the_rules_allow(busy_city: Ledger) -> None:
    for history in busy_city.service:
        check_history(history)
    ids = [h.id for h in busy_city.service]
    assert len(set(ids)) == len(ids)
    households = {h.id for h in busy_city.households}
    assert all(h.request.household_id in households for h in busy_city.service)


def test_every_state_is_present_and_some_waits_ran_late(busy_city: Ledger) -> None:
    states = Counter(h.request.state for h in busy_city.service)
    assert set(states) == set(ServiceState), states
    limits = Policy().limits()
    late = 0
    for history in busy_city.service:
        for before, step in zip(history.steps, history.steps[1:], strict=False):
            stage = STAGE_OF.get(before.to_state)
            if stage is not None:
                waited = (step.at.date() - before.at.date()).days
                late += waited > limits[history.request.kind].days(stage)
    assert late > 0


def test_verifications_award_their_points_entries(busy_city: Ledger) -> None:
    awarded = service_points(busy_city.service)
    assert awarded
    ids = {entry.id for entry in busy_city.points}
    assert {entry.id for entry in awarded} <= ids
    by_kind = dict(Policy().service_points)
    verified = {h.id: h for h in busy_city.service if h.request.state is ServiceState.VERIFIED}
    for entry in awarded:
        history = verified[entry.id.removesuffix(".pts")]
        assert entry.points == by_kind[history.request.kind]
        assert entry.member_id == history.steps[-1].member_id


def test_same_seed_same_requests_other_seed_others() -> None:
    profile = load_profile("qianjiang")
    one = generate_city(profile, 0.005, seed=3)
    assert one.service == generate_city(profile, 0.005, seed=3).service
    assert one.service != generate_city(profile, 0.005, seed=4).service


def test_no_requests_leaves_the_rest_of_the_city_as_it_was() -> None:
    profile = load_profile("qianjiang")
    plain = generate_city(profile, 0.005, seed=3, service=NO_REQUESTS)
    busy = generate_city(profile, 0.005, seed=3)
    assert plain.service == [] and busy.service
    assert plain.households == busy.households and plain.assignments == busy.assignments
    service_ids = {e.id for e in service_points(busy.service)}
    assert [e for e in busy.points if e.id not in service_ids] == plain.points


def test_open_requests_stand_as_of_the_day_the_year_ends() -> None:
    until = date(2022, 6, 30)
    rates = replace(ServiceRates(), until=until)
    city = generate_city(load_profile("qianjiang"), 0.005, seed=3, service=rates)
    assert city.service
    assert max(s.at.date() for h in city.service for s in h.steps) <= until
    recent = until - timedelta(days=3)
    assert any(h.request.state.is_open and h.request.entered.date() >= recent for h in city.service)
    assert {h.request.kind for h in city.service} <= set(ServiceKind)


def test_some_cadres_and_work_units_offer_and_some_dispatches_use_an_offer(
    small_city: Ledger,
) -> None:
    rates = ServiceRates()
    offers = small_city.offers
    by_kind = Counter(o.offered_by_kind for o in offers)
    cadres, work_units = by_kind[AssigneeKind.MEMBER], by_kind[AssigneeKind.WORK_UNIT]
    assert 0 < cadres <= 2 * rates.offer_cadre_share * len(small_city.members), by_kind
    assert 0 < work_units <= len(small_city.work_units), by_kind
    ids = [o.id for o in offers]
    assert len(set(ids)) == len(ids)
    known = {m.id for m in small_city.members} | {w.id for w in small_city.work_units}
    assert {o.offered_by for o in offers} <= known
    units = {u.id: u for u in small_city.units}
    households = {h.id: h for h in small_city.households}
    dispatches = matched = 0
    offer_of = {o.id: o for o in offers}
    for history in small_city.service:
        for step in history.steps:
            if step.action is not ServiceAction.DISPATCH:
                continue
            dispatches += 1
            if step.offer_id is None:
                continue
            matched += 1
            offer = offer_of[step.offer_id]
            assert offer.offered_by == step.assignee_id
            place, chain = households[history.request.household_id].parent_id, set()
            while place is not None:
                chain.add(place)
                place = units[place].parent_id
            assert offer.serves_id is None or offer.serves_id in chain
            assert offer.available_on(step.at.astimezone(UTC).date())
    assert 0 < matched < dispatches * rates.match_share


def test_offers_and_matches_leave_the_rest_of_the_city_as_it_was() -> None:
    """Matching only names an offer on some dispatches: without it (or without offers) every
    other row and step is the same; and the same seed gives the same offers and matches."""
    profile = load_profile("qianjiang")
    city = generate_city(profile, 0.005, seed=3)
    unmatched = generate_city(
        profile, 0.005, seed=3, service=replace(ServiceRates(), match_share=0)
    )
    assert any(s.offer_id for h in city.service for s in h.steps)
    assert not any(s.offer_id for h in unmatched.service for s in h.steps)
    assert city.offers == unmatched.offers

    def plain(ledger: Ledger) -> list[object]:
        return [
            (replace(h.request, offer_id=None), [replace(s, offer_id=None) for s in h.steps])
            for h in ledger.service
        ]

    assert plain(city) == plain(unmatched)
    assert replace(city, service=[], offers=[]) == replace(unmatched, service=[], offers=[])
    again = generate_city(profile, 0.005, seed=3)
    assert (again.offers, again.service) == (city.offers, city.service)
    assert generate_city(profile, 0.005, seed=4).offers != city.offers


def test_a_busy_city_has_withdrawn_and_seasonal_offers(busy_city: Ledger) -> None:
    states = Counter(o.state for o in busy_city.offers)
    assert states[OfferState.OPEN] and states[OfferState.WITHDRAWN], states
    assert any(o.available_until is not None for o in busy_city.offers)
