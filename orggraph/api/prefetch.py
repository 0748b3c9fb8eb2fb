"""Look-ahead for the two per-person views: one store read where the naive order takes two.

`member(id) { households { ... } }` would read the cadre, then its households. Every row of
the households read carries the cadre itself, so reading the households first answers both
whenever the cadre covers any household (what a dashboard asks about); only a cadre covering
none needs the second read. `household(id) { cadres { ... } }` works the same way round.
"""

from __future__ import annotations

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from orggraph.api.context import Info
from orggraph.api.loaders import Loaders


def selects(info: Info, name: str) -> bool:
    """Whether the field being resolved asks for the field `name` right below it (also
    through fragments)."""
    return any(_has_child(field, name) for field in info.selected_fields)


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
