"""The Neo4j store: the system of record, spoken to through named Cypher only.

How a write works. Every write, single or bulk, first reads what the database holds under the
ids it touches (`lookup_ids`, or `lookup_kinds` when no hierarchy is involved), checks the rows
against it (`neo4j_checks`), and only then writes, so a refused call changes nothing. A call of
up to `batch_rows` rows does all of this in ONE transaction and is all-or-nothing. A bigger
bulk call (an import of the whole city) is checked in full first, in one read transaction, and
then written in transactions of `batch_rows` rows each: it is refused before anything is
written if any row is wrong, but a crash or a conflicting concurrent write in the middle can
leave the earlier batches written. The writes are idempotent upserts, so re-running the same
import finishes it.

Bulk calls of households, assignments and points of at least `FAST_PATH_ROWS` rows that make
one query batch (an import's batches, almost all new and valid) first try a fast path
without the look-up: a
query that writes only rows whose references match, and fails on a taken id. If it wrote
every row, that is the answer; otherwise it is rolled back and the checked path above runs,
so errors (and what is written) are exactly those of the checked path.

Every query goes through `_run`, which counts them in `queries_sent` (the API's tests count
round trips).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    Query,
    Record,
    unit_of_work,
)
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DatabaseUnavailable,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from orggraph.domain import rules
from orggraph.domain.audit import AuditEntry
from orggraph.domain.entities import (
    Assignment,
    Counts,
    Coverage,
    Household,
    Member,
    Mode,
    Node,
    Page,
    PointsEntry,
    Unit,
    WorkUnit,
    check_name,
)
from orggraph.domain.errors import (
    DuplicateIdError,
    InvalidValueError,
    NotAssignedError,
    QueryTimeoutError,
    RefusedDeleteError,
    UnknownIdError,
)
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.kinds import NodeKind
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.cursors import (
    gap_cursor,
    parse_gap_cursor,
    parse_id_cursor,
    parse_search_cursor,
    search_cursor,
)
from orggraph.store.neo4j import checks, cypher, records
from orggraph.store.neo4j.checks import Snapshot
from orggraph.store.neo4j.migrations import INDEX_WAIT_S
from orggraph.store.neo4j.records import Row
from orggraph.store.single import SingleReads
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    Changes,
    ChildrenRequest,
    CoverageSummary,
    StoreUnavailableError,
    clamp_page_size,
)

BATCH_ROWS = 5_000
"""Rows per write query and transaction: big enough to amortise a round trip, small enough
that a transaction's state stays a few megabytes on a server with a small heap."""

_log = logging.getLogger(__name__)

FAST_PATH_ROWS = 100
"""From this many rows a bulk call tries the fast path first (see the module docstring); the
API's single writes are as often updates as creations, so they go straight to the checks."""

READ_ATTEMPTS = 3
"""Tries of a read query before its error stands (see `_query`)."""

READ_RETRY_PAUSE_S = 0.1
"""Pause before a read's second try; twice that before the third."""

LOOKUP_IDS = 10_000
"""Ids per `lookup_ids` (or `lookup_kinds`) query when checking a write."""

CONNECT_TIMEOUT_S = 10.0

Runner = AsyncManagedTransaction | AsyncSession
"""What a query runs in: a managed transaction, or a session's implicit one (`clear`)."""

T = TypeVar("T")
P = ParamSpec("P")


_STOPPED_CODES = ("TransactionTimedOut", "LockClientStopped")
"""Neo4j's codes for a transaction ended by its time limit: a running query answers
TransactionTimedOut(ClientConfiguration), one waiting for a lock LockClientStopped."""


class _Shortfall(Exception):
    """The fast path wrote fewer rows than it was given: roll back, take the checked path."""


async def _no_change(tx: AsyncManagedTransaction) -> None:
    """A write transaction's work that changes nothing (only `_write`'s version raise)."""


SUMMARY_CACHE_SIZE = 512
"""How many summaries (figures, gap pages) the store keeps per data version."""


class Neo4jStore(SingleReads):
    """`GraphStore` over a Neo4j 5 database (see `schema/` for the model and every query)."""

    name = "neo4j"

    def __init__(
        self,
        driver: AsyncDriver,
        database: str = "neo4j",
        *,
        uri: str = "",
        batch_rows: int = BATCH_ROWS,
        transaction_timeout_s: float | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri
        self.batch_rows = batch_rows
        self.queries_sent = 0
        """Queries sent since the store was made (the connect check included)."""
        self.transaction_timeout_s = transaction_timeout_s
        """Neo4j ends any transaction running longer (None: the server's default)."""
        self._summaries: dict[tuple[Any, ...], tuple[int, Any]] = {}

    @classmethod
    async def connect(
        cls,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        transaction_timeout_s: float | None = None,
    ) -> Neo4jStore:
        """A store on a server that answers, or StoreUnavailableError saying why not."""
        where = f"Neo4j at {uri} (database {database!r}, user {user!r})"
        try:
            driver = AsyncGraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=CONNECT_TIMEOUT_S,
                notifications_min_severity="OFF",
            )
        except (ValueError, DriverError) as exc:
            raise StoreUnavailableError(f"cannot use {where}: {exc}") from exc
        store = cls(driver, database, uri=uri, transaction_timeout_s=transaction_timeout_s)
        try:
            await driver.verify_connectivity()
            await store.ping()
        except (DriverError, Neo4jError, OSError, StoreUnavailableError) as exc:
            await driver.close()
            raise StoreUnavailableError(f"cannot reach {where}: {exc}") from exc
        return store

    # -- plumbing: every query goes through _run ---------------------------------------------

    async def _run(
        self, runner: Runner, query_name: str, timeout_s: float | None = None, /, **params: Any
    ) -> list[Record]:
        """Run the named query with `params` and return all its records; `timeout_s` bounds
        a query run in a session's own (auto-commit) transaction (positional, so that no
        Cypher parameter can be taken for it)."""
        self.queries_sent += 1
        text = cypher.query(query_name)
        if isinstance(runner, AsyncSession):
            result = await runner.run(Query(text, timeout=timeout_s), params)
        else:  # a managed transaction carries its own timeout (unit_of_work)
            result = await runner.run(text, params)
        return [record async for record in result]

    @asynccontextmanager
    async def _session(self, access_mode: str = WRITE_ACCESS) -> AsyncIterator[AsyncSession]:
        """A session whose driver errors come out as the domain's and the protocol's errors."""
        try:
            async with self.driver.session(
                database=self.database, default_access_mode=access_mode
            ) as session:
                yield session
        except (ServiceUnavailable, SessionExpired, DatabaseUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri} does not answer: {exc}") from exc
        except ConstraintError as exc:
            raise _duplicate_from(exc) from exc
        except Neo4jError as exc:
            if not any(code in (exc.code or "") for code in _STOPPED_CODES):
                raise
            limit = self.transaction_timeout_s
            allowed = f"{limit:g} s (ORGGRAPH_CYPHER_TIMEOUT)" if limit else "the server allows"
            raise QueryTimeoutError(
                f"the query was stopped: it ran longer than {allowed}, or the server ended it"
            ) from exc

    async def _read(
        self,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        async with self._session() as session:
            timed = unit_of_work(timeout=self.transaction_timeout_s)(work)
            return await session.execute_read(timed, *args, **kwargs)

    async def _write(
        self,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `work` in a write transaction that also raises the data version."""

        async def work_and_bump(tx: AsyncManagedTransaction, /, *a: P.args, **kw: P.kwargs) -> T:
            result = await work(tx, *a, **kw)
            await self._run(tx, "bump_data_version")
            return result

        async with self._session() as session:
            timed = unit_of_work(timeout=self.transaction_timeout_s)(work_and_bump)
            return await session.execute_write(timed, *args, **kwargs)

    async def _cached(self, key: tuple[Any, ...], compute: Callable[[], Awaitable[T]]) -> T:
        """A figure computed once per data version: dashboards ask the same summaries over
        and over, and one small read tells whether any write (from any process) changed them.
        Every caller gets the same object until the next write: treat it as read-only."""
        version = int((await self._query("data_version"))[0]["version"])
        hit = self._summaries.get(key)
        if hit is not None and hit[0] == version:
            return cast(T, hit[1])
        value = await compute()
        if len(self._summaries) >= SUMMARY_CACHE_SIZE:
            self._summaries.pop(next(iter(self._summaries)))
        self._summaries[key] = (version, value)
        return value

    async def _query(self, query_name: str, /, **params: Any) -> list[Record]:
        """One read query in an auto-commit transaction: one round trip, where a managed
        transaction takes three (BEGIN, RUN, COMMIT), and the Python driver's time per round
        trip is what an API request mostly waits on. The driver retries only managed
        transactions, so a read that failed on a lost connection or a retryable transient
        error is asked again here, briefly (READ_ATTEMPTS tries in about half a second: an
        API request should fail fast while the server is down, not hang)."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                async with self._session(READ_ACCESS) as session:
                    return await self._run(
                        session, query_name, self.transaction_timeout_s, **params
                    )
            except (StoreUnavailableError, TransientError) as exc:
                if attempt == READ_ATTEMPTS or not _worth_retrying(exc):
                    raise
                await asyncio.sleep(READ_RETRY_PAUSE_S * attempt)
        raise AssertionError("unreachable")

    async def _found(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """The `found` list of a query that answers many ids with one row (see lookup_ids)."""
        found: list[dict[str, Any]] = (await self._query(query_name, **params))[0]["found"]
        return found

    async def _snapshot(
        self, tx: AsyncManagedTransaction, ids: Collection[str], lookup: str = "lookup_ids"
    ) -> Snapshot:
        """What the database holds under `ids`: with `lookup_ids`, also the chains above its
        units and their children; with `lookup_kinds`, only what kind each id names."""
        snapshot = Snapshot()
        ordered = sorted(ids)
        for start in range(0, len(ordered), LOOKUP_IDS):
            chunk = ordered[start : start + LOOKUP_IDS]
            for entry in (await self._run(tx, lookup, ids=chunk))[0]["found"]:
                snapshot.add(entry)
        return snapshot

    async def _write_batches(
        self, tx: AsyncManagedTransaction, query_name: str, planned: Sequence[list[Row]]
    ) -> Changes:
        """Run a write query once per batch (in order) and add up what each row did."""
        total = Changes()
        for batch in planned:
            counted = {
                r["change"]: int(r["rows"]) for r in await self._run(tx, query_name, rows=batch)
            }
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
                created = await self._run(tx, create_query, rows=new)
                total += Changes(created=int(created[0]["rows"]))
                present.update(row["id"] for row in new)
            if old:
                total += await self._write_batches(tx, query_name, [old])
        return total

    async def _bulk(
        self,
        query_name: str,
        planned: list[list[Row]],
        ids: Collection[str],
        check: Callable[[Snapshot], None],
        create_query: str | None = None,
        lookup: str = "lookup_ids",
        fast_query: str | None = None,
    ) -> Changes:
        """Check every row, then write the planned batches (see the module docstring).

        With `create_query` (rows keyed by `id`), a call of up to `batch_rows` rows creates
        the rows its look-up found new with that query; the rest go to `query_name`.
        `lookup` reads what the checks need: `lookup_kinds` will do for writers whose checks
        need no hierarchy (everything but units).
        With `fast_query`, a big enough single batch first tries the fast path.
        """
        if fast_query is not None and len(planned) == 1 and len(planned[0]) >= FAST_PATH_ROWS:
            try:
                return await self._write(self._write_every_row, fast_query, planned[0])
            except (_Shortfall, DuplicateIdError):
                pass  # rolled back; the checked path says which row is wrong, or writes it
        if sum(len(batch) for batch in planned) <= self.batch_rows:
            return await self._write(
                self._check_and_write, query_name, planned, ids, check, create_query, lookup
            )
        check(await self._read(self._snapshot, ids, lookup))
        total = Changes()
        for batch in planned:
            total += await self._write(self._write_batches, query_name, [batch])
        return total

    async def _write_every_row(
        self, tx: AsyncManagedTransaction, query_name: str, rows: list[Row]
    ) -> Changes:
        """The fast path: `rows` unchecked through a query that skips a row whose references
        do not match (a create query also fails on a taken id); _Shortfall unless it wrote
        every row. A create query answers only `rows`: all of them were created."""
        counted: dict[str, int] = {}
        for record in await self._run(tx, query_name, rows=rows):
            change = record.get("change", "created")
            counted[change] = counted.get(change, 0) + int(record["rows"])
        if sum(counted.values()) != len(rows):
            raise _Shortfall(query_name)
        return Changes(
            counted.get("created", 0), counted.get("updated", 0), counted.get("unchanged", 0)
        )

    async def _check_and_write(
        self,
        tx: AsyncManagedTransaction,
        query_name: str,
        planned: list[list[Row]],
        ids: Collection[str],
        check: Callable[[Snapshot], None],
        create_query: str | None,
        lookup: str,
    ) -> Changes:
        snapshot = await self._snapshot(tx, ids, lookup)
        check(snapshot)
        if create_query is None:
            return await self._write_batches(tx, query_name, planned)
        return await self._write_split(tx, query_name, create_query, planned, snapshot.stored)

    def _plan(self, rows: list[Row], key: str | tuple[str, ...] = "id") -> list[list[Row]]:
        """The rows cut into query batches in which no key repeats (`records.batches`)."""
        return list(records.batches(rows, key, self.batch_rows))

    # -- lifecycle ---------------------------------------------------------------------------

    async def ping(self) -> None:
        await self._query("ping")

    async def close(self) -> None:
        await self.driver.close()

    async def clear(self) -> None:
        """Delete in batches; `CALL {} IN TRANSACTIONS` only runs in an implicit transaction."""
        await self._schema("clear_all")
        await self._write(_no_change)  # raises the data version: cached summaries go stale

    @asynccontextmanager
    async def bulk_load(self) -> AsyncIterator[None]:
        """Into an empty database, drop the search index first and build it once at the end
        (waiting until it is online): keeping a Lucene index current batch by batch made the
        first import after a server start about 4 s slower at scale 1 (paired runs: 38.2,
        39.5, 35.2 s with it; 34.0, 35.1, 30.7 s building it at the end, 2-3 s of that). A
        database that holds data keeps its index, so organisers searching while an import
        runs lose nothing. Search answers the same without the index, only slower.

        If the import fails or is cancelled, the index is created again without waiting for
        it (a warning is logged if even that fails, e.g. the server is gone); the next
        `restore_search_index` (every `open_store`, every later import) completes it."""
        if not (await self._query("is_empty"))[0]["empty"]:
            await self.restore_search_index()
            yield
            return
        await self._schema("drop_search_index")
        try:
            yield
        except BaseException:
            try:
                await self._schema("create_search_index")
            except Exception as exc:  # the import's own error is the one to raise
                _log.warning("could not recreate the search index (%s); the next open will", exc)
            raise
        await self.restore_search_index()

    async def restore_search_index(self) -> None:
        """Create the search index if it is missing (a read tells), then wait until it is
        online."""
        if not await self._query("search_index_state"):
            await self._schema("create_search_index")
        await self._schema("await_search_index", timeout_s=INDEX_WAIT_S)

    async def _schema(self, query_name: str, /, **params: Any) -> None:
        """A schema statement, or one that runs its own transactions: in a session of its
        own (neither may run inside a managed transaction)."""
        async with self._session() as session:
            await self._run(session, query_name, **params)

    # -- single writes -----------------------------------------------------------------------

    async def create_unit(self, unit: Unit) -> Unit:
        await self._bulk(
            "upsert_units",
            records.split_by_level([records.unit_row(unit)]),
            checks.unit_ids([unit]),
            lambda snapshot: checks.check_units([unit], snapshot, creating=True),
            "create_units",
        )
        return unit

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        name = check_name(name, unit_id)
        found = await self._write(self._run, "rename_unit", unit_id=unit_id, name=name)
        if not found:
            raise UnknownIdError([unit_id], "unit")
        return records.unit_from(found[0]["unit"])

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        return await self._write(self._move_unit, unit_id, new_parent_id)

    async def _move_unit(
        self, tx: AsyncManagedTransaction, unit_id: str, new_parent_id: str
    ) -> Unit:
        rules.check_move(unit_id, new_parent_id, await self._snapshot(tx, {unit_id, new_parent_id}))
        moved = await self._run(tx, "move_unit", unit_id=unit_id, parent_id=new_parent_id)
        return records.unit_from(moved[0]["unit"])

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        return await self._write(self._delete_unit, unit_id, cascade)

    async def _delete_unit(self, tx: AsyncManagedTransaction, unit_id: str, cascade: bool) -> int:
        node = (await self._snapshot(tx, {unit_id})).get(unit_id)
        if node is None or node.what.kind not in (NodeKind.UNIT, NodeKind.HOUSEHOLD):
            raise UnknownIdError([unit_id], "unit or household")
        if node.children and not cascade:
            raise RefusedDeleteError(unit_id, node.children)
        deleted = await self._run(tx, "delete_subtree", node_id=unit_id)
        return int(deleted[0]["deleted"])

    async def upsert_household(self, household: Household) -> Household:
        await self.upsert_households([household])
        return household

    async def upsert_member(self, member: Member) -> Member:
        await self.upsert_members([member])
        return member

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        await self.upsert_work_units([work_unit])
        return work_unit

    async def assign(self, assignment: Assignment) -> Assignment:
        await self.assign_many([assignment])
        return assignment

    async def unassign(self, member_id: str, household_id: str) -> None:
        """One query: it removes nothing unless both ids exist and the cover does."""
        result = (
            await self._write(self._run, "unassign", member_id=member_id, household_id=household_id)
        )[0]
        if not result["member_found"]:
            raise UnknownIdError([member_id], "member")
        if not result["household_found"]:
            raise UnknownIdError([household_id], "household")
        if not result["removed"]:
            raise NotAssignedError(member_id, household_id)

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        return await self._write(
            self._transfer, household_id, from_member_id, to_member_id, since, mode
        )

    async def _transfer(
        self,
        tx: AsyncManagedTransaction,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None,
    ) -> Assignment:
        snapshot = await self._snapshot(tx, {household_id, from_member_id, to_member_id})
        rules.require(to_member_id, NodeKind.MEMBER, snapshot)
        rules.require(from_member_id, NodeKind.MEMBER, snapshot)
        rules.require(household_id, NodeKind.HOUSEHOLD, snapshot)
        covered = await self._run(
            tx, "is_assigned", member_id=from_member_id, household_id=household_id
        )
        if not covered[0]["assigned"]:
            raise NotAssignedError(from_member_id, household_id)
        if to_member_id == from_member_id:
            raise InvalidValueError(
                f"cannot transfer {household_id} from {from_member_id} to the same member",
                [household_id, from_member_id],
            )
        moved = await self._run(
            tx,
            "transfer",
            household_id=household_id,
            from_member_id=from_member_id,
            to_member_id=to_member_id,
            since=since,
            mode=mode.value if mode else None,
        )
        return Assignment(
            member_id=to_member_id,
            household_id=household_id,
            mode=Mode(moved[0]["mode"]),
            since=records.native_date(moved[0]["since"]),
        )

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        await self.record_points_many([entry])
        return entry

    # -- bulk writes -------------------------------------------------------------------------

    async def upsert_units(self, units: Sequence[Unit]) -> Changes:
        """Each batch goes level by level, streets first, so parents exist before children."""
        rows = [records.unit_row(unit) for unit in units]
        planned = [part for batch in self._plan(rows) for part in records.split_by_level(batch)]
        return await self._bulk(
            "upsert_units",
            planned,
            checks.unit_ids(units),
            lambda snapshot: checks.check_units(units, snapshot),
            "create_units",
        )

    async def upsert_households(self, households: Sequence[Household]) -> Changes:
        return await self._bulk(
            "upsert_households",
            self._plan([records.household_row(h) for h in households]),
            checks.household_ids(households),
            lambda snapshot: checks.check_households(households, snapshot),
            "create_households",
            fast_query="create_households",
            lookup="lookup_kinds",
        )

    async def upsert_members(self, members: Sequence[Member]) -> Changes:
        return await self._bulk(
            "upsert_members",
            self._plan([records.member_row(m) for m in members]),
            checks.member_ids(members),
            lambda snapshot: checks.check_members(members, snapshot),
            "create_members",
            lookup="lookup_kinds",
        )

    async def upsert_work_units(self, work_units: Sequence[WorkUnit]) -> Changes:
        return await self._bulk(
            "upsert_work_units",
            self._plan([records.work_unit_row(w) for w in work_units]),
            {w.id for w in work_units},
            lambda snapshot: checks.check_work_units(work_units, snapshot),
            "create_work_units",
            lookup="lookup_kinds",
        )

    async def assign_many(self, assignments: Sequence[Assignment]) -> Changes:
        return await self._bulk(
            "assign_many",
            self._plan([records.assignment_row(a) for a in assignments], records.PAIR_KEY),
            checks.assignment_ids(assignments),
            lambda snapshot: checks.check_assignments(assignments, snapshot),
            fast_query="assign_many",
            lookup="lookup_kinds",
        )

    async def record_points_many(self, entries: Sequence[PointsEntry]) -> Changes:
        return await self._bulk(
            "record_points_many",
            self._plan([records.points_row(e) for e in entries]),
            checks.points_ids(entries),
            lambda snapshot: checks.check_points(entries, snapshot),
            "create_points",
            fast_query="create_points",
            lookup="lookup_kinds",
        )

    # -- batched reads (the single forms come from SingleReads) ----------------------------

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        if not node_ids:
            return []
        found = await self._found("get_nodes", ids=sorted(set(node_ids)))
        by_id = {props["id"]: records.node_from(props) for props in found}
        return [by_id.get(node_id) for node_id in node_ids]

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit] | None]:
        if not node_ids:
            return []
        found = await self._found("ancestors_many", ids=sorted(set(node_ids)))
        chains = {r["id"]: [records.unit_from(a) for a in r["ancestors"]] for r in found}
        return [chains.get(node_id) for node_id in node_ids]

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household] | None]:
        if not requests:
            return []
        asked = [
            {
                "parent_id": r.parent_id,
                "after": _children_after(r),
                "first": clamp_page_size(r.first),
            }
            for r in requests
        ]
        found = {r["index"]: r for r in await self._found("children_many", requests=asked)}
        return [
            records.children_page(found.get(i), r) if i in found or r.parent_id is None else None
            for i, r in enumerate(requests)
        ]

    async def counts_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """The city's figures (scope None) and each scope's, cached per data version."""
        city = await self._city_counts() if None in scope_ids else None
        ids = sorted({scope_id for scope_id in scope_ids if scope_id is not None})
        found = await self._counts(ids) if ids else {}
        return [city if scope_id is None else found.get(scope_id) for scope_id in scope_ids]

    async def _city_counts(self) -> Counts:
        rows = await self._cached(("counts_city",), lambda: self._query("counts_city"))
        return records.counts_from(rows)

    async def _counts(self, ids: list[str]) -> dict[str, Counts]:
        rows: dict[str, list[dict[str, Any]]] = {}
        found = await self._cached(
            ("counts_many", *ids), lambda: self._found("counts_many", ids=ids)
        )
        for row in found:
            rows.setdefault(row["scope_id"], []).append(row)
        return {scope_id: records.counts_from(group) for scope_id, group in rows.items()}

    async def member_households_many(
        self, member_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        if not member_ids:
            return []
        found = await self._found("member_households_many", ids=sorted(set(member_ids)))
        by_member = {
            r["member"]["id"]: records.coverages_for_member(
                records.member_from(r["member"]), r["covers"]
            )
            for r in found
        }
        return [by_member.get(member_id) for member_id in member_ids]

    async def household_members_many(
        self, household_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        if not household_ids:
            return []
        found = await self._found("household_members_many", ids=sorted(set(household_ids)))
        by_household = {
            r["household"]["id"]: records.coverages_for_household(
                records.household_from(r["household"]), r["covers"]
            )
            for r in found
        }
        return [by_household.get(household_id) for household_id in household_ids]

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry] | None]:
        if not member_ids:
            return []
        found = await self._found("member_points_many", ids=sorted(set(member_ids)), year=year)
        by_member = {
            r["member_id"]: [records.points_from(e, r["member_id"]) for e in r["entries"]]
            for r in found
        }
        return [by_member.get(member_id) for member_id in member_ids]

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
    ) -> Page[Unit | Household | Member]:
        needle = text.strip()
        if not needle:
            raise InvalidValueError("search text must not be blank")
        after_group, after_id = parse_search_cursor(after) if after is not None else (None, None)
        size = clamp_page_size(first)
        found = await self._query(
            "search",
            text=needle,
            level=level.value if level else None,
            scope_id=scope_id,
            after_group=after_group,
            after_id=after_id,
            first=size,
        )
        if not found:
            raise UnknownIdError([str(scope_id)], "unit or household")
        items = found[0]["items"][:size]
        return Page(
            items=[records.searchable_from(props) for props in items],
            has_next=len(found[0]["items"]) > size,
            total=int(found[0]["total"]),
            end_cursor=search_cursor(items[-1]["grp"], items[-1]["id"]) if items else after,
        )

    # -- coverage and gaps -------------------------------------------------------------------

    async def coverage_summary(self, scope_id: str | None = None) -> CoverageSummary:
        """Cached per data version as the finished summary (rebuilding it from the query's
        rows on every dashboard request cost more than the cache check)."""
        if scope_id is None:
            summary = await self._cached(
                ("coverage_summary_city",), lambda: self._coverage("coverage_summary_city")
            )
        else:
            summary = await self._cached(
                ("coverage_summary_scope", scope_id),
                lambda: self._coverage("coverage_summary_scope", scope_id=scope_id),
            )
        if summary is not None:
            return summary
        if scope_id is None:
            return records.coverage_from([])  # an empty store
        raise UnknownIdError([scope_id], "unit or household")

    async def _coverage(self, query_name: str, /, **params: Any) -> CoverageSummary | None:
        """A coverage summary query's answer; None when it found no rows."""
        rows = await self._query(query_name, **params)
        return records.coverage_from(rows) if rows else None

    async def gaps(
        self,
        scope_id: str | None,
        kinds: Sequence[GapKind],
        policy: Policy,
        year: int,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[Gap]:
        """Cached per data version as the finished page (see `coverage_summary`)."""
        after_rank, after_id = parse_gap_cursor(after) if after is not None else (None, None)
        size = clamp_page_size(first)
        params = _gap_params(scope_id, kinds, policy, year, size, after_rank, after_id)

        async def page() -> Page[Gap]:
            found = await self._gaps(params)
            items = [records.gap_from(props, policy, year) for props in found["items"][:size]]
            return Page(
                items=items,
                has_next=len(found["items"]) > size,
                total=int(found["total"]),
                end_cursor=gap_cursor(items[-1]) if items else after,
            )

        return await self._cached(("gaps", *map(repr, params.values())), page)

    async def gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        params = _gap_params(scope_id, list(GapKind), policy, year, -1, None, None)

        async def counts() -> dict[GapKind, int]:
            found = await self._gaps(params)
            return {kind: int(found["per_rank"][kind.rank]) for kind in GapKind}

        return await self._cached(("gap_counts", *map(repr, params.values())), counts)

    async def _gaps(self, params: dict[str, Any]) -> Record:
        """The `gaps` row: counts per kind, the total and a page (none for `first` = -1)."""
        found = await self._query("gaps", **params)
        if not found:
            raise UnknownIdError([str(params["scope_id"])], "unit or household")
        return found[0]

    # -- audit -------------------------------------------------------------------------------

    async def record_audit(self, entry: AuditEntry) -> None:
        created = await self._write(self._run, "record_audit", **records.audit_params(entry))
        if not created[0]["created"]:
            raise DuplicateIdError([entry.id], "an audit entry")

    async def audit_entries(
        self,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        subject: str | None = None,
    ) -> Page[AuditEntry]:
        size = clamp_page_size(first)
        if after is not None:
            parse_id_cursor(after, "audit")
        found = (await self._query("audit_entries", subject=subject, after=after, first=size))[0]
        items = [records.audit_from(props) for props in found["page"][:size]]
        return Page(
            items=items,
            has_next=len(found["page"]) > size,
            total=int(found["total"]),
            end_cursor=items[-1].id if items else after,
        )


def _worth_retrying(exc: Exception) -> bool:
    """A lost connection or a transient error the driver calls retryable; not a refused
    password (which `_session` also reports as StoreUnavailableError)."""
    if isinstance(exc, TransientError):
        return exc.is_retryable()
    return not isinstance(exc.__cause__, AuthError)


def _children_after(request: ChildrenRequest) -> str | None:
    return parse_id_cursor(request.after, "children") if request.after is not None else None


def _gap_params(
    scope_id: str | None,
    kinds: Sequence[GapKind],
    policy: Policy,
    year: int,
    first: int,
    after_rank: int | None,
    after_id: str | None,
) -> dict[str, Any]:
    """The `gaps` query's parameters (`first` = -1: counts only, no page)."""
    return {
        "scope_id": scope_id,
        "ranks": sorted({kind.rank for kind in kinds}),
        "min_households": policy.min_households,
        "max_households": policy.max_households,
        "min_points": policy.min_yearly_points,
        "year": year,
        "after_rank": after_rank,
        "after_id": after_id,
        "first": first,
    }


_DUPLICATE_ID = re.compile(r"property `id` = '([^']*)'")


def _duplicate_from(exc: ConstraintError) -> DuplicateIdError:
    """A unique-id violation the checks could not foresee (a concurrent writer won a race)."""
    match = _DUPLICATE_ID.search(exc.message or "")
    return DuplicateIdError([match.group(1)] if match else [], "written concurrently")
