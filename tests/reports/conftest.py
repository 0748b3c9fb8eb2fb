"""Report tests read the generated city (see city.py)."""

from __future__ import annotations

from .city import (
    api,
    city_data_dir,
    city_ledger,
    city_ledger_dir,
    city_neo4j,
    city_store,
    recount,
)

__all__ = [
    "api",
    "city_data_dir",
    "city_ledger",
    "city_ledger_dir",
    "city_neo4j",
    "city_store",
    "recount",
]
