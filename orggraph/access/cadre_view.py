"""What a `cadre` token sees: what serving its residents needs, and nothing of the tree.

A cadre (三(三)4 "党员接单") visits the households whose requests reach them, so their token
reads those households whole (address and phone: they must find and call the resident), the
households they cover, and their own record. No unit lies inside: a cadre lists no tree,
counts nothing and reads no one else's households. Work units are inside, as for everyone.
"""

from __future__ import annotations

from datetime import date

from orggraph.access.visibility import Visibility
from orggraph.domain.entities import Member, Node, WorkUnit
from orggraph.domain.policy import Policy
from orggraph.domain.service import ServiceFilter, ServiceRequest
from orggraph.store.protocols import GraphStore
from orggraph.store.values import MAX_PAGE_SIZE


class CadreVisibility(Visibility):
    """One request's judgement for a `cadre` token naming `member_id`.

    The ids it may see are gathered once (their requests, their covers) on the first
    question, and again after a write (`forget`): accepting or a new dispatch changes them."""

    def __init__(self, store: GraphStore, member_id: str) -> None:
        super().__init__(store, member_id)
        self._store = store
        self._member_id = member_id
        self._own: set[str] | None = None

    def forget(self) -> None:
        super().forget()
        self._own = None

    async def _decide(self, scope: str, ids: list[str], nodes: list[Node | None]) -> None:
        own = await self._own_ids()
        for node_id, node in zip(ids, nodes, strict=True):
            self._inside[node_id] = isinstance(node, WorkUnit) or (
                node is not None and node_id in own
            )

    async def _own_ids(self) -> set[str]:
        if self._own is None:
            self._own = await self._gather()
        return self._own

    async def _gather(self) -> set[str]:
        """The member, the households they cover and those of the requests they hold."""
        member_id = self._member_id
        (member,) = await self._store.get_nodes([member_id])
        if not isinstance(member, Member):
            return set()
        (covers,) = await self._store.member_households_many([member_id])
        own = {member_id, *(c.household.id for c in covers or [])}
        filters = [ServiceFilter(cadre_id=member_id)]
        if member.work_unit_id is not None:
            filters.append(ServiceFilter(work_unit_id=member.work_unit_id))
        for keep in filters:
            own.update(r.household_id for r in await self._requests(keep))
        return own

    async def _requests(self, keep: ServiceFilter) -> list[ServiceRequest]:
        """Every request the filter keeps, page by page (a cadre holds a few dozen)."""
        found: list[ServiceRequest] = []
        after: str | None = None
        while True:
            page = await self._store.service_requests(
                None, keep, Policy(), date.today(), MAX_PAGE_SIZE, after
            )
            found.extend(page.items)
            if not page.has_next:
                return found
            after = page.end_cursor
