"""Every request measured and named: the HTTP wrapper (status, time, in flight, request id)
and the GraphQL extension (operation name and outcome). Metrics live in observability/."""

from __future__ import annotations

import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from orggraph.api.security import ASGIApp, Message, Receive, Scope, Send
from orggraph.observability.logs import REQUEST_ID, request_id_from
from orggraph.observability.metrics import (
    HTTP_RESPONSES,
    HTTP_SECONDS,
    IN_FLIGHT,
    REQUEST_SECONDS,
    REQUESTS,
    labelled,
    operation_label,
)

_ROUTES = {"/graphql": "graphql", "/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics"}


def _route(path: str) -> str:
    if path.startswith("/graphiql/"):
        return "graphiql"
    return _ROUTES.get(path, "other")


class Observed:
    """Pure ASGI middleware: a request id in and out, and the HTTP figures of each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        request_id = request_id_from(headers.get(b"x-request-id"))
        token = REQUEST_ID.set(request_id)
        route = _route(scope.get("path", ""))
        status = 500
        started = time.perf_counter()

        async def tagged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, tagged_send)
        finally:
            IN_FLIGHT.dec()
            labelled(HTTP_RESPONSES, route, str(status)).inc()
            labelled(HTTP_SECONDS, route).observe(time.perf_counter() - started)
            REQUEST_ID.reset(token)


class OperationMetrics(SchemaExtension):
    """Counts each operation by name and outcome (`ok`, or the first error's code) and times it.

    Listed before the extension that labels errors, so it reads the codes clients get."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        outcome = "REFUSED"  # strawberry leaves the hooks by an exception: no document, say
        try:
            yield
            result = self.execution_context.result
            errors = result.errors if result is not None else None
            outcome = (errors[0].extensions or {}).get("code", "ERROR") if errors else "ok"
        finally:
            if outcome == "REFUSED" and self.execution_context.graphql_document is None:
                outcome = "GRAPHQL_PARSE_FAILED"
            name = operation_label(self.execution_context.operation_name)
            labelled(REQUESTS, name, outcome).inc()
            labelled(REQUEST_SECONDS, name).observe(time.perf_counter() - started)
