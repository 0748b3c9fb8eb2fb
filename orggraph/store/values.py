"""The values the store protocols take and give beside the domain's own entities."""

from __future__ import annotations

from dataclasses import dataclass

from orggraph.domain.entities import Counts, Household, Unit

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def clamp_page_size(first: int) -> int:
    """Page sizes are capped so no request can ask for the whole city at once."""
    return max(1, min(first, MAX_PAGE_SIZE))


class StoreUnavailableError(RuntimeError):
    """The store cannot be reached (Neo4j down, data folder unreadable)."""


@dataclass(frozen=True)
class Changes:
    """What a bulk upsert did, row by row: the importer's summary is built from these."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Changes) -> Changes:
        return Changes(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True)
class ChildrenRequest:
    """One `children` call inside a batch: whose children (None: the streets), which page."""

    parent_id: str | None
    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None


@dataclass(frozen=True)
class CoverageRow:
    """A unit (or household) and the figures of its subtree."""

    node: Unit | Household
    counts: Counts


@dataclass(frozen=True)
class CoverageSummary:
    """A scope's own figures and one row per child, as dashboards show them."""

    counts: Counts
    rows: list[CoverageRow]
