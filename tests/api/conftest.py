"""The API under test: the app over the parametrised `store` (both kinds), in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from contract.conftest import (  # noqa: F401 - the store fixtures, over both kinds
    backend,
    city,
    neo4j_session_store,
    store,
    store_kind,
)

from orggraph.api.app import create_app
from orggraph.domain.policy import Policy
from orggraph.store.base import GraphStore

from .client import GraphQLClient

TEST_POLICY = Policy(min_households=3, max_households=3, min_yearly_points=20)
"""A band of exactly three households, so the small city has cadres under and over it."""


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[GraphQLClient]:
    app = create_app(store, TEST_POLICY)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http)
