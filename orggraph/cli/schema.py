"""`orggraph schema apply`: bring a Neo4j database's constraints and indexes up to date.

Registered by orggraph/cli/__init__.py with ``main.add_command(schema_group)``. Opening the
Neo4j store applies missing migrations anyway; this command is for deployments that want the
schema in place before the first import or service start, and for seeing which version a
database is at.
"""

from __future__ import annotations

import asyncio

import click
from neo4j.exceptions import DriverError

from orggraph.config import Settings
from orggraph.store.neo4j import Neo4jStore
from orggraph.store.neo4j.migrations import apply_migrations, schema_version
from orggraph.store.values import StoreUnavailableError


@click.group("schema")
def schema_group() -> None:
    """The Neo4j schema: ordered migrations from schema/migrations/.

    Connects with NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE.
    """


@schema_group.command("apply")
def apply_command() -> None:
    """Apply the migrations the database lacks, in order, and say what was applied."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        applied, version = asyncio.run(_apply(settings))
    except (StoreUnavailableError, DriverError) as exc:
        raise click.ClickException(f"{exc}. Is Neo4j running (`orggraph neo4j start`)?") from exc
    for name in applied:
        click.echo(f"applied {name}")
    if applied:
        click.echo(f"schema now at version {version}")
    else:
        click.echo(f"schema up to date at version {version}")


async def _apply(settings: Settings) -> tuple[list[str], int]:
    """The migrations newly applied and the version the database is at afterwards."""
    store = await Neo4jStore.connect(
        settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database
    )
    try:
        applied = await apply_migrations(store.driver, settings.neo4j_database)
        return applied, await schema_version(store.driver, settings.neo4j_database)
    finally:
        await store.close()


@schema_group.command("sdl")
@click.option("--check", is_flag=True, help="Only check: exit 1 if the file is out of date.")
def sdl_command(check: bool) -> None:
    """Write the GraphQL schema's SDL to schema/orggraph.graphql (what dashboards code against)."""
    from orggraph.api.sdl import SDL_PATH, current_sdl, write_sdl

    if check:
        current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
        if current != current_sdl():
            raise click.ClickException(f"{SDL_PATH} is out of date: run `orggraph schema sdl`")
        click.echo(f"{SDL_PATH} is up to date")
        return
    changed = write_sdl()
    click.echo(f"{'wrote' if changed else 'unchanged:'} {SDL_PATH}")
