"""Requests handed straight into the ASGI app in-process, as a server would hand them.

For measuring the app's own refusals (`refusal.py`) without a socket; what dashboards get is
measured over HTTP by `api.py`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from orggraph.api.security import ASGIApp

Post = Callable[[bytes], Awaitable[tuple[int, dict[str, Any]]]]


def asgi_poster(app: ASGIApp, token: str) -> Post:
    """POST a JSON body to /graphql through `app` as an ASGI server would: (status, answer)."""
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {token}".encode()),
    ]

    async def post(body: bytes) -> tuple[int, dict[str, Any]]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "root_path": "",
            "query_string": b"",
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("bench", 80),
        }
        answered = asyncio.Event()
        status = 0
        chunks: list[bytes] = []
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    answered.set()

        await app(scope, receive, send)
        return status, json.loads(b"".join(chunks))

    return post
