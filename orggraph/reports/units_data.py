"""The yearly feedback to work units (街道向单位一年一反馈): each unit's cadres and their points.

The street feeds back once a year to every work unit that dispatched cadres to it, and the
unit's Party organisation is judged on it (三(三)3). So per work unit: its cadres inside the
scope (a street, or the city) with their community, the households they cover there, their
points for the year and whether they met the minimum; the unit's totals (the API's
`WorkUnit.figures` for the same scope, so the two agree); and an overview of the units sorted
by the share of their cadres who met the minimum. Cadres dispatched by no work unit have no
one to be reported to: they are counted, not listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from orggraph.domain.cadres import RosterEntry, RosterFigures, RosterFilter, RosterRequest
from orggraph.domain.entities import Unit, WorkUnit
from orggraph.domain.policy import Policy
from orggraph.reports.gap_data import Progress
from orggraph.reports.rosters import roster_entries
from orggraph.reports.scope import Scope, resolve_scope
from orggraph.store.protocols import OrgView
from orggraph.store.values import MAX_PAGE_SIZE

N = TypeVar("N", Unit, WorkUnit)

FIGURES_BATCH = 100
"""Work units whose totals are asked in one batched roster read."""


@dataclass(frozen=True)
class UnitCadre:
    """One cadre in a work unit's feedback."""

    member_id: str
    name: str
    community_id: str | None
    community_name: str | None
    households: int
    """Households covered inside the scope."""
    points: int
    """Points dated in the year."""
    met_minimum: bool


@dataclass(frozen=True)
class UnitFeedback:
    """A work unit, its cadres in the scope (by member id) and its totals."""

    work_unit: WorkUnit
    cadres: list[UnitCadre]
    figures: RosterFigures

    @property
    def share_meeting(self) -> float:
        """Share of its cadres who met the minimum (0 for a unit with none)."""
        cadres = self.figures.cadres
        return self.figures.meeting_minimum / cadres if cadres else 0.0


@dataclass(frozen=True)
class UnitsReport:
    """The yearly feedback of a scope to every work unit with cadres in it."""

    scope: Scope
    year: int
    policy: Policy
    data_as_of: datetime
    units: list[UnitFeedback]
    """By work unit id."""
    without_unit: int
    """Cadres of the scope dispatched by no work unit."""
    source: str

    def overview(self) -> list[UnitFeedback]:
        """The units by the share of their cadres meeting the minimum, best first (ties by
        more cadres meeting it, then by id)."""
        return sorted(
            self.units,
            key=lambda u: (-u.share_meeting, -u.figures.meeting_minimum, u.work_unit.id),
        )


async def collect_units_report(
    store: OrgView, scope_id: str | None, year: int, policy: Policy, progress: Progress
) -> UnitsReport:
    """The feedback for every work unit with cadres in the scope (a unit, or the city)."""
    scope = await resolve_scope(store, scope_id)
    data_as_of = datetime.now().astimezone()
    progress("listing the scope's cadres")
    entries = await roster_entries(store, scope_id, policy, year)
    by_unit: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        if entry.member.work_unit_id is not None:
            by_unit.setdefault(entry.member.work_unit_id, []).append(entry)
    unit_ids = sorted(by_unit)
    progress(f"totalling {len(unit_ids):,} work unit(s)")
    work_units = await _nodes_of(store, unit_ids, WorkUnit)
    communities = await _nodes_of(
        store, sorted({e.member.community_id for e in entries if e.member.community_id}), Unit
    )
    figures = await _figures(store, scope_id, policy, year, unit_ids)
    units = [
        UnitFeedback(
            work_unit=work_units.get(unit_id, WorkUnit(unit_id, unit_id)),
            cadres=[_cadre(entry, communities) for entry in by_unit[unit_id]],
            figures=figures[unit_id],
        )
        for unit_id in unit_ids
    ]
    without = sum(1 for entry in entries if entry.member.work_unit_id is None)
    return UnitsReport(scope, year, policy, data_as_of, units, without, store.name)


def _cadre(entry: RosterEntry, communities: dict[str, Unit]) -> UnitCadre:
    community_id = entry.member.community_id
    community = communities.get(community_id) if community_id else None
    return UnitCadre(
        member_id=entry.member.id,
        name=entry.member.name,
        community_id=community_id,
        community_name=community.name if community else None,
        households=entry.households_here,
        points=entry.points,
        met_minimum=entry.meets_minimum,
    )


async def _figures(
    store: OrgView, scope_id: str | None, policy: Policy, year: int, unit_ids: Sequence[str]
) -> dict[str, RosterFigures]:
    """Each work unit's totals in the scope, as `WorkUnit.figures` reads them."""
    found: dict[str, RosterFigures] = {}
    for start in range(0, len(unit_ids), FIGURES_BATCH):
        chunk = unit_ids[start : start + FIGURES_BATCH]
        requests = [
            RosterRequest(
                scope_id, policy, year, RosterFilter(work_unit_id=w), 1, None, with_figures=True
            )
            for w in chunk
        ]
        for unit_id, roster in zip(chunk, await store.rosters_many(requests), strict=True):
            found[unit_id] = roster.figures if roster and roster.figures else RosterFigures()
    return found


async def _nodes_of(store: OrgView, ids: Sequence[str], kind: type[N]) -> dict[str, N]:
    """The nodes of one kind under these ids, by id."""
    found: dict[str, N] = {}
    for start in range(0, len(ids), MAX_PAGE_SIZE):
        for node in await store.get_nodes(ids[start : start + MAX_PAGE_SIZE]):
            if isinstance(node, kind):
                found[node.id] = node
    return found
