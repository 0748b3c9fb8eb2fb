"""The generated city the report tests read, imported through the real importer, on both
stores.

`orggraph seed generate` (the qianjiang profile at scale 0.05: one street, three communities,
about 6,000 households and 670 cadres) written as a CSV ledger, then `orggraph import`ed into an
embedded store once a session (tests open it one at a time: the data folder is locked while
open, so the command-line tests can open it too), and into the Neo4j test server whenever it
does not hold it (other tests clear that server). `recount` holds the ledger's raw facts in the
plain model of tests/contract/model.py: the figures a report must show, counted afresh.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from contract.model import Model

from orggraph.api.app import create_app
from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.domain.policy import Policy
from orggraph.importer.run import import_ledger
from orggraph.ledger import Ledger, write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.seed.service import NO_REQUESTS
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
def city_ledger() -> Ledger:
    """Without the generated requests: the recount model counts the graph's gaps, not the
    service's overdue ones (the service report's tests make their own requests)."""
    return generate_city(load_profile("qianjiang"), scale=0.05, seed=1, service=NO_REQUESTS)


@pytest.fixture(scope="session")
def city_ledger_dir(city_ledger: Ledger, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-city") / "ledger"
    write_ledger(city_ledger, folder, "csv", "en")
    return folder


@pytest.fixture(scope="session")
def recount(city_ledger: Ledger) -> Model:
    """The city's raw facts, to count every figure from (not read from any store)."""
    return Model(
        units={u.id: u for u in city_ledger.units},
        households={h.id: h for h in city_ledger.households},
        members={m.id: m for m in city_ledger.members},
        covers={(a.member_id, a.household_id): (a.mode, a.since) for a in city_ledger.assignments},
        points={p.id: p for p in city_ledger.points},
    )


@pytest.fixture(scope="session")
async def city_data_dir(city_ledger_dir: Path) -> Path:
    """A data folder holding the generated city (closed again, so anyone may open it)."""
    data_dir = city_ledger_dir.parent / "data"
    store = await MemoryStore.open(data_dir)
    try:
        await _import(city_ledger_dir, store)
    finally:
        await store.close()
    return data_dir


async def _import(ledger_dir: Path, store: GraphStore) -> None:
    result = await import_ledger(ledger_dir, store, progress=False)
    assert result.ok, [str(problem) for problem in result.problems]


STORE_KINDS = [
    pytest.param("memory", id="memory"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


@pytest.fixture(params=STORE_KINDS)
def city_neo4j(request: pytest.FixtureRequest) -> GraphStore | None:
    """The session's Neo4j connection when the test reads Neo4j, None for the embedded
    store (sync, so it may pull in the session fixture)."""
    if request.param == "memory":
        return None
    store: GraphStore = request.getfixturevalue("neo4j_session_store")
    return store


@pytest.fixture
async def city_store(
    city_neo4j: GraphStore | None,
    city_data_dir: Path,
    city_ledger_dir: Path,
    city_ledger: Ledger,
) -> AsyncIterator[GraphStore]:
    shared = city_neo4j
    if shared is not None:
        await ensure_city(shared, city_ledger_dir, city_ledger)
        yield shared
        return
    store = await MemoryStore.open(city_data_dir)
    try:
        yield store
    finally:
        await store.close()


async def ensure_city(store: GraphStore, ledger_dir: Path, ledger: Ledger) -> None:
    """Import the city into a store that does not hold it (the Neo4j server is shared)."""
    if not await _holds(store, ledger):
        await store.clear()
        await _import(ledger_dir, store)


async def _holds(store: GraphStore, ledger: Ledger) -> bool:
    """Whether the store holds this city and nothing else (by its ids and figures)."""
    counts = await store.counts()
    figures = ledger.figures()
    return (
        counts.households == figures["households"]
        and counts.assignments == figures["assignments"]
        and sum(counts.units.values()) == len(ledger.units)
        and None not in await store.get_nodes([STREET, COMMUNITY, BRANCH])
    )


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
