"""`load_offers_many` on both stores: a ledger's offers kept as given, unchanged on a second
load, updated when a row changed, refused (with nothing written) when wrong, one offer when two
loads race, and a journal replay (embedded store) or a listing (both) that sees them."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from orggraph.domain.errors import DuplicateIdError, InvalidValueError, UnknownIdError
from orggraph.domain.service import AssigneeKind
from orggraph.domain.supply import (
    OfferFilter,
    OfferKind,
    OfferState,
    OfferWithdrawnError,
    ServiceOffer,
)
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from .city import City
from .helpers import raises

pytestmark = pytest.mark.contract

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
M, W = AssigneeKind.MEMBER, AssigneeKind.WORK_UNIT


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


OFFERS = [
    _offer("LO-1", schedule="每周六上午", available_from=date(2025, 1, 1)),
    _offer("LO-2", "wu3", W, kind=OfferKind.RESOURCE, serves_id=None, text="会议室"),
    _offer(
        "LO-3",
        "m4",
        serves_id="s2",
        state=OfferState.WITHDRAWN,
        withdrawn_by="c3.organiser",
        withdrawn_at=T0 + timedelta(days=3),
        withdrawn_reason="调离",
    ),
]
IDS = [o.id for o in OFFERS]


async def test_offers_are_kept_as_given_and_a_second_load_changes_nothing(
    store: GraphStore, city: City
) -> None:
    assert await store.load_offers_many(OFFERS) == Changes(created=3)
    assert await store.service_offers_many(IDS) == OFFERS
    page = await store.service_offers("g1", OfferFilter())
    assert [o.id for o in page.items] == ["LO-1", "LO-2"]
    mine = await store.service_offers(None, OfferFilter(offered_by="m4"))
    assert [o.id for o in mine.items] == ["LO-3"]
    assert await store.load_offers_many(OFFERS) == Changes(unchanged=3)
    assert await store.service_offers_many(IDS) == OFFERS


async def test_a_changed_offer_is_updated_and_its_links_stay(store: GraphStore, city: City) -> None:
    await store.load_offers_many(OFFERS)
    changed = replace(OFFERS[0], schedule="每周日", text="水电维修、开锁")
    gone = replace(
        OFFERS[1], state=OfferState.WITHDRAWN, withdrawn_by="x", withdrawn_at=T0 + timedelta(1)
    )
    assert await store.load_offers_many([changed, gone, OFFERS[2]]) == Changes(
        updated=2, unchanged=1
    )
    assert await store.service_offers_many(IDS) == [changed, gone, OFFERS[2]]
    page = await store.service_offers("g1", OfferFilter(offered_by="m1"))
    assert page.items == [changed]


async def test_a_wrong_load_writes_nothing(store: GraphStore, city: City) -> None:
    good = _offer("LO-9")
    with raises(UnknownIdError, "m99"):
        await store.load_offers_many([good, _offer("LO-8", "m99")])
    with raises(UnknownIdError, "wu1"):  # a work unit, not a cadre as said
        await store.load_offers_many([good, _offer("LO-8", "wu1", M)])
    with raises(UnknownIdError, "h01"):  # a household is no place an offer serves
        await store.load_offers_many([good, _offer("LO-8", serves_id="h01")])
    with raises(InvalidValueError, "LO-9"):
        await store.load_offers_many([good, good])
    assert await store.service_offers_many(["LO-9", "LO-8"]) == [None, None]


async def test_a_load_may_not_change_the_offerer_place_or_reopen(
    store: GraphStore, city: City
) -> None:
    await store.load_offers_many(OFFERS)
    fresh = _offer("LO-7")
    for wrong, error in (
        (replace(OFFERS[0], offered_by="m2"), DuplicateIdError),
        (replace(OFFERS[0], serves_id="c2"), DuplicateIdError),
        (
            replace(
                OFFERS[2],
                state=OfferState.OPEN,
                withdrawn_by=None,
                withdrawn_at=None,
                withdrawn_reason="",
            ),
            OfferWithdrawnError,
        ),
    ):
        with raises(error, wrong.id):
            await store.load_offers_many([fresh, wrong])
    assert await store.service_offers_many([*IDS, "LO-7"]) == [*OFFERS, None]


async def test_two_loads_of_one_offer_leave_one(store: GraphStore, city: City) -> None:
    results = await asyncio.gather(
        store.load_offers_many(OFFERS), store.load_offers_many(OFFERS[::-1])
    )
    assert sorted((c.created, c.unchanged) for c in results) == [(0, 3), (3, 0)]
    assert await store.service_offers_many(IDS) == OFFERS
    page = await store.service_offers(None, OfferFilter())
    assert [o.id for o in page.items] == IDS
