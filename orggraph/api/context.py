"""What every resolver gets: the store, the policy and the request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from orggraph.api.loaders import Loaders
from orggraph.domain.policy import Policy
from orggraph.store.base import GraphStore


@dataclass
class Context:
    """Per-request context; resolvers reach the store only through it."""

    store: GraphStore
    policy: Policy
    loaders: Loaders


Info = StrawberryInfo[Context, None]
