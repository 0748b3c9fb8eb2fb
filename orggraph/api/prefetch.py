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

from collections.abc import Iterator

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
        levels = subtree_levels(info, request)
        if len(levels) > 1 or levels[0].figures:
            await loaders.subtrees.load(SubtreeRequest(str(request.parent_id), levels))
    return await loaders.children.load(request)


def subtree_levels(info: Info, request: ChildrenRequest) -> tuple[LevelRequest, ...]:
    """The levels the `children` field being resolved asks for: its own page, then the page
    each nested `children` names below its nodes (the first such field where there are
    several), each with whether its nodes ask for figures."""
    levels: list[LevelRequest] = []
    field = info.selected_fields[0]
    first, after = request.first, request.after
    while len(levels) < MAX_SUBTREE_LEVELS:
        nodes = [node for edges in _fields(field, "edges") for node in _fields(edges, "node")]
        figures = any(True for node in nodes for _ in _fields(node, *FIGURE_FIELDS))
        levels.append(LevelRequest(first, after, figures))
        nested = next((f for node in nodes for f in _fields(node, "children")), None)
        if nested is None:
            break
        first = clamp_page_size(_page_size(nested.arguments.get("first")))
        asked_after = nested.arguments.get("after")
        after = asked_after if isinstance(asked_after, str) else None
        field = nested
    return tuple(levels)


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
