"""A listing's page of service requests with the nodes its requests name (households,
assignees, cadres), so the API answers `household`, `assignee` and `cadre` of every request
without a read of its own (`ServiceDesk.service_page`).

`ServicePages` writes it once from `service_requests` and `get_nodes`: right for the embedded
store, where a read costs no round trip; the Neo4j store reads both in one query instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date

from orggraph.domain.entities import Node, Page
from orggraph.domain.policy import Policy
from orggraph.domain.service import ServiceFilter, ServiceRequest
from orggraph.store.values import DEFAULT_PAGE_SIZE, ServicePage


def named_ids(requests: Iterable[ServiceRequest]) -> list[str]:
    """The households, assignees and cadres the requests name, each once."""
    named = (i for r in requests for i in (r.household_id, r.assignee_id, r.cadre_id))
    return list(dict.fromkeys(i for i in named if i is not None))


class ServicePages:
    """Mixed into a store that has `service_requests` and `get_nodes`."""

    service_requests: Callable[..., Awaitable[Page[ServiceRequest]]]
    get_nodes: Callable[[Sequence[str]], Awaitable[list[Node | None]]]

    async def service_page(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> ServicePage:
        page = await self.service_requests(scope_id, keep, policy, today, first, after)
        ids = named_ids(page.items)
        return ServicePage(page, dict(zip(ids, await self.get_nodes(ids), strict=True)))
