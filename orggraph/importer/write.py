"""Writing a checked ledger into a store: dependency order, fixed-size batches, a progress bar.

Each batch is one bulk call, and the store makes every bulk call all-or-nothing. So an import
stopped at any point (killed, or Neo4j gone) leaves whole batches behind and nothing torn;
since every bulk call is an upsert, running the same import again skips over what is there
(counted `unchanged`) and writes the rest. Nothing else is needed to resume.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from tqdm import tqdm

from orggraph.ledger.columns import Kind
from orggraph.ledger.model import Ledger
from orggraph.store.base import Changes, GraphStore

DEFAULT_BATCH_SIZE = 5_000

BulkCall = Callable[[Sequence[Any]], Awaitable[Changes]]


def write_order(ledger: Ledger, store: GraphStore) -> list[tuple[Kind, Sequence[Any], BulkCall]]:
    """What to write, in an order where everything a row refers to is already written.

    Work units before the cadres sent by them; units street first (a parent precedes its
    children, in the same batch or an earlier one); households before assignments; cadres
    before their assignments and points.
    """
    canonical = ledger.canonical()
    return [
        (Kind.WORK_UNITS, canonical.work_units, store.upsert_work_units),
        (Kind.UNITS, canonical.units, store.upsert_units),
        (Kind.HOUSEHOLDS, canonical.households, store.upsert_households),
        (Kind.MEMBERS, canonical.members, store.upsert_members),
        (Kind.ASSIGNMENTS, canonical.assignments, store.assign_many),
        (Kind.POINTS, canonical.points, store.record_points_many),
    ]


async def write_to_store(
    ledger: Ledger,
    store: GraphStore,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
) -> dict[Kind, Changes]:
    """Write every row, `batch_size` rows a bulk call; return what changed, per kind.

    A store error (a refused batch, the server gone) propagates: the batches before it are
    written, the one that failed is not, and re-running the import completes it.
    """
    plan = write_order(ledger, store)
    changes = {kind: Changes() for kind, _, _ in plan}
    total = sum(len(rows) for _, rows, _ in plan)
    with tqdm(
        total=total, unit="row", file=sys.stderr, disable=not progress, dynamic_ncols=True
    ) as bar:
        for kind, rows, bulk in plan:
            bar.set_description(kind.value)
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                changes[kind] += await bulk(batch)
                bar.update(len(batch))
    return changes
