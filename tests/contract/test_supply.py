"""The supply list and the service list on both stores: offers recorded, listed by the places
they serve, withdrawn; a dispatch matched to an offer; verified requests with their time taken;
refused calls change nothing; races leave one outcome."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from orggraph.domain.errors import DuplicateIdError, InvalidValueError, UnknownIdError
from orggraph.domain.service import (
    AssigneeKind,
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    Stage,
)
from orggraph.domain.service_list import ServiceListFilter, served
from orggraph.domain.supply import (
    OfferFilter,
    OfferKind,
    OfferState,
    OfferWithdrawnError,
    ServiceOffer,
)
from orggraph.store.protocols import GraphStore

from .city import City
from .helpers import Backend, ids, raises, walk_pages

pytestmark = pytest.mark.contract

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
A = ServiceAction
M, W = AssigneeKind.MEMBER, AssigneeKind.WORK_UNIT
ANY_OFFER = OfferFilter()
ALL_SERVED = ServiceListFilter()


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _offer(oid: str, by: str = "m1", by_kind: AssigneeKind = M, **fields: Any) -> ServiceOffer:
    values: dict[str, Any] = {
        "kind": OfferKind.SKILL,
        "text": f"{oid}: 水电维修",
        "recorded_by": "c1.organiser",
        "recorded_at": T0,
        "serves_id": "c1",
    }
    values.update(fields)
    return ServiceOffer(oid, by, by_kind, **values)


OFFERS = (
    _offer("SO-1", "m1", M, serves_id="c1", schedule="每周六上午"),
    _offer("SO-2", "wu1", W, kind=OfferKind.RESOURCE, serves_id="g1", text="会议室"),
    _offer("SO-3", "wu3", W, serves_id=None, available_until=date(2025, 12, 31)),
    _offer("SO-4", "m4", M, serves_id="c3", available_from=date(2025, 1, 1)),
    _offer("SO-5", "m3", M, kind=OfferKind.RESOURCE, serves_id="s1"),
)


async def _record_all(store: GraphStore) -> None:
    for offer in OFFERS:
        assert await store.record_offer(offer) == offer


def _cmd(rid: str, action: ServiceAction, hours: float, **fields: Any) -> ServiceCommand:
    return ServiceCommand(rid, action, by="someone", at=_at(hours), **fields)


async def _order(store: GraphStore, rid: str, household: str = "h01") -> None:
    await store.order_service(
        ServiceRequest(rid, household, ServiceKind.WISH, f"{rid}: 修水管", "org", T0)
    )


async def _seen(store: GraphStore, *offer_ids: str) -> tuple[Any, ...]:
    """What a reader can see of offers and of the requests that may use them."""
    offers = await store.service_offers_many(list(offer_ids))
    listed = await store.service_offers(None, OfferFilter(), first=100)
    requests = await store.service_requests_many(["SR-1", "SR-2"])
    steps = await store.service_steps_many(["SR-1", "SR-2"])
    return offers, ids(listed.items), requests, steps


async def test_offers_are_kept_as_recorded_and_read_back(store: GraphStore, city: City) -> None:
    await _record_all(store)
    found = await store.service_offers_many(["SO-3", "nope", "SO-1", "SO-2", "SO-4", "SO-5"])
    assert found == [OFFERS[2], None, OFFERS[0], OFFERS[1], OFFERS[3], OFFERS[4]]
    assert found[2] is not None and found[2].schedule == "每周六上午"
    assert await store.service_offers_many([]) == []


@pytest.mark.parametrize(
    ("offer", "error", "named"),
    [
        (_offer("SO-9", "zz"), UnknownIdError, "zz"),
        (_offer("SO-9", "wu1", M), UnknownIdError, "wu1"),
        (_offer("SO-9", "m1", W), UnknownIdError, "m1"),
        (_offer("SO-9", "m1", M, serves_id="h01"), UnknownIdError, "h01"),
        (_offer("SO-9", "m1", M, serves_id="c9"), UnknownIdError, "c9"),
        (_offer("SO-1", "m2", M), DuplicateIdError, "SO-1"),
    ],
)
async def test_a_bad_offer_is_refused_naming_the_id_and_nothing_is_kept(
    store: GraphStore, city: City, offer: ServiceOffer, error: type[Exception], named: str
) -> None:
    await _record_all(store)
    before = await _seen(store, "SO-1", "SO-9")
    with raises(error, named):  # type: ignore[arg-type]
        await store.record_offer(offer)
    assert await _seen(store, "SO-1", "SO-9") == before


async def test_a_scope_lists_the_offers_serving_its_places(store: GraphStore, city: City) -> None:
    await _record_all(store)

    async def listed(scope: str | None, keep: OfferFilter = ANY_OFFER) -> list[str]:
        return ids((await store.service_offers(scope, keep, first=100)).items)

    assert await listed(None) == ["SO-1", "SO-2", "SO-3", "SO-4", "SO-5"]
    assert await listed("g1") == ["SO-1", "SO-2", "SO-3", "SO-5"]
    assert await listed("h01") == ["SO-1", "SO-2", "SO-3", "SO-5"]
    assert await listed("g2") == ["SO-1", "SO-3", "SO-5"]
    assert await listed("c2") == ["SO-3", "SO-5"]
    assert await listed("s1") == ["SO-1", "SO-2", "SO-3", "SO-5"]
    assert await listed("s2") == ["SO-3", "SO-4"]
    assert await listed(None, OfferFilter(kinds=(OfferKind.RESOURCE,))) == ["SO-2", "SO-5"]
    assert await listed("g1", OfferFilter(offered_by="wu1")) == ["SO-2"]
    with raises(UnknownIdError, "zz"):
        await store.service_offers("zz", OfferFilter())
    with raises(UnknownIdError, "m1"):
        await store.service_offers("m1", OfferFilter())

    pages = await walk_pages(
        lambda n, after: store.service_offers(None, OfferFilter(), n, after), 2
    )
    assert [ids(p.items) for p in pages] == [["SO-1", "SO-2"], ["SO-3", "SO-4"], ["SO-5"]]
    assert {p.total for p in pages} == {5}


async def test_a_withdrawn_offer_stays_readable_and_cannot_be_withdrawn_again(
    store: GraphStore, city: City
) -> None:
    await _record_all(store)
    gone = await store.withdraw_offer("SO-1", "m1", _at(5), "调岗")
    assert (gone.state, gone.withdrawn_by, gone.withdrawn_at, gone.withdrawn_reason) == (
        OfferState.WITHDRAWN,
        "m1",
        _at(5),
        "调岗",
    )
    assert await store.service_offers_many(["SO-1"]) == [gone]
    open_only = await store.service_offers("g1", OfferFilter(open_only=True))
    assert ids(open_only.items) == ["SO-2", "SO-3", "SO-5"]
    before = await _seen(store, "SO-1")
    with raises(OfferWithdrawnError, "SO-1"):
        await store.withdraw_offer("SO-1", "m1", _at(6))
    with raises(UnknownIdError, "SO-9"):
        await store.withdraw_offer("SO-9", "m1", _at(6))
    with raises(InvalidValueError, "SO-2"):
        await store.withdraw_offer("SO-2", "m1", _at(-1))
    assert await _seen(store, "SO-1") == before


async def test_a_dispatch_matched_to_an_offer_records_it_on_the_request_and_step(
    store: GraphStore, city: City
) -> None:
    await _record_all(store)
    await _order(store, "SR-1")
    moved = await store.advance_service(
        _cmd("SR-1", A.DISPATCH, 1, unit_id="g1", assignee_id="wu1", offer_id="SO-2")
    )
    assert (moved.offer_id, moved.assignee_id) == ("SO-2", "wu1")
    (stored,) = await store.service_requests_many(["SR-1"])
    assert stored == moved
    (steps,) = await store.service_steps_many(["SR-1"])
    assert steps is not None and [s.offer_id for s in steps] == [None, "SO-2"]
    declined = await store.advance_service(
        _cmd("SR-1", A.DECLINE, 2, member_id="m1", reason="会议室已订满")
    )
    assert declined.offer_id is None
    again = await store.advance_service(
        _cmd("SR-1", A.DISPATCH, 3, unit_id="c1", assignee_id="wu3", offer_id="SO-3")
    )
    assert again.offer_id == "SO-3"


@pytest.mark.parametrize(
    ("assignee", "offer_id", "error", "named"),
    [
        ("m2", "SO-1", InvalidValueError, "SO-1"),  # not the assignee's
        ("m4", "SO-4", InvalidValueError, "SO-4"),  # serves c3, not h01's place
        ("m1", "SO-9", UnknownIdError, "SO-9"),
        ("m1", "SO-0", OfferWithdrawnError, "SO-0"),
        ("wu3", "SO-6", InvalidValueError, "SO-6"),  # its days are over
    ],
)
async def test_a_dispatch_cannot_use_an_offer_that_does_not_fit_and_nothing_changes(
    store: GraphStore,
    city: City,
    assignee: str,
    offer_id: str,
    error: type[Exception],
    named: str,
) -> None:
    await _record_all(store)
    await store.record_offer(_offer("SO-0"))
    await store.withdraw_offer("SO-0", "m1", _at(0.5))
    await store.record_offer(
        _offer("SO-6", "wu3", W, serves_id=None, available_until=date(2025, 2, 28))
    )
    await _order(store, "SR-1")
    before = await _seen(store, "SO-0", "SO-1", offer_id)
    with raises(error, "SR-1" if error is InvalidValueError else named, named):  # type: ignore[arg-type]
        await store.advance_service(
            _cmd("SR-1", A.DISPATCH, 1, unit_id="g1", assignee_id=assignee, offer_id=offer_id)
        )
    assert await _seen(store, "SO-0", "SO-1", offer_id) == before


async def _verified(store: GraphStore, rid: str, household: str, verify_hours: float) -> None:
    await _order(store, rid, household)
    for command in (
        _cmd(rid, A.DISPATCH, 2, unit_id="c1", assignee_id="m1", offer_id="SO-1"),
        _cmd(rid, A.ACCEPT, 3, member_id="m1"),
        _cmd(rid, A.COMPLETE, 10, member_id="m1"),
        _cmd(rid, A.VERIFY, verify_hours, unit_id="c1", points=2),
    ):
        await store.advance_service(command)


async def test_the_service_list_holds_verified_requests_with_their_time_taken(
    store: GraphStore, city: City
) -> None:
    await _record_all(store)
    await _verified(store, "SR-1", "h01", 30)
    await _verified(store, "SR-2", "h08", 80)
    await _order(store, "SR-3", "h02")  # ordered, not served yet
    await _order(store, "SR-4", "h10")
    for command in (
        _cmd("SR-4", A.DISPATCH, 1, unit_id="c2", assignee_id="wu2"),
        _cmd("SR-4", A.ACCEPT, 2, member_id="m3"),
        _cmd("SR-4", A.COMPLETE, 3, member_id="m3"),
        _cmd("SR-4", A.VERIFY, 4, unit_id="c2"),
    ):
        await store.advance_service(command)

    async def listed(scope: str | None, keep: ServiceListFilter = ALL_SERVED) -> list[str]:
        return ids((await store.service_list(scope, keep, first=100)).items)

    assert await listed(None) == ["SR-1", "SR-2", "SR-4"]
    assert await listed("c1") == ["SR-1", "SR-2"]
    assert await listed("g1") == ["SR-1"]
    assert await listed("h08") == ["SR-2"]
    assert await listed("c3") == []
    day1, day2 = _at(30).date(), _at(80).date()
    assert day1 != day2
    assert await listed(None, ServiceListFilter(verified_from=day2)) == ["SR-2"]
    assert await listed(None, ServiceListFilter(verified_until=day1)) == ["SR-1", "SR-4"]
    assert await listed(None, ServiceListFilter(day1, day1, cadre_id="m1")) == ["SR-1"]
    assert await listed(None, ServiceListFilter(work_unit_id="wu2")) == ["SR-4"]
    assert await listed(None, ServiceListFilter(cadre_id="m3")) == ["SR-4"]
    with raises(UnknownIdError, "zz"):
        await store.service_list("zz", ServiceListFilter())

    pages = await walk_pages(lambda n, a: store.service_list(None, ServiceListFilter(), n, a), 2)
    assert [ids(p.items) for p in pages] == [["SR-1", "SR-2"], ["SR-4"]]

    (request,) = await store.service_requests_many(["SR-2"])
    (steps,) = await store.service_steps_many(["SR-2"])
    assert request is not None and steps is not None
    entry = served(request, steps)
    assert (entry.cadre_id, entry.points, entry.request.offer_id) == ("m1", 2, "SO-1")
    assert entry.time.total == timedelta(hours=80)
    assert entry.time.of(Stage.DISPATCH) == timedelta(hours=2)
    assert entry.time.of(Stage.VERIFY) == timedelta(hours=70)


async def test_offers_survive_a_reopen(backend: Backend, store: GraphStore, city: City) -> None:
    await _record_all(store)
    await store.withdraw_offer("SO-2", "wu1.admin", _at(1))
    await _order(store, "SR-1")
    await store.advance_service(
        _cmd("SR-1", A.DISPATCH, 2, unit_id="g1", assignee_id="m1", offer_id="SO-1")
    )
    before = await _seen(store, *[o.id for o in OFFERS])
    if backend.name == "memory":
        await store.close()
    again = await backend.open()
    try:
        assert await _seen(again, *[o.id for o in OFFERS]) == before
    finally:
        await again.close()


async def test_a_withdrawal_racing_a_dispatch_that_uses_the_offer_leaves_one_outcome(
    store: GraphStore, city: City
) -> None:
    await _record_all(store)
    for round_ in range(4):
        oid, rid = f"SO-R{round_}", f"SR-R{round_}"
        await store.record_offer(_offer(oid))
        await _order(store, rid)
        dispatch = _cmd(rid, A.DISPATCH, 1, unit_id="g1", assignee_id="m1", offer_id=oid)
        dispatched, withdrawn = await asyncio.gather(
            store.advance_service(dispatch),
            store.withdraw_offer(oid, "m1", _at(1)),
            return_exceptions=True,
        )
        assert isinstance(withdrawn, ServiceOffer) and withdrawn.state is OfferState.WITHDRAWN
        (request,) = await store.service_requests_many([rid])
        (steps,) = await store.service_steps_many([rid])
        assert request is not None and steps is not None
        if isinstance(dispatched, BaseException):
            assert isinstance(dispatched, OfferWithdrawnError)
            assert (request.state, request.offer_id, len(steps)) == (ServiceState.ORDERED, None, 1)
        else:
            assert dispatched == request
            assert (request.offer_id, steps[-1].offer_id) == (oid, oid)


async def test_two_recordings_of_one_offer_id_leave_one(store: GraphStore, city: City) -> None:
    first, second = _offer("SO-D", "m1"), replace(_offer("SO-D", "wu1", W), text="另一个")
    results = await asyncio.gather(
        store.record_offer(first), store.record_offer(second), return_exceptions=True
    )
    won = [r for r in results if isinstance(r, ServiceOffer)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], DuplicateIdError)
    assert await store.service_offers_many(["SO-D"]) == won
