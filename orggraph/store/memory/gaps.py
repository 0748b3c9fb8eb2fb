"""Coverage gaps in the embedded store (the rules are in `GraphStore.gaps`).

Finding gaps walks the scope once (`GraphState.survey`) and yields light keys (kind rank,
subject id, value), so counting and paging a city's thousands of gaps never builds them all;
only the gaps of the page asked for are described in full (name, where they sit, why).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from orggraph.domain.entities import Node
from orggraph.domain.gaps import COVERAGE_GAP_KINDS, Gap, GapKind, gap_reason
from orggraph.domain.kinds import NodeKind
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.memory.state import GraphState, Survey

_KINDS = list(GapKind)


class GapKey(NamedTuple):
    """A gap as found: enough to sort, count and page it."""

    rank: int
    subject_id: str
    value: int | None


def find_gaps(state: GraphState, survey: Survey, policy: Policy, year: int) -> list[GapKey]:
    """Every gap of a surveyed scope, by kind rank and then subject id."""
    keys: list[GapKey] = []
    for kind in COVERAGE_GAP_KINDS:
        rank = kind.rank
        keys.extend(GapKey(rank, s, value) for s, value in _find(kind, state, survey, policy, year))
    keys.sort()
    return keys


Found = Iterable[tuple[str, int | None]]


def _find(kind: GapKind, state: GraphState, survey: Survey, policy: Policy, year: int) -> Found:
    """The (subject id, value) pairs of one kind of gap; the scope's cadres are those
    registered with a community in it and those covering a household in it."""
    cadres = survey.registered | survey.covering
    if kind is GapKind.UNCOVERED_HOUSEHOLD:
        return ((h, None) for h in survey.uncovered)
    if kind is GapKind.CADRE_UNDER_BAND:
        counted = ((m, _covered_count(state, m)) for m in cadres)
        return ((m, n) for m, n in counted if 0 < n < policy.min_households)
    if kind is GapKind.CADRE_OVER_BAND:
        counted = ((m, _covered_count(state, m)) for m in cadres)
        return ((m, n) for m, n in counted if n > policy.max_households)
    if kind is GapKind.CADRE_COVERING_NONE:
        return ((m, 0) for m in survey.registered if _covered_count(state, m) == 0)
    if kind is GapKind.BUILDING_WITHOUT_CENTRAL:
        buildings = (u for u in survey.units if state.nodes[u]["level"] is Level.BUILDING)
        return ((u, 0) for u in buildings if u not in survey.with_central)
    if kind is GapKind.UNIT_WITHOUT_CHILDREN:
        return ((u, 0) for u in survey.units if not state.succ[u])
    earned = ((m, _points_in(state, m, year)) for m in cadres)
    return ((m, n) for m, n in earned if n < policy.min_yearly_points)


def _covered_count(state: GraphState, member_id: str) -> int:
    """Households a cadre covers in all: out-edges other than their work unit and community."""
    attrs = state.nodes[member_id]
    links = (attrs["work_unit"] is not None) + (attrs["community"] is not None)
    return len(state.succ[member_id]) - links


def _points_in(state: GraphState, member_id: str, year: int) -> int:
    entries = (state.points[e] for e in state.member_points.get(member_id, ()))
    return sum(points for _, day, points, _ in entries if day.year == year)


# -- describing one gap ------------------------------------------------------------------------


def describe(
    state: GraphState, key: GapKey, policy: Policy, year: int, subject: Node | None
) -> Gap:
    """The full gap: the subject (as the store reads it), its name, the unit it belongs to
    with its path, and why."""
    kind = _KINDS[key.rank]
    unit_id = _home_unit(state, key.subject_id)
    return Gap(
        kind=kind,
        subject_id=key.subject_id,
        subject_name=state.nodes[key.subject_id]["name"],
        unit_id=unit_id,
        unit_path=_path(state, unit_id),
        value=key.value,
        reason=gap_reason(kind, key.value, policy, year),
        subject=subject,
    )


def _home_unit(state: GraphState, subject_id: str) -> str | None:
    """A unit itself; a household's building group; a cadre's community, or else the
    building group of their first household (by id); None for a cadre with neither."""
    attrs = state.nodes[subject_id]
    kind = attrs["k"]
    if kind == NodeKind.HOUSEHOLD:
        parent: str = attrs["parent"]
        return parent
    if "level" in attrs:
        return subject_id
    if attrs["community"] is not None:
        community: str = attrs["community"]
        return community
    households = state.covered(subject_id)
    return state.nodes[min(households)]["parent"] if households else None


def _path(state: GraphState, unit_id: str | None) -> tuple[str, ...]:
    """Unit names from the street down to `unit_id` itself."""
    names: list[str] = []
    while unit_id is not None:
        attrs = state.nodes[unit_id]
        names.append(attrs["name"])
        unit_id = attrs["parent"]
    return tuple(reversed(names))
