"""The request body limit: 413 before a large body is read whole, so a client cannot make the
service buffer megabytes of text only to refuse them later.

The body is read here (it is small once under the limit) and handed on as one message, so the
gates after this one (the trusted-documents check) can read it too without another copy.
"""

from __future__ import annotations

from orggraph.api.security import ASGIApp, Message, Receive, Scope, Send, replay, send_error

BODY_KEY = "orggraph.body"
"""Where the whole request body is left in the ASGI scope for later gates."""


class BodyLimit:
    """413 `PAYLOAD_TOO_LARGE` for a body over `max_bytes` (declared or as received)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        body, disconnect = await self._read(receive)
        if body is None:
            await self._refuse(send)
            return
        scope[BODY_KEY] = body

        async def after_body() -> Message:
            return disconnect if disconnect is not None else await receive()

        await self.app(scope, replay(body, after_body), send)

    async def _read(self, receive: Receive) -> tuple[bytes | None, Message | None]:
        """The whole body, or None once it passes the limit; and a disconnect, if one came."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), message
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None, None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    async def _refuse(self, send: Send) -> None:
        await send_error(
            send,
            413,
            f"request body over the limit of {self.max_bytes} bytes (ORGGRAPH_MAX_BODY_BYTES)",
            code="PAYLOAD_TOO_LARGE",
            headers=[(b"connection", b"close")],
        )
