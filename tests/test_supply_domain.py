"""The supply and service-list rules on their own: an offer's checks, its match on dispatch,
withdrawal, and a verified request's time taken split by wait."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from orggraph.domain.entities import Unit
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.levels import Level
from orggraph.domain.service import (
    AssigneeKind,
    Facts,
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    Stage,
    advance,
    order,
)
from orggraph.domain.service_list import served, time_taken
from orggraph.domain.supply import (
    OfferFilter,
    OfferKind,
    OfferState,
    OfferWithdrawnError,
    ServiceOffer,
    withdraw,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
PLACES = (
    Unit("s1", "街道", Level.STREET),
    Unit("c1", "社区", Level.COMMUNITY, "s1"),
    Unit("b1", "支部", Level.BRANCH, "c1"),
    Unit("g1", "楼栋", Level.BUILDING, "b1"),
)


def _offer(**fields: object) -> ServiceOffer:
    values: dict[str, object] = {
        "id": "SO-1",
        "offered_by": "m1",
        "offered_by_kind": AssigneeKind.MEMBER,
        "kind": OfferKind.SKILL,
        "text": "水电维修",
        "recorded_by": "m1",
        "recorded_at": T0,
        "serves_id": "c1",
    }
    values.update(fields)
    return ServiceOffer(**values)  # type: ignore[arg-type]


def _dispatch(offer: ServiceOffer | None, assignee: str = "m1", hours: float = 1) -> ServiceRequest:
    request = ServiceRequest("SR-1", "h1", ServiceKind.WISH, "修水管", "org", T0)
    command = ServiceCommand(
        "SR-1",
        ServiceAction.DISPATCH,
        "g1.leader",
        T0 + timedelta(hours=hours),
        unit_id="g1",
        assignee_id=assignee,
        offer_id="SO-1",
    )
    facts = Facts(PLACES, AssigneeKind.MEMBER, None, offer)
    moved, step = advance(request, command, facts)
    assert step.offer_id == moved.offer_id
    return moved


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"text": "  "}, "text of service offer SO-1 must not be blank"),
        ({"schedule": "x" * 201}, "schedule of service offer SO-1 is 201 characters"),
        (
            {"available_from": date(2025, 5, 1), "available_until": date(2025, 4, 1)},
            "available until 2025-04-01, before",
        ),
        ({"state": OfferState.WITHDRAWN}, "withdrawn_by and withdrawn_at"),
        ({"id": "bad id"}, "service offer id 'bad id'"),
        ({"serves_id": "c 1"}, "serves of service offer SO-1"),
    ],
)
def test_a_bad_offer_is_refused_naming_its_id_and_field(
    fields: dict[str, object], words: str
) -> None:
    with pytest.raises(InvalidValueError, match=words):
        _offer(**fields)


def test_a_dispatch_matches_an_open_offer_of_its_assignee_serving_the_place() -> None:
    assert _dispatch(_offer()).offer_id == "SO-1"
    assert _dispatch(_offer(serves_id=None)).offer_id == "SO-1"


@pytest.mark.parametrize(
    ("offer", "assignee", "words"),
    [
        (_offer(offered_by="m2"), "m1", "offered by m2, not by m1"),
        (_offer(serves_id="c9"), "m1", "serves c9, which is not above"),
        (_offer(available_until=date(2025, 2, 28)), "m1", "not on 2025-03-01"),
        (_offer(available_from=date(2025, 3, 2)), "m1", "from 2025-03-02 until no end"),
        (None, "m1", "did not look up"),
    ],
)
def test_a_dispatch_cannot_match_an_offer_that_does_not_fit(
    offer: ServiceOffer | None, assignee: str, words: str
) -> None:
    with pytest.raises(InvalidValueError, match=words) as refused:
        _dispatch(offer, assignee)
    assert set(refused.value.ids) == {"SR-1", "SO-1"}


def test_a_withdrawn_offer_is_neither_matched_nor_withdrawn_again() -> None:
    gone = withdraw(_offer(), "m1", T0 + timedelta(hours=1), " 生病 ")
    assert (gone.state, gone.withdrawn_reason) == (OfferState.WITHDRAWN, "生病")
    with pytest.raises(OfferWithdrawnError, match="SO-1 is withdrawn"):
        _dispatch(gone, hours=2)
    with pytest.raises(OfferWithdrawnError):
        withdraw(gone, "m1", T0 + timedelta(hours=3))
    with pytest.raises(InvalidValueError, match="before that"):
        withdraw(_offer(), "m1", T0 - timedelta(hours=1))
    assert not OfferFilter(open_only=True).keeps(gone)
    assert OfferFilter(kinds=(OfferKind.SKILL,), offered_by="m1").keeps(gone)
    assert not OfferFilter(kinds=(OfferKind.RESOURCE,)).keeps(gone)


def test_time_taken_splits_a_verified_request_by_wait_and_adds_up() -> None:
    request = ServiceRequest("SR-1", "h1", ServiceKind.WISH, "修水管", "org", T0)
    facts = Facts(PLACES, AssigneeKind.MEMBER, None)
    steps = []
    plan = [
        (ServiceAction.DISPATCH, 2, {"unit_id": "g1", "assignee_id": "m1"}),
        (ServiceAction.DECLINE, 3, {"member_id": "m1", "reason": "不在家"}),
        (ServiceAction.DISPATCH, 7, {"unit_id": "g1", "assignee_id": "m1"}),
        (ServiceAction.ACCEPT, 8, {"member_id": "m1"}),
        (ServiceAction.COMPLETE, 20, {"member_id": "m1"}),
        (ServiceAction.VERIFY, 44, {"unit_id": "c1", "points": 2}),
    ]
    with pytest.raises(InvalidValueError, match="only a verified request"):
        time_taken(request, [])
    steps.append(order(request))
    for action, hours, fields in plan:
        command = ServiceCommand("SR-1", action, "x", T0 + timedelta(hours=hours), **fields)
        request, step = advance(request, command, facts)  # type: ignore[arg-type]
        steps.append(step)
    assert request.state is ServiceState.VERIFIED
    taken = time_taken(request, list(reversed(steps)))
    h = timedelta(hours=1)
    assert taken.total == 44 * h
    assert taken.of(Stage.DISPATCH) == 2 * h + 4 * h
    assert taken.of(Stage.ACCEPT) == 1 * h + 1 * h
    assert taken.of(Stage.DONE) == 12 * h
    assert taken.of(Stage.VERIFY) == 24 * h
    assert sum((t for _, t in taken.stages), timedelta(0)) == taken.total
    entry = served(request, steps)
    assert (entry.cadre_id, entry.work_unit_id, entry.points) == ("m1", None, 2)
