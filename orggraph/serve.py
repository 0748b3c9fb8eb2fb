"""`orggraph serve`: open the configured store and run the API under uvicorn."""

from __future__ import annotations

import asyncio

import uvicorn

from orggraph.api.app import create_app
from orggraph.config import Settings
from orggraph.store import open_store


def serve(settings: Settings) -> None:
    """Run the service until interrupted. The store is opened before the port is bound,
    so a misconfigured store fails at once with its own message instead of at first request."""
    store = asyncio.run(open_store(settings))
    app = create_app(store, settings.policy)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info")
    uvicorn.Server(config).run()
