"""`orggraph stats --verify`: the figures a store keeps, checked against a fresh recount.

Every unit's counts (and the city's), and the gap counts of the city and of every community,
are compared with the store's `Recount`, which walks the raw graph. Any difference is a drift:
a bug in how the figures are kept, which a report or dashboard would show as a wrong number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from orggraph.domain.entities import Unit
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore
from orggraph.store.values import MAX_PAGE_SIZE, ChildrenRequest

CHUNK = 200
"""Scopes compared per pair of reads."""


@dataclass(frozen=True)
class Drift:
    """One figure of one scope that differs from its recount."""

    scope_id: str | None
    figure: str
    kept: object
    recounted: object

    def __str__(self) -> str:
        scope = self.scope_id or "the whole city"
        return f"{scope}: {self.figure} is {self.kept}, a recount gives {self.recounted}"


async def find_drifts(store: GraphStore, policy: Policy, year: int) -> tuple[int, list[Drift]]:
    """(how many scopes were checked, every drift found)."""
    units = await _every_unit(store)
    scopes: list[str | None] = [None, *(unit.id for unit in units)]
    drifts: list[Drift] = []
    for start in range(0, len(scopes), CHUNK):
        chunk = scopes[start : start + CHUNK]
        kept = await store.counts_many(chunk)
        recounted = await store.recount_many(chunk)
        for scope_id, mine, fresh in zip(chunk, kept, recounted, strict=True):
            if mine != fresh:
                drifts.append(Drift(scope_id, "counts", mine, fresh))
    communities = [unit.id for unit in units if unit.level is Level.COMMUNITY]
    for scope_id in [None, *communities]:
        mine_gaps = await store.gap_counts(scope_id, policy, year)
        fresh_gaps = await store.recount_gap_counts(scope_id, policy, year)
        drifts += [
            Drift(scope_id, f"gaps {kind.value}", mine_gaps[kind], fresh_gaps[kind])
            for kind in fresh_gaps
            if mine_gaps.get(kind) != fresh_gaps[kind]
        ]
    return len(scopes), drifts


async def _every_unit(store: GraphStore) -> list[Unit]:
    """Every unit, read a page of children at a time from the streets down."""
    found: list[Unit] = []
    pending: Sequence[ChildrenRequest] = [ChildrenRequest(None, MAX_PAGE_SIZE)]
    while pending:
        pages = await store.children_many(pending)
        following: list[ChildrenRequest] = []
        for request, page in zip(pending, pages, strict=True):
            if page is None:
                continue
            units = [item for item in page.items if isinstance(item, Unit)]
            found += units
            following += [ChildrenRequest(unit.id, MAX_PAGE_SIZE) for unit in units]
            if page.has_next:
                following.append(ChildrenRequest(request.parent_id, MAX_PAGE_SIZE, page.end_cursor))
        pending = following
    return found
