"""The gates in front of /graphql: a valid bearer token, and a time limit per request.

Both are plain ASGI wrappers so they answer with real HTTP statuses (401, 504) before
GraphQL runs, and so the GraphQL layer only ever sees an authenticated principal.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Container, MutableMapping, Sequence
from typing import Any

from orggraph.api.errors import STORE_UNAVAILABLE_CODE, STORE_UNAVAILABLE_MESSAGE
from orggraph.api.health import StoreHealth
from orggraph.auth.tokens import AuthError, Principal, verify_token_until
from orggraph.observability.metrics import cache_lookup

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRINCIPAL_KEY = "orggraph.principal"


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: list[Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def send_error(
    send: Send, status: int, message: str, *, code: str, headers: list[Any] | None = None
) -> None:
    """A gate's refusal, shaped like a GraphQL error so clients read every answer one way."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    await _send_json(send, status, body, headers or [])


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app `body` whole once, then whatever comes next (a
    disconnect): for gates that had to read the body before the app."""
    delivered = False

    async def receive_body() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive_body


VERIFIED_TOKENS = 1024
"""Tokens remembered as verified: a dashboard sends the same token with every request, and
checking its signature again each time costs as much as a small query's own work."""


class RequireToken:
    """401 for any GraphQL request without a valid `Authorization: Bearer` token.

    `secrets` are every accepted signing secret (the signing one first, an old one while a
    rotation is under way); `revoked` holds the ids of tokens refused before they expire.
    """

    def __init__(
        self,
        app: ASGIApp,
        secrets: str | Sequence[str],
        clock: Callable[[], float] = time.time,
        revoked: Container[str] = frozenset(),
    ) -> None:
        self.app = app
        self.secrets = (secrets,) if isinstance(secrets, str) else tuple(secrets)
        self.clock = clock
        """Unix seconds now; both the cache and the full check judge expiry by it."""
        self.revoked = revoked
        self._verified: dict[str, tuple[Principal, int, str | None]] = {}
        """Token -> (principal, expiry, id); keyed by the whole signed token, so only a token
        that passed the full check is ever answered from here, and only until it expires."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            scope[PRINCIPAL_KEY] = self._principal(scope)
        except AuthError as exc:
            await send_error(
                send,
                401,
                str(exc),
                code="UNAUTHENTICATED",
                headers=[(b"www-authenticate", b'Bearer realm="orggraph"')],
            )
            return
        await self.app(scope, receive, send)

    def _principal(self, scope: Scope) -> Principal:
        headers = dict(scope.get("headers", []))
        header = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("missing bearer token (send `Authorization: Bearer <token>`)")
        return self._verify(token.strip())

    def _verify(self, token: str) -> Principal:
        now = self.clock()
        known = self._verified.get(token)
        cache_lookup("tokens", known is not None and now < known[1])
        if known is None or now >= known[1]:
            verified = verify_token_until(self.secrets, token, now)
            if len(self._verified) >= VERIFIED_TOKENS:
                self._verified.clear()
            known = (verified.principal, verified.expires, verified.token_id)
            self._verified[token] = known
        if known[2] is not None and known[2] in self.revoked:
            raise AuthError(f"token {known[2]} has been revoked")
        return known[0]


class RequestTimeout:
    """504 when a request runs longer than the limit (the work in flight is cancelled); with
    `health`, 503 at once while the store is down, and for a request whose store went down
    while it ran (health.py moves its limit to now)."""

    def __init__(self, app: ASGIApp, seconds: float, health: StoreHealth | None = None) -> None:
        self.app = app
        self.seconds = seconds
        self.health = health

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        health = self.health
        if health is not None and health.down:
            await _send_unavailable(send, health.reason)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            async with asyncio.timeout(self.seconds) as limit:
                if health is not None:
                    health.watch(limit)
                try:
                    await self.app(scope, receive, tracking_send)
                finally:
                    if health is not None:
                        health.unwatch(limit)
        except TimeoutError:
            if started:
                return
            if health is not None and health.down:
                await _send_unavailable(send, health.reason)
                return
            await send_error(
                send, 504, f"request took longer than {self.seconds:g} s", code="TIMEOUT"
            )


async def _send_unavailable(send: Send, reason: str) -> None:
    await send_error(
        send,
        503,
        f"{STORE_UNAVAILABLE_MESSAGE} ({reason})",
        code=STORE_UNAVAILABLE_CODE,
        headers=[(b"retry-after", b"1")],
    )
