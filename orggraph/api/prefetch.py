"""Look-ahead: one store read where resolving field by field would take several.

A tree of units: `children { edges { node { counts ... children { ... } } } }` would read
each level's pages, then each level's figures, one round trip apiece. The outermost
`children` looks at what its nodes ask below it and reads every page and figure the shape
names in one subtree read (up to MAX_SUBTREE_LEVELS levels), priming the loaders the nested
fields then answer from.

The two per-person views:
`member(id) { households { ... } }` would read the cadre, then its households. Every row of
the households read carries the cadre itself, so reading the households first answers both
whenever the cadre covers any household (what a dashboard asks about); only a cadre covering
none needs the second read. `household(id) { cadres { ... } }` works the same way round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from orggraph.api.context import Info
from orggraph.api.loaders import Loaders
from orggraph.domain.entities import Household, Page, Unit
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    MAX_SUBTREE_LEVELS,
    ChildrenRequest,
    LevelRequest,
    SubtreeRequest,
    clamp_page_size,
)

FIGURE_FIELDS = frozenset({"counts", "coverage"})
"""The fields of a unit or household that its figures answer."""


def selects(info: Info, name: str) -> bool:
    """Whether the field being resolved asks for the field `name` right below it (also
    through fragments)."""
    return any(_has_child(field, name) for field in info.selected_fields)


async def load_children(info: Info, request: ChildrenRequest) -> Page[Unit | Household]:
    """The page `request` names; first, unless an enclosing read already brought it, every
    page and figure the query asks below it, in one subtree read."""
    loaders = info.context.loaders
    if loaders.children.cache_map.get(request) is None:
        field = info.selected_fields[0]
        subtree = _subtree_request(field, request) if isinstance(field, SelectedField) else None
        if subtree is not None:
            await loaders.subtrees.load(subtree)
    return await loaders.children.load(request)


def prefetch_subtree_below(info: Info, node_id: str) -> None:
    """`node(id) { ... on OrgUnit { children { ... } } }`: start the read its `children`
    will make (the subtree read, or the plain page when nothing is asked below it) now,
    beside the node read, so the two round trips overlap (the `children` field then awaits
    the same load). Not awaited here; a failure reaches the field that awaits it."""
    children = next((f for field in info.selected_fields for f in _fields(field, "children")), None)
    if children is None or _page_size(children.arguments.get("first")) < 1:
        return  # a refused page size is refused by the `children` field itself
    first = clamp_page_size(_page_size(children.arguments.get("first")))
    request = ChildrenRequest(node_id, first, _cursor(children.arguments.get("after")))
    subtree = _subtree_request(children, request)
    loaders = info.context.loaders
    started = loaders.subtrees.load(subtree) if subtree else loaders.children.load(request)
    if isinstance(started, asyncio.Future):
        started.add_done_callback(_retrieve_failure)


def _retrieve_failure(future: asyncio.Future[Any]) -> None:
    """An unknown id answers null, so no `children` awaits its subtree read: keep a failed
    read from being reported as never retrieved."""
    if not future.cancelled():
        future.exception()


def _subtree_request(field: SelectedField, request: ChildrenRequest) -> SubtreeRequest | None:
    """The subtree read a `children` field's shape asks for, or None where its own page
    (with no figures and nothing below) is all it needs."""
    levels = subtree_levels(field, request)
    if len(levels) > 1 or levels[0].figures:
        return SubtreeRequest(str(request.parent_id), levels)
    return None


def subtree_levels(field: SelectedField, request: ChildrenRequest) -> tuple[LevelRequest, ...]:
    """The levels a `children` field asks for: its own page, then the page each nested
    `children` names below its nodes (the first such field where there are several), each
    with whether its nodes ask for figures."""
    levels: list[LevelRequest] = []
    first, after = request.first, request.after
    while len(levels) < MAX_SUBTREE_LEVELS:
        nodes = [node for edges in _fields(field, "edges") for node in _fields(edges, "node")]
        figures = any(True for node in nodes for _ in _fields(node, *FIGURE_FIELDS))
        levels.append(LevelRequest(first, after, figures))
        nested = next((f for node in nodes for f in _fields(node, "children")), None)
        if nested is None or _page_size(nested.arguments.get("first")) < 1:
            break  # a refused page size is refused by that nested field itself
        first = clamp_page_size(_page_size(nested.arguments.get("first")))
        after = _cursor(nested.arguments.get("after"))
        field = nested
    return tuple(levels)


def _cursor(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _page_size(value: object) -> int:
    """A `first` argument as strawberry hands it over: an int from a variable, the literal's
    text from the document, or nothing (the default)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return DEFAULT_PAGE_SIZE


def _fields(selection: Selection, *names: str) -> Iterator[SelectedField]:
    """The fields right below `selection` with one of these names (also through fragments)."""
    for child in selection.selections:
        if isinstance(child, SelectedField):
            if child.name in names:
                yield child
        elif isinstance(child, FragmentSpread | InlineFragment):
            yield from _fields(child, *names)


def _has_child(selection: Selection, name: str) -> bool:
    for child in selection.selections:
        if isinstance(child, SelectedField) and child.name == name:
            return True
        if isinstance(child, FragmentSpread | InlineFragment) and _has_child(child, name):
            return True
    return False


async def prefetch_member_households(loaders: Loaders, member_id: str) -> None:
    """Read the cadre's households; the cadre on their rows answers the node read too."""
    rows = await loaders.member_households.load(member_id)
    if rows:
        loaders.node.prime(member_id, rows[0].member)


async def prefetch_household_cadres(loaders: Loaders, household_id: str) -> None:
    """Read the household's cadres; the household on their rows answers the node read too."""
    rows = await loaders.household_members.load(household_id)
    if rows:
        loaders.node.prime(household_id, rows[0].household)
