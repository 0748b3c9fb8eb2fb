"""Writing a checked ledger into a store: dependency order, fixed-size batches, a progress bar.

Each batch is one bulk call, and the store makes every bulk call all-or-nothing. So an import
stopped at any point (killed, or Neo4j gone) leaves whole batches behind and nothing torn;
since every bulk call is an upsert, running the same import again skips over what is there
(counted `unchanged`) and writes the rest. Nothing else is needed to resume.

Batches of one kind are independent of each other (units aside: a batch may hold the parents
of the next one's units), so up to `jobs` of them are in flight at once. On Neo4j that keeps
both the server and this process busy: while the server writes one batch, the next one is
being encoded, and a second server thread writes it.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from tqdm import tqdm

from orggraph.importer.in_flight import DEFAULT_JOBS, each_in_flight
from orggraph.ledger.columns import Kind
from orggraph.ledger.model import Ledger
from orggraph.store.protocols import BulkWriter, ServiceBulk
from orggraph.store.values import Changes

DEFAULT_BATCH_SIZE = 5_000

IN_ORDER = frozenset({Kind.UNITS})
"""Kinds whose batches must be written one after another: a unit's parent may sit in the
batch before it."""

BulkCall = Callable[[Sequence[Any]], Awaitable[Changes]]


class Writer(BulkWriter, ServiceBulk, Protocol):
    """The bulk writes an import makes."""


def write_order(ledger: Ledger, store: Writer) -> list[tuple[Kind, Sequence[Any], BulkCall]]:
    """What to write, in an order where everything a row refers to is already written.

    Work units before the cadres sent by them; units street first (a parent precedes its
    children, in the same batch or an earlier one); households before assignments; cadres
    before their assignments and points; ended covers (counted with the assignments); supply
    offers (they name cadres, work units and units); service requests with their steps last
    (they name households, cadres, work units, units and the offers their dispatches matched).
    """
    canonical = ledger.canonical()
    return [
        (Kind.WORK_UNITS, canonical.work_units, store.upsert_work_units),
        (Kind.UNITS, canonical.units, store.upsert_units),
        (Kind.HOUSEHOLDS, canonical.households, store.upsert_households),
        (Kind.MEMBERS, canonical.members, store.upsert_members),
        (Kind.ASSIGNMENTS, canonical.assignments, store.assign_many),
        (Kind.POINTS, canonical.points, store.record_points_many),
        (Kind.ASSIGNMENTS, canonical.history, store.record_history_many),
        (Kind.OFFERS, canonical.offers, store.load_offers_many),
        (Kind.SERVICE_REQUESTS, canonical.service, store.load_service_many),
    ]


async def write_to_store(
    ledger: Ledger,
    store: Writer,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
    jobs: int = DEFAULT_JOBS,
) -> dict[Kind, Changes]:
    """Write every row, `batch_size` rows a bulk call and up to `jobs` calls at once; return
    what changed, per kind.

    A store error (a refused batch, the server gone) propagates once the calls in flight have
    ended: the batches written stay whole, no new one is started, and re-running the import
    completes the rest.
    """
    plan = write_order(ledger, store)
    changes = {kind: Changes() for kind, _, _ in plan}
    total = sum(len(rows) for _, rows, _ in plan)
    async with store.bulk_load():
        with tqdm(
            total=total, unit="row", file=sys.stderr, disable=not progress, dynamic_ncols=True
        ) as bar:
            for kind, rows, bulk in plan:
                bar.set_description(kind.value)
                batches = [
                    rows[start : start + batch_size] for start in range(0, len(rows), batch_size)
                ]
                width = 1 if kind in IN_ORDER else jobs
                changes[kind] += await _write_batches(batches, bulk, width, bar)
    return changes


async def _write_batches(
    batches: Sequence[Sequence[Any]], bulk: BulkCall, jobs: int, bar: tqdm[Any]
) -> Changes:
    """Write `batches` through `bulk`, up to `jobs` calls in flight; what they changed."""
    total = Changes()

    def count(batch: Sequence[Any], changed: Changes) -> None:
        nonlocal total
        total += changed
        bar.update(len(batch))

    await each_in_flight(batches, bulk, min(jobs, len(batches)), count)
    return total
