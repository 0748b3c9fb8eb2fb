"""`orggraph serve`: open the configured store and run the API under uvicorn.

uvicorn runs on uvloop with httptools' HTTP parser and without a log line per request (both
cost more per request than a small query's own work; `--access-log` brings the line back).
With several workers (Neo4j only) each process opens its own store: every cache the service
keeps is either per request or checked against the data version kept in Neo4j, which every
write raises, so the workers answer alike.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import gc
import logging
import os
import socket
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.api.rate_limit import RateLimit
from orggraph.api.trusted import read_manifest
from orggraph.auth.revocation import RevokedTokens
from orggraph.auth.tokens import Principal, Role, create_token, load_secrets
from orggraph.config import Settings
from orggraph.domain.policy import Policy
from orggraph.observability.logs import log_config
from orggraph.observability.metrics import FIGURE_CHECKS, FIGURE_DRIFTS
from orggraph.store import open_store
from orggraph.store.protocols import GraphStore
from orggraph.store.years import points_year
from orggraph.verify import find_drifts

log = logging.getLogger("orggraph.serve")

DEMO_TOKEN_TTL_S = 7 * 24 * 3600


def settle_heap() -> None:
    """Collect once, then freeze what is alive: the loaded store and the app live as long as
    the process. The embedded store holds a very large number of objects per city, and every
    full run of Python's cyclic collector rescanned all of them, a pause long enough to show
    in the slowest requests (README, Benchmarks). Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


WORKER_APP = "orggraph.serve:worker_app"
"""What each of several worker processes imports and calls to make its app."""


class WorkersError(ValueError):
    """More worker processes asked for than the store can be served from."""


class PortInUseError(ValueError):
    """The address cannot be listened on; said before anything is loaded or printed."""


def check_port_free(host: str, port: int) -> None:
    """Bind the address once and let it go, as uvicorn will bind it (SO_REUSEADDR), so a
    taken port fails here, naming the setting, instead of after the demo city was loaded and
    a token and a curl line for the wrong server were printed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"port {port} on {host} is already in use (another `orggraph serve`?): "
                    f"stop that server, or choose another port, e.g. ORGGRAPH_PORT={port + 1} "
                    "make serve (or orggraph serve --port)"
                ) from None
            raise PortInUseError(
                f"cannot listen on {host}:{port}: {exc.strerror} (set ORGGRAPH_HOST and "
                "ORGGRAPH_PORT)"
            ) from None


def check_workers(store: str, workers: int) -> None:
    """The embedded store lives in one process (one journal writer, data in its memory), so
    it is served by one; Neo4j by as many as asked."""
    if workers < 1:
        raise WorkersError(f"--workers must be at least 1, got {workers}")
    if workers > 1 and store != "neo4j":
        raise WorkersError(
            f"--workers {workers} needs the Neo4j store: the embedded store's data lives in "
            "one process, which alone may write its journal, so it is served by one worker "
            "(use --store neo4j, or leave --workers at 1)"
        )


def serve(
    settings: Settings,
    print_admin_token: bool = False,
    demo: bool = False,
    workers: int = 1,
    access_log: bool = False,
) -> None:
    """Run the service until interrupted.

    The store is opened before the port is bound, so a misconfigured store fails at once
    with its own message instead of at the first request; it is opened in the server's own
    event loop (the Neo4j driver must not change loops). The signing secret is created on
    first start; with `print_admin_token` a newcomer gets a week-long admin token at once, and
    with `demo` an empty store first receives the generated Qianjiang city. With `workers`
    above 1 (Neo4j only, `check_workers`) the store is opened once here to fail fast and load
    the demo, then uvicorn starts the workers, each opening its own.
    """
    check_workers(settings.store, workers)
    check_port_free(settings.host, settings.port)
    if workers == 1:
        asyncio.run(_serve(settings, print_admin_token, demo, access_log))
        return
    asyncio.run(_prepare(settings, print_admin_token, demo))
    os.environ["ORGGRAPH_STORE"] = settings.store  # the workers read their settings from it
    if settings.api.metrics:
        os.environ.setdefault(
            "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="orggraph-metrics-")
        )
    uvicorn.run(
        WORKER_APP,
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_level="info",
        **_uvicorn_options(settings, access_log),
    )


def _uvicorn_options(settings: Settings, access_log: bool) -> dict[str, Any]:
    return {
        "loop": "uvloop",
        "http": "httptools",
        "access_log": access_log,
        "log_config": log_config(settings.api.json_logs),
        # SIGTERM: stop accepting, let requests in flight finish (each is bounded by the
        # request time limit), then exit
        "timeout_graceful_shutdown": int(settings.api.request_timeout_s) + 5,
    }


def _with_background(options: AppOptions, store: GraphStore, settings: Settings) -> AppOptions:
    """The options plus the periodic figures check, if one is asked for."""
    every = settings.api.verify_every_s
    if every <= 0:
        return options
    return dataclasses.replace(
        options, background=(lambda: check_figures_every(store, settings.policy, every),)
    )


async def check_figures_every(store: GraphStore, policy: Policy, seconds: float) -> None:
    """Recount every kept figure every `seconds` and report drifts as metrics and a WARNING
    (the same check as `orggraph stats --verify`, in the serving process)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            year = await points_year(store, None)
            _, drifts = await find_drifts(store, policy, year)
        except Exception:  # a failed check (the store down, say) is logged, the loop goes on
            log.exception("figures check failed")
            continue
        FIGURE_CHECKS.labels("drift" if drifts else "clean").inc()
        FIGURE_DRIFTS.set(len(drifts))
        if drifts:
            log.warning("%d kept figure(s) drift from a recount: %s", len(drifts), drifts[:5])


async def _prepare(settings: Settings, print_admin_token: bool, demo: bool) -> None:
    """Before the workers start: the secret made, the options and the store checked, the
    demo city loaded."""
    secrets = load_secrets(settings.api.secret_file, create=True)
    app_options(settings)
    store = await open_store(settings)
    try:
        if demo:
            from orggraph.demo import ensure_demo_city

            await ensure_demo_city(store)
    finally:
        await store.close()
    if print_admin_token:
        _print_admin_token(secrets[0], f"http://{settings.host}:{settings.port}/graphql")


Message = MutableMapping[str, Any]


class _WorkerApp:
    """One worker's app: at lifespan startup it opens the store in the worker's own event
    loop and builds the service, which then runs its own lifespan (closing the store at the
    end); a store that fails to open fails the worker's startup with the reason."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: Callable[..., Awaitable[None]] | None = None

    async def __call__(
        self,
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if self.app is None and scope["type"] == "lifespan":
            startup = await receive()
            try:
                self.app = await self._build()
            except Exception as exc:  # any failure to open: the worker does not start
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return startup
                return await receive()

            await self.app(scope, replay, send)
            return
        if self.app is None:
            raise RuntimeError("request before the worker's store was opened")
        await self.app(scope, receive, send)

    async def _build(self) -> Callable[..., Awaitable[None]]:
        secrets = load_secrets(self.settings.api.secret_file)
        store = await open_store(self.settings)
        options = _with_background(app_options(self.settings), store, self.settings)
        app = create_app(store, self.settings.policy, secrets, options)
        settle_heap()
        return app


def worker_app() -> _WorkerApp:
    """uvicorn's factory, called in each worker process: settings from the environment."""
    return _WorkerApp(Settings.from_env())


async def _serve(settings: Settings, print_admin_token: bool, demo: bool, access_log: bool) -> None:
    secrets = load_secrets(settings.api.secret_file, create=True)
    options = app_options(settings)
    store = await open_store(settings)
    if demo:
        from orggraph.demo import ensure_demo_city

        await ensure_demo_city(store)
    app = create_app(store, settings.policy, secrets, _with_background(options, store, settings))
    settle_heap()
    if print_admin_token:
        _print_admin_token(secrets[0], f"http://{settings.host}:{settings.port}/graphql")
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        **_uvicorn_options(settings, access_log),
    )
    await uvicorn.Server(config).serve()


def app_options(settings: Settings) -> AppOptions:
    """The app's switches from the settings; a bad trusted-documents manifest fails here,
    before the port is bound."""
    api = settings.api
    rate = None
    if api.rate_limit_per_s > 0:
        rate = RateLimit(
            api.rate_limit_per_s, api.rate_burst or max(1, int(2 * api.rate_limit_per_s))
        )
    trusted = read_manifest(api.trusted_documents_file) if api.trusted_documents_file else None
    return AppOptions(
        graphiql=api.graphiql,
        limits=Limits(introspection=api.introspection),
        request_timeout_s=api.request_timeout_s,
        max_body_bytes=api.max_body_bytes,
        cors_origins=api.cors_origins,
        rate_limit=rate,
        revoked_tokens=RevokedTokens(api.revoked_tokens_path),
        trusted_documents=trusted,
        metrics=api.metrics,
    )


def _print_admin_token(secret: str, url: str) -> None:
    token = create_token(secret, Principal("demo-admin", Role.ADMIN, None), DEMO_TOKEN_TTL_S)
    print(
        f"\nGraphiQL: {url}\nAdmin token (valid 7 days). In GraphiQL's Headers tab paste:\n"
        f'  {{"Authorization": "Bearer {token}"}}\n'
        f"or from a shell:\n  curl -s {url} -H 'Authorization: Bearer {token}' "
        "-H 'content-type: application/json' -d '{\"query\": \"{ streets { id name } }\"}'\n",
        flush=True,
    )
