"""The monthly service report (服务清单) of a scope: what was asked, how it went, who served.

Built from the requests of the scope and their timelines, as they stood at the end of the
month (a request's state then is the `to_state` of its last step up to that moment), so a
report for a past month reads the same whenever it is printed:
- requests recorded in the month, by kind and by their state at the month's end;
- the median hours of each stage (dispatch, accept, done, verify) over the steps taken in
  the month, from the step before;
- the requests open at the month's end and past their kind's limit for their wait;
- the cadres and work units whose requests were verified in the month, with the points.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    STAGE_OF,
    AssigneeKind,
    ServiceAction,
    ServiceFilter,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    ServiceStep,
    Stage,
)
from orggraph.reports.scope import Scope, resolve_scope
from orggraph.store.protocols import OrgView
from orggraph.store.values import MAX_PAGE_SIZE

STAGE_ACTIONS = {
    ServiceAction.DISPATCH: Stage.DISPATCH,
    ServiceAction.ACCEPT: Stage.ACCEPT,
    ServiceAction.COMPLETE: Stage.DONE,
    ServiceAction.VERIFY: Stage.VERIFY,
}
"""The step that ends each wait."""


@dataclass(frozen=True)
class LateRequest:
    """A request open at the month's end and past its limit."""

    request: ServiceRequest
    state: ServiceState
    stage: Stage
    days_waiting: int


@dataclass(frozen=True)
class Server:
    """A cadre or work unit whose requests were verified in the month."""

    id: str
    kind: AssigneeKind
    verified: int
    points: int


@dataclass(frozen=True)
class ServiceReport:
    scope: Scope
    year: int
    month: int
    policy: Policy
    recorded: dict[tuple[ServiceKind, ServiceState], int]
    """Requests recorded in the month, by kind and state at the month's end."""
    median_hours: dict[Stage, float | None]
    stage_steps: dict[Stage, int]
    """How many steps of each stage the month saw (what each median is over)."""
    late: list[LateRequest]
    servers: list[Server]
    data_as_of: datetime
    source: str


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in UTC."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


async def _all_requests(
    store: OrgView, scope_id: str | None, policy: Policy
) -> list[ServiceRequest]:
    found: list[ServiceRequest] = []
    after = None
    today = datetime.now(UTC).date()
    while True:
        page = await store.service_requests(
            scope_id, ServiceFilter(), policy, today, MAX_PAGE_SIZE, after
        )
        found += page.items
        if not page.has_next:
            return found
        after = page.end_cursor


async def _timelines(store: OrgView, ids: Sequence[str]) -> dict[str, list[ServiceStep]]:
    timelines: dict[str, list[ServiceStep]] = {}
    for start in range(0, len(ids), MAX_PAGE_SIZE):
        chunk = ids[start : start + MAX_PAGE_SIZE]
        for request_id, steps in zip(chunk, await store.service_steps_many(chunk), strict=True):
            timelines[request_id] = steps or []
    return timelines


async def collect_service_report(
    store: OrgView, scope_id: str | None, year: int, month: int, policy: Policy
) -> ServiceReport:
    """The report for one month of a scope (a unit; the city for None)."""
    scope = await resolve_scope(store, scope_id)
    start, end = month_bounds(year, month)
    requests = [r for r in await _all_requests(store, scope.id, policy) if r.recorded_at < end]
    timelines = await _timelines(store, [r.id for r in requests])
    recorded: Counter[tuple[ServiceKind, ServiceState]] = Counter()
    waits: dict[Stage, list[float]] = {stage: [] for stage in Stage}
    late: list[LateRequest] = []
    verified: Counter[tuple[str, AssigneeKind]] = Counter()
    points: Counter[tuple[str, AssigneeKind]] = Counter()
    month_end_day = (end - timedelta(microseconds=1)).date()
    limits = policy.limits()
    for request in requests:
        steps = [s for s in timelines[request.id] if s.at < end]
        if not steps:
            continue
        last = steps[-1]
        if start <= request.recorded_at:
            recorded[(request.kind, last.to_state)] += 1
        for before, step in pairwise(steps):
            stage = STAGE_ACTIONS.get(step.action)
            if stage is not None and step.at >= start:
                waits[stage].append((step.at - before.at).total_seconds() / 3600)
            if step.action is ServiceAction.VERIFY and step.at >= start:
                holder = _holder(steps)
                if holder is not None:
                    verified[holder] += 1
                    points[holder] += step.points
        stage = STAGE_OF.get(last.to_state)
        if stage is not None:
            waited = (month_end_day - last.at.astimezone(UTC).date()).days
            if waited > limits[request.kind].days(stage):
                late.append(LateRequest(request, last.to_state, stage, waited))
    return ServiceReport(
        scope=scope,
        year=year,
        month=month,
        policy=policy,
        recorded=dict(recorded),
        median_hours={s: statistics.median(w) if w else None for s, w in waits.items()},
        stage_steps={s: len(w) for s, w in waits.items()},
        late=sorted(late, key=lambda item: (-item.days_waiting, item.request.id)),
        servers=[
            Server(holder_id, kind, count, points[(holder_id, kind)])
            for (holder_id, kind), count in sorted(
                verified.items(), key=lambda item: (-item[1], item[0][0])
            )
        ],
        data_as_of=datetime.now(UTC),
        source=store.name,
    )


def _holder(steps: Sequence[ServiceStep]) -> tuple[str, AssigneeKind] | None:
    """Who served a verified request: the cadre who accepted it (the verify step names them),
    else the work unit it was last dispatched to."""
    verify = steps[-1]
    if verify.member_id is not None:
        return verify.member_id, AssigneeKind.MEMBER
    for step in reversed(steps):
        if step.action is ServiceAction.DISPATCH and step.assignee_id is not None:
            return step.assignee_id, step.assignee_kind or AssigneeKind.MEMBER
    return None
