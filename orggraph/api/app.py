"""The starlette app: /graphql (with GraphiQL), /healthz and /readyz.

The store is opened by the caller and handed in, so tests and the CLI choose it; the app
closes it when it shuts down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from orggraph.api.context import Context
from orggraph.api.loaders import make_loaders
from orggraph.api.schema import schema
from orggraph.domain.policy import Policy
from orggraph.store.base import GraphStore


class _GraphQLApp(GraphQL[Context, None]):
    """strawberry's ASGI app with our per-request context."""

    def __init__(self, store: GraphStore, policy: Policy) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self._store = store
        self._policy = policy

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(store=self._store, policy=self._policy, loaders=make_loaders(self._store))


def create_app(store: GraphStore, policy: Policy) -> Starlette:
    """Build the service around an open store."""

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        try:
            await store.ping()
        except Exception as exc:  # any failure to answer means "not ready", with the reason
            return JSONResponse(
                {"status": "unavailable", "store": store.name, "error": str(exc)}, status_code=503
            )
        return JSONResponse({"status": "ready", "store": store.name})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Any]]:
        yield {}
        await store.close()

    graphql_app = _GraphQLApp(store, policy)
    return Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
