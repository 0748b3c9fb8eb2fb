"""What every resolver gets: the store, the policy and the request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from orggraph.api.loaders import Loaders
from orggraph.auth.tokens import Principal
from orggraph.domain.policy import Policy
from orggraph.store.protocols import OrgView


@dataclass
class Context:
    """Per-request context; resolvers reach the store only through it, and `store` is the
    caller's scoped view (orggraph.access), never the raw store."""

    store: OrgView
    policy: Policy
    loaders: Loaders
    principal: Principal
    language: str = "en"
    """`en` or `zh`: what the request's Accept-Language prefers (languages.py)."""


Info = StrawberryInfo[Context, None]
