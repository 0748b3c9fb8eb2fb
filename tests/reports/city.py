"""The generated city the report tests read, imported once a session through the real importer.

`orggraph seed generate` (the qianjiang profile at scale 0.05: one street, three communities,
about 6,000 households and 670 cadres) written as a CSV ledger, then `orggraph import`ed into an
embedded store. Tests open that store read-only, one at a time (the data folder is locked while
open), so the command-line tests can open it too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.domain.policy import Policy
from orggraph.importer.run import import_ledger
from orggraph.ledger import write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore

YEAR = 2022
"""The profile's points year."""

POLICY = Policy(min_households=11, max_households=14, min_yearly_points=20)
"""Narrower than the document's 10-15, which every generated covering cadre keeps: this way
the band gaps have cadres under and over it."""

STREET = "S01"
COMMUNITY = "S01-C01"
BRANCH = "S01-C01-B01"

_SECRET = "report-tests-signing-secret-0123456789abcdef"


@pytest.fixture(scope="session")
async def city_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the generated city (closed again, so anyone may open it)."""
    root = tmp_path_factory.mktemp("report-city")
    ledger = generate_city(load_profile("qianjiang"), scale=0.05, seed=1)
    write_ledger(ledger, root / "ledger", "csv", "en")
    store = await MemoryStore.open(root / "data")
    try:
        result = await import_ledger(root / "ledger", store, progress=False)
        assert result.ok, [str(problem) for problem in result.problems]
    finally:
        await store.close()
    return root / "data"


@pytest.fixture
async def city_store(city_data_dir: Path) -> AsyncIterator[GraphStore]:
    store = await MemoryStore.open(city_data_dir)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def api(city_store: GraphStore) -> AsyncIterator[httpx.AsyncClient]:
    """The GraphQL API over the same store, in-process, as an administrator (sees everything)."""
    app = create_app(city_store, POLICY, _SECRET)
    token = create_token(_SECRET, Principal("report-tests", Role.ADMIN, None), 600)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client
