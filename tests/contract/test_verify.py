"""`orggraph stats --verify`: kept figures against a recount, on both stores."""

from __future__ import annotations

import pytest

from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore
from orggraph.verify import find_drifts

from .city import City

pytestmark = pytest.mark.contract

POLICY = Policy(min_households=2, max_households=3, min_yearly_points=10)


async def test_kept_figures_match_a_recount(store: GraphStore, city: City) -> None:
    checked, drifts = await find_drifts(store, POLICY, 2024)
    assert checked == 1 + len(city.units)
    assert drifts == []


async def test_a_drifted_figure_is_found_and_named(store: GraphStore, city: City) -> None:
    await _corrupt_households_of(store, "g1")
    _, drifts = await find_drifts(store, POLICY, 2024)
    assert {drift.scope_id for drift in drifts} == {"g1"}
    g1 = next(drift for drift in drifts if drift.scope_id == "g1")
    assert "g1: counts is" in str(g1)
    assert g1.kept.households == g1.recounted.households + 1  # type: ignore[attr-defined]


async def _corrupt_households_of(store: GraphStore, unit_id: str) -> None:
    """Break one kept figure behind the store's back, as a bug in keeping it would."""
    driver = getattr(store, "driver", None)
    if driver is not None:
        await driver.execute_query(
            "MATCH (u:Entity {id: $id}) SET u.fig_households = u.fig_households + 1",
            {"id": unit_id},
            database_=store.db.database,  # type: ignore[attr-defined]
        )
        return
    tally = store._state.rollups.unit(unit_id)  # type: ignore[attr-defined]
    tally.households += 1
