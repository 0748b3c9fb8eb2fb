"""Report tests read the generated city (see city.py)."""

from __future__ import annotations

from .city import api, city_data_dir, city_store

__all__ = ["api", "city_data_dir", "city_store"]
