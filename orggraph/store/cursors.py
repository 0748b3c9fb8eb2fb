"""Paging cursors, made and read here alone, so every store and the API agree on them.

A cursor is opaque to callers: the `end_cursor` (or an edge's cursor) of one page, passed back
as `after` for the next. What it holds:
- children and the audit log: the last id of the page (pages run in id order);
- search: the group of the last hit (`p` for prefix matches, `c` for contains matches, which
  come after) and its id, as `p:<id>`;
- gaps: the kind's rank and the subject id, as `<rank>:<id>`.
A cursor no read could have made is an InvalidValueError, the same from either store.
"""

from __future__ import annotations

from orggraph.domain.entities import Household, Member, Unit
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.gaps import Gap, GapKind

SEARCH_GROUPS = ("p", "c")
"""Search hits by group: prefix matches (0), then contains matches (1)."""


def parse_id_cursor(cursor: str, what: str) -> str:
    """The id a children or audit cursor stands for (`what` names the list in the error)."""
    if not cursor:
        raise InvalidValueError(f"{what} cursor {cursor!r} was not made by a {what} page")
    return cursor


def search_cursor(group: int, node_id: str) -> str:
    """The cursor after a search hit of `group` (an index into SEARCH_GROUPS)."""
    return f"{SEARCH_GROUPS[group]}:{node_id}"


def search_cursor_of(text: str, item: Unit | Household | Member) -> str:
    """The cursor after `item` in a search for `text` (the API's edges)."""
    prefix = item.name.casefold().startswith(text.strip().casefold())
    return search_cursor(0 if prefix else 1, item.id)


def parse_search_cursor(cursor: str) -> tuple[int, str]:
    """(group, id) from a `search_cursor`."""
    group, _, node_id = cursor.partition(":")
    if group not in SEARCH_GROUPS or not node_id:
        raise InvalidValueError(f"search cursor {cursor!r} was not made by a search")
    return SEARCH_GROUPS.index(group), node_id


def gap_cursor(gap: Gap) -> str:
    """The cursor after `gap` in a gap list (kind rank, then subject id)."""
    return f"{gap.kind.rank}:{gap.subject_id}"


def parse_gap_cursor(cursor: str) -> tuple[int, str]:
    """(kind rank, subject id) from a `gap_cursor`."""
    rank, _, subject_id = cursor.partition(":")
    if not rank.isdigit() or int(rank) >= len(GapKind) or not subject_id:
        raise InvalidValueError(f"gap cursor {cursor!r} was not made by a gap list")
    return int(rank), subject_id
