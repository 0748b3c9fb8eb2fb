"""The supply list of 三(三)4 (供给清单), written once: what work units and cadres offer.

"单位（党员干部）接单": a work unit's party organisation or a cadre offers a skill (tutoring,
a repair, legal advice) or a resource (a hall, a van, a fund), somewhere (one unit's place: a
street, community, branch or building group; or the whole city) and at some time (from and
until days, and/or a schedule in words). A dispatch may name the offer it uses: the request is
then matched to it, which `ServiceOffer.check_match` allows only for an open offer of the
cadre or work unit the request goes to, serving the household's place, available that day.

An offer is recorded once and then only withdrawn: a withdrawn offer keeps its id, so the
requests matched to it still say what they used. Offer ids are their own namespace (like
service requests'): they never clash with a node's.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import Enum

from orggraph.domain.entities import check_id
from orggraph.domain.errors import DuplicateIdError, InvalidValueError, OrgGraphError
from orggraph.domain.service import MAX_REQUEST_ID_LENGTH, MAX_TEXT_LENGTH, AssigneeKind

MAX_OFFER_ID_LENGTH = MAX_REQUEST_ID_LENGTH
"""Offer ids are made like request ids (`new_offer_id`) and kept as short."""

MAX_SCHEDULE_LENGTH = 200
"""A schedule is a line ("每周六上午"), not a timetable."""


class OfferKind(Enum):
    """What is offered: someone's skill, or a thing (a room, a vehicle, money)."""

    SKILL = "skill"
    RESOURCE = "resource"

    @property
    def chinese(self) -> str:
        return _KIND_ZH[self]

    @classmethod
    def parse(cls, value: str) -> OfferKind:
        """The kind from its code or its Chinese name (ledgers use either)."""
        text = value.strip()
        for kind in cls:
            if text.lower() == kind.value or text == kind.chinese:
                return kind
        raise InvalidValueError(f"offer kind {value!r} is not one of skill/技能, resource/资源")


_KIND_ZH = {OfferKind.SKILL: "技能", OfferKind.RESOURCE: "资源"}


class OfferState(Enum):
    """Whether an offer can still be matched."""

    OPEN = "open"
    WITHDRAWN = "withdrawn"

    @property
    def chinese(self) -> str:
        return _STATE_ZH[self]


_STATE_ZH = {OfferState.OPEN: "可接单", OfferState.WITHDRAWN: "已撤回"}


class OfferWithdrawnError(OrgGraphError):
    """Matching, or withdrawing again, an offer that was withdrawn."""

    code = "OFFER_WITHDRAWN"

    def __init__(self, offer_id: str, what: str) -> None:
        super().__init__(f"service offer {offer_id} is withdrawn; {what}", [offer_id])


@dataclass(frozen=True)
class ServiceOffer:
    """One entry of the supply list (供给清单): who offers what, where and when."""

    id: str
    """The offer's id (its own namespace; `new_offer_id` makes one)."""
    offered_by: str
    """The cadre (member id) or work unit id that offers it."""
    offered_by_kind: AssigneeKind
    """Whether `offered_by` is a cadre (MEMBER) or a work unit (WORK_UNIT)."""
    kind: OfferKind
    """A skill or a resource."""
    text: str
    """What is offered, in the offerer's words (non-blank, at most 2000 characters)."""
    recorded_by: str
    """Who recorded it: the subject of the token that did."""
    recorded_at: datetime
    """When it was recorded."""
    serves_id: str | None = None
    """The unit whose place it serves (a street, community, branch or building group: the
    households at or below it); None for the whole city."""
    available_from: date | None = None
    """The first day it can be used; None: from the start."""
    available_until: date | None = None
    """The last day it can be used; None: no end."""
    schedule: str = ""
    """When, in words ("每周六上午", "weekday evenings"); may be empty."""
    state: OfferState = OfferState.OPEN
    """OPEN until withdrawn."""
    withdrawn_by: str | None = None
    """Who withdrew it (a token's subject); None while open."""
    withdrawn_at: datetime | None = None
    """When it was withdrawn; None while open."""
    withdrawn_reason: str = ""
    """Why it was withdrawn (may be empty)."""

    def __post_init__(self) -> None:
        check_id(self.id, "service offer id")
        if len(self.id) > MAX_OFFER_ID_LENGTH:
            raise InvalidValueError(
                f"service offer id {self.id!r} is longer than {MAX_OFFER_ID_LENGTH}", [self.id]
            )
        check_id(self.offered_by, f"offered_by of service offer {self.id}")
        if self.serves_id is not None:
            check_id(self.serves_id, f"serves of service offer {self.id}")
        object.__setattr__(self, "text", _text(self.text, self.id, "text", MAX_TEXT_LENGTH))
        if not self.text:
            raise InvalidValueError(f"text of service offer {self.id} must not be blank", [self.id])
        schedule = _text(self.schedule, self.id, "schedule", MAX_SCHEDULE_LENGTH)
        object.__setattr__(self, "schedule", schedule)
        reason = _text(self.withdrawn_reason, self.id, "withdrawn_reason", MAX_TEXT_LENGTH)
        object.__setattr__(self, "withdrawn_reason", reason)
        start, end = self.available_from, self.available_until
        if start is not None and end is not None and end < start:
            raise InvalidValueError(
                f"service offer {self.id} is available until {end.isoformat()}, before it is "
                f"available from {start.isoformat()}",
                [self.id],
            )
        withdrawn = self.state is OfferState.WITHDRAWN
        if withdrawn != (self.withdrawn_at is not None) or withdrawn != (
            self.withdrawn_by is not None
        ):
            raise InvalidValueError(
                f"service offer {self.id} is {self.state.value}: withdrawn_by and withdrawn_at "
                "are given exactly when it is withdrawn",
                [self.id],
            )
        if self.withdrawn_at is not None and self.withdrawn_at < self.recorded_at:
            raise InvalidValueError(
                f"service offer {self.id} cannot be withdrawn before it was recorded", [self.id]
            )

    @property
    def is_open(self) -> bool:
        return self.state is OfferState.OPEN

    def available_on(self, day: date) -> bool:
        """Whether `day` lies between its first and last day (either may be open)."""
        start, end = self.available_from, self.available_until
        return (start is None or start <= day) and (end is None or day <= end)

    def check_match(
        self,
        request_id: str,
        assignee_id: str | None,
        assignee_kind: AssigneeKind | None,
        place_ids: Iterable[str],
        at: datetime,
    ) -> None:
        """Raise unless a dispatch of `request_id` to the assignee at `at` may use this offer.

        `place_ids` are the household's units. The offer must be open (OfferWithdrawnError),
        be the assignee's own, serve one of those units (or the whole city) and be available
        on the dispatch's day in UTC (InvalidValueError naming the request and the offer)."""
        if not self.is_open:
            raise OfferWithdrawnError(self.id, f"service request {request_id} cannot use it")
        ids = [request_id, self.id]
        if assignee_id != self.offered_by or assignee_kind is not self.offered_by_kind:
            raise InvalidValueError(
                f"service offer {self.id} is offered by {self.offered_by}, not by "
                f"{assignee_id}, whom service request {request_id} is dispatched to",
                ids,
            )
        if self.serves_id is not None and self.serves_id not in set(place_ids):
            raise InvalidValueError(
                f"service offer {self.id} serves {self.serves_id}, which is not above the "
                f"household of service request {request_id}",
                ids,
            )
        day = at.astimezone(UTC).date()
        if not self.available_on(day):
            raise InvalidValueError(
                f"service offer {self.id} is available {_window(self)}; not on "
                f"{day.isoformat()}, when service request {request_id} is dispatched",
                ids,
            )


def _text(value: str, offer_id: str, field: str, longest: int) -> str:
    """A text field trimmed, at most `longest` characters."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{field} of service offer {offer_id} must be text", [offer_id])
    trimmed = value.strip()
    if len(trimmed) > longest:
        raise InvalidValueError(
            f"{field} of service offer {offer_id} is {len(trimmed)} characters; at most {longest}",
            [offer_id],
        )
    return trimmed


def _window(offer: ServiceOffer) -> str:
    start = offer.available_from.isoformat() if offer.available_from else "the start"
    end = offer.available_until.isoformat() if offer.available_until else "no end"
    return f"from {start} until {end}"


def new_offer_id(at: datetime) -> str:
    """A unique id that sorts by time, like a request's."""
    return f"SO-{at.astimezone(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"


def withdraw(offer: ServiceOffer, by: str, at: datetime, reason: str = "") -> ServiceOffer:
    """The offer withdrawn by `by` at `at`; OfferWithdrawnError if it already is."""
    if not offer.is_open:
        raise OfferWithdrawnError(offer.id, "it cannot be withdrawn again")
    if at < offer.recorded_at:
        raise InvalidValueError(
            f"service offer {offer.id} was recorded at {offer.recorded_at.isoformat()}; it "
            "cannot be withdrawn before that",
            [offer.id],
        )
    return replace(
        offer,
        state=OfferState.WITHDRAWN,
        withdrawn_by=by,
        withdrawn_at=at,
        withdrawn_reason=reason,
    )


def as_of(offer: ServiceOffer, at: datetime, request_id: str) -> ServiceOffer:
    """The offer as it stood when service request `request_id` was dispatched at `at`: open
    if it was withdrawn only later (a ledger holds offers as they stand now, and replaying a
    dispatch must see what the live dispatch saw). InvalidValueError for a dispatch before
    the offer was recorded: it could not have used it."""
    if at < offer.recorded_at:
        raise InvalidValueError(
            f"service offer {offer.id} was recorded at {offer.recorded_at.isoformat()}, after "
            f"the dispatch of service request {request_id}",
            [request_id, offer.id],
        )
    if offer.withdrawn_at is None or at < offer.withdrawn_at:
        return replace(
            offer, state=OfferState.OPEN, withdrawn_by=None, withdrawn_at=None, withdrawn_reason=""
        )
    return offer


def check_replaces(stored: ServiceOffer, offer: ServiceOffer) -> None:
    """Raise unless `offer` may replace the `stored` offer of its id (a ledger row changed).

    What is offered, when and how it is described may change; who offers it and the place it
    serves may not (the requests matched to it were checked against them, and the store links
    it to both once): DuplicateIdError. A withdrawn offer stays withdrawn
    (OfferWithdrawnError): the requests matched to it say what they used."""
    if (offer.offered_by, offer.offered_by_kind) != (stored.offered_by, stored.offered_by_kind):
        raise DuplicateIdError(
            [offer.id], f"a service offer by {stored.offered_by}, not by {offer.offered_by}"
        )
    if offer.serves_id != stored.serves_id:
        raise DuplicateIdError(
            [offer.id],
            f"a service offer serving {stored.serves_id or 'the whole city'}, not "
            f"{offer.serves_id or 'the whole city'}",
        )
    if not stored.is_open and offer.is_open:
        raise OfferWithdrawnError(offer.id, "it cannot be opened again")


@dataclass(frozen=True)
class OfferFilter:
    """Which offers a listing keeps (every field None or empty: all of them)."""

    kinds: tuple[OfferKind, ...] = ()
    """Only these kinds."""
    offered_by: str | None = None
    """Only this cadre's or work unit's."""
    open_only: bool = False
    """Leave withdrawn offers out."""

    def keeps(self, offer: ServiceOffer) -> bool:
        if self.kinds and offer.kind not in self.kinds:
            return False
        if self.offered_by is not None and offer.offered_by != self.offered_by:
            return False
        return not (self.open_only and not offer.is_open)
