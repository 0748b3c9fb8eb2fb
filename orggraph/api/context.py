"""What every resolver gets: the store and the policy, built once per request."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from orggraph.domain.policy import Policy
from orggraph.store.base import GraphStore


@dataclass
class Context:
    """Per-request context; resolvers reach the store only through it."""

    store: GraphStore
    policy: Policy


Info = StrawberryInfo[Context, None]
