"""Cross-origin access for browser dashboards served from another origin.

Off unless origins are configured (ORGGRAPH_CORS_ORIGINS): a dashboard on an intranet portal
then may call /graphql from the browser. Preflights are answered before the token gate (a
browser sends no Authorization header with them); the actual requests still need a token.
No cookies are involved, so credentials are never allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

PREFLIGHT_MAX_AGE_S = 600


def cors_middleware(origins: Sequence[str]) -> list[Middleware]:
    """The middleware allowing `origins` (none when the list is empty)."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id", "x-orggraph-bookmark"],
            expose_headers=["x-request-id", "x-orggraph-bookmark", "retry-after"],
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE_S,
        )
    ]
