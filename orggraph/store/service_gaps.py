"""Service requests waiting past their time limit, as gaps (三(三)4), written once for both
stores: the gap kinds whose `stage` is set are found from `service_requests` (overdue, in the
states of that wait), the coverage kinds from the store's own gap finding, and one list comes
out in GapKind order, then subject id, as every gap list does.

A store mixes `ServiceGaps` in and names its own gap finding `_coverage_gaps`,
`_coverage_gap_counts` and `_coverage_recount_gap_counts`. Waits count in whole UTC days up
to today, so the same store answers differently tomorrow without a write: that part is read
afresh on every call, never cached per data version.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime

from orggraph.domain.entities import Page, Unit
from orggraph.domain.gaps import COVERAGE_GAP_KINDS, SERVICE_GAP_KINDS, Gap, GapKind, gap_reason
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    STAGE_OF,
    ServiceFilter,
    ServiceRequest,
    Stage,
    days_waiting,
)
from orggraph.store.cursors import gap_cursor, parse_gap_cursor
from orggraph.store.values import DEFAULT_PAGE_SIZE, clamp_page_size

_FIRST_SERVICE_RANK = min(kind.rank for kind in SERVICE_GAP_KINDS)


def overdue_filter(stage: Stage) -> ServiceFilter:
    """Requests waiting in one of the stage's states past their limit."""
    states = tuple(state for state, of in STAGE_OF.items() if of is stage)
    return ServiceFilter(states=states, overdue=True)


def _today() -> date:
    return datetime.now(UTC).date()


class ServiceGaps:
    """`gaps`, `gap_counts` and `recount_gap_counts` with the service kinds added."""

    _coverage_gaps: Callable[..., Awaitable[Page[Gap]]]
    _coverage_gap_counts: Callable[[str | None, Policy, int], Awaitable[dict[GapKind, int]]]
    _coverage_recount_gap_counts: Callable[[str | None, Policy, int], Awaitable[dict[GapKind, int]]]
    service_requests: Callable[..., Awaitable[Page[ServiceRequest]]]
    ancestors_many: Callable[[Sequence[str]], Awaitable[list[list[Unit] | None]]]

    async def gaps(
        self,
        scope_id: str | None,
        kinds: Sequence[GapKind],
        policy: Policy,
        year: int,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[Gap]:
        size = clamp_page_size(first)
        cursor = parse_gap_cursor(after) if after is not None else None
        coverage = [k for k in COVERAGE_GAP_KINDS if k in kinds]
        items: list[Gap] = []
        total, has_next = 0, False
        if coverage:
            if cursor is None or cursor[0] < _FIRST_SERVICE_RANK:
                page = await self._coverage_gaps(scope_id, coverage, policy, year, size, after)
                items, has_next = list(page.items), page.has_next
            else:  # past them: only their number counts
                page = await self._coverage_gaps(scope_id, coverage, policy, year, 1, None)
            total = page.total
        today = _today()
        for kind in (k for k in SERVICE_GAP_KINDS if k in kinds):
            stage = kind.stage
            assert stage is not None
            started = cursor is not None and cursor[0] > kind.rank
            after_id = cursor[1] if cursor is not None and cursor[0] == kind.rank else None
            room = 0 if (started or has_next) else size - len(items)
            found = await self.service_requests(
                scope_id, overdue_filter(stage), policy, today, max(room, 1), after_id
            )
            total += found.total
            if started:
                continue
            taken = found.items[:room]
            items += await self._as_gaps(kind, taken, policy, year, today)
            has_next = has_next or len(found.items) > len(taken) or found.has_next
        end = gap_cursor(items[-1]) if items else after
        return Page(items, has_next, total, end)

    async def _as_gaps(
        self,
        kind: GapKind,
        requests: Sequence[ServiceRequest],
        policy: Policy,
        year: int,
        today: date,
    ) -> list[Gap]:
        """Each request as a gap at its household's building group (none once removed)."""
        chains = await self.ancestors_many([r.household_id for r in requests]) if requests else []
        gaps = []
        for request, chain in zip(requests, chains, strict=True):
            units = chain or []
            waited = days_waiting(request, today)
            gaps.append(
                Gap(
                    kind=kind,
                    subject_id=request.id,
                    subject_name=f"{request.kind.chinese} {request.id}",
                    unit_id=units[-1].id if units else None,
                    unit_path=tuple(u.name for u in units),
                    value=waited,
                    reason=gap_reason(kind, waited, policy, year),
                )
            )
        return gaps

    async def gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        counts = await self._coverage_gap_counts(scope_id, policy, year)
        return {**counts, **await self._service_gap_counts(scope_id, policy)}

    async def recount_gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        counts = await self._coverage_recount_gap_counts(scope_id, policy, year)
        return {**counts, **await self._service_gap_counts(scope_id, policy)}

    async def _service_gap_counts(self, scope_id: str | None, policy: Policy) -> dict[GapKind, int]:
        today = _today()
        counts = {}
        for kind in SERVICE_GAP_KINDS:
            assert kind.stage is not None
            found = await self.service_requests(
                scope_id, overdue_filter(kind.stage), policy, today, 1, None
            )
            counts[kind] = found.total
        return counts
