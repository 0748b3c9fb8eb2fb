"""Each unit's figures, kept beside the graph so no read walks a subtree.

A unit's `Tally` is made from its direct children alone: a building group's from its
households, every other unit's from its children's tallies. A write marks the units whose
subtree it changed (the chain above each household or unit it touched) as stale; the next
read brings the stale ones up to date, deepest level first, each from its children. So a
single write costs a few tallies, a bulk import (many records) is tallied once when it is
first read, and a write that changes no figure (a rename, a phone number) marks nothing.

`GraphState`'s apply functions call `touch` and `forget`; they run for live writes, journal
replay and snapshot restore alike, so the tallies follow the graph on every path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orggraph.domain.entities import Counts
from orggraph.domain.gaps import GapKind
from orggraph.domain.kinds import NodeKind
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.domain.policy import Policy

Attrs = dict[str, object]


@dataclass
class Tally:
    """What a subtree holds, as the figures and the gap counts need it."""

    units: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    """Units per level (street first), the root included."""
    households: int = 0
    central: int = 0
    covered: int = 0
    assignments: int = 0
    registered: set[str] = field(default_factory=set)
    """Cadres registered with a community in the subtree."""
    covering: set[str] = field(default_factory=set)
    """Cadres covering households in the subtree."""
    without_central: int = 0
    """Building groups without a central household."""
    childless: int = 0
    """Units without a child."""

    def add(self, other: Tally) -> None:
        for index, count in enumerate(other.units):
            self.units[index] += count
        self.households += other.households
        self.central += other.central
        self.covered += other.covered
        self.assignments += other.assignments
        self.registered |= other.registered
        self.covering |= other.covering
        self.without_central += other.without_central
        self.childless += other.childless

    def counts(self) -> Counts:
        return Counts(
            units={level: self.units[level.value - 1] for level in UNIT_LEVELS},
            households=self.households,
            central_households=self.central,
            covered_households=self.covered,
            members=len(self.registered),
            covering_members=len(self.covering),
            assignments=self.assignments,
        )


class Rollups:
    """The tallies of every unit and of the city, brought up to date when read."""

    def __init__(
        self,
        nodes: dict[str, Attrs],
        succ: dict[str, dict[str, Attrs]],
        pred: dict[str, dict[str, Attrs]],
        streets: set[str],
    ) -> None:
        self._nodes, self._succ, self._pred, self._streets = nodes, succ, pred, streets
        self._tallies: dict[str, Tally] = {}
        self._stale: set[str] = set()
        self._city: Tally | None = None

    # -- marking, from the apply functions -------------------------------------------------

    def touch(self, node_id: str | None, *, moved: bool = False) -> None:
        """The subtree under `node_id` changed: it (a unit) and every unit above it are
        stale. A household or unknown id marks from its parent up. Every unit above a stale
        one is stale already, so the walk stops at the first, except for a node that has just
        moved (`moved`), whose new chain may not be."""
        self._city = None
        stale = self._stale
        current = node_id
        while current is not None:
            attrs = self._nodes.get(current)
            if attrs is None:
                return
            if attrs["k"] is NodeKind.UNIT:
                if current in stale and not moved:
                    return
                stale.add(current)
            moved = False if attrs["k"] is NodeKind.UNIT else moved
            current = attrs["parent"]  # type: ignore[assignment]

    def forget(self, unit_ids: list[str]) -> None:
        """Units deleted from the graph."""
        for unit_id in unit_ids:
            self._tallies.pop(unit_id, None)
            self._stale.discard(unit_id)
        self._city = None

    def clear(self) -> None:
        self._tallies.clear()
        self._stale.clear()
        self._city = None

    # -- reading -------------------------------------------------------------------------

    def unit(self, unit_id: str) -> Tally:
        """The tally of a unit in the graph."""
        self._refresh()
        return self._tallies[unit_id]

    def city(self) -> Tally:
        """The streets' tallies together."""
        self._refresh()
        if self._city is None:
            city = Tally()
            for street in self._streets:
                city.add(self._tallies[street])
            self._city = city
        return self._city

    def household(self, household_id: str) -> Tally:
        """A household's own figures, made on the spot (it has no children)."""
        tally = Tally()
        self._count_household(tally, household_id)
        return tally

    def _refresh(self) -> None:
        if not self._stale:
            return
        for unit_id in sorted(self._stale, key=lambda u: -self._level(u).value):
            self._tallies[unit_id] = self._tally_of(unit_id)
        self._stale.clear()

    def _level(self, unit_id: str) -> Level:
        level: Level = self._nodes[unit_id]["level"]  # type: ignore[assignment]
        return level

    def _tally_of(self, unit_id: str) -> Tally:
        """A unit's tally from its children's (fresh: deeper levels come first)."""
        level = self._level(unit_id)
        tally = Tally()
        tally.units[level.value - 1] = 1
        children = self._succ[unit_id]
        if not children:
            tally.childless = 1
        for child in children:
            if self._nodes[child]["k"] is NodeKind.UNIT:
                tally.add(self._tallies[child])
            else:
                self._count_household(tally, child)
        if level is Level.BUILDING and not tally.central:
            tally.without_central = 1
        if level is Level.COMMUNITY:
            parent = self._nodes[unit_id]["parent"]
            tally.registered |= {m for m in self._pred[unit_id] if m != parent}
        return tally

    def _count_household(self, tally: Tally, household_id: str) -> None:
        tally.households += 1
        if self._nodes[household_id]["central"]:
            tally.central += 1
        covers = [m for m, edge in self._pred[household_id].items() if "mode" in edge]
        if covers:
            tally.covered += 1
            tally.assignments += len(covers)
            tally.covering.update(covers)


def gap_counts(
    tally: Tally,
    totals: dict[str, int],
    year_points: dict[str, dict[int, int]],
    policy: Policy,
    year: int,
) -> dict[GapKind, int]:
    """How many gaps of each kind a subtree has, from its tally, every cadre's number of
    households (`totals`) and their points per year."""
    under = over = under_points = 0
    least, most, minimum = policy.min_households, policy.max_households, policy.min_yearly_points
    no_points: dict[int, int] = {}
    for member_id in tally.registered | tally.covering:
        total = totals.get(member_id, 0)
        if 0 < total < least:
            under += 1
        elif total > most:
            over += 1
        if year_points.get(member_id, no_points).get(year, 0) < minimum:
            under_points += 1
    return {
        GapKind.UNCOVERED_HOUSEHOLD: tally.households - tally.covered,
        GapKind.CADRE_UNDER_BAND: under,
        GapKind.CADRE_OVER_BAND: over,
        GapKind.CADRE_COVERING_NONE: sum(1 for m in tally.registered if not totals.get(m, 0)),
        GapKind.BUILDING_WITHOUT_CENTRAL: tally.without_central,
        GapKind.UNIT_WITHOUT_CHILDREN: tally.childless,
        GapKind.CADRE_UNDER_POINTS: under_points,
    }
