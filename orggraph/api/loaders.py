"""DataLoaders: every nested field reads through one, so a request's store round trips grow
with the depth of the query, not with the number of results.

One set of loaders is made per request (their caches must not outlive it). A resolver
asks for what its parent object names, so an id the store does not know (or the caller may
not see) is answered as empty: no parent, no children, no figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from orggraph.domain.cadres import CoverRecord, Roster, RosterRequest
from orggraph.domain.entities import Counts, Coverage, Household, Node, Page, PointsEntry, Unit
from orggraph.domain.service import ServiceRequest, ServiceStep
from orggraph.domain.supply import ServiceOffer
from orggraph.store.protocols import OrgView
from orggraph.store.values import ChildrenRequest, SubtreeRequest


@dataclass(frozen=True)
class PointsKey:
    member_id: str
    year: int


@dataclass
class Loaders:
    """The per-request loaders, one per batched store read."""

    node: DataLoader[str, Node | None]
    ancestors: DataLoader[str, list[Unit]]
    children: DataLoader[ChildrenRequest, Page[Unit | Household]]
    subtrees: DataLoader[SubtreeRequest, None]
    """Reads pages of children several levels down with their figures, and primes `children`
    and `counts` with what it found (its own answer is nothing)."""
    counts: DataLoader[str, Counts]
    member_households: DataLoader[str, list[Coverage]]
    household_members: DataLoader[str, list[Coverage]]
    points: DataLoader[PointsKey, list[PointsEntry]]
    roster: DataLoader[RosterRequest, Roster | None]
    household_history: DataLoader[str, list[CoverRecord]]
    member_history: DataLoader[str, list[CoverRecord]]
    service_steps: DataLoader[str, list[ServiceStep]]
    service_request: DataLoader[str, ServiceRequest | None]
    service_offer: DataLoader[str, ServiceOffer | None]


def make_loaders(store: OrgView) -> Loaders:
    """Loaders bound to one store, for one request."""

    async def load_nodes(ids: list[str]) -> Sequence[Node | None]:
        return await store.get_nodes(ids)

    async def load_ancestors(ids: list[str]) -> Sequence[list[Unit]]:
        return [chain or [] for chain in await store.ancestors_many(ids)]

    async def load_children(requests: list[ChildrenRequest]) -> Sequence[Page[Unit | Household]]:
        pages = await store.children_many(requests)
        return [page or Page([], False, 0, None) for page in pages]

    async def load_subtrees(requests: list[SubtreeRequest]) -> Sequence[None]:
        for tree in await store.subtrees_many(requests):
            if tree is not None:
                loaders.children.prime_many(tree.pages)
                loaders.counts.prime_many(tree.figures)
        return [None] * len(requests)

    async def load_counts(ids: list[str]) -> Sequence[Counts]:
        return [counts or Counts() for counts in await store.counts_many(ids)]

    async def load_member_households(ids: list[str]) -> Sequence[list[Coverage]]:
        return [rows or [] for rows in await store.member_households_many(ids)]

    async def load_household_members(ids: list[str]) -> Sequence[list[Coverage]]:
        return [rows or [] for rows in await store.household_members_many(ids)]

    async def load_points(keys: list[PointsKey]) -> Sequence[list[PointsEntry]]:
        by_year: dict[int, list[str]] = defaultdict(list)
        for key in keys:
            by_year[key.year].append(key.member_id)
        found: dict[PointsKey, list[PointsEntry]] = {}
        for year, member_ids in by_year.items():
            entries = await store.member_points_many(member_ids, year)
            found.update(
                {
                    PointsKey(mid, year): rows or []
                    for mid, rows in zip(member_ids, entries, strict=True)
                }
            )
        return [found[key] for key in keys]

    async def load_rosters(requests: list[RosterRequest]) -> Sequence[Roster | None]:
        return await store.rosters_many(requests)

    async def load_household_history(ids: list[str]) -> Sequence[list[CoverRecord]]:
        return [rows or [] for rows in await store.household_history_many(ids)]

    async def load_member_history(ids: list[str]) -> Sequence[list[CoverRecord]]:
        return [rows or [] for rows in await store.member_history_many(ids)]

    async def load_service_steps(ids: list[str]) -> Sequence[list[ServiceStep]]:
        return [rows or [] for rows in await store.service_steps_many(ids)]

    async def load_service_requests(ids: list[str]) -> Sequence[ServiceRequest | None]:
        return await store.service_requests_many(ids)

    async def load_service_offers(ids: list[str]) -> Sequence[ServiceOffer | None]:
        return await store.service_offers_many(ids)

    loaders = Loaders(
        node=DataLoader(load_nodes),
        ancestors=DataLoader(load_ancestors),
        children=DataLoader(load_children),
        subtrees=DataLoader(load_subtrees),
        counts=DataLoader(load_counts),
        member_households=DataLoader(load_member_households),
        household_members=DataLoader(load_household_members),
        points=DataLoader(load_points),
        roster=DataLoader(load_rosters),
        household_history=DataLoader(load_household_history),
        member_history=DataLoader(load_member_history),
        service_steps=DataLoader(load_service_steps),
        service_request=DataLoader(load_service_requests),
        service_offer=DataLoader(load_service_offers),
    )
    return loaders
