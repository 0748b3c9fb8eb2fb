"""Whether the store answers, watched in the background, so an outage costs clients a fast 503
instead of a request held until its time limit.

A ping every PING_EVERY_S, each allowed PING_TIMEOUT_S. A ping that fails outright (connection
refused) marks the store down at once; one that only runs late must do so twice running, so a
busy moment is not taken for an outage. When the store goes down, every request in flight has
its time limit moved to now (its `asyncio.Timeout` is rescheduled) and answers 503
`STORE_UNAVAILABLE`; while it is down, requests are answered so at once. The first ping that
succeeds, and a warm-up read after it, bring it back.

Cutting a request short can cancel the driver while it connects; the connect's own task then
ends with a refused connection nobody reads, which asyncio would log as a traceback.
`note_orphaned_connect_errors` logs those as one warning line: they are the outage, already
reported, not a fault of the service.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from orggraph.observability.metrics import STORE_DOWN

log = logging.getLogger("orggraph.api")

PING_EVERY_S = 0.5
PING_TIMEOUT_S = 2.0
LATE_PINGS_FOR_DOWN = 2
WARM_UP_TIMEOUT_S = 30.0


def note_orphaned_connect_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """An event loop exception handler: a connection error of a task no one awaits any more is
    one warning line; anything else goes to asyncio's own handler (with its traceback)."""
    error = context.get("exception")
    if context.get("message") == "Task exception was never retrieved" and isinstance(
        error, OSError
    ):
        log.warning("a connection attempt ended after its request was cut short: %s", error)
        return
    loop.default_exception_handler(context)


class StoreHealth:
    """The store's state as the last pings saw it, and the requests to cut short if it fails."""

    def __init__(
        self,
        ping: Callable[[], Awaitable[None]],
        warm: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._ping = ping
        self._warm = warm
        """Run once the store answers again, before requests are let through: a restarted
        Neo4j plans every query afresh, and sixteen requests planning at once would each wait
        far longer than one warm-up does."""
        self.down = False
        self.reason = ""
        self._late = 0
        self._in_flight: set[asyncio.Timeout] = set()

    def watch(self, timeout: asyncio.Timeout) -> None:
        """Cut this request's time limit short if the store goes down while it runs."""
        self._in_flight.add(timeout)

    def unwatch(self, timeout: asyncio.Timeout) -> None:
        self._in_flight.discard(timeout)

    async def run(self) -> None:
        """Ping until cancelled (the app's lifespan runs this)."""
        while True:
            await self.check()
            await asyncio.sleep(PING_EVERY_S)

    async def check(self) -> None:
        """One ping, and what it says about the store."""
        try:
            await asyncio.wait_for(self._ping(), PING_TIMEOUT_S)
        except TimeoutError:
            self._late += 1
            if self._late >= LATE_PINGS_FOR_DOWN:
                self._went_down(f"no answer to a ping within {PING_TIMEOUT_S:g} s")
            return
        except Exception as exc:  # any failure to answer is the store being unavailable
            self._went_down(str(exc))
            return
        self._late = 0
        if self.down:
            if self._warm is not None:
                try:
                    await asyncio.wait_for(self._warm(), WARM_UP_TIMEOUT_S)
                except Exception as exc:  # not ready yet: stay down, try again next ping
                    self.reason = f"warming up after a restart: {exc or 'too slow'}"
                    return
            log.warning("store answers again")
            self.down, self.reason = False, ""
            STORE_DOWN.set(0)

    def _went_down(self, reason: str) -> None:
        if not self.down:
            log.warning("store unavailable: %s; answering 503 until it is back", reason)
        self.down, self.reason = True, reason
        STORE_DOWN.set(1)
        now = asyncio.get_running_loop().time()
        for timeout in self._in_flight:
            timeout.reschedule(now)
