"""The service loop of 三(三)4, written once: residents order, a unit dispatches, a cadre
accepts and does it, the community verifies (docs/domain.md#the-service-loop).

"群众即时下单、小区（网格）或楼栋党组织派单、党员接单、社区党组织核单": a household's request
(a small dream, wish or complaint: 微梦想, 微心愿, 微诉求) is recorded by an organiser,
dispatched by a unit at or above the household's building group to a cadre or a work unit,
accepted and done by a cadre, and verified by the household's community (or its street).
A cadre may decline it (back for re-dispatch, with a reason); a failed verification reopens
it for re-dispatch; an organiser may cancel it while it is open.

Every transition is one `ServiceStep` (who, when, why), made by `advance` from the request as
stored and the facts the store looked up. `advance` is pure: both stores call it and write what
it answers, so the rules cannot differ between them, and a refused call has nothing to undo.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING

from orggraph.domain.entities import Unit, check_id
from orggraph.domain.errors import ForbiddenError, InvalidValueError, OrgGraphError
from orggraph.domain.levels import Level

if TYPE_CHECKING:
    from orggraph.domain.supply import ServiceOffer

MAX_TEXT_LENGTH = 2000
"""A request's text and a step's reason: a paragraph, not a file."""

MAX_REQUEST_ID_LENGTH = 60
"""Shorter than other ids, so the points entry a verification writes has a valid id."""


class ServiceKind(Enum):
    """What a resident asks for (三(三)4)."""

    DREAM = "dream"
    WISH = "wish"
    COMPLAINT = "complaint"

    @property
    def chinese(self) -> str:
        return _KIND_ZH[self]

    @classmethod
    def parse(cls, value: str) -> ServiceKind:
        """The kind from its code or its Chinese name (ledgers use either)."""
        text = value.strip()
        for kind in cls:
            if text.lower() == kind.value or text == kind.chinese:
                return kind
        raise InvalidValueError(
            f"service kind {value!r} is not one of dream/微梦想, wish/微心愿, complaint/微诉求"
        )


_KIND_ZH = {
    ServiceKind.DREAM: "微梦想",
    ServiceKind.WISH: "微心愿",
    ServiceKind.COMPLAINT: "微诉求",
}


class ServiceState(Enum):
    """Where a request stands."""

    ORDERED = "ordered"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    DONE = "done"
    VERIFIED = "verified"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    REOPENED = "reopened"

    @property
    def chinese(self) -> str:
        return _STATE_ZH[self]

    @property
    def is_open(self) -> bool:
        """Still waiting on someone: neither verified nor cancelled."""
        return self not in (ServiceState.VERIFIED, ServiceState.CANCELLED)


_STATE_ZH = {
    ServiceState.ORDERED: "已下单",
    ServiceState.DISPATCHED: "已派单",
    ServiceState.ACCEPTED: "已接单",
    ServiceState.DONE: "已办结",
    ServiceState.VERIFIED: "已核单",
    ServiceState.DECLINED: "已退回",
    ServiceState.CANCELLED: "已撤销",
    ServiceState.REOPENED: "核单未通过",
}

OPEN_STATES: tuple[ServiceState, ...] = tuple(s for s in ServiceState if s.is_open)


class ServiceAction(Enum):
    """A transition, by what someone does."""

    ORDER = "order"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    DECLINE = "decline"
    COMPLETE = "complete"
    VERIFY = "verify"
    REOPEN = "reopen"
    CANCEL = "cancel"


S = ServiceState
TRANSITIONS: dict[ServiceAction, tuple[frozenset[ServiceState], ServiceState]] = {
    ServiceAction.DISPATCH: (frozenset({S.ORDERED, S.DECLINED, S.REOPENED}), S.DISPATCHED),
    ServiceAction.ACCEPT: (frozenset({S.DISPATCHED}), S.ACCEPTED),
    ServiceAction.DECLINE: (frozenset({S.DISPATCHED, S.ACCEPTED}), S.DECLINED),
    ServiceAction.COMPLETE: (frozenset({S.ACCEPTED}), S.DONE),
    ServiceAction.VERIFY: (frozenset({S.DONE}), S.VERIFIED),
    ServiceAction.REOPEN: (frozenset({S.DONE}), S.REOPENED),
    ServiceAction.CANCEL: (
        frozenset({S.ORDERED, S.DISPATCHED, S.ACCEPTED, S.DECLINED, S.REOPENED}),
        S.CANCELLED,
    ),
}
"""Each action: the states it may start from and the state it leads to. ORDER makes a request
(from no state); VERIFIED and CANCELLED lead nowhere."""

NEEDS_REASON = frozenset({ServiceAction.DECLINE, ServiceAction.REOPEN, ServiceAction.CANCEL})
"""Giving a request back, failing it or cancelling it must say why."""

CADRE_ACTIONS = frozenset({ServiceAction.ACCEPT, ServiceAction.DECLINE, ServiceAction.COMPLETE})
"""What the cadre the request is dispatched to does (the `cadre` role)."""


class AssigneeKind(Enum):
    """Whom a request is dispatched to: a cadre, or a work unit's party organisation."""

    MEMBER = "member"
    WORK_UNIT = "work_unit"


class IllegalTransitionError(OrgGraphError):
    """An action the request's state does not allow (accepting a verified request)."""

    code = "ILLEGAL_TRANSITION"

    def __init__(self, request_id: str, from_state: ServiceState, to_state: ServiceState) -> None:
        super().__init__(
            f"service request {request_id} cannot go from {from_state.value} to {to_state.value}",
            [request_id],
        )
        self.from_state = from_state
        self.to_state = to_state
        self.details = {"from": from_state.value, "to": to_state.value}


@dataclass(frozen=True)
class ServiceStep:
    """One transition: what was done, from which state to which, by whom, when and why.

    `unit_id` is the dispatching or verifying unit, `assignee_id` whom a dispatch went to,
    `member_id` the cadre who accepted, declined or completed, `points` what a verification
    awarded that cadre, `offer_id` the supply offer a dispatch matched
    (`orggraph.domain.supply`)."""

    request_id: str
    seq: int
    action: ServiceAction
    from_state: ServiceState | None
    to_state: ServiceState
    by: str
    at: datetime
    reason: str = ""
    unit_id: str | None = None
    assignee_id: str | None = None
    assignee_kind: AssigneeKind | None = None
    member_id: str | None = None
    points: int = 0
    offer_id: str | None = None


@dataclass(frozen=True)
class ServiceRequest:
    """A household's request (需求清单 entry) and where it stands.

    `since` is when it entered its state (what time limits count from); `assignee_*` is whom
    it is dispatched to now (None once declined or reopened), `cadre_id` the cadre who accepted
    it, `dispatched_by` the unit that dispatched it, `steps` how many steps it has taken,
    `offer_id` the supply offer its dispatch matched (None once declined or reopened).
    `household_id` outlives a removed household, so its history stays readable."""

    id: str
    household_id: str
    kind: ServiceKind
    text: str
    recorded_by: str
    recorded_at: datetime
    state: ServiceState = ServiceState.ORDERED
    since: datetime | None = None
    assignee_id: str | None = None
    assignee_kind: AssigneeKind | None = None
    cadre_id: str | None = None
    dispatched_by: str | None = None
    steps: int = 1
    offer_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id, "service request id")
        if len(self.id) > MAX_REQUEST_ID_LENGTH:
            raise InvalidValueError(
                f"service request id {self.id!r} is longer than {MAX_REQUEST_ID_LENGTH}", [self.id]
            )
        check_id(self.household_id, "household id")
        object.__setattr__(self, "text", check_text(self.text, self.id, "text"))
        if self.since is None:
            object.__setattr__(self, "since", self.recorded_at)

    @property
    def entered(self) -> datetime:
        """When the request entered its state."""
        return self.since or self.recorded_at


@dataclass(frozen=True)
class ServiceCommand:
    """One transition as asked: the action, the request, who asks (a token's subject) and
    when, why, and what the action needs (see `advance`)."""

    request_id: str
    action: ServiceAction
    by: str
    at: datetime
    reason: str = ""
    unit_id: str | None = None
    assignee_id: str | None = None
    member_id: str | None = None
    points: int = 0
    offer_id: str | None = None
    """The supply offer a DISPATCH uses (None: none)."""


@dataclass(frozen=True)
class Facts:
    """What `advance` needs to know of the graph, looked up by the store in the same
    transaction as the write: the household's units (street first; empty once it is
    removed), what the assignee is, the acting cadre's work unit, and the offer a dispatch
    names (as stored)."""

    ancestors: tuple[Unit, ...] = ()
    assignee_kind: AssigneeKind | None = None
    member_work_unit: str | None = None
    offer: ServiceOffer | None = None


def new_request_id(at: datetime) -> str:
    """A unique id that sorts by time, so listing by id lists by when requests came."""
    return f"SR-{at.astimezone(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"


def service_points_id(request_id: str) -> str:
    """The id of the points entry a verified request awards (one per request)."""
    return f"{request_id}.pts"


def service_points_reason(request: ServiceRequest) -> str:
    """A points entry's reason naming the request it was earned by."""
    return f"服务核单 {request.kind.chinese} service request {request.id}"


def check_text(value: str, owner_id: str, what: str) -> str:
    """Text of a request or reason: trimmed, at most MAX_TEXT_LENGTH characters."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{what} of {owner_id} must be text", [owner_id])
    trimmed = value.strip()
    if len(trimmed) > MAX_TEXT_LENGTH:
        raise InvalidValueError(
            f"{what} of {owner_id} is {len(trimmed)} characters; at most {MAX_TEXT_LENGTH}",
            [owner_id],
        )
    if what == "text" and not trimmed:
        raise InvalidValueError(f"text of service request {owner_id} must not be blank", [owner_id])
    return trimmed


def new_request(request: ServiceRequest) -> ServiceRequest:
    """The request as it was ordered: the same row, back in ORDERED with no step taken."""
    return replace(
        request,
        state=ServiceState.ORDERED,
        since=request.recorded_at,
        assignee_id=None,
        assignee_kind=None,
        cadre_id=None,
        dispatched_by=None,
        offer_id=None,
        steps=1,
    )


def order(request: ServiceRequest) -> ServiceStep:
    """The first step of a new request (下单); InvalidValueError for one that has moved on."""
    fresh = new_request(request)
    if request != fresh:
        raise InvalidValueError(
            f"service request {request.id} is new: it must be ordered, with no step taken yet",
            [request.id],
        )
    return ServiceStep(
        request_id=request.id,
        seq=1,
        action=ServiceAction.ORDER,
        from_state=None,
        to_state=ServiceState.ORDERED,
        by=request.recorded_by,
        at=request.recorded_at,
    )


def target_of(action: ServiceAction) -> ServiceState:
    return TRANSITIONS[action][1]


def check_allowed(request: ServiceRequest, action: ServiceAction) -> None:
    """IllegalTransitionError unless `action` may start from the request's state."""
    sources, target = TRANSITIONS[action]
    if request.state not in sources:
        raise IllegalTransitionError(request.id, request.state, target)


def advance(
    request: ServiceRequest, command: ServiceCommand, facts: Facts
) -> tuple[ServiceRequest, ServiceStep]:
    """The request after `command`, and the step that records it; raises without effect.

    Checked in this order: the state allows the action (IllegalTransitionError); a reason
    where one is needed (InvalidValueError); then per action:
    - DISPATCH needs `unit_id`, a unit at or above the household's building group, and an
      `assignee_id` naming a cadre or a work unit (`facts.assignee_kind`); an `offer_id` must
      be `facts.offer`'s and pass its `check_match`;
    - ACCEPT, DECLINE, COMPLETE need `member_id`: the cadre it is dispatched to, or a cadre
      of the work unit it is dispatched to; once accepted, only the cadre who accepted it
      (ForbiddenError otherwise);
    - VERIFY and REOPEN need `unit_id`, the household's community or street; VERIFY's
      `points` go to the cadre who accepted it.
    """
    if command.request_id != request.id:
        raise InvalidValueError(f"command for {command.request_id} applied to {request.id}")
    action = command.action
    check_allowed(request, action)
    reason = check_text(command.reason, request.id, "reason")
    if action in NEEDS_REASON and not reason:
        raise InvalidValueError(
            f"{action.value} of service request {request.id} needs a reason", [request.id]
        )
    at = command.at
    if at < request.entered:
        raise InvalidValueError(
            f"service request {request.id} entered {request.state.value} at "
            f"{request.entered.isoformat()}; a step cannot come before it",
            [request.id],
        )
    target = target_of(action)
    seq = request.steps + 1
    unit: str | None = None
    assignee_id, assignee_kind = request.assignee_id, request.assignee_kind
    cadre_id, dispatched_by, offer_id = request.cadre_id, request.dispatched_by, request.offer_id
    step_assignee: str | None = None
    step_kind: AssigneeKind | None = None
    step_member: str | None = None
    step_offer: str | None = None
    points = 0
    if action is ServiceAction.DISPATCH:
        unit = dispatched_by = _acting_unit(request, command, facts, Level.BUILDING, "dispatch")
        step_assignee = assignee_id = _assignee(request, command, facts)
        step_kind = assignee_kind = facts.assignee_kind
        step_offer = offer_id = _matched_offer(request, command, facts, step_assignee)
        cadre_id = None
    elif action in CADRE_ACTIONS:
        step_member = _acting_cadre(request, command, facts)
        if action is ServiceAction.ACCEPT:
            cadre_id = step_member
        elif action is ServiceAction.DECLINE:
            assignee_id = assignee_kind = cadre_id = offer_id = None
    elif action in (ServiceAction.VERIFY, ServiceAction.REOPEN):
        unit = _acting_unit(request, command, facts, Level.COMMUNITY, action.value)
        points = command.points if action is ServiceAction.VERIFY else 0
        if not 0 <= points <= 1000:
            raise InvalidValueError(
                f"points for service request {request.id} must be 0..1000, not {points}",
                [request.id],
            )
        step_member = request.cadre_id
        if action is ServiceAction.REOPEN:
            assignee_id = assignee_kind = cadre_id = offer_id = None
    # Each value is made once: a ledger import replays some 150,000 steps through here.
    step = ServiceStep(
        request.id,
        seq,
        action,
        request.state,
        target,
        command.by,
        at,
        reason,
        unit,
        step_assignee,
        step_kind,
        step_member,
        points,
        step_offer,
    )
    moved = replace(
        request,
        state=target,
        since=at,
        steps=seq,
        assignee_id=assignee_id,
        assignee_kind=assignee_kind,
        cadre_id=cadre_id,
        dispatched_by=dispatched_by,
        offer_id=offer_id,
    )
    return moved, step


def _acting_unit(
    request: ServiceRequest, command: ServiceCommand, facts: Facts, lowest: Level, what: str
) -> str:
    """The unit that acts: one of the household's units, at `lowest` level or above."""
    if command.unit_id is None:
        raise InvalidValueError(
            f"{what} of service request {request.id} needs a unit", [request.id]
        )
    for unit in facts.ancestors:
        if unit.id == command.unit_id:
            if unit.level.value > lowest.value:
                raise InvalidValueError(
                    f"unit {unit.id} is a {unit.level.english}; a {what} of service request "
                    f"{request.id} needs the household's {lowest.english} or a unit above it",
                    [request.id, unit.id],
                )
            return unit.id
    raise InvalidValueError(
        f"unit {command.unit_id} is not above household {request.household_id}; only its own "
        f"units may {what} service request {request.id}",
        [request.id, command.unit_id],
    )


def _assignee(request: ServiceRequest, command: ServiceCommand, facts: Facts) -> str:
    if command.assignee_id is None or facts.assignee_kind is None:
        raise InvalidValueError(
            f"dispatch of service request {request.id} needs a cadre or a work unit to take it",
            [request.id],
        )
    return command.assignee_id


def _matched_offer(
    request: ServiceRequest, command: ServiceCommand, facts: Facts, assignee: str
) -> str | None:
    """The offer a dispatch uses, checked by the supply rules (`ServiceOffer.check_match`)."""
    if command.offer_id is None:
        return None
    offer = facts.offer
    if offer is None or offer.id != command.offer_id:
        raise InvalidValueError(
            f"dispatch of service request {request.id} names offer {command.offer_id}, which "
            "the store did not look up",
            [request.id, command.offer_id],
        )
    places = [unit.id for unit in facts.ancestors]
    offer.check_match(request.id, assignee, facts.assignee_kind, places, command.at)
    return offer.id


def _acting_cadre(request: ServiceRequest, command: ServiceCommand, facts: Facts) -> str:
    """The cadre acting must be the one it is dispatched (or was accepted) by."""
    member = command.member_id
    if member is None:
        raise InvalidValueError(
            f"{command.action.value} of service request {request.id} needs the acting cadre",
            [request.id],
        )
    if request.cadre_id is not None:
        allowed = member == request.cadre_id
    elif request.assignee_kind is AssigneeKind.WORK_UNIT:
        allowed = facts.member_work_unit is not None and facts.member_work_unit == (
            request.assignee_id
        )
    else:
        allowed = member == request.assignee_id
    if not allowed:
        holder = request.cadre_id or request.assignee_id
        raise ForbiddenError(
            f"service request {request.id} is with {holder}, not with cadre {member}",
            [request.id, member],
        )
    return member


# -- time limits ---------------------------------------------------------------------------------


class Stage(Enum):
    """A wait the time limits bound, by the state a request waits in."""

    DISPATCH = "dispatch"
    ACCEPT = "accept"
    DONE = "done"
    VERIFY = "verify"


STAGE_OF: dict[ServiceState, Stage] = {
    S.ORDERED: Stage.DISPATCH,
    S.DECLINED: Stage.DISPATCH,
    S.REOPENED: Stage.DISPATCH,
    S.DISPATCHED: Stage.ACCEPT,
    S.ACCEPTED: Stage.DONE,
    S.DONE: Stage.VERIFY,
}
"""Which wait a request in each open state is in: it waits to be dispatched (again), accepted,
done or verified."""


@dataclass(frozen=True)
class ServiceLimits:
    """Days each wait may take for one kind of request (`orggraph.domain.policy`)."""

    dispatch_days: int
    accept_days: int
    done_days: int
    verify_days: int

    def __post_init__(self) -> None:
        for name in ("dispatch_days", "accept_days", "done_days", "verify_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"service limit {name} must be >= 0")

    def days(self, stage: Stage) -> int:
        return int(getattr(self, f"{stage.value}_days"))


def days_waiting(request: ServiceRequest, today: date) -> int:
    """Whole calendar days (UTC) since the request entered its state."""
    return (today - request.entered.astimezone(UTC).date()).days


def overdue_stage(request: ServiceRequest, limits: ServiceLimits, today: date) -> Stage | None:
    """The wait a request has overrun as of `today` (more days than its limit), or None."""
    stage = STAGE_OF.get(request.state)
    if stage is None:
        return None
    return stage if days_waiting(request, today) > limits.days(stage) else None


@dataclass(frozen=True)
class ServiceFilter:
    """Which requests a listing keeps (every field None or empty: all of them)."""

    states: tuple[ServiceState, ...] = ()
    kinds: tuple[ServiceKind, ...] = ()
    cadre_id: str | None = None
    """Dispatched to this cadre, or accepted by them."""
    work_unit_id: str | None = None
    """Dispatched to this work unit."""
    overdue: bool | None = None
    """Only those past (True) or within (False) their state's limit as of `today`."""

    def keeps(
        self, request: ServiceRequest, limits: dict[ServiceKind, ServiceLimits], today: date
    ) -> bool:
        if self.states and request.state not in self.states:
            return False
        if self.kinds and request.kind not in self.kinds:
            return False
        if self.cadre_id is not None and self.cadre_id not in (
            request.cadre_id,
            request.assignee_id if request.assignee_kind is AssigneeKind.MEMBER else None,
        ):
            return False
        if self.work_unit_id is not None and not (
            request.assignee_kind is AssigneeKind.WORK_UNIT
            and request.assignee_id == self.work_unit_id
        ):
            return False
        if self.overdue is not None:
            late = overdue_stage(request, limits[request.kind], today) is not None
            if late is not self.overdue:
                return False
        return True
