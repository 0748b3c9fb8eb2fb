"""The embedded store's service requests and their steps, as rows (see `state` for why rows).

Like the graph, the book changes only through its apply functions, which live writes, journal
replay and snapshot restore all call. A request row is the request as it stands; its step rows
are its timeline. Rows hold JSON values only (ISO times, enum values). The matched offer came
last (index 13 of both rows): rows journaled before it have none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from orggraph.domain.service import (
    AssigneeKind,
    ServiceAction,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    ServiceStep,
)

Row = list[Any]


class ServiceBook:
    """Requests by id (ids sorted, for paging), their steps, and an index by household."""

    def __init__(self) -> None:
        self.requests: dict[str, Row] = {}
        self.steps: dict[str, list[Row]] = {}
        self.by_household: dict[str, set[str]] = {}
        self._sorted: list[str] | None = []

    def ids(self) -> list[str]:
        """Every request id, sorted (made again after a new request arrives)."""
        if self._sorted is None:
            self._sorted = sorted(self.requests)
        return self._sorted

    def request(self, request_id: str) -> ServiceRequest | None:
        row = self.requests.get(request_id)
        return request_from(row) if row is not None else None

    def timeline(self, request_id: str) -> list[ServiceStep]:
        return [step_from(row) for row in self.steps.get(request_id, ())]

    # -- apply -------------------------------------------------------------------------------

    def put(self, row: Row, step: Row) -> None:
        """Keep a request as it now stands and the step that made it so."""
        request_id, household_id = row[0], row[1]
        if request_id not in self.requests:
            self._sorted = None
        self.requests[request_id] = row
        self.by_household.setdefault(household_id, set()).add(request_id)
        self.steps.setdefault(request_id, []).append(step)

    def load(self, row: Row, steps: list[Row]) -> None:
        """Keep a request as it stands with its whole timeline (a ledger's), replacing any."""
        old = self.requests.get(row[0])
        if old is None:
            self._sorted = None
        else:
            self.by_household.get(old[1], set()).discard(row[0])
        self.requests[row[0]] = row
        self.by_household.setdefault(row[1], set()).add(row[0])
        self.steps[row[0]] = list(steps)

    def restore(self, requests: Iterable[Row], steps: Iterable[Row]) -> None:
        for row in requests:
            self.requests[row[0]] = row
            self.by_household.setdefault(row[1], set()).add(row[0])
        for step in steps:
            self.steps.setdefault(step[0], []).append(step)
        self._sorted = None

    def clear(self) -> None:
        self.requests.clear()
        self.steps.clear()
        self.by_household.clear()
        self._sorted = []

    def export_requests(self) -> Iterator[Row]:
        return iter(self.requests.values())

    def export_steps(self) -> Iterator[Row]:
        return (step for rows in self.steps.values() for step in rows)


def _enum(value: Any) -> Any:
    return value.value if value is not None else None


def request_row(r: ServiceRequest) -> Row:
    return [
        r.id,
        r.household_id,
        r.kind.value,
        r.text,
        r.recorded_by,
        r.recorded_at.isoformat(),
        r.state.value,
        r.entered.isoformat(),
        r.assignee_id,
        _enum(r.assignee_kind),
        r.cadre_id,
        r.dispatched_by,
        r.steps,
        r.offer_id,
    ]


def request_from(row: Row) -> ServiceRequest:
    (rid, household, kind, text, by, at, state, since, assignee, assignee_kind, cadre) = row[:11]
    dispatched_by, steps = row[11], row[12]
    return ServiceRequest(
        id=rid,
        household_id=household,
        kind=ServiceKind(kind),
        text=text,
        recorded_by=by,
        recorded_at=datetime.fromisoformat(at),
        state=ServiceState(state),
        since=datetime.fromisoformat(since),
        assignee_id=assignee,
        assignee_kind=AssigneeKind(assignee_kind) if assignee_kind is not None else None,
        cadre_id=cadre,
        dispatched_by=dispatched_by,
        steps=steps,
        offer_id=_offer_of(row),
    )


def step_row(s: ServiceStep) -> Row:
    return [
        s.request_id,
        s.seq,
        s.action.value,
        _enum(s.from_state),
        s.to_state.value,
        s.by,
        s.at.isoformat(),
        s.reason,
        s.unit_id,
        s.assignee_id,
        _enum(s.assignee_kind),
        s.member_id,
        s.points,
        s.offer_id,
    ]


def step_from(row: Row) -> ServiceStep:
    (rid, seq, action, from_state, to_state, by, at, reason, unit, assignee, kind) = row[:11]
    member, points = row[11], row[12]
    return ServiceStep(
        request_id=rid,
        seq=seq,
        action=ServiceAction(action),
        from_state=ServiceState(from_state) if from_state is not None else None,
        to_state=ServiceState(to_state),
        by=by,
        at=datetime.fromisoformat(at),
        reason=reason,
        unit_id=unit,
        assignee_id=assignee,
        assignee_kind=AssigneeKind(kind) if kind is not None else None,
        member_id=member,
        points=points,
        offer_id=_offer_of(row),
    )


def _offer_of(row: Row) -> str | None:
    offer_id: str | None = row[13] if len(row) > 13 else None
    return offer_id
