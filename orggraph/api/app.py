"""The starlette app: /graphql (with GraphiQL, its assets under /graphiql/), /healthz and /readyz.

The store is opened by the caller and handed in, so tests and the CLI choose it; the app
closes it when it shuts down. Every GraphQL request passes the token gate and the time limit
(security.py) and then sees the store only through the caller's `ScopedStore`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Container, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from orggraph.access import ScopedStore
from orggraph.api.body_limit import BodyLimit
from orggraph.api.consistency import CarryBookmarks
from orggraph.api.context import Context
from orggraph.api.cors import cors_middleware
from orggraph.api.errors import STORE_UNAVAILABLE_CODE
from orggraph.api.graphiql import asset_routes, graphiql_page
from orggraph.api.health import PING_TIMEOUT_S, StoreHealth, note_orphaned_connect_errors
from orggraph.api.json_codec import FastJson
from orggraph.api.languages import preferred_language
from orggraph.api.limits import Limits
from orggraph.api.loaders import make_loaders
from orggraph.api.observe import Observed
from orggraph.api.rate_limit import RateLimit, RateLimiter
from orggraph.api.schema import build_schema
from orggraph.api.security import (
    PRINCIPAL_KEY,
    ASGIApp,
    Receive,
    RequestTimeout,
    RequireToken,
    Scope,
    Send,
)
from orggraph.api.trusted import Operation, TrustedDocumentsOnly
from orggraph.auth.tokens import Principal
from orggraph.domain.policy import Policy
from orggraph.observability.metrics import exposition
from orggraph.store.protocols import GraphStore


@dataclass(frozen=True)
class AppOptions:
    """Production switches: GraphiQL and introspection can be turned off, limits tightened,
    callers rate-limited, tokens revoked, and only registered documents allowed."""

    graphiql: bool = True
    limits: Limits = field(default_factory=Limits)
    request_timeout_s: float = 30.0
    max_body_bytes: int = 1_000_000
    rate_limit: RateLimit | None = None
    revoked_tokens: Container[str] = frozenset()
    trusted_documents: Mapping[str, Operation] | None = None
    """None: any valid document runs; otherwise only these (trusted.py)."""
    metrics: bool = True
    """Serve /metrics (Prometheus text, no token: keep it off the public network)."""
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
    """Loops to run while the app serves (a periodic figures check, say)."""
    cors_origins: tuple[str, ...] = ()
    """Browser origins allowed to call the API (cors.py); empty: none."""


class _GraphQLApp(FastJson, GraphQL[Context, None]):
    """strawberry's ASGI app with our per-request context and orjson (`json_codec`)."""

    def __init__(self, store: GraphStore, policy: Policy, options: AppOptions) -> None:
        super().__init__(
            build_schema(options.limits),
            graphql_ide=None,
            allow_queries_via_get=False,
        )
        self._store = store
        self._policy = policy

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """503 with `Retry-After` when the store did not answer, so load balancers and
        clients see an outage as one (the body still says which fields failed)."""
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and _store_unavailable(response_data):
            response.status_code = 503
            response.headers["retry-after"] = "1"
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        principal: Principal = request.scope[PRINCIPAL_KEY]  # set by RequireToken
        scoped = ScopedStore(self._store, principal)
        return Context(
            store=scoped,
            policy=self._policy,
            loaders=make_loaders(scoped),
            principal=principal,
            language=preferred_language(request.headers.get("accept-language")),
        )


def _store_unavailable(response_data: GraphQLHTTPResponse) -> bool:
    return any(
        isinstance(error, dict)
        and (error.get("extensions") or {}).get("code") == STORE_UNAVAILABLE_CODE
        for error in response_data.get("errors") or ()
    )


class _GraphQLEndpoint:
    """GraphiQL's page (it holds no data) for a browser; everything else through the gates.

    A class, not a function, so starlette routes every method to it as a plain ASGI app.
    """

    def __init__(self, gated: ASGIApp, graphiql: bool) -> None:
        self.gated = gated
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.graphiql and _asks_for_ide(scope):
            await graphiql_page()(scope, receive, send)
            return
        await self.gated(scope, receive, send)


def _asks_for_ide(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    if b"query=" in scope.get("query_string", b""):
        return False
    return b"text/html" in dict(scope.get("headers", [])).get(b"accept", b"")


def _after_token(app: ASGIApp, options: AppOptions) -> ASGIApp:
    """The gates that need to know the caller: its rate, then the document it sends."""
    if options.trusted_documents is not None:
        app = TrustedDocumentsOnly(app, options.trusted_documents)
    if options.rate_limit is not None:
        app = RateLimiter(app, options.rate_limit)
    return app


def create_app(
    store: GraphStore,
    policy: Policy,
    secret: str | Sequence[str],
    options: AppOptions | None = None,
) -> Starlette:
    """Build the service around an open store; tokens are checked with `secret` (or each of
    several, the signing one first, while a rotation is under way)."""
    chosen = options or AppOptions()

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def warm_up() -> None:
        await store.counts_many([None])
        await store.get_nodes(["-"])

    health = StoreHealth(store.ping, warm_up)

    async def readyz(_: Request) -> JSONResponse:
        try:
            await asyncio.wait_for(store.ping(), PING_TIMEOUT_S)
        except Exception as exc:  # any failure to answer means "not ready", with the reason
            reason = str(exc) or f"no answer within {PING_TIMEOUT_S:g} s"
            return JSONResponse(
                {"status": "unavailable", "store": store.name, "error": reason}, status_code=503
            )
        return JSONResponse({"status": "ready", "store": store.name})

    async def metrics(_: Request) -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Any]]:
        asyncio.get_running_loop().set_exception_handler(note_orphaned_connect_errors)
        running: list[asyncio.Task[None]] = [
            asyncio.create_task(loop()) for loop in (health.run, *chosen.background)
        ]
        try:
            yield {}
        finally:
            for task in running:
                task.cancel()
            await store.close()

    gated_graphql = BodyLimit(
        RequestTimeout(
            RequireToken(
                _after_token(_GraphQLApp(store, policy, chosen), chosen),
                secret,
                revoked=chosen.revoked_tokens,
            ),
            chosen.request_timeout_s,
            health,
        ),
        chosen.max_body_bytes,
    )

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *([Route("/metrics", metrics)] if chosen.metrics else []),
            Route("/graphql", _GraphQLEndpoint(gated_graphql, chosen.graphiql)),
            *(asset_routes() if chosen.graphiql else []),
        ],
        middleware=[
            Middleware(Observed),
            *cors_middleware(chosen.cors_origins),
            Middleware(CarryBookmarks),
        ],
        lifespan=lifespan,
    )
