"""A scope's whole roster (名册), read a page at a time: what the points publication and the
yearly feedback to work units list."""

from __future__ import annotations

from orggraph.domain.cadres import RosterEntry, RosterFilter, RosterRequest
from orggraph.domain.policy import Policy
from orggraph.store.protocols import OrgView
from orggraph.store.values import MAX_PAGE_SIZE


async def roster_entries(
    store: OrgView,
    scope_id: str | None,
    policy: Policy,
    year: int,
    chosen: RosterFilter | None = None,
) -> list[RosterEntry]:
    """Every cadre of the scope's roster the filter keeps, by member id."""
    entries: list[RosterEntry] = []
    after: str | None = None
    while True:
        request = RosterRequest(
            scope_id, policy, year, chosen or RosterFilter(), MAX_PAGE_SIZE, after
        )
        roster = await store.roster(request)
        entries += roster.page.items
        if not roster.page.has_next:
            return entries
        after = roster.page.end_cursor
