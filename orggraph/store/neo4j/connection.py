"""The driver plumbing: sessions, transactions, retries, and the driver's errors as ours.

Every query goes through `Connection.run`, which counts them in `queries_sent` (the API's
tests count round trips). What callers see of a failure is the domain's or the protocol's
error: StoreUnavailableError for a server that does not answer, DuplicateIdError for an id a
concurrent writer took first, QueryTimeoutError for a transaction stopped by its time limit.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    Bookmarks,
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

from orggraph.domain.errors import DuplicateIdError, QueryTimeoutError
from orggraph.observability.metrics import STORE_QUERY_SECONDS, labelled
from orggraph.store.bookmarks import CHAIN
from orggraph.store.neo4j import cypher
from orggraph.store.values import StoreUnavailableError

READ_ATTEMPTS = 3
"""Tries of a read query before its error stands (see `Connection.query`)."""

READ_RETRY_PAUSE_S = 0.1
"""Pause before a read's second try; twice that before the third."""

CONNECT_TIMEOUT_S = 10.0

WRITE_RETRY_S = 1.2
"""How long after its first failure the driver goes on retrying a managed (write) transaction:
long enough for a deadlock or a lost connection to clear, short enough that during an outage a
write fails fast (503) instead of holding the request until its time limit. The driver's
default is 30 s. It checks the budget before each pause, so a write gives up after the first
pause that ends past it: with WRITE_RETRY_FIRST_PAUSE_S and the driver's doubling (±20%),
after four tries and 1.4-2.1 s of pauses."""

WRITE_RETRY_FIRST_PAUSE_S = 0.25
"""The pause before a write's second try (the driver's default is 1 s: with it, a write
during an outage took 3-3.6 s to fail)."""

ACQUIRE_TIMEOUT_S = 5.0
"""Longest wait for a pooled connection (the driver's default is 60 s)."""

Runner = AsyncManagedTransaction | AsyncSession
"""What a query runs in: a managed transaction, or a session's implicit one (`clear`)."""

T = TypeVar("T")
P = ParamSpec("P")

_STOPPED_CODES = ("TransactionTimedOut", "LockClientStopped")
"""Neo4j's codes for a transaction ended by its time limit: a running query answers
TransactionTimedOut(ClientConfiguration), one waiting for a lock LockClientStopped."""


def make_driver(uri: str, user: str, password: str) -> AsyncDriver:
    """A driver with this service's time limits: connect, pool waits, write retries."""
    return AsyncGraphDatabase.driver(
        uri,
        auth=(user, password),
        connection_timeout=CONNECT_TIMEOUT_S,
        max_transaction_retry_time=WRITE_RETRY_S,
        initial_retry_delay=WRITE_RETRY_FIRST_PAUSE_S,
        connection_acquisition_timeout=ACQUIRE_TIMEOUT_S,
        notifications_min_severity="OFF",
    )


class Connection:
    """One database on one server, spoken to through named queries only."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str = "neo4j",
        *,
        uri: str = "",
        transaction_timeout_s: float | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri
        self.queries_sent = 0
        """Queries sent since the connection was made (the connect check included)."""
        self.transaction_timeout_s = transaction_timeout_s
        """Neo4j ends any transaction running longer (None: the server's default)."""

    @classmethod
    async def open(
        cls,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        transaction_timeout_s: float | None = None,
    ) -> Connection:
        """A connection to a server that answers, or StoreUnavailableError saying why not."""
        where = f"Neo4j at {uri} (database {database!r}, user {user!r})"
        try:
            driver = make_driver(uri, user, password)
        except (ValueError, DriverError) as exc:
            raise StoreUnavailableError(f"cannot use {where}: {exc}") from exc
        connection = cls(driver, database, uri=uri, transaction_timeout_s=transaction_timeout_s)
        try:
            await driver.verify_connectivity()
            await connection.query("ping")
        except (DriverError, Neo4jError, OSError, StoreUnavailableError) as exc:
            await driver.close()
            raise StoreUnavailableError(f"cannot reach {where}: {exc}") from exc
        return connection

    async def close(self) -> None:
        await self.driver.close()

    async def run(
        self, runner: Runner, query_name: str, timeout_s: float | None = None, /, **params: Any
    ) -> list[Record]:
        """Run the named query with `params` and return all its records; `timeout_s` bounds
        a query run in a session's own (auto-commit) transaction (positional, so that no
        Cypher parameter can be taken for it)."""
        self.queries_sent += 1
        text = cypher.query(query_name)
        started = time.perf_counter()
        if isinstance(runner, AsyncSession):
            result = await runner.run(Query(text, timeout=timeout_s), params)
        else:  # a managed transaction carries its own timeout (unit_of_work)
            result = await runner.run(text, params)
        records = [record async for record in result]
        labelled(STORE_QUERY_SECONDS, query_name).observe(time.perf_counter() - started)
        return records

    @asynccontextmanager
    async def session(self, access_mode: str = WRITE_ACCESS) -> AsyncIterator[AsyncSession]:
        """A session whose driver errors come out as the domain's and the protocol's errors."""
        chain = CHAIN.get()
        try:
            async with self.driver.session(
                database=self.database,
                default_access_mode=access_mode,
                bookmarks=Bookmarks.from_raw_values(chain.wanted()) if chain else None,
            ) as session:
                yield session
                if chain is not None and access_mode == WRITE_ACCESS:
                    chain.made.update((await session.last_bookmarks()).raw_values)
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

    async def read(
        self,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `work` in a managed read transaction."""
        async with self.session() as session:
            timed = unit_of_work(timeout=self.transaction_timeout_s)(work)
            return await session.execute_read(timed, *args, **kwargs)

    async def write(
        self,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `work` in a write transaction that also raises the data version (the summary
        caches of every process go stale with it) at its end."""
        return await self._write(False, work, *args, **kwargs)

    async def write_in_turn(
        self,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Like `write`, but the data version is raised first: that write locks the version
        node until commit, so such transactions run one after another and each one's checks
        read what the one before it wrote. An organiser's single write checks, then writes;
        two at once could otherwise both pass checks that only one of them may pass (two
        moves that together make a cycle, two covers of one pair)."""
        return await self._write(True, work, *args, **kwargs)

    async def write_bumping(
        self,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Like `write_in_turn`, but `work`'s first query raises the data version itself (it
        begins as bump_data_version.cypher does): the same lock, one round trip fewer, for
        writes whose every millisecond shows (a service transition)."""
        return await self._write(None, work, *args, **kwargs)

    async def _write(
        self,
        bump_first: bool | None,
        work: Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        async def work_and_bump(tx: AsyncManagedTransaction, /, *a: P.args, **kw: P.kwargs) -> T:
            if bump_first:
                await self.run(tx, "bump_data_version")
            result = await work(tx, *a, **kw)
            if bump_first is False:
                await self.run(tx, "bump_data_version")
            return result

        async with self.session() as session:
            timed = unit_of_work(timeout=self.transaction_timeout_s)(work_and_bump)
            return await session.execute_write(timed, *args, **kwargs)

    async def query(self, query_name: str, /, **params: Any) -> list[Record]:
        """One read query in an auto-commit transaction: one round trip, where a managed
        transaction takes three (BEGIN, RUN, COMMIT), and the Python driver's time per round
        trip is what an API request mostly waits on. The driver retries only managed
        transactions, so a read that failed on a lost connection or a retryable transient
        error is asked again here, briefly (READ_ATTEMPTS tries with short pauses: an API
        request should fail fast while the server is down, not hang)."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                return await self.read_once(query_name, **params)
            except (StoreUnavailableError, TransientError) as exc:
                if attempt == READ_ATTEMPTS or not _worth_retrying(exc):
                    raise
                await asyncio.sleep(READ_RETRY_PAUSE_S * attempt)
        raise AssertionError("unreachable")

    async def read_once(self, query_name: str, /, **params: Any) -> list[Record]:
        """One try of a read query, never retried: what `query` retries, and the health
        watch's ping, for which a failure is the news (three tries against a server that is
        shutting down, each held a second by it, outlast the ping's time limit and hide the
        outage as lateness)."""
        async with self.session(READ_ACCESS) as session:
            return await self.run(session, query_name, self.transaction_timeout_s, **params)

    async def found(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """The `found` list of a query that answers many ids with one row (see lookup_ids)."""
        rows: list[dict[str, Any]] = (await self.query(query_name, **params))[0]["found"]
        return rows

    async def schema(self, query_name: str, /, **params: Any) -> None:
        """A schema statement, or one that runs its own transactions: in a session of its
        own (neither may run inside a managed transaction)."""
        async with self.session() as session:
            await self.run(session, query_name, **params)


def _worth_retrying(exc: Exception) -> bool:
    """A lost connection or a transient error the driver calls retryable; not a refused
    password (which `session` also reports as StoreUnavailableError)."""
    if isinstance(exc, TransientError):
        return exc.is_retryable()
    return not isinstance(exc.__cause__, AuthError)


_DUPLICATE_ID = re.compile(r"property `id` = '([^']*)'")


def _duplicate_from(exc: ConstraintError) -> DuplicateIdError:
    """A unique-id violation the checks could not foresee (a concurrent writer won a race)."""
    match = _DUPLICATE_ID.search(exc.message or "")
    return DuplicateIdError([match.group(1)] if match else [], "written concurrently")
