"""`orggraph serve`: open the configured store and run the API under uvicorn."""

from __future__ import annotations

import asyncio

import click
import uvicorn

from orggraph.api.app import AppOptions, create_app
from orggraph.api.limits import Limits
from orggraph.auth.tokens import Principal, Role, create_token, load_secret
from orggraph.config import Settings
from orggraph.store import open_store

DEMO_TOKEN_TTL_S = 7 * 24 * 3600


def serve(settings: Settings, print_admin_token: bool = False) -> None:
    """Run the service until interrupted.

    The store is opened before the port is bound, so a misconfigured store fails at once
    with its own message instead of at the first request. The signing secret is created on
    first start; with `print_admin_token` a newcomer gets a week-long admin token at once.
    """
    secret = load_secret(settings.api.secret_file, create=True)
    store = asyncio.run(open_store(settings))
    options = AppOptions(
        graphiql=settings.api.graphiql,
        limits=Limits(introspection=settings.api.introspection),
        request_timeout_s=settings.api.request_timeout_s,
    )
    app = create_app(store, settings.policy, secret, options)
    if print_admin_token:
        token = create_token(secret, Principal("demo-admin", Role.ADMIN, None), DEMO_TOKEN_TTL_S)
        url = f"http://{settings.host}:{settings.port}/graphql"
        click.echo(
            f"\nGraphiQL: {url}\nAdmin token (valid 7 days). In GraphiQL's Headers tab paste:\n"
            f'  {{"Authorization": "Bearer {token}"}}\n'
            f"or from a shell:\n  curl -s {url} -H 'Authorization: Bearer {token}' "
            "-H 'content-type: application/json' -d '{\"query\": \"{ streets { id name } }\"}'\n"
        )
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info")
    uvicorn.Server(config).run()
