"""The quarterly points publication (积分公示): each community's cadres and their points.

The document has the community publish its cadres' points every quarter and the yearly minimum
(20 by default) decide the annual appraisal; so a quarter's publication shows the quarter's
points and the year so far, and marks the cadres behind the yearly minimum: under the share of
it due by the end of the quarter (a quarter of it a quarter: 5, 10, 15, 20 points). Marking
everyone under the full 20 would flag nearly every cadre until the last quarter; at the end of
the fourth quarter, and in a yearly publication, the mark is exactly the yearly rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from orggraph.domain.entities import PointsEntry, Unit
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.reports.gap_data import Progress
from orggraph.reports.rosters import roster_entries
from orggraph.reports.scope import ReportError, Scope, resolve_scope, units_down_to
from orggraph.store.protocols import OrgView
from orggraph.store.values import MAX_PAGE_SIZE


@dataclass(frozen=True)
class CadrePoints:
    """One line of the publication."""

    member_id: str
    name: str
    period_points: int
    """Points dated in the quarter (or in the year, for a yearly publication)."""
    year_to_date: int
    """Points dated from 1 January to the end of the period."""
    under_minimum: bool
    """`year_to_date` is under the points due by the end of the period (`due_points`)."""
    work_unit: str = ""
    """The name of the work unit the cadre comes from (派出单位), empty when none."""


@dataclass(frozen=True)
class CommunityPoints:
    """A community's cadres, by id; `community` is None for the cadres registered nowhere."""

    community: Unit | None
    path: tuple[str, ...]
    cadres: list[CadrePoints]


@dataclass(frozen=True)
class PointsReport:
    """A points publication for the communities of a scope."""

    scope: Scope
    year: int
    quarter: int | None
    policy: Policy
    data_as_of: datetime
    communities: list[CommunityPoints]
    source: str


def due_points(policy: Policy, quarter: int | None) -> int:
    """Points a cadre should have by the end of the period: the yearly minimum, pro rata."""
    if quarter is None:
        return policy.min_yearly_points
    return math.ceil(policy.min_yearly_points * quarter / 4)


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    """First and last day of the quarter (or of the year)."""
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


async def collect_points_report(
    store: OrgView,
    scope_id: str | None,
    year: int,
    quarter: int | None,
    policy: Policy,
    progress: Progress,
    zone: tzinfo | None = None,
) -> PointsReport:
    """The publication for every community in the scope (a community, a street or the city);
    its time is in `zone` (the organisers' time zone; default the machine's)."""
    scope = await resolve_scope(store, scope_id)
    if scope.level is not None and scope.level.value > Level.COMMUNITY.value:
        raise ReportError(
            f"points are published per community, and {scope_id!r} is a "
            f"{scope.level.english}: give its community, a street or no scope (the city)"
        )
    data_as_of = datetime.now(zone).astimezone(zone)
    communities = await units_down_to(store, scope, Level.COMMUNITY)
    progress(f"listing the cadres of {len(communities):,} communit(ies)")
    members = [entry.member for entry in await roster_entries(store, scope_id, policy, year)]
    progress(f"reading the points of {len(members):,} cadre(s)")
    entries = await _points(store, [member.id for member in members], year)
    unit_ids = sorted({m.work_unit_id for m in members if m.work_unit_id})
    units = {n.id: n.name for n in await store.get_nodes(unit_ids) if n is not None}
    first, last = period_bounds(year, quarter)
    due = due_points(policy, quarter)
    by_community: dict[str | None, list[CadrePoints]] = {}
    for member, own in zip(members, entries, strict=True):
        period = sum(e.points for e in own if first <= e.day <= last)
        so_far = sum(e.points for e in own if e.day <= last)
        unit_id = member.work_unit_id
        work_unit = units.get(unit_id, unit_id) if unit_id else ""
        line = CadrePoints(member.id, member.name, period, so_far, so_far < due, work_unit)
        by_community.setdefault(member.community_id, []).append(line)
    paths = await store.ancestors_many([unit.id for unit in communities])
    groups = [
        CommunityPoints(
            unit, (*(a.name for a in above or []), unit.name), by_community.get(unit.id, [])
        )
        for unit, above in zip(communities, paths, strict=True)
    ]
    if by_community.get(None):
        groups.append(CommunityPoints(None, (), by_community[None]))
    return PointsReport(scope, year, quarter, policy, data_as_of, groups, store.name)


async def _points(store: OrgView, member_ids: Sequence[str], year: int) -> list[list[PointsEntry]]:
    found: list[list[PointsEntry]] = []
    for start in range(0, len(member_ids), MAX_PAGE_SIZE):
        chunk = await store.member_points_many(member_ids[start : start + MAX_PAGE_SIZE], year)
        found.extend(entries or [] for entries in chunk)
    return found
