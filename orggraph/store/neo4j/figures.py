"""The figures kept on every unit (its `fig_*` properties), so no read walks a subtree.

A write refreshes, in its own transaction, the units whose subtree it changed: building groups
from their households, then each level above from its children's figures, then the city's,
kept on one node from its streets' (five small queries, whatever the size of the city). The
ids to refresh are the tree nodes a write touched and the places they hung before it
(`homes`). A bulk load puts the refresh off and makes it once for every unit at the end; while
it runs the database says the figures are stale, so a load that dies half way is finished by
the next open (`ensure_fresh`). A write that changes no figure (a rename, a phone number,
points) refreshes nothing; the cadre gaps, which depend on the asked policy and year, are
counted from the scope's cadres when asked (`gap_counts`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from orggraph.domain.entities import Counts
from orggraph.domain.gaps import GapKind
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.domain.policy import Policy
from orggraph.store.neo4j.connection import Connection

REFRESH_CHUNK = 2_000
"""Units per transaction when every unit is refreshed (after a bulk load)."""


@dataclass(frozen=True)
class Figures:
    """One scope's kept figures."""

    units: list[int]
    households: int
    central: int
    covered: int
    assignments: int
    covering_members: int
    members: int
    without_central: int
    childless: int

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Figures:
        return cls(
            units=list(row["units"] or [0, 0, 0, 0]),
            households=int(row["households"] or 0),
            central=int(row["central"] or 0),
            covered=int(row["covered"] or 0),
            assignments=int(row["assignments"] or 0),
            covering_members=int(row["covering"] or 0),
            members=int(row["registered"] or 0),
            without_central=int(row["without_central"] or 0),
            childless=int(row["childless"] or 0),
        )

    def counts(self) -> Counts:
        return Counts(
            units={level: self.units[level.value - 1] for level in UNIT_LEVELS},
            households=self.households,
            central_households=self.central,
            covered_households=self.covered,
            members=self.members,
            covering_members=self.covering_members,
            assignments=self.assignments,
        )


class KeptFigures:
    """Refreshing and reading the figures through one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.deferred = False
        """True during a bulk load: writes leave the refresh to its end."""

    # -- keeping them ------------------------------------------------------------------------

    async def homes(self, tx: AsyncManagedTransaction, ids: Collection[str]) -> set[str]:
        """Where these nodes hang now (parents, cadres' communities): read before a write
        that may move them, refreshed after it."""
        if self.deferred or not ids:
            return set()
        rows = await self._connection.run(tx, "homes_many", ids=sorted(ids))
        return {home for row in rows for home in row["homes"]}

    async def refresh(self, tx: AsyncManagedTransaction, ids: Collection[str]) -> None:
        """Bring up to date the figures of every unit at or above these units or households."""
        if self.deferred or not ids:
            return
        touched = sorted(ids)
        await self._connection.run(tx, "figures_refresh_buildings", ids=touched)
        for level in (Level.BRANCH, Level.COMMUNITY, Level.STREET):
            await self._connection.run(tx, "figures_refresh_units", ids=touched, level=level.value)
        await self.refresh_city(tx)

    async def refresh_city(self, tx: AsyncManagedTransaction) -> None:
        """The city's figures from its streets' (a write that removes a street calls it)."""
        if not self.deferred:
            await self._connection.run(tx, "figures_refresh_city")

    async def refresh_all(self) -> None:
        """Every unit's figures, level by level from the building groups up, in transactions
        of REFRESH_CHUNK units."""
        for level in (Level.BUILDING, Level.BRANCH, Level.COMMUNITY, Level.STREET):
            ids: list[str] = (await self._connection.query("unit_ids_at_level", level=level.value))[
                0
            ]["ids"]
            for start in range(0, len(ids), REFRESH_CHUNK):
                chunk = ids[start : start + REFRESH_CHUNK]
                await self._connection.write(self._refresh_level, chunk, level)
        await self._connection.write(self.refresh_city)

    async def _refresh_level(
        self, tx: AsyncManagedTransaction, ids: list[str], level: Level
    ) -> None:
        if level is Level.BUILDING:
            await self._connection.run(tx, "figures_refresh_buildings", ids=ids)
        else:
            await self._connection.run(tx, "figures_refresh_units", ids=ids, level=level.value)

    async def mark_stale(self, stale: bool) -> None:
        await self._connection.write(self._connection.run, "figures_mark_stale", stale=stale)

    async def ensure_fresh(self) -> None:
        """Refresh everything if a bulk load died half way or the figures were never kept."""
        if (await self._connection.query("figures_state"))[0]["stale"]:
            await self.refresh_all()
            await self.mark_stale(False)

    # -- reading them ---------------------------------------------------------------------------

    async def many(self, ids: Collection[str]) -> dict[str, Figures]:
        """The figures of each id that names a unit or household."""
        if not ids:
            return {}
        found = await self._connection.found("figures_many", ids=sorted(set(ids)))
        return {row["id"]: Figures.of(row) for row in found}

    async def city(self) -> Figures:
        return Figures.of((await self._connection.query("figures_city"))[0])

    async def gap_counts(
        self, scope_id: str | None, figures: Figures, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """The scope's gaps per kind: the structural ones from its figures, the cadre ones
        from the standing of the cadres its figures list, in the asked policy and year."""
        row = (
            await self._connection.query(
                "cadre_gaps",
                scope_id=scope_id,
                min_households=policy.min_households,
                max_households=policy.max_households,
                min_points=policy.min_yearly_points,
                year=year,
            )
        )[0]
        return {
            GapKind.UNCOVERED_HOUSEHOLD: figures.households - figures.covered,
            GapKind.CADRE_UNDER_BAND: int(row["under_band"]),
            GapKind.CADRE_OVER_BAND: int(row["over_band"]),
            GapKind.CADRE_COVERING_NONE: int(row["covering_none"]),
            GapKind.BUILDING_WITHOUT_CENTRAL: figures.without_central,
            GapKind.UNIT_WITHOUT_CHILDREN: figures.childless,
            GapKind.CADRE_UNDER_POINTS: int(row["under_points"]),
        }
