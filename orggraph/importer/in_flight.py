"""Calls over a list with a few of them in flight at once, for the importer's store round trips.

The importer's bulk writes and look-ups are independent of each other within one step, and
each waits mostly on the store; two in flight keep both the store and this process busy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

DEFAULT_JOBS = 2
"""Calls in flight at once: one per core of the small servers this runs on."""

T = TypeVar("T")
R = TypeVar("R")


async def each_in_flight(
    items: Iterable[T],
    call: Callable[[T], Awaitable[R]],
    jobs: int,
    done: Callable[[T, R], None],
) -> None:
    """Await `call(item)` for every item, up to `jobs` at once, started in order; `done` gets
    each item with its result as it arrives.

    The first error is raised once the calls in flight have ended, and no call starts after
    it: what was done stays done, and nothing is left running behind the caller's back.
    """
    pending = iter(items)
    failures: list[Exception] = []

    async def worker() -> None:
        for item in pending:  # shared: each worker takes the next item not yet taken
            try:
                result = await call(item)
            except Exception as exc:  # re-raised below, once the other calls in flight end
                failures.append(exc)
            if failures:
                return
            done(item, result)

    await asyncio.gather(*(worker() for _ in range(max(1, jobs))))
    if failures:
        raise failures[0]
