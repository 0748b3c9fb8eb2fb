"""The values the store protocols take and give beside the domain's own entities."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from orggraph.domain.audit import AuditEntry
from orggraph.domain.entities import Counts, Household, Node, Page, Unit
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.service import ServiceRequest, ServiceStep

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def clamp_page_size(first: int) -> int:
    """Page sizes are capped so no request can ask for the whole city at once; a size below
    1 is a mistake (it used to give one item quietly) and is refused as INVALID_VALUE."""
    if first < 1:
        raise InvalidValueError(f"page size must be at least 1, got {first}")
    return min(first, MAX_PAGE_SIZE)


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


MAX_SUBTREE_LEVELS = 3
"""How many levels of children one subtree read goes down (a community's branches, their
building groups and those groups' households): deeper asks are read again from there."""


@dataclass(frozen=True)
class LevelRequest:
    """What a nested `children` asks at one depth: which page of each node's children, and
    whether every child's figures are wanted too."""

    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None
    figures: bool = False


@dataclass(frozen=True)
class SubtreeRequest:
    """Pages of children several levels down from `parent_id`, in one read: `levels[0]` pages
    the parent's children, `levels[1]` the children of each child on that page, and so on."""

    parent_id: str
    levels: tuple[LevelRequest, ...]

    def page_request(self, parent_id: str, depth: int) -> ChildrenRequest:
        """The `children` request that the page of `parent_id` at `depth` answers."""
        level = self.levels[depth]
        return ChildrenRequest(parent_id, level.first, level.after)


@dataclass(frozen=True)
class Subtree:
    """What a subtree read found: every page under the `children` request it answers (each
    equal to `children_many`'s answer), and the figures of the children on every level that
    asked for them (each equal to `counts_many`'s)."""

    pages: dict[ChildrenRequest, Page[Unit | Household]]
    figures: dict[str, Counts]


@dataclass(frozen=True)
class Transition:
    """A service transition as `advance` decided it, inside the store's write: the request
    and its last step as stored, and both after."""

    before: ServiceRequest
    last_step: ServiceStep | None
    after: ServiceRequest
    step: ServiceStep


AuditOf = Callable[[Transition], AuditEntry]
"""Makes a transition's audit entry (`orggraph.access.audit`), which the store keeps with the
transition, in the same write."""


@dataclass(frozen=True)
class ServicePage:
    """A page of service requests and the nodes they name (`store.service_pages`)."""

    page: Page[ServiceRequest]
    nodes: dict[str, Node | None]
    """Every household, assignee and cadre id of the page's requests: the node, or None
    where it names nothing (a removed household) or nothing the reader may see."""
