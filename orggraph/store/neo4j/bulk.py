"""How the Neo4j store writes many rows: checked first, then in batches, fast when it can.

Every write, single or bulk, first reads what the database holds under the ids it touches
(`lookup_ids`, or `lookup_kinds` when no hierarchy is involved), checks the rows against it
(`checks`, the domain's rules), and only then writes, so a refused call changes nothing. A call
of up to `batch_rows` rows does all of this in ONE transaction and is all-or-nothing. A bigger
bulk call (an import of the whole city) is checked in full first, in one read transaction,
and then written in transactions of `batch_rows` rows each: it is refused before anything is
written if any row is wrong, but a crash or a conflicting concurrent write in the middle can
leave the earlier batches written. The writes are idempotent upserts, so re-running the same
import finishes it.

Bulk calls of households, assignments and points of at least `FAST_PATH_ROWS` rows that make
one query batch (an import's batches, almost all new and valid) first try a fast path without
the look-up: a query that writes only rows whose references match, and fails on a taken id.
If it wrote every row, that is the answer; otherwise it is rolled back and the checked path
runs, so errors (and what is written) are exactly those of the checked path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from orggraph.domain.errors import DuplicateIdError
from orggraph.store.neo4j import records
from orggraph.store.neo4j.checks import Snapshot
from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.figures import KeptFigures
from orggraph.store.neo4j.records import Row
from orggraph.store.values import Changes

BATCH_ROWS = 5_000
"""Rows per write query and transaction: big enough to amortise a round trip, small enough
that a transaction's state stays a few megabytes on a server with a small heap."""

FAST_PATH_ROWS = 100
"""From this many rows a bulk call tries the fast path first; the API's single writes are as
often updates as creations, so they go straight to the checks."""

LOOKUP_IDS = 10_000
"""Ids per `lookup_ids` (or `lookup_kinds`) query when checking a write."""


class _Shortfall(Exception):
    """The fast path wrote fewer rows than it was given: roll back, take the checked path."""


@dataclass(frozen=True)
class BulkCall:
    """One bulk write: its rows in batches, the ids to look up, and the check to pass.

    The call's figures are refreshed in each transaction that writes (see `figures`).
    With `create_query` (rows keyed by `id`), a call of up to `batch_rows` rows creates the
    rows its look-up found new with that query; the rest go to `query_name`. `lookup` reads
    what the checks need: `lookup_kinds` will do for writers whose checks need no hierarchy
    (everything but units). With `fast_query`, a big enough single batch first tries the fast
    path.
    """

    query_name: str
    planned: list[list[Row]]
    ids: Collection[str]
    check: Callable[[Snapshot], None]
    create_query: str | None = None
    lookup: str = "lookup_ids"
    fast_query: str | None = None
    touched: Collection[str] = ()
    """Units and households whose figures the call may change (`figures`)."""
    moved: Collection[str] = ()
    """Nodes the call may move: where they hung before is refreshed too."""


class BatchWriter:
    """Writes `BulkCall`s through one connection, `batch_rows` rows a transaction."""

    def __init__(
        self, connection: Connection, figures: KeptFigures, batch_rows: int = BATCH_ROWS
    ) -> None:
        self._connection = connection
        self._figures = figures
        self.batch_rows = batch_rows

    def plan(self, rows: list[Row], key: str | tuple[str, ...] = "id") -> list[list[Row]]:
        """The rows cut into query batches in which no key repeats (`records.batches`)."""
        return list(records.batches(rows, key, self.batch_rows))

    async def write(self, call: BulkCall) -> Changes:
        """Check every row, then write the planned batches (see the module docstring)."""
        write = self._connection.write
        planned = call.planned
        if call.fast_query is not None and len(planned) == 1 and len(planned[0]) >= FAST_PATH_ROWS:
            try:
                return await write(self._write_every_row, call.fast_query, call.touched, planned[0])
            except (_Shortfall, DuplicateIdError):
                pass  # rolled back; the checked path says which row is wrong, or writes it
        rows = sum(len(batch) for batch in planned)
        if rows < FAST_PATH_ROWS:  # an organiser's write: checked and written in turn
            return await self._connection.write_in_turn(self._check_and_write, call)
        if rows <= self.batch_rows:
            return await write(self._check_and_write, call)
        call.check(await self._connection.read(self.snapshot, call.ids, call.lookup))
        homes = await self._connection.read(self._figures.homes, call.moved)
        total = Changes()
        for batch in planned:
            total += await write(self._write_batches, call.query_name, [batch])
        await write(self._figures.refresh, {*call.touched, *homes})
        return total

    async def snapshot(
        self, tx: AsyncManagedTransaction, ids: Collection[str], lookup: str = "lookup_ids"
    ) -> Snapshot:
        """What the database holds under `ids`: with `lookup_ids`, also the chains above its
        units and their children; with `lookup_kinds`, only what kind each id names."""
        snapshot = Snapshot()
        ordered = sorted(ids)
        for start in range(0, len(ordered), LOOKUP_IDS):
            chunk = ordered[start : start + LOOKUP_IDS]
            for entry in (await self._connection.run(tx, lookup, ids=chunk))[0]["found"]:
                snapshot.add(entry)
        return snapshot

    async def _check_and_write(self, tx: AsyncManagedTransaction, call: BulkCall) -> Changes:
        snapshot = await self.snapshot(tx, call.ids, call.lookup)
        call.check(snapshot)
        homes = await self._figures.homes(tx, call.moved)
        if call.create_query is None:
            changes = await self._write_batches(tx, call.query_name, call.planned)
        else:
            changes = await self._write_split(
                tx, call.query_name, call.create_query, call.planned, snapshot.stored
            )
        await self._figures.refresh(tx, {*call.touched, *homes})
        return changes

    async def _write_batches(
        self, tx: AsyncManagedTransaction, query_name: str, planned: Sequence[list[Row]]
    ) -> Changes:
        """Run a write query once per batch (in order) and add up what each row did."""
        total = Changes()
        for batch in planned:
            rows = await self._connection.run(tx, query_name, rows=batch)
            counted = {r["change"]: int(r["rows"]) for r in rows}
            total += Changes(
                counted.get("created", 0), counted.get("updated", 0), counted.get("unchanged", 0)
            )
        return total

    async def _write_split(
        self,
        tx: AsyncManagedTransaction,
        query_name: str,
        create_query: str,
        planned: Sequence[list[Row]],
        stored: Collection[str],
    ) -> Changes:
        """Like `_write_batches`, but rows whose id is neither stored (`stored`, as looked up in
        this transaction) nor written by an earlier batch go to `create_query`, a plain CREATE
        that skips the upsert's comparison: they are all `created`."""
        total = Changes()
        present = set(stored)
        for batch in planned:
            new = [row for row in batch if row["id"] not in present]
            old = [row for row in batch if row["id"] in present] if len(new) < len(batch) else []
            if new:
                created = await self._connection.run(tx, create_query, rows=new)
                total += Changes(created=int(created[0]["rows"]))
                present.update(row["id"] for row in new)
            if old:
                total += await self._write_batches(tx, query_name, [old])
        return total

    async def _write_every_row(
        self,
        tx: AsyncManagedTransaction,
        query_name: str,
        touched: Collection[str],
        rows: list[Row],
    ) -> Changes:
        """The fast path: `rows` unchecked through a query that skips a row whose references
        do not match (a create query also fails on a taken id); _Shortfall unless it wrote
        every row. A create query answers only `rows`: all of them were created. Fast-path
        writes move nothing, so only what they touch is refreshed."""
        counted: dict[str, int] = {}
        for record in await self._connection.run(tx, query_name, rows=rows):
            change = record.get("change", "created")
            counted[change] = counted.get(change, 0) + int(record["rows"])
        if sum(counted.values()) != len(rows):
            raise _Shortfall(query_name)
        await self._figures.refresh(tx, touched)
        return Changes(
            counted.get("created", 0), counted.get("updated", 0), counted.get("unchanged", 0)
        )
