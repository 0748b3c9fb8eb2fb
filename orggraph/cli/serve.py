"""`orggraph serve`: the command; orggraph/serve.py runs the service it starts."""

from __future__ import annotations

import dataclasses

import click

from orggraph.config import Settings


@click.command("serve")
@click.option(
    "--store",
    type=click.Choice(["memory", "neo4j"]),
    default=None,
    help="Store to serve from (default: $ORGGRAPH_STORE, else memory).",
)
@click.option("--host", default=None, help="Address to bind (default: $ORGGRAPH_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: $ORGGRAPH_PORT, 8000).")
@click.option(
    "--print-admin-token",
    is_flag=True,
    help="Print a week-long admin token and the header to paste into GraphiQL.",
)
@click.option(
    "--demo",
    is_flag=True,
    help="If the store is empty, first load the generated Qianjiang city (scale 1).",
)
@click.option(
    "--workers",
    type=int,
    default=1,
    show_default=True,
    help="Worker processes (Neo4j store only; the embedded store is served by one).",
)
@click.option("--access-log", is_flag=True, help="Log a line per request (off by default).")
def serve_command(
    store: str | None,
    host: str | None,
    port: int | None,
    print_admin_token: bool,
    demo: bool,
    workers: int,
    access_log: bool,
) -> None:
    """Run the GraphQL API (GraphiQL at /graphql, /healthz, /readyz, /metrics).

    Every GraphQL request needs `Authorization: Bearer <token>` (see `orggraph token create`).
    """
    from orggraph.api.trusted import ManifestError
    from orggraph.demo import DemoImportError
    from orggraph.serve import PortInUseError, WorkersError
    from orggraph.serve import serve as run_service

    settings = _settings()
    try:
        run_service(
            dataclasses.replace(
                settings,
                store=store or settings.store,
                host=host or settings.host,
                port=port or settings.port,
            ),
            print_admin_token,
            demo,
            workers,
            access_log,
        )
    except (DemoImportError, ManifestError, WorkersError, PortInUseError) as exc:
        raise click.ClickException(str(exc)) from exc


def _settings() -> Settings:
    """Settings from the environment, or a clean CLI error naming the bad variable."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
