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


async def roster_of(
    standings: Sequence[CadreStanding],
    request: RosterRequest,
    page_members: PageMembers,
    count_households: CountHouseholds,
) -> Roster:
    """The roster a request asks for, from every standing of its scope."""
    chosen = kept(standings, request)
    start = 0
    if request.after is not None:
        after = parse_id_cursor(request.after, "roster")
        start = bisect_right(chosen, after, key=lambda s: s.member_id)
    page = chosen[start : start + clamp_page_size(request.first)]
    members = await page_members([s.member_id for s in page]) if page else {}
    items: list[RosterEntry] = []
    for standing in page:
        member, communities = members[standing.member_id]
        items.append(roster_entry(member, standing, request.policy, communities))
    has_next = start + len(page) < len(chosen)
    cursor = page[-1].member_id if page else request.after
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
    return Roster(Page(items, has_next, len(chosen), cursor), figures)
