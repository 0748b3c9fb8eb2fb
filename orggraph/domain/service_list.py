"""The service list of 三(三)4 (服务清单): what was done, by whom, and how long it took.

A verified request is a service done. Its time taken is counted from its timeline: the whole
time from recording to verification, and that time split by the wait each span of it was in
(`STAGE_OF`: waiting to be dispatched, accepted, done or verified), so a request that was
declined and dispatched again counts both of its dispatch waits. The spans add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from itertools import pairwise

from orggraph.domain.errors import InvalidValueError
from orggraph.domain.service import (
    STAGE_OF,
    AssigneeKind,
    ServiceAction,
    ServiceRequest,
    ServiceState,
    ServiceStep,
    Stage,
)


@dataclass(frozen=True)
class TimeTaken:
    """How long a verified request took, overall and per wait."""

    total: timedelta
    """From recording (下单) to verification (核单)."""
    stages: tuple[tuple[Stage, timedelta], ...]
    """Each wait's share of `total`, every stage once, in the order of `Stage`."""

    def of(self, stage: Stage) -> timedelta:
        return dict(self.stages)[stage]


@dataclass(frozen=True)
class Served:
    """One entry of the service list: the request, who served it, its points and time."""

    request: ServiceRequest
    cadre_id: str | None
    """The cadre who accepted and did it."""
    work_unit_id: str | None
    """The work unit it was dispatched to, if it went to one."""
    points: int
    """What its verification awarded the cadre."""
    time: TimeTaken


def time_taken(request: ServiceRequest, steps: Sequence[ServiceStep]) -> TimeTaken:
    """The time a verified request took, from its steps; InvalidValueError for a request
    that is not verified or a timeline that does not end in its verification."""
    ordered = sorted(steps, key=lambda s: s.seq)
    if (
        request.state is not ServiceState.VERIFIED
        or not ordered
        or ordered[-1].action is not ServiceAction.VERIFY
    ):
        raise InvalidValueError(
            f"service request {request.id} is {request.state.value}: only a verified request "
            "has a time taken",
            [request.id],
        )
    spent = dict.fromkeys(Stage, timedelta(0))
    for step, following in pairwise(ordered):
        stage = STAGE_OF.get(step.to_state)
        if stage is not None:
            spent[stage] += following.at - step.at
    return TimeTaken(ordered[-1].at - ordered[0].at, tuple(spent.items()))


def served(request: ServiceRequest, steps: Sequence[ServiceStep]) -> Served:
    """A verified request as a service-list entry."""
    time = time_taken(request, steps)
    verify = max(steps, key=lambda s: s.seq)
    work_unit = request.assignee_id if request.assignee_kind is AssigneeKind.WORK_UNIT else None
    return Served(request, request.cadre_id, work_unit, verify.points, time)


@dataclass(frozen=True)
class ServiceListFilter:
    """Which verified requests the service list keeps (None fields: no bound)."""

    verified_from: date | None = None
    """The first day (UTC) of verification kept."""
    verified_until: date | None = None
    """The last day (UTC) of verification kept."""
    cadre_id: str | None = None
    """Only those this cadre accepted and did."""
    work_unit_id: str | None = None
    """Only those dispatched to this work unit."""

    def __post_init__(self) -> None:
        start, end = self.verified_from, self.verified_until
        if start is not None and end is not None and end < start:
            raise InvalidValueError(
                f"the service list's until ({end.isoformat()}) is before its from "
                f"({start.isoformat()})"
            )

    def keeps(self, request: ServiceRequest) -> bool:
        if request.state is not ServiceState.VERIFIED:
            return False
        day = verified_day(request)
        if self.verified_from is not None and day < self.verified_from:
            return False
        if self.verified_until is not None and day > self.verified_until:
            return False
        if self.cadre_id is not None and request.cadre_id != self.cadre_id:
            return False
        return self.work_unit_id is None or (
            request.assignee_kind is AssigneeKind.WORK_UNIT
            and request.assignee_id == self.work_unit_id
        )


def verified_day(request: ServiceRequest) -> date:
    """The day (UTC) a verified request was verified: it entered VERIFIED then."""
    return request.entered.astimezone(UTC).date()
