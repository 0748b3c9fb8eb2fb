"""A service request with its whole timeline, as a ledger holds it (docs/ledger-format.md).

A ledger brings requests that have already moved on: the request row and every step after its
order. `replay` makes such a history the only way the rules allow, by running each step through
`orggraph.domain.service.advance` from the request's `order`, so an imported timeline obeys the
same rules as a live one. `check_history` is what a store checks of a history it is handed
(without the graph's facts): that each step follows from the one before by `TRANSITIONS` and
that the request stands where its last step left it. Both live here so the rules stay once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from orggraph.domain.entities import PointsEntry
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.service import (
    TRANSITIONS,
    Facts,
    ServiceAction,
    ServiceCommand,
    ServiceRequest,
    ServiceStep,
    advance,
    new_request,
    order,
    service_points_id,
    service_points_reason,
)


@dataclass(frozen=True)
class ServiceHistory:
    """A request as it stands and its steps, the ORDER step first (seq 1, 2, ...)."""

    request: ServiceRequest
    steps: tuple[ServiceStep, ...]

    @property
    def id(self) -> str:
        return self.request.id


def replay(
    request: ServiceRequest,
    commands: Sequence[ServiceCommand],
    facts_for: Callable[[ServiceCommand], Facts],
) -> ServiceHistory:
    """The history made by ordering `request` and advancing it by each command in turn.

    Raises what `advance` raises for the first command the rules refuse
    (IllegalTransitionError, InvalidValueError, ForbiddenError); `facts_for` answers what the
    graph says for that command (the household's units, what the assignee is...).
    """
    current = new_request(request)
    steps = [order(current)]
    for command in commands:
        current, step = advance(current, command, facts_for(command))
        steps.append(step)
    return ServiceHistory(current, tuple(steps))


def check_history(history: ServiceHistory) -> None:
    """InvalidValueError unless the steps are a timeline the rules allow for the request.

    Step 1 is the request's order; each later step is numbered in turn, starts where the one
    before ended, takes a transition `TRANSITIONS` allows and comes no earlier; the request
    stands in the last step's state, entered at its time, with as many steps.
    """
    request, steps = history.request, history.steps
    if not steps or steps[0] != order(new_request(request)):
        raise InvalidValueError(
            f"service request {request.id}: its first step must be its order", [request.id]
        )
    for before, step in itertools.pairwise(steps):
        if step.request_id != request.id or step.seq != before.seq + 1:
            raise InvalidValueError(
                f"service request {request.id}: step {step.seq} of {step.request_id} does not "
                f"follow step {before.seq}",
                [request.id],
            )
        allowed = TRANSITIONS.get(step.action) if step.action is not ServiceAction.ORDER else None
        if (
            allowed is None
            or step.from_state is not before.to_state
            or before.to_state not in allowed[0]
            or step.to_state is not allowed[1]
        ):
            raise InvalidValueError(
                f"service request {request.id}: step {step.seq} ({step.action.value}) cannot "
                f"follow {before.to_state.value}",
                [request.id],
            )
        if step.at < before.at:
            raise InvalidValueError(
                f"service request {request.id}: step {step.seq} comes before step {before.seq}",
                [request.id],
            )
    last = steps[-1]
    if (request.state, request.entered, request.steps) != (last.to_state, last.at, last.seq):
        raise InvalidValueError(
            f"service request {request.id} stands in {request.state.value} but its steps end "
            f"in {last.to_state.value}",
            [request.id],
        )


def service_points(histories: Sequence[ServiceHistory]) -> list[PointsEntry]:
    """The points entries the histories' verifications award: what a live verify writes
    (`service_points_id`, the cadre who accepted, the day verified, the request as reason)."""
    entries = []
    for history in histories:
        for step in history.steps:
            if step.points and step.member_id is not None:
                entries.append(
                    PointsEntry(
                        service_points_id(history.id),
                        step.member_id,
                        step.at.date(),
                        step.points,
                        service_points_reason(history.request),
                    )
                )
    return entries
