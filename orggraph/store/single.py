"""The single reads, each its batched read asked for one key: written once, for every store.

A store (and the scoped view) writes only the batched reads of `BatchedReads` and inherits
these, so a single read can never answer differently from its batched form. Where the batched
read answers None, the single one raises UnknownIdError naming the id and the kind it wanted.
"""

from __future__ import annotations

from typing import TypeVar

from orggraph.domain.cadres import CoverRecord, Roster, RosterRequest
from orggraph.domain.entities import Counts, Coverage, Household, Node, Page, PointsEntry, Unit
from orggraph.domain.errors import UnknownIdError
from orggraph.store.protocols import BatchedReads
from orggraph.store.values import DEFAULT_PAGE_SIZE, ChildrenRequest

T = TypeVar("T")


def known(answer: T | None, key: str | None, kind: str) -> T:
    """A batched read's answer for one key, or UnknownIdError naming it."""
    if answer is None:
        raise UnknownIdError([str(key)], kind)
    return answer


class SingleReads(BatchedReads):
    """`GraphReader`'s single forms over the batched reads the subclass implements."""

    async def get_node(self, node_id: str) -> Node | None:
        return (await self.get_nodes([node_id]))[0]

    async def ancestors(self, node_id: str) -> list[Unit]:
        (chain,) = await self.ancestors_many([node_id])
        return known(chain, node_id, "unit or household")

    async def children(
        self, parent_id: str | None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[Unit | Household]:
        (page,) = await self.children_many([ChildrenRequest(parent_id, first, after)])
        return known(page, parent_id, "unit")

    async def counts(self, scope_id: str | None = None) -> Counts:
        (found,) = await self.counts_many([scope_id])
        return known(found, scope_id, "unit or household")

    async def member_households(self, member_id: str) -> list[Coverage]:
        (rows,) = await self.member_households_many([member_id])
        return known(rows, member_id, "member")

    async def household_members(self, household_id: str) -> list[Coverage]:
        (rows,) = await self.household_members_many([household_id])
        return known(rows, household_id, "household")

    async def member_points(self, member_id: str, year: int) -> list[PointsEntry]:
        (entries,) = await self.member_points_many([member_id], year)
        return known(entries, member_id, "member")

    async def roster(self, request: RosterRequest) -> Roster:
        (found,) = await self.rosters_many([request])
        return known(found, request.scope_id, "unit or household")

    async def household_history(self, household_id: str) -> list[CoverRecord]:
        (rows,) = await self.household_history_many([household_id])
        return known(rows, household_id, "household")

    async def member_history(self, member_id: str) -> list[CoverRecord]:
        (rows,) = await self.member_history_many([member_id])
        return known(rows, member_id, "member")
