"""Property-based fuzzing: generated queries and mutations never produce a 500 or an
unhandled exception (an `INTERNAL` error), whatever they ask for.

hypothesis-graphql builds documents from the served SDL; the Date and DateTime scalars get
valid and invalid strings. 1,000 examples run against the embedded store holding the small
city (the API layer is what is fuzzed; the store contract is tested on both stores elsewhere).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from contract.city import build_small_city
from graphql import StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from orggraph.api.app import create_app
from orggraph.api.sdl import current_sdl
from orggraph.store.memory import MemoryStore

from .conftest import ADMIN, SECRET, TEST_POLICY, bearer

pytestmark = pytest.mark.api

DATES = st.one_of(
    st.dates().map(lambda day: StringValueNode(value=day.isoformat())),
    st.text(max_size=12).map(lambda text: StringValueNode(value=text)),
)
DOCUMENTS = from_schema(current_sdl(), custom_scalars={"Date": DATES, "DateTime": DATES})


@pytest.fixture
async def fuzz_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    store = await MemoryStore.open(tmp_path / "data")
    await build_small_city(store)
    app = create_app(store, TEST_POLICY, SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(ADMIN)
    ) as http:
        yield http
    await store.close()


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
@given(document=DOCUMENTS)
async def test_generated_documents_never_break_the_service(
    fuzz_client: httpx.AsyncClient, document: str
) -> None:
    response = await fuzz_client.post("/graphql", json={"query": document})
    assert response.status_code in (200, 400), response.text
    body = response.json()
    codes = {error.get("extensions", {}).get("code") for error in body.get("errors") or []}
    assert "INTERNAL" not in codes, (document, body)
