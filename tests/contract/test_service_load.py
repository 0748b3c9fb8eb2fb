"""`load_service_many` on both stores: ledger histories kept whole, unchanged on a second load,
grown by later steps, refused (with nothing written) when wrong, and one winner when raced."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from orggraph.domain.errors import DuplicateIdError, InvalidValueError, UnknownIdError
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    AssigneeKind,
    Facts,
    ServiceAction,
    ServiceCommand,
    ServiceFilter,
    ServiceKind,
    ServiceRequest,
    ServiceState,
)
from orggraph.domain.service_history import ServiceHistory, replay
from orggraph.domain.supply import OfferKind, ServiceOffer
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from .city import City
from .helpers import raises

pytestmark = pytest.mark.contract

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
A = ServiceAction


async def _history(
    store: GraphStore, rid: str, upto: int = 5, household: str = "h01"
) -> ServiceHistory:
    (units,) = await store.ancestors_many([household])
    assert units is not None
    request = ServiceRequest(rid, household, ServiceKind.WISH, "修水管", "organiser", T0)
    commands = [
        ServiceCommand(
            rid, A.DISPATCH, "g1.leader", T0 + timedelta(hours=1), unit_id="g1", assignee_id="m1"
        ),
        ServiceCommand(rid, A.ACCEPT, "m1", T0 + timedelta(hours=2), member_id="m1"),
        ServiceCommand(rid, A.COMPLETE, "m1", T0 + timedelta(days=2), member_id="m1"),
        ServiceCommand(rid, A.VERIFY, "c1.sec", T0 + timedelta(days=3), unit_id="c1", points=2),
    ][: upto - 1]

    def facts(command: ServiceCommand) -> Facts:
        kind = AssigneeKind.MEMBER if command.assignee_id is not None else None
        return Facts(tuple(units), kind, "wu1")

    return replay(request, commands, facts)


async def _kept(store: GraphStore, *rids: str) -> list[object]:
    return list(
        zip(
            await store.service_requests_many(rids),
            await store.service_steps_many(rids),
            strict=True,
        )
    )


async def test_histories_are_kept_whole_and_a_second_load_changes_nothing(
    store: GraphStore, city: City
) -> None:
    histories = [await _history(store, "L1"), await _history(store, "L2", upto=3)]
    assert await store.load_service_many(histories) == Changes(created=2)
    (l1, l1_steps), (l2, _) = await _kept(store, "L1", "L2")
    assert l1 == histories[0].request and tuple(l1_steps or ()) == histories[0].steps
    assert l2 is not None and l2.state is ServiceState.ACCEPTED and l2.cadre_id == "m1"
    page = await store.service_requests(
        "c1",
        ServiceFilter(),
        Policy(),
        T0.date(),
    )
    assert [r.id for r in page.items] == ["L1", "L2"]
    assert await store.load_service_many(histories) == Changes(unchanged=2)
    assert await _kept(store, "L1") == [(l1, l1_steps)]


async def test_a_history_grows_but_never_shrinks(store: GraphStore, city: City) -> None:
    await store.load_service_many([await _history(store, "L1", upto=3)])
    longer = await _history(store, "L1", upto=5)
    assert await store.load_service_many([longer]) == Changes(updated=1)
    ((kept, steps),) = await _kept(store, "L1")
    assert kept is not None and kept.state is ServiceState.VERIFIED and len(steps or []) == 5
    before = await _kept(store, "L1")
    with raises(DuplicateIdError, "L1"):
        await store.load_service_many([await _history(store, "L1", upto=3)])
    assert await _kept(store, "L1") == before


async def test_a_wrong_load_writes_nothing(store: GraphStore, city: City) -> None:
    good = await _history(store, "L1")
    unknown = replace(
        await _history(store, "L2", upto=1),
        request=replace((await _history(store, "L2", upto=1)).request, household_id="h99"),
    )
    with raises(UnknownIdError, "h99"):
        await store.load_service_many([good, unknown])
    broken = ServiceHistory(replace(good.request, state=ServiceState.DONE), good.steps)
    with raises(InvalidValueError, "L1"):
        await store.load_service_many([broken])
    assert await store.service_requests_many(["L1", "L2"]) == [None, None]


async def test_two_loads_of_one_request_leave_one_timeline(store: GraphStore, city: City) -> None:
    history = await _history(store, "L1")
    results = await asyncio.gather(
        store.load_service_many([history]), store.load_service_many([history])
    )
    assert sorted((c.created, c.unchanged) for c in results) == [(0, 1), (1, 0)]
    ((kept, steps),) = await _kept(store, "L1")
    assert kept == history.request and tuple(steps or ()) == history.steps


async def test_loads_of_new_requests_side_by_side_all_land(store: GraphStore, city: City) -> None:
    """Batches of new requests naming the same cadre and household write side by side (on
    Neo4j without the version lock); one overlapping the others' ids still leaves each request
    once, counted unchanged by whichever load came second."""
    batches = [[await _history(store, f"P{b}-{n}") for n in range(5)] for b in range(3)]
    overlap = [batches[0][0], batches[1][0], await _history(store, "P9-0", upto=3)]
    results = await asyncio.gather(
        *(store.load_service_many(batch) for batch in batches), store.load_service_many(overlap)
    )
    assert sum(c.created for c in results) == 16
    assert sum(c.unchanged for c in results) == 2
    ids = [h.id for batch in [*batches, overlap] for h in batch]
    kept = await _kept(store, *ids)
    assert all(request is not None for request, _ in kept)
    assert sum(len(steps or ()) for _, steps in kept[:15]) == 75


async def test_a_batch_of_new_and_stored_requests_is_written_in_turn(
    store: GraphStore, city: City
) -> None:
    await store.load_service_many([await _history(store, "M1", upto=3)])
    mixed = [await _history(store, "M1"), await _history(store, "M2")]
    assert await store.load_service_many(mixed) == Changes(created=1, updated=1)
    ((m1, steps),) = await _kept(store, "M1")
    assert m1 is not None and m1.state is ServiceState.VERIFIED and len(steps or ()) == 5


async def test_a_matched_offer_is_kept_and_an_unknown_one_refused(
    store: GraphStore, city: City
) -> None:
    await store.record_offer(
        ServiceOffer("SO-L", "m1", AssigneeKind.MEMBER, OfferKind.SKILL, "修水管", "m1", T0)
    )
    plain = await _history(store, "O1", upto=2)
    dispatch = replace(plain.steps[1], offer_id="SO-L")
    matched = ServiceHistory(replace(plain.request, offer_id="SO-L"), (plain.steps[0], dispatch))
    assert await store.load_service_many([matched]) == Changes(created=1)
    ((kept, steps),) = await _kept(store, "O1")
    assert kept is not None and kept.offer_id == "SO-L"
    assert [s.offer_id for s in steps or ()] == [None, "SO-L"]
    other = await _history(store, "O2", upto=2)
    unknown = ServiceHistory(
        replace(other.request, offer_id="SO-X"),
        (other.steps[0], replace(other.steps[1], offer_id="SO-X")),
    )
    with raises(UnknownIdError, "SO-X"):
        await store.load_service_many([unknown])
    assert await store.service_requests_many(["O2"]) == [None]
