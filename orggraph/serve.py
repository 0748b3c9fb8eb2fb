"""`orggraph serve`: open the configured store and run the API under uvicorn."""

from __future__ import annotations

import asyncio
import gc

import uvicorn

from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.api.rate_limit import RateLimit
from orggraph.api.trusted import read_manifest
from orggraph.auth.revocation import RevokedTokens
from orggraph.auth.tokens import Principal, Role, create_token, load_secrets
from orggraph.config import Settings
from orggraph.store import open_store

DEMO_TOKEN_TTL_S = 7 * 24 * 3600


def settle_heap() -> None:
    """Collect once, then freeze what is alive: the loaded store and the app live as long as
    the process. The embedded store holds a very large number of objects per city, and every
    full run of Python's cyclic collector rescanned all of them, a pause long enough to show
    in the slowest requests (README, Benchmarks). Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


def serve(settings: Settings, print_admin_token: bool = False, demo: bool = False) -> None:
    """Run the service until interrupted.

    The store is opened before the port is bound, so a misconfigured store fails at once
    with its own message instead of at the first request; it is opened in the server's own
    event loop (the Neo4j driver must not change loops). The signing secret is created on
    first start; with `print_admin_token` a newcomer gets a week-long admin token at once, and
    with `demo` an empty store first receives the generated Qianjiang city.
    """
    asyncio.run(_serve(settings, print_admin_token, demo))


async def _serve(settings: Settings, print_admin_token: bool, demo: bool) -> None:
    secrets = load_secrets(settings.api.secret_file, create=True)
    options = app_options(settings)
    store = await open_store(settings)
    if demo:
        from orggraph.demo import ensure_demo_city

        await ensure_demo_city(store)
    app = create_app(store, settings.policy, secrets, options)
    settle_heap()
    if print_admin_token:
        _print_admin_token(secrets[0], f"http://{settings.host}:{settings.port}/graphql")
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info")
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
        rate_limit=rate,
        revoked_tokens=RevokedTokens(api.revoked_tokens_path),
        trusted_documents=trusted,
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
