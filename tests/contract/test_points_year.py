"""The default year of the points rules: the latest year with a points entry, on both stores."""

from __future__ import annotations

from datetime import date

import pytest

from orggraph.domain.entities import PointsEntry
from orggraph.store.protocols import GraphStore
from orggraph.store.years import points_year

from .city import POINTS, City

pytestmark = pytest.mark.contract


async def test_the_latest_year_with_points_entries(store: GraphStore, city: City) -> None:
    latest = max(entry.day.year for entry in POINTS)
    assert await store.latest_points_year() == latest
    assert await points_year(store, None) == latest
    assert await points_year(store, 2001) == 2001

    await store.record_points(PointsEntry("p-later", "m2", date(latest + 3, 5, 4), 1, "later"))
    assert await store.latest_points_year() == latest + 3


async def test_an_empty_store_falls_back_to_this_year(store: GraphStore) -> None:
    assert await store.latest_points_year() is None
    assert await points_year(store, None) == date.today().year
