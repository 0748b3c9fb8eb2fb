"""A plain model of a city and its figures by full recount: what a store's figures must equal.

The model holds only raw facts (units, households, cadres, assignments, points); every figure
is counted from them afresh, the slow obvious way, so a store that keeps figures any cleverer
way (caches, rollups) is judged against the definition itself (`Counts`, `GraphStore.gaps`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from orggraph.domain.entities import Counts, Household, Member, Mode, PointsEntry, Unit
from orggraph.domain.gaps import SERVICE_GAP_KINDS, GapKind
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.domain.policy import Policy


@dataclass
class Model:
    units: dict[str, Unit] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    covers: dict[tuple[str, str], tuple[Mode, date]] = field(default_factory=dict)
    points: dict[str, PointsEntry] = field(default_factory=dict)

    # -- the tree ----------------------------------------------------------------------------

    def parent(self, node_id: str) -> str | None:
        node = self.units.get(node_id) or self.households.get(node_id)
        return node.parent_id if node is not None else None

    def lies_in(self, node_id: str | None, scope_id: str) -> bool:
        while node_id is not None:
            if node_id == scope_id:
                return True
            node_id = self.parent(node_id)
        return False

    def subtree(self, scope_id: str | None) -> tuple[list[str], list[str]]:
        """(unit ids, household ids) at or below the scope (everything for None)."""
        units = [u for u in self.units if scope_id is None or self.lies_in(u, scope_id)]
        households = [h for h in self.households if scope_id is None or self.lies_in(h, scope_id)]
        return units, households

    def children(self, unit_id: str) -> list[str]:
        return [
            node_id
            for node_id, node in [*self.units.items(), *self.households.items()]
            if node.parent_id == unit_id
        ]

    def delete(self, node_id: str) -> None:
        """A cascade delete: the subtree, its assignments, and registrations with it."""
        units, households = self.subtree(node_id)
        gone = set(units) | set(households)
        for unit_id in units:
            del self.units[unit_id]
        for household_id in households:
            del self.households[household_id]
        self.covers = {pair: c for pair, c in self.covers.items() if pair[1] not in gone}
        for member_id, member in list(self.members.items()):
            if member.community_id in gone:
                self.members[member_id] = Member(
                    member.id, member.name, member.phone, member.work_unit_id, None
                )

    # -- figures -------------------------------------------------------------------------------

    def counts(self, scope_id: str | None) -> Counts:
        units, households = self.subtree(scope_id)
        inside = set(households)
        covered = {h for _, h in self.covers if h in inside}
        levels = {level: 0 for level in UNIT_LEVELS}
        for unit_id in units:
            levels[self.units[unit_id].level] += 1
        communities = {u for u in units if self.units[u].level is Level.COMMUNITY}
        return Counts(
            units=levels,
            households=len(households),
            central_households=sum(self.households[h].central for h in households),
            covered_households=len(covered),
            members=sum(m.community_id in communities for m in self.members.values()),
            covering_members=len({m for m, h in self.covers if h in inside}),
            assignments=sum(h in inside for _, h in self.covers),
        )

    def gap_counts(self, scope_id: str | None, policy: Policy, year: int) -> dict[GapKind, int]:
        units, households = self.subtree(scope_id)
        inside = set(households)
        covered = {h for _, h in self.covers if h in inside}
        communities = {u for u in units if self.units[u].level is Level.COMMUNITY}
        registered = {m for m, member in self.members.items() if member.community_id in communities}
        of_scope = registered | {m for m, h in self.covers if h in inside}
        totals = {m: sum(1 for cm, _ in self.covers if cm == m) for m in self.members}
        sums = {m: 0 for m in self.members}
        for entry in self.points.values():
            if entry.day.year == year:
                sums[entry.member_id] += entry.points
        return {
            GapKind.UNCOVERED_HOUSEHOLD: len(inside - covered),
            GapKind.CADRE_UNDER_BAND: sum(1 <= totals[m] < policy.min_households for m in of_scope),
            GapKind.CADRE_OVER_BAND: sum(totals[m] > policy.max_households for m in of_scope),
            GapKind.CADRE_COVERING_NONE: sum(totals[m] == 0 for m in registered),
            GapKind.BUILDING_WITHOUT_CENTRAL: sum(
                not any(
                    self.households[h].central
                    for h in self.households
                    if self.households[h].parent_id == u
                )
                for u in units
                if self.units[u].level is Level.BUILDING
            ),
            GapKind.UNIT_WITHOUT_CHILDREN: sum(not self.children(u) for u in units),
            GapKind.CADRE_UNDER_POINTS: sum(sums[m] < policy.min_yearly_points for m in of_scope),
        } | dict.fromkeys(SERVICE_GAP_KINDS, 0)  # the model writes no service requests

    def scopes(self) -> Iterable[str | None]:
        """The city and every unit and household."""
        return [None, *sorted(self.units), *sorted(self.households)]
