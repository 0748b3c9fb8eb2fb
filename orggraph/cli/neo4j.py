"""`orggraph neo4j start|stop|status`: the local Neo4j server as a command-line group.

Registered by orggraph/cli/__init__.py with ``main.add_command(neo4j_group)``. Progress goes
to stderr, the result to stdout; every failure is a one-paragraph message and exit code 1, no
traceback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import click

from orggraph.config import LocalNeo4jSettings, Settings
from orggraph.localneo4j import server

_F = TypeVar("_F", bound=Callable[..., Any])

NOT_RUNNING_EXIT_CODE = 3
"""`status` exit code when the server is not running (the LSB convention Neo4j's own uses)."""


def _load_settings(
    *,
    instance: str | None = None,
    bolt_port: int | None = None,
    http_port: int | None = None,
    heap: str | None = None,
    pagecache: str | None = None,
    timeout: int | None = None,
) -> LocalNeo4jSettings:
    """The environment's settings with the command-line overrides applied."""
    try:
        settings = Settings.from_env().local_neo4j
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    overrides: dict[str, Any] = {
        "instance": instance,
        "bolt_port": bolt_port,
        "http_port": http_port,
        "heap_max": heap,
        "pagecache": pagecache,
        "start_timeout_s": timeout,
    }
    return dataclasses.replace(
        settings, **{name: value for name, value in overrides.items() if value is not None}
    )


def _where_options(command: _F) -> _F:
    """--instance/--bolt-port/--http-port: which server; shared by all three commands."""
    command = click.option(
        "--http-port",
        type=click.IntRange(1, 65535),
        metavar="PORT",
        help="HTTP port for Neo4j Browser [env ORGGRAPH_NEO4J_HTTP_PORT, default 7474].",
    )(command)
    command = click.option(
        "--bolt-port",
        type=click.IntRange(1, 65535),
        metavar="PORT",
        help="Bolt port for drivers [env ORGGRAPH_NEO4J_BOLT_PORT, default 7687].",
    )(command)
    command = click.option(
        "--instance",
        metavar="NAME",
        help=(
            "Which instance (its own database, logs and pid file) "
            "[env ORGGRAPH_NEO4J_INSTANCE, default 'default']."
        ),
    )(command)
    return command


@click.group(name="neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j 5.26 server for development and tests (no Docker needed).

    The first `start` fetches Neo4j's jars from Maven Central once (needs `mvn` and Java 17,
    about 140 MB, cached under ~/.cache/orggraph). The server listens on 127.0.0.1 only and keeps
    running in the background until `stop`. User is neo4j, password NEO4J_PASSWORD.
    """


@neo4j_group.command(name="start")
@_where_options
@click.option(
    "--heap",
    metavar="SIZE",
    help="Maximum Java heap, e.g. 512m or 2g [env ORGGRAPH_NEO4J_HEAP, default 512m].",
)
@click.option(
    "--pagecache",
    metavar="SIZE",
    help="Page cache size, e.g. 256m [env ORGGRAPH_NEO4J_PAGECACHE, default 256m].",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="How long to wait for the server to answer [env ORGGRAPH_NEO4J_START_TIMEOUT, 120].",
)
def start_command(
    instance: str | None,
    bolt_port: int | None,
    http_port: int | None,
    heap: str | None,
    pagecache: str | None,
    timeout: int | None,
) -> None:
    """Start the server and wait until it answers a Bolt query.

    Harmless when it is already running (it says so and exits 0). Fails with exit code 1 and the
    end of Neo4j's log when the server does not come up, or names the port when another program
    holds it.
    """
    settings = _load_settings(
        instance=instance,
        bolt_port=bolt_port,
        http_port=http_port,
        heap=heap,
        pagecache=pagecache,
        timeout=timeout,
    )
    try:
        result = server.start(settings, Settings.from_env().policy)
    except (server.LocalNeo4jError, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Neo4j {server.NEO4J_VERSION} is running "
        f"(instance {settings.instance!r}, pid {result.pid})."
    )
    click.echo(f"  Bolt:    {result.bolt_uri}")
    click.echo(f"  Browser: {result.browser_url} (opens orggraph's guide after connecting)")
    click.echo(f"  User:    {server.NEO4J_USER} (password from NEO4J_PASSWORD)")
    click.echo(f"  Home:    {result.home}")


@neo4j_group.command(name="stop")
@_where_options
def stop_command(instance: str | None, bolt_port: int | None, http_port: int | None) -> None:
    """Stop the server cleanly and wait for it to exit (about 15 s).

    Harmless when it is not running. The database is kept; the next `start` opens it again.
    """
    settings = _load_settings(instance=instance, bolt_port=bolt_port, http_port=http_port)
    try:
        server.stop(settings)
    except (server.LocalNeo4jError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


@neo4j_group.command(name="status")
@_where_options
def status_command(instance: str | None, bolt_port: int | None, http_port: int | None) -> None:
    """Say whether the server is running, with its pid and addresses.

    Exit code 0 when it runs and answers on its Bolt port, 3 when it does not (so scripts can
    write `orggraph neo4j status || orggraph neo4j start`), 1 on errors.
    """
    settings = _load_settings(instance=instance, bolt_port=bolt_port, http_port=http_port)
    try:
        result = server.status(settings)
    except (server.LocalNeo4jError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    name = f"instance {settings.instance!r}"
    if result.running:
        click.echo(f"Neo4j ({name}) is running at pid {result.pid}.")
        click.echo(f"  Bolt:    {result.bolt_uri}")
        click.echo(f"  Browser: {result.browser_url}")
        click.echo(f"  Home:    {result.home}")
        return
    if result.pid is not None:
        click.echo(
            f"Neo4j ({name}) process {result.pid} is alive but Bolt port {settings.bolt_port} "
            "does not answer (starting, stopping, or listening on another port)."
        )
    else:
        click.echo(f"Neo4j ({name}) is not running.")
    click.get_current_context().exit(NOT_RUNNING_EXIT_CODE)
