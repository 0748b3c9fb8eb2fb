"""Which part of the tree a report covers, checked before any figure is read.

A report's scope is a unit (street, community, branch, building group) or the whole city. A
wrong id must stop the report with a message naming it, not produce an empty report that
looks like "no gaps".
"""

from __future__ import annotations

from dataclasses import dataclass

from orggraph.domain.entities import Unit
from orggraph.domain.levels import Level
from orggraph.store.protocols import OrgView
from orggraph.store.values import MAX_PAGE_SIZE, ChildrenRequest


class ReportError(Exception):
    """A report cannot be made; the message says why, for a person at a terminal."""


@dataclass(frozen=True)
class Scope:
    """The report's scope: a unit with its path of names, or the city (unit None)."""

    unit: Unit | None
    path: tuple[str, ...]
    """Names from the street down to the scope itself; empty for the city."""

    @property
    def id(self) -> str | None:
        return self.unit.id if self.unit else None

    @property
    def level(self) -> Level | None:
        return self.unit.level if self.unit else None

    @property
    def child_level(self) -> Level:
        """The level of the rows in a coverage summary of this scope."""
        if self.level is None:
            return Level.STREET
        child = self.level.child_level
        assert child is not None, "a scope is a unit, and every unit level has a child level"
        return child


CITY = Scope(unit=None, path=())


async def resolve_scope(store: OrgView, scope_id: str | None) -> Scope:
    """The scope named by `scope_id` (None: the city); ReportError if it names no unit."""
    if scope_id is None:
        return CITY
    node = await store.get_node(scope_id)
    if node is None:
        raise ReportError(f"unknown scope id {scope_id!r}: no unit has that id")
    if not isinstance(node, Unit):
        kind = type(node).__name__.lower()
        raise ReportError(
            f"scope id {scope_id!r} names a {kind} ({node.name}), not a unit: give a street, "
            "community, branch or building group"
        )
    ancestors = await store.ancestors(scope_id)
    path = (*(unit.name for unit in ancestors), node.name)
    return Scope(unit=node, path=path)


async def units_down_to(store: OrgView, scope: Scope, level: Level) -> list[Unit]:
    """The units of `level` inside the scope (the scope itself if it is of that level), by id.

    Walks down one level a round trip, every parent of a level in one batched call, so a city's
    56 communities take two calls.
    """
    if scope.unit is not None and scope.unit.level is level:
        return [scope.unit]
    if scope.level is not None and scope.level.value > level.value:
        return []
    parents: list[str | None] = [scope.id]
    current = scope.level
    units: list[Unit] = []
    while current is not level:
        units = await _children_of(store, parents)
        parents = [unit.id for unit in units]
        current = Level.STREET if current is None else current.child_level
    return sorted(units, key=lambda unit: unit.id)


async def _children_of(store: OrgView, parent_ids: list[str | None]) -> list[Unit]:
    """Every child unit of the parents, following each parent's pages to the end."""
    found: list[Unit] = []
    pending = [ChildrenRequest(parent_id, MAX_PAGE_SIZE) for parent_id in parent_ids]
    while pending:
        batch, pending = pending[:MAX_PAGE_SIZE], pending[MAX_PAGE_SIZE:]
        pages = await store.children_many(batch)
        for request, page in zip(batch, pages, strict=True):
            if page is None:  # deleted since its parent was read
                continue
            found.extend(item for item in page.items if isinstance(item, Unit))
            if page.has_next:
                pending.append(ChildrenRequest(request.parent_id, MAX_PAGE_SIZE, page.end_cursor))
    return found
