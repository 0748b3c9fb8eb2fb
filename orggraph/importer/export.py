"""The ledger back out of a store: the whole city, or one unit's subtree.

An exported ledger imports on its own into an empty store: besides the scope's subtree it
holds the chain of units above the scope and above every exported cadre's community, so each
parent and community it names is in it. Export, import into an empty store and export again
gives the same files.

What a scope holds: its units and households; the assignments of those households, current
and ended (the history); the cadres covering them, the cadres of their ended covers and the
cadres registered with a community inside the scope; those cadres' work units and points
entries. The whole city's export also holds the ended covers of removed households.

Service requests go with their households, each with its whole timeline (a removed
household's requests are left out: the ledger could not import them). The supply offers go
that serve a place in the scope (the whole city's, or a unit at, below or above the scope),
and every offer an exported dispatch matched, with the cadres and work units offering them.

The store is read through the `GraphReader` protocol (and `ServiceDesk`'s reads), a page or a
batch at a time:
`children_many` walks the tree, `household_members_many` gives the cadres and assignments,
the `CADRE_COVERING_NONE` gap list the registered cadres who cover nobody, and
`member_points_many` their points, year by year. The protocol has no way to list points
entries without naming a year, so points are read for `points_years` (by default every year
from the earliest assignment up to this one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol, TypeVar

from orggraph.domain.cadres import CoverRecord
from orggraph.domain.entities import (
    Assignment,
    Household,
    Member,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.errors import UnknownIdError
from orggraph.domain.gaps import GapKind
from orggraph.domain.policy import Policy
from orggraph.domain.service import ServiceFilter
from orggraph.domain.service_history import ServiceHistory
from orggraph.domain.supply import OfferFilter, ServiceOffer
from orggraph.ledger.model import Ledger
from orggraph.store.protocols import GraphReader, ServiceDesk, SupplyDesk
from orggraph.store.values import MAX_PAGE_SIZE, ChildrenRequest

T = TypeVar("T")


class LedgerReader(GraphReader, ServiceDesk, SupplyDesk, Protocol):
    """What an export reads: the graph, the service requests with their steps, the offers."""


READ_BATCH = 1_000
"""Keys per batched read: big enough to keep round trips few, small enough for one query."""


def _chunks(items: Sequence[T], size: int = READ_BATCH) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


class _Collector:
    def __init__(self, store: LedgerReader) -> None:
        self.store = store
        self.units: dict[str, Unit] = {}
        self.households: dict[str, Household] = {}
        self.members: dict[str, Member] = {}
        self.assignments: list[Assignment] = []
        self.history: dict[tuple[object, ...], CoverRecord] = {}
        self.taking: dict[str, WorkUnit] = {}
        """Work units that requests were dispatched to."""

    async def tree(self, scope_id: str | None) -> None:
        """Every unit and household under the scope (the whole city when None), the scope too."""
        frontier: list[str | None] = [scope_id]
        if scope_id is not None:
            (root,) = await self.store.get_nodes([scope_id])
            if isinstance(root, Unit):
                self.units[root.id] = root
            elif isinstance(root, Household):
                self.households[root.id] = root
                return
            else:
                raise UnknownIdError([scope_id], "unit or household")
        while frontier:
            requests = [ChildrenRequest(parent, MAX_PAGE_SIZE) for parent in frontier]
            frontier = []
            while requests:
                pages = []
                for chunk in _chunks(requests):
                    pages += await self.store.children_many(chunk)
                again = []
                for request, page in zip(requests, pages, strict=True):
                    if page is None:  # deleted since its parent was read
                        continue
                    for child in page.items:
                        if isinstance(child, Household):
                            self.households[child.id] = child
                        else:
                            self.units[child.id] = child
                            frontier.append(child.id)
                    if page.has_next:
                        again.append(
                            ChildrenRequest(request.parent_id, MAX_PAGE_SIZE, page.end_cursor)
                        )
                requests = again

    async def coverage(self) -> None:
        """The cadres covering the collected households, and those assignments."""
        household_ids = sorted(self.households)
        for chunk in _chunks(household_ids):
            for covers in await self.store.household_members_many(chunk):
                for cover in covers or []:
                    self.members.setdefault(cover.member.id, cover.member)
                    self.assignments.append(
                        Assignment(cover.member.id, cover.household.id, cover.mode, cover.since)
                    )

    async def idle_members(self, scope_id: str | None) -> None:
        """Registered cadres of the scope who cover nobody (listed by the gap query)."""
        after: str | None = None
        idle: list[str] = []
        while True:
            page = await self.store.gaps(
                scope_id,
                [GapKind.CADRE_COVERING_NONE],
                Policy(),
                date.today().year,
                MAX_PAGE_SIZE,
                after,
            )
            idle += [gap.subject_id for gap in page.items]
            if not page.has_next:
                break
            after = page.end_cursor
        for chunk in _chunks(idle):
            for node in await self.store.get_nodes(chunk):
                if isinstance(node, Member):
                    self.members[node.id] = node

    async def ended_covers(self, scope_id: str | None) -> None:
        """The ended covers of the collected households (for the city, of every collected
        cadre too, which reaches removed households), and the cadres they name."""
        household_ids = sorted(self.households)
        for chunk in _chunks(household_ids):
            for records in await self.store.household_history_many(chunk):
                self._keep_ended(records or [])
        if scope_id is None:
            for chunk in _chunks(sorted(self.members)):
                for records in await self.store.member_history_many(chunk):
                    self._keep_ended(records or [])
        named = {r.member_id for r in self.history.values()}
        named |= {r.to_member_id for r in self.history.values() if r.to_member_id}
        for chunk in _chunks(sorted(named - set(self.members))):
            for node in await self.store.get_nodes(chunk):
                if isinstance(node, Member):
                    self.members[node.id] = node

    def _keep_ended(self, records: Iterable[CoverRecord]) -> None:
        self.history.update((r.key, r) for r in records if r.ended is not None)

    async def work_units(self) -> list[WorkUnit]:
        wanted = sorted(
            {m.work_unit_id for m in self.members.values() if m.work_unit_id} - set(self.taking)
        )
        found: list[WorkUnit] = list(self.taking.values())
        for chunk in _chunks(wanted):
            found += [n for n in await self.store.get_nodes(chunk) if isinstance(n, WorkUnit)]
        return found

    async def points(self, years: Iterable[int]) -> list[PointsEntry]:
        member_ids = sorted(self.members)
        entries: list[PointsEntry] = []
        for year in years:
            for chunk in _chunks(member_ids):
                for member_entries in await self.store.member_points_many(chunk, year):
                    entries += member_entries or []
        return entries

    async def service(self, scope_id: str | None) -> list[ServiceHistory]:
        """The requests of the collected households with their steps (a removed household's
        requests stay in the store but not in a ledger, which could not import them)."""
        found = []
        after: str | None = None
        while True:
            page = await self.store.service_requests(
                scope_id, ServiceFilter(), Policy(), date.today(), MAX_PAGE_SIZE, after
            )
            found += [r for r in page.items if r.household_id in self.households]
            if not page.has_next:
                break
            after = page.end_cursor
        histories = []
        for chunk in _chunks(found):
            timelines = await self.store.service_steps_many([r.id for r in chunk])
            for request, steps in zip(chunk, timelines, strict=True):
                histories.append(ServiceHistory(request, tuple(steps or ())))
        await self._named_by(histories)
        return histories

    async def offers(
        self, scope_id: str | None, histories: Sequence[ServiceHistory]
    ) -> list[ServiceOffer]:
        """The offers serving a place in the scope, and those the requests' dispatches
        matched; with the cadres and work units that offer them."""
        found: dict[str, ServiceOffer] = {}
        after: str | None = None
        while True:
            page = await self.store.service_offers(scope_id, OfferFilter(), MAX_PAGE_SIZE, after)
            found.update((offer.id, offer) for offer in page.items)
            if not page.has_next:
                break
            after = page.end_cursor
        matched = {s.offer_id for h in histories for s in h.steps if s.offer_id} - set(found)
        for chunk in _chunks(sorted(matched)):
            found.update(
                (o.id, o) for o in await self.store.service_offers_many(chunk) if o is not None
            )
        await self._nodes_named({offer.offered_by for offer in found.values()})
        return list(found.values())

    async def _named_by(self, histories: Sequence[ServiceHistory]) -> None:
        """The cadres and work units the steps name, so the ledger imports on its own."""
        named = {s.member_id for h in histories for s in h.steps if s.member_id}
        named |= {s.assignee_id for h in histories for s in h.steps if s.assignee_id}
        await self._nodes_named(named)

    async def _nodes_named(self, named: set[str]) -> None:
        """The cadres and work units among `named` that the ledger does not hold yet."""
        for chunk in _chunks(sorted(named - set(self.members))):
            for node in await self.store.get_nodes(chunk):
                if isinstance(node, Member):
                    self.members[node.id] = node
                elif isinstance(node, WorkUnit):
                    self.taking[node.id] = node

    async def chains(self, scope_id: str | None) -> None:
        """The units above the scope and above each cadre's community, so parents resolve."""
        tops = [m.community_id for m in self.members.values() if m.community_id]
        wanted = sorted({i for i in [scope_id, *tops] if i is not None} - set(self.units))
        for chunk in _chunks(wanted):
            for node in await self.store.get_nodes(chunk):
                if isinstance(node, Unit):
                    self.units[node.id] = node
            for chain in await self.store.ancestors_many(chunk):
                self.units.update((unit.id, unit) for unit in chain or [])


def default_points_years(assignments: Iterable[Assignment]) -> range:
    """From the earliest assignment's year (or this year) through this year."""
    this_year = date.today().year
    first = min((a.since.year for a in assignments), default=this_year)
    return range(min(first, this_year), this_year + 1)


async def export_ledger(
    store: LedgerReader, scope_id: str | None = None, points_years: Iterable[int] | None = None
) -> Ledger:
    """The ledger of the whole city or of the subtree at `scope_id`, in canonical order.

    UnknownIdError if `scope_id` names no unit or household.
    """
    collector = _Collector(store)
    await collector.tree(scope_id)
    await collector.coverage()
    if scope_id is None or scope_id in collector.units:
        await collector.idle_members(scope_id)
    await collector.ended_covers(scope_id)
    service = await collector.service(scope_id)
    offers = await collector.offers(scope_id, service)
    await collector.chains(scope_id)
    years = (
        points_years if points_years is not None else default_points_years(collector.assignments)
    )
    ledger = Ledger(
        units=list(collector.units.values()),
        households=list(collector.households.values()),
        work_units=await collector.work_units(),
        members=list(collector.members.values()),
        assignments=collector.assignments,
        points=await collector.points(years),
        history=list(collector.history.values()),
        service=service,
        offers=offers,
    )
    return ledger.canonical()
