"""The service loop on both stores: a request ordered, dispatched, accepted, done and verified;
declined, reopened and cancelled; refused transitions change nothing; listings filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from orggraph.domain.audit import AuditEntry, new_audit_id
from orggraph.domain.errors import (
    DuplicateIdError,
    ForbiddenError,
    InvalidValueError,
    UnknownIdError,
)
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    AssigneeKind,
    IllegalTransitionError,
    ServiceAction,
    ServiceCommand,
    ServiceFilter,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    service_points_id,
)
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Transition

from .city import City
from .helpers import Backend, raises

pytestmark = pytest.mark.contract

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
POLICY = Policy()
A = ServiceAction


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _request(
    rid: str, household: str = "h01", kind: ServiceKind = ServiceKind.WISH
) -> ServiceRequest:
    return ServiceRequest(rid, household, kind, f"{rid}: 帮忙修理水管", "li.organiser", T0)


def _cmd(rid: str, action: ServiceAction, hours: float, **fields: Any) -> ServiceCommand:
    return ServiceCommand(rid, action, by=fields.pop("by", "someone"), at=_at(hours), **fields)


async def _state_of(store: GraphStore, rid: str) -> tuple[Any, ...]:
    """Everything a reader can see of one request and of the points it may have awarded."""
    (request,) = await store.service_requests_many([rid])
    (steps,) = await store.service_steps_many([rid])
    points = {m: await store.member_points(m, 2025) for m in ("m1", "m2", "m3")}
    return request, steps, points


async def _walk(store: GraphStore, rid: str, *commands: ServiceCommand) -> ServiceRequest:
    result = None
    for command in commands:
        result = await store.advance_service(command)
    assert result is not None
    return result


async def test_a_request_goes_the_whole_way_and_its_cadre_earns_points(
    store: GraphStore, city: City
) -> None:
    ordered = await store.order_service(_request("SR-1"))
    assert ordered.state is ServiceState.ORDERED
    done = await _walk(
        store,
        "SR-1",
        _cmd("SR-1", A.DISPATCH, 1, by="g1.leader", unit_id="g1", assignee_id="m1"),
        _cmd("SR-1", A.ACCEPT, 2, by="m1", member_id="m1"),
        _cmd("SR-1", A.COMPLETE, 30, by="m1", member_id="m1", reason="换了水龙头"),
        _cmd("SR-1", A.VERIFY, 50, by="c1.organiser", unit_id="c1", points=2),
    )
    assert done.state is ServiceState.VERIFIED
    assert (done.assignee_id, done.assignee_kind, done.cadre_id) == (
        "m1",
        AssigneeKind.MEMBER,
        "m1",
    )
    assert done.dispatched_by == "g1" and done.entered == _at(50) and done.steps == 5

    (stored,) = await store.service_requests_many(["SR-1"])
    assert stored == done
    (steps,) = await store.service_steps_many(["SR-1"])
    assert steps is not None
    assert [(s.seq, s.action, s.from_state, s.to_state, s.by, s.at) for s in steps] == [
        (1, A.ORDER, None, ServiceState.ORDERED, "li.organiser", T0),
        (2, A.DISPATCH, ServiceState.ORDERED, ServiceState.DISPATCHED, "g1.leader", _at(1)),
        (3, A.ACCEPT, ServiceState.DISPATCHED, ServiceState.ACCEPTED, "m1", _at(2)),
        (4, A.COMPLETE, ServiceState.ACCEPTED, ServiceState.DONE, "m1", _at(30)),
        (5, A.VERIFY, ServiceState.DONE, ServiceState.VERIFIED, "c1.organiser", _at(50)),
    ]
    assert (steps[1].unit_id, steps[1].assignee_id, steps[1].assignee_kind) == (
        "g1",
        "m1",
        AssigneeKind.MEMBER,
    )
    assert steps[3].reason == "换了水龙头" and steps[2].member_id == "m1"
    assert (steps[4].unit_id, steps[4].member_id, steps[4].points) == ("c1", "m1", 2)

    earned = [e for e in await store.member_points("m1", 2025) if e.id == service_points_id("SR-1")]
    assert len(earned) == 1
    assert (earned[0].points, earned[0].day) == (2, _at(50).date())
    assert "SR-1" in earned[0].reason


@pytest.mark.parametrize(
    ("commands", "action", "from_state", "to_state"),
    [
        ((), A.ACCEPT, ServiceState.ORDERED, ServiceState.ACCEPTED),
        ((), A.VERIFY, ServiceState.ORDERED, ServiceState.VERIFIED),
        ((("dispatch",),), A.COMPLETE, ServiceState.DISPATCHED, ServiceState.DONE),
        ((("dispatch",), ("accept",)), A.DISPATCH, ServiceState.ACCEPTED, ServiceState.DISPATCHED),
        ((("cancel",),), A.DISPATCH, ServiceState.CANCELLED, ServiceState.DISPATCHED),
        ((("cancel",),), A.CANCEL, ServiceState.CANCELLED, ServiceState.CANCELLED),
    ],
)
async def test_an_illegal_transition_is_refused_naming_both_states_and_changes_nothing(
    store: GraphStore,
    city: City,
    commands: tuple[tuple[str], ...],
    action: ServiceAction,
    from_state: ServiceState,
    to_state: ServiceState,
) -> None:
    await store.order_service(_request("SR-2"))
    full = {
        "dispatch": _cmd("SR-2", A.DISPATCH, 1, unit_id="b1", assignee_id="m1"),
        "accept": _cmd("SR-2", A.ACCEPT, 2, member_id="m1"),
        "cancel": _cmd("SR-2", A.CANCEL, 1, reason="resident moved away"),
    }
    for (name,) in commands:
        await store.advance_service(full[name])
    before = await _state_of(store, "SR-2")
    attempt = _cmd(
        "SR-2", action, 5, unit_id="c1", assignee_id="m2", member_id="m1", reason="x", points=2
    )
    with raises(IllegalTransitionError, "SR-2", from_state.value, to_state.value) as info:
        await store.advance_service(attempt)
    assert info.value.code == "ILLEGAL_TRANSITION"
    assert info.value.ids == ("SR-2",)
    assert (info.value.from_state, info.value.to_state) == (from_state, to_state)
    assert await _state_of(store, "SR-2") == before


def _entry_of(action: str) -> Callable[[Transition], AuditEntry]:
    """What the scoped view hands the store: an audit entry made of the transition."""

    def entry(t: Transition) -> AuditEntry:
        before = f"{t.before.state.value}@{t.last_step.seq if t.last_step else None}"
        after = f"{t.after.state.value}@{t.step.seq}"
        at = t.step.at
        return AuditEntry(
            new_audit_id(at), at, "o", "admin", action, (t.after.id,), "{}", before, after
        )

    return entry


async def test_an_audited_transition_keeps_its_entry_with_it_and_a_refused_one_none(
    store: GraphStore, city: City
) -> None:
    await store.order_service(_request("SR-A"))
    dispatch = _cmd("SR-A", A.DISPATCH, 1, unit_id="g1", assignee_id="m1")
    moved = await store.advance_service(dispatch, _entry_of("dispatch_service"))
    assert moved.state is ServiceState.DISPATCHED
    with raises(IllegalTransitionError, "SR-A"):
        await store.advance_service(dispatch, _entry_of("dispatch_again"))
    await store.advance_service(
        _cmd("SR-A", A.ACCEPT, 2, member_id="m1"), _entry_of("accept_service")
    )
    kept = (await store.audit_entries(first=10)).items
    assert sorted((e.action, e.before, e.after) for e in kept) == [
        ("accept_service", "dispatched@2", "accepted@3"),
        ("dispatch_service", "ordered@1", "dispatched@2"),
    ]


async def test_declined_then_dispatched_to_a_work_unit_whose_cadre_accepts(
    store: GraphStore, city: City
) -> None:
    await store.order_service(_request("SR-3", "h08", ServiceKind.COMPLAINT))
    await store.advance_service(_cmd("SR-3", A.DISPATCH, 1, unit_id="b2", assignee_id="m2"))
    before = await _state_of(store, "SR-3")
    with raises(InvalidValueError, "SR-3"):
        await store.advance_service(_cmd("SR-3", A.DECLINE, 2, member_id="m2", reason="  "))
    assert await _state_of(store, "SR-3") == before
    declined = await store.advance_service(
        _cmd("SR-3", A.DECLINE, 2, member_id="m2", reason="出差两周")
    )
    assert declined.state is ServiceState.DECLINED
    assert (declined.assignee_id, declined.cadre_id) == (None, None)

    redispatched = await store.advance_service(
        _cmd("SR-3", A.DISPATCH, 3, unit_id="c1", assignee_id="wu3")
    )
    assert redispatched.assignee_kind is AssigneeKind.WORK_UNIT
    before = await _state_of(store, "SR-3")
    with raises(ForbiddenError, "SR-3", "m1"):  # m1 is of wu1, not of wu3
        await store.advance_service(_cmd("SR-3", A.ACCEPT, 4, member_id="m1"))
    assert await _state_of(store, "SR-3") == before
    accepted = await store.advance_service(_cmd("SR-3", A.ACCEPT, 4, member_id="m4"))
    assert (accepted.state, accepted.cadre_id, accepted.assignee_id) == (
        ServiceState.ACCEPTED,
        "m4",
        "wu3",
    )
    with raises(ForbiddenError, "SR-3", "m5"):  # of wu3 too, but m4 accepted it
        await store.advance_service(_cmd("SR-3", A.COMPLETE, 5, member_id="m5"))
    done = await store.advance_service(_cmd("SR-3", A.COMPLETE, 5, member_id="m4"))
    assert done.state is ServiceState.DONE


async def test_a_failed_verification_reopens_for_re_dispatch(store: GraphStore, city: City) -> None:
    await store.order_service(_request("SR-4"))
    await _walk(
        store,
        "SR-4",
        _cmd("SR-4", A.DISPATCH, 1, unit_id="g1", assignee_id="m1"),
        _cmd("SR-4", A.ACCEPT, 2, member_id="m1"),
        _cmd("SR-4", A.COMPLETE, 3, member_id="m1"),
    )
    with raises(InvalidValueError, "SR-4"):
        await store.advance_service(_cmd("SR-4", A.REOPEN, 4, unit_id="c1"))  # no reason
    reopened = await store.advance_service(
        _cmd("SR-4", A.REOPEN, 4, unit_id="c1", reason="居民反映仍漏水")
    )
    assert (reopened.state, reopened.assignee_id, reopened.cadre_id) == (
        ServiceState.REOPENED,
        None,
        None,
    )
    again = await store.advance_service(_cmd("SR-4", A.DISPATCH, 5, unit_id="g1", assignee_id="m2"))
    assert again.state is ServiceState.DISPATCHED and again.assignee_id == "m2"
    cancelled = await store.advance_service(_cmd("SR-4", A.CANCEL, 6, reason="重复下单"))
    assert cancelled.state is ServiceState.CANCELLED
    (steps,) = await store.service_steps_many(["SR-4"])
    assert [s.action for s in steps or []] == [
        A.ORDER,
        A.DISPATCH,
        A.ACCEPT,
        A.COMPLETE,
        A.REOPEN,
        A.DISPATCH,
        A.CANCEL,
    ]
    assert (steps or [])[4].reason == "居民反映仍漏水"
    assert await store.member_points("m1", 2025) == [
        e for e in await store.member_points("m1", 2025) if e.id != service_points_id("SR-4")
    ]


@pytest.mark.parametrize(
    ("command", "error", "named"),
    [
        (_cmd("SR-5", A.DISPATCH, 1, unit_id="g2", assignee_id="m1"), InvalidValueError, "g2"),
        (_cmd("SR-5", A.DISPATCH, 1, unit_id="c2", assignee_id="m1"), InvalidValueError, "c2"),
        (_cmd("SR-5", A.DISPATCH, 1, assignee_id="m1"), InvalidValueError, "SR-5"),
        (_cmd("SR-5", A.DISPATCH, 1, unit_id="g1"), InvalidValueError, "SR-5"),
        (_cmd("SR-5", A.DISPATCH, 1, unit_id="g1", assignee_id="nobody"), UnknownIdError, "nobody"),
        (_cmd("SR-5", A.DISPATCH, 1, unit_id="g1", assignee_id="h02"), UnknownIdError, "h02"),
        (_cmd("SR-5", A.DISPATCH, 1, unit_id="zz", assignee_id="m1"), UnknownIdError, "zz"),
        (_cmd("SR-5", A.DISPATCH, -1, unit_id="g1", assignee_id="m1"), InvalidValueError, "SR-5"),
        (_cmd("SR-5", A.CANCEL, 1), InvalidValueError, "SR-5"),
        (_cmd("SR-none", A.CANCEL, 1, reason="x"), UnknownIdError, "SR-none"),
    ],
)
async def test_a_bad_dispatch_is_refused_and_changes_nothing(
    store: GraphStore, city: City, command: ServiceCommand, error: type[Exception], named: str
) -> None:
    await store.order_service(_request("SR-5"))
    before = await _state_of(store, "SR-5")
    with raises(error, named):  # type: ignore[arg-type]
        await store.advance_service(command)
    assert await _state_of(store, "SR-5") == before


async def test_only_the_community_or_street_verifies(store: GraphStore, city: City) -> None:
    await store.order_service(_request("SR-6"))
    await _walk(
        store,
        "SR-6",
        _cmd("SR-6", A.DISPATCH, 1, unit_id="s1", assignee_id="m1"),
        _cmd("SR-6", A.ACCEPT, 2, member_id="m1"),
        _cmd("SR-6", A.COMPLETE, 3, member_id="m1"),
    )
    before = await _state_of(store, "SR-6")
    for unit in ("g1", "b1", "c3"):
        with raises(InvalidValueError, unit, "SR-6"):
            await store.advance_service(_cmd("SR-6", A.VERIFY, 4, unit_id=unit, points=2))
    assert await _state_of(store, "SR-6") == before
    verified = await store.advance_service(_cmd("SR-6", A.VERIFY, 4, unit_id="s1", points=0))
    assert verified.state is ServiceState.VERIFIED
    assert service_points_id("SR-6") not in {e.id for e in await store.member_points("m1", 2025)}


async def test_ordering_checks_the_household_and_the_id(store: GraphStore, city: City) -> None:
    with raises(UnknownIdError, "h99"):
        await store.order_service(_request("SR-7", "h99"))
    with raises(UnknownIdError, "g1"):
        await store.order_service(_request("SR-7", "g1"))
    assert await store.service_requests_many(["SR-7"]) == [None]
    await store.order_service(_request("SR-7"))
    with raises(DuplicateIdError, "SR-7"):
        await store.order_service(_request("SR-7", "h02"))
    with raises(InvalidValueError, "SR-8"):
        await store.order_service(replace(_request("SR-8"), state=ServiceState.DISPATCHED))
    (stored,) = await store.service_requests_many(["SR-7"])
    assert stored is not None and stored.household_id == "h01"
    missing, steps = await store.service_steps_many(["SR-8", "SR-7"])
    assert missing is None
    assert [(s.action, s.by, s.at) for s in steps or []] == [(A.ORDER, "li.organiser", T0)]


async def _listed(
    store: GraphStore, scope: str | None, keep: ServiceFilter, today: date
) -> list[str]:
    page = await store.service_requests(scope, keep, POLICY, today, first=500)
    return [r.id for r in page.items]


async def test_listings_filter_by_scope_state_kind_cadre_work_unit_and_overdue(
    store: GraphStore, city: City
) -> None:
    for rid, household, kind in [
        ("SR-a", "h01", ServiceKind.WISH),
        ("SR-b", "h05", ServiceKind.COMPLAINT),
        ("SR-c", "h10", ServiceKind.DREAM),
        ("SR-d", "h14", ServiceKind.WISH),
        ("SR-e", "h02", ServiceKind.DREAM),
    ]:
        await store.order_service(_request(rid, household, kind))
    await store.advance_service(_cmd("SR-a", A.DISPATCH, 1, unit_id="g1", assignee_id="m1"))
    await store.advance_service(_cmd("SR-b", A.DISPATCH, 1, unit_id="b1", assignee_id="wu1"))
    await store.advance_service(_cmd("SR-b", A.ACCEPT, 2, member_id="m2"))
    await store.advance_service(_cmd("SR-d", A.CANCEL, 1, reason="不需要了"))
    day = T0.date()
    everything = ServiceFilter()
    assert await _listed(store, None, everything, day) == ["SR-a", "SR-b", "SR-c", "SR-d", "SR-e"]
    assert await _listed(store, "c1", everything, day) == ["SR-a", "SR-b", "SR-e"]
    assert await _listed(store, "g1", everything, day) == ["SR-a", "SR-e"]
    assert await _listed(store, "h05", everything, day) == ["SR-b"]
    assert await _listed(store, "g6", everything, day) == []
    opened = ServiceFilter(states=(ServiceState.ORDERED,))
    assert await _listed(store, None, opened, day) == ["SR-c", "SR-e"]
    assert await _listed(store, None, ServiceFilter(kinds=(ServiceKind.DREAM,)), day) == [
        "SR-c",
        "SR-e",
    ]
    assert await _listed(store, None, ServiceFilter(cadre_id="m1"), day) == ["SR-a"]
    assert await _listed(store, None, ServiceFilter(cadre_id="m2"), day) == ["SR-b"]
    assert await _listed(store, None, ServiceFilter(work_unit_id="wu1"), day) == ["SR-b"]

    # Limits: a wish waits 2 days to be accepted, a complaint 5 to be done, a dream 2 to be
    # dispatched; waits are counted in whole days from the state's start.
    late = ServiceFilter(overdue=True)
    assert await _listed(store, None, late, day + timedelta(days=2)) == []
    assert await _listed(store, None, late, day + timedelta(days=3)) == ["SR-a", "SR-c", "SR-e"]
    assert await _listed(store, None, late, day + timedelta(days=6)) == [
        "SR-a",
        "SR-b",
        "SR-c",
        "SR-e",
    ]
    assert await _listed(store, None, ServiceFilter(overdue=False), day + timedelta(days=3)) == [
        "SR-b",
        "SR-d",
    ]
    both = ServiceFilter(states=(ServiceState.ORDERED,), kinds=(ServiceKind.DREAM,), overdue=True)
    assert await _listed(store, "g1", both, day + timedelta(days=3)) == ["SR-e"]

    first = await store.service_requests(None, everything, POLICY, day, first=2)
    assert ([r.id for r in first.items], first.has_next, first.total) == (["SR-a", "SR-b"], True, 5)
    second = await store.service_requests(None, everything, POLICY, day, 2, first.end_cursor)
    assert [r.id for r in second.items] == ["SR-c", "SR-d"]
    with raises(UnknownIdError, "zz"):
        await store.service_requests("zz", everything, POLICY, day)


async def test_requests_survive_a_reopen(backend: Backend, store: GraphStore, city: City) -> None:
    await store.order_service(_request("SR-9", "h03"))
    await store.advance_service(_cmd("SR-9", A.DISPATCH, 1, unit_id="g1", assignee_id="m1"))
    await store.advance_service(_cmd("SR-9", A.ACCEPT, 2, member_id="m1"))
    await store.advance_service(_cmd("SR-9", A.COMPLETE, 3, member_id="m1"))
    await store.advance_service(_cmd("SR-9", A.VERIFY, 4, unit_id="c1", points=3))
    before = await _state_of(store, "SR-9")
    if backend.name == "memory":
        await store.close()
    again = await backend.open()
    try:
        assert await _state_of(again, "SR-9") == before
    finally:
        await again.close()


async def test_a_removed_households_requests_stay_readable(store: GraphStore, city: City) -> None:
    await store.order_service(_request("SR-10", "h04"))
    await store.delete_unit("h04")
    (kept,) = await store.service_requests_many(["SR-10"])
    assert kept is not None and kept.household_id == "h04"
    assert await _listed(store, "g1", ServiceFilter(), T0.date()) == []
    assert await _listed(store, None, ServiceFilter(), T0.date()) == ["SR-10"]


async def test_requests_waiting_past_their_limits_are_gaps(store: GraphStore, city: City) -> None:
    """Waits count in whole days up to today: requests recorded long ago are late now."""
    from orggraph.domain.gaps import GapKind

    midnight = datetime.now(UTC).replace(hour=0, minute=1, second=0, microsecond=0)
    long_ago = midnight - timedelta(days=40)  # its steps, hours later, fall on the same day
    late: dict[str, tuple[str, ServiceKind]] = {
        "SR-g1": ("h01", ServiceKind.WISH),  # ordered: late for dispatch
        "SR-g2": ("h02", ServiceKind.WISH),  # dispatched: late for accept
        "SR-g3": ("h10", ServiceKind.COMPLAINT),  # accepted: late to be done
        "SR-g4": ("h14", ServiceKind.DREAM),  # done: late for verify
        "SR-g5": ("h03", ServiceKind.WISH),  # verified: no gap
    }
    for rid, (household, kind) in late.items():
        await store.order_service(
            ServiceRequest(rid, household, kind, "old request", "ledger", long_ago)
        )
    hours = 0.0

    async def step(rid: str, action: ServiceAction, **fields: Any) -> None:
        nonlocal hours
        hours += 1
        await store.advance_service(
            ServiceCommand(rid, action, "o", long_ago + timedelta(hours=hours), **fields)
        )

    await step("SR-g2", A.DISPATCH, unit_id="g1", assignee_id="m1")
    await step("SR-g3", A.DISPATCH, unit_id="c2", assignee_id="m3")
    await step("SR-g3", A.ACCEPT, member_id="m3")
    for rid, unit, cadre in [("SR-g4", "g5", "m4"), ("SR-g5", "g1", "m1")]:
        await step(rid, A.DISPATCH, unit_id=unit, assignee_id=cadre)
        await step(rid, A.ACCEPT, member_id=cadre)
        await step(rid, A.COMPLETE, member_id=cadre)
    await step("SR-g5", A.VERIFY, unit_id="c1", points=2)
    await store.order_service(_request("SR-g6"))  # recorded in 2025, long past: late too
    await store.order_service(
        ServiceRequest("SR-g7", "h04", ServiceKind.WISH, "today's", "o", datetime.now(UTC))
    )

    dispatch, accept = GapKind.SERVICE_DISPATCH_OVERDUE, GapKind.SERVICE_ACCEPT_OVERDUE
    done, verify = GapKind.SERVICE_DONE_OVERDUE, GapKind.SERVICE_VERIFY_OVERDUE
    counts = await store.gap_counts(None, POLICY, 2025)
    assert {k: counts[k] for k in (dispatch, accept, done, verify)} == {
        dispatch: 2,
        accept: 1,
        done: 1,
        verify: 1,
    }
    c1 = await store.gap_counts("c1", POLICY, 2025)
    assert (c1[dispatch], c1[accept], c1[done], c1[verify]) == (2, 1, 0, 0)
    assert await store.recount_gap_counts("c1", POLICY, 2025) == c1

    kinds = [dispatch, accept, done, verify]
    page = await store.gaps(None, kinds, POLICY, 2025, first=500)
    assert [(g.kind, g.subject_id) for g in page.items] == [
        (dispatch, "SR-g1"),
        (dispatch, "SR-g6"),
        (accept, "SR-g2"),
        (done, "SR-g3"),
        (verify, "SR-g4"),
    ]
    first = page.items[0]
    assert (first.unit_id, first.unit_path) == (
        "g1",
        ("园林街道大工委", "园林社区大党委", "Alphabet Court", "1号楼党小组"),
    )
    assert first.value == 40 and "dispatched" in first.reason
    assert page.items[3].value == 40  # the accept came an hour or two after the order

    # Paged across the coverage kinds and the service kinds, one gap at a time.
    everything = await store.gaps("g1", list(GapKind), POLICY, 2025, first=500)
    walked, after = [], None
    while True:
        one = await store.gaps("g1", list(GapKind), POLICY, 2025, 1, after)
        walked += one.items
        assert one.total == everything.total
        if not one.has_next:
            break
        after = one.end_cursor
    assert [(g.kind, g.subject_id) for g in walked] == [
        (g.kind, g.subject_id) for g in everything.items
    ]
    assert [g.subject_id for g in everything.items if g.kind.stage is not None] == [
        "SR-g1",
        "SR-g6",
        "SR-g2",
    ]
