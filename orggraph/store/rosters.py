"""How a roster is filtered, paged and totalled from its cadres' standings, for every store.

A store finds the standings of a scope's cadres (`CadreStanding`: load, points, registration);
what follows is the same for both, so both answer alike: the filter (`RosterFilter.keeps`, the
domain's rule), the order (member id), the page after a cursor and the totals.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Awaitable, Callable, Sequence

from orggraph.domain.cadres import (
    CadreStanding,
    Roster,
    RosterEntry,
    RosterFigures,
    RosterFilter,
    RosterRequest,
    roster_entry,
)
from orggraph.domain.entities import Member, Page
from orggraph.store.cursors import parse_id_cursor
from orggraph.store.values import clamp_page_size

PageMembers = Callable[[list[str]], Awaitable[dict[str, tuple[Member, tuple[str, ...]]]]]
"""The page's cadres by id, each with the communities of the households they cover."""

CountHouseholds = Callable[[list[str]], Awaitable[int]]
"""How many distinct households inside the scope these cadres cover."""


def kept(standings: Sequence[CadreStanding], request: RosterRequest) -> list[CadreStanding]:
    """The standings the request's filter keeps, by member id."""
    chosen = [s for s in standings if request.filter.keeps(s, request.policy)]
    chosen.sort(key=lambda s: s.member_id)
    return chosen


def page_ids(ids: Sequence[str], request: RosterRequest) -> tuple[list[str], bool]:
    """The page of `ids` (sorted) after the request's cursor, and whether more follow."""
    start = 0
    if request.after is not None:
        start = bisect_right(ids, parse_id_cursor(request.after, "roster"))
    page = list(ids[start : start + clamp_page_size(request.first)])
    return page, start + len(page) < len(ids)


def needs_every_standing(request: RosterRequest) -> bool:
    """Whether the page depends on every cadre's standing (a filter, or totals); otherwise
    the page is the scope's cadres by id, and only its own cadres' standings are needed."""
    return request.with_figures or request.filter != RosterFilter()


async def page_roster(
    page: Sequence[CadreStanding],
    request: RosterRequest,
    total: int,
    has_next: bool,
    page_members: PageMembers,
) -> Page[RosterEntry]:
    """A roster page from its cadres' standings, in member id order."""
    members = await page_members([s.member_id for s in page]) if page else {}
    items: list[RosterEntry] = []
    for standing in sorted(page, key=lambda s: s.member_id):
        member, communities = members[standing.member_id]
        items.append(roster_entry(member, standing, request.policy, communities))
    cursor = items[-1].member.id if items else request.after
    return Page(items, has_next, total, cursor)


async def roster_of(
    standings: Sequence[CadreStanding],
    request: RosterRequest,
    page_members: PageMembers,
    count_households: CountHouseholds,
) -> Roster:
    """The roster a request asks for, from every standing of its scope."""
    chosen = kept(standings, request)
    by_id = {s.member_id: s for s in chosen}
    ids, has_next = page_ids([s.member_id for s in chosen], request)
    page = await page_roster([by_id[i] for i in ids], request, len(chosen), has_next, page_members)
    figures = None
    if request.with_figures:
        minimum = request.policy.min_yearly_points
        covering = [s.member_id for s in chosen if s.households_here > 0]
        figures = RosterFigures(
            cadres=len(chosen),
            covering_cadres=len(covering),
            households_covered=await count_households(covering) if covering else 0,
            meeting_minimum=sum(1 for s in chosen if s.points >= minimum),
        )
    return Roster(page, figures)
