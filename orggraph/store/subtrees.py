"""A subtree read made of the batched reads, level by level.

For a store whose reads cost no round trip (the embedded one) this is the whole of
`subtrees_many`: it asks `children_many` once per level and `counts_many` once for every level
that wants figures, so each page and figure is by construction what those reads answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from orggraph.domain.entities import Counts, Household, Page, Unit
from orggraph.store.protocols import BatchedReads
from orggraph.store.values import ChildrenRequest, Subtree, SubtreeRequest


async def read_subtrees(
    reader: BatchedReads, requests: Sequence[SubtreeRequest]
) -> list[Subtree | None]:
    """`subtrees_many` over `reader`'s `children_many` and `counts_many`."""
    answers: list[Subtree | None] = []
    for request in requests:
        pages: dict[ChildrenRequest, Page[Unit | Household]] = {}
        figures: dict[str, Counts] = {}
        parents = [request.parent_id]
        known = True
        for depth, level in enumerate(request.levels):
            asked = [request.page_request(parent, depth) for parent in parents]
            found = await reader.children_many(asked)
            if depth == 0 and found[0] is None:
                known = False
                break
            children: list[Unit | Household] = []
            for key, page in zip(asked, found, strict=True):
                pages[key] = page or Page([], False, 0, key.after)
                children += pages[key].items
            if level.figures and children:
                counted = await reader.counts_many([child.id for child in children])
                figures.update(
                    (child.id, counts)
                    for child, counts in zip(children, counted, strict=True)
                    if counts is not None
                )
            parents = [child.id for child in children]
        answers.append(Subtree(pages, figures) if known else None)
    return answers
