"""A rate limit per token: 429 with `Retry-After` once a caller spends its burst faster than
its rate refills it, so one runaway dashboard cannot starve every other client.

A token bucket per principal (subject, role, scope), kept in this process: with several
workers or replicas each keeps its own buckets, so the service-wide rate is the setting times
the number of processes (README, Configuration).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from orggraph.api.security import PRINCIPAL_KEY, ASGIApp, Receive, Scope, Send, send_error
from orggraph.auth.tokens import Principal

TRACKED_CALLERS = 10_000
"""Buckets kept; past this the fullest (idle) ones are forgotten, which only ever forgives."""


@dataclass(frozen=True)
class RateLimit:
    """`per_second` requests a second on average, up to `burst` at once."""

    per_second: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")


class _Bucket:
    __slots__ = ("at", "tokens")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens = tokens
        self.at = at


class RateLimiter:
    """429 `RATE_LIMITED` for a caller over its rate; runs after the token gate."""

    def __init__(
        self, app: ASGIApp, limit: RateLimit, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.limit = limit
        self.clock = clock
        self._buckets: dict[Principal, _Bucket] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get(PRINCIPAL_KEY)
        if scope["type"] != "http" or principal is None:
            await self.app(scope, receive, send)
            return
        wait_s = self._take(principal)
        if wait_s > 0:
            retry_after = str(max(1, math.ceil(wait_s)))
            await send_error(
                send,
                429,
                f"too many requests for this token: at most {self.limit.per_second:g} a "
                f"second; retry after {retry_after} s",
                code="RATE_LIMITED",
                headers=[(b"retry-after", retry_after.encode())],
            )
            return
        await self.app(scope, receive, send)

    def _take(self, principal: Principal) -> float:
        """Spend one request; 0 if allowed, else the seconds until one will be."""
        now = self.clock()
        bucket = self._buckets.get(principal)
        if bucket is None:
            if len(self._buckets) >= TRACKED_CALLERS:
                self._forget_idle(now)
            bucket = self._buckets[principal] = _Bucket(float(self.limit.burst), now)
        else:
            refill = (now - bucket.at) * self.limit.per_second
            bucket.tokens = min(float(self.limit.burst), bucket.tokens + refill)
            bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.limit.per_second

    def _forget_idle(self, now: float) -> None:
        full_after = self.limit.burst / self.limit.per_second
        self._buckets = {
            who: bucket for who, bucket in self._buckets.items() if now - bucket.at < full_after
        }
        if len(self._buckets) >= TRACKED_CALLERS:
            self._buckets.clear()
