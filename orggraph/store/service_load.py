"""What both stores decide when a ledger's service histories are loaded (`ServiceBulk`).

The rules of a timeline are the domain's (`check_history`); here is only what a load does
with what is stored: a request stored with the same history is unchanged, one whose stored
steps begin the new history gains the rest, and one that has moved on (or differs) is refused,
so an old ledger can never roll back what was done since it was exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from orggraph.domain.errors import DuplicateIdError, InvalidValueError
from orggraph.domain.service import ServiceRequest, ServiceStep
from orggraph.domain.service_history import ServiceHistory, check_history
from orggraph.store.values import Changes

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def tallied(changes: Iterable[str]) -> Changes:
    """The load's summary from what `change_of` said of each row."""
    counted = list(changes)
    return Changes(counted.count(CREATED), counted.count(UPDATED), counted.count(UNCHANGED))


def checked(histories: Sequence[ServiceHistory]) -> None:
    """Each history passes `check_history`, and no request comes twice."""
    seen: set[str] = set()
    for history in histories:
        if history.id in seen:
            raise InvalidValueError(
                f"service request {history.id} comes twice in one load", [history.id]
            )
        seen.add(history.id)
        check_history(history)


def change_of(
    history: ServiceHistory,
    stored: ServiceRequest | None,
    stored_steps: Sequence[ServiceStep] | None,
) -> str:
    """`created`, `updated` or `unchanged`; DuplicateIdError for a request that moved on."""
    if stored is None:
        return CREATED
    steps = tuple(stored_steps or ())
    if stored == history.request and steps == history.steps:
        return UNCHANGED
    if steps == history.steps[: len(steps)] and len(steps) < len(history.steps):
        return UPDATED
    raise DuplicateIdError(
        [history.id],
        f"a service request whose stored timeline ({len(steps)} steps) is not the start of "
        f"the one loaded ({len(history.steps)} steps)",
    )


def unit_ids(history: ServiceHistory) -> Iterator[str]:
    return (s.unit_id for s in history.steps if s.unit_id is not None)


def member_ids(history: ServiceHistory) -> Iterator[str]:
    return (s.member_id for s in history.steps if s.member_id is not None)


def assignee_ids(history: ServiceHistory) -> Iterator[str]:
    return (s.assignee_id for s in history.steps if s.assignee_id is not None)


def offer_ids(history: ServiceHistory) -> Iterator[str]:
    """The supply offers the history's dispatches matched (a load keeps them; each must be
    stored, though it may have been withdrawn since)."""
    return (s.offer_id for s in history.steps if s.offer_id is not None)
