"""The API under test: the app over the parametrised `store` (both kinds), in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore

from .client import GraphQLClient

TEST_POLICY = Policy(min_households=3, max_households=3, min_yearly_points=20)
"""A band of exactly three households, so the small city has cadres under and over it."""


SECRET = "api-tests-signing-secret-0123456789abcdef"
ADMIN = Principal("test-admin", Role.ADMIN, None)


def bearer(principal: Principal) -> dict[str, str]:
    """The Authorization header of a fresh token for `principal`."""
    return {"Authorization": f"Bearer {create_token(SECRET, principal, 600)}"}


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[GraphQLClient]:
    """An admin's client: sees and changes everything."""
    app = create_app(store, TEST_POLICY, SECRET)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        yield GraphQLClient(http)
