"""The `orggraph` command line: one entry point, a subcommand per job."""

from __future__ import annotations

import dataclasses

import click

from orggraph import __version__
from orggraph.config import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orggraph")
def main() -> None:
    """orggraph: the community party-organisation graph and who covers whom.

    Configuration comes from environment variables (ORGGRAPH_STORE, ORGGRAPH_DATA_DIR,
    NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, ...); see the README's Configuration table.
    """


@main.command()
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
def serve(
    store: str | None, host: str | None, port: int | None, print_admin_token: bool, demo: bool
) -> None:
    """Run the GraphQL API (GraphiQL at /graphql, /healthz, /readyz).

    Every GraphQL request needs `Authorization: Bearer <token>` (see `orggraph token create`).
    """
    from orggraph.serve import serve as run_service

    settings = _settings()
    run_service(
        dataclasses.replace(
            settings,
            store=store or settings.store,
            host=host or settings.host,
            port=port or settings.port,
        ),
        print_admin_token,
        demo,
    )


def _settings() -> Settings:
    """Settings from the environment, or a clean CLI error naming the bad variable."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _register_subcommands() -> None:
    """Attach the command groups that live beside the code they drive."""
    from orggraph.auth.cli import audit_command, token_group
    from orggraph.importer.cli import export_command, import_command, stats_command
    from orggraph.localneo4j.cli import neo4j_group
    from orggraph.reports.cli import report_group
    from orggraph.seed.cli import seed_group
    from orggraph.store.schema_cli import schema_group

    for command in (
        neo4j_group,
        schema_group,
        seed_group,
        import_command,
        export_command,
        stats_command,
        report_group,
        token_group,
        audit_command,
    ):
        main.add_command(command)


_register_subcommands()
