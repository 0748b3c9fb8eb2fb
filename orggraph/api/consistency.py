"""The `X-Orggraph-Bookmark` header: in with the bookmarks a client carries from an earlier
write, out with those of this request's writes (store/bookmarks.py says why)."""

from __future__ import annotations

from orggraph.api.security import ASGIApp, Message, Receive, Scope, Send
from orggraph.store.bookmarks import CHAIN, begin, parse_header

HEADER = b"x-orggraph-bookmark"


class CarryBookmarks:
    """Pure ASGI middleware around every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chain, token = begin(parse_header(dict(scope.get("headers", [])).get(HEADER)))

        async def send_bookmarks(message: Message) -> None:
            if message["type"] == "http.response.start" and chain.made:
                message["headers"] = [
                    *message.get("headers", []),
                    (HEADER, ",".join(sorted(chain.made)).encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_bookmarks)
        finally:
            CHAIN.reset(token)
