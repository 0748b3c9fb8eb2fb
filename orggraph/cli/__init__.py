"""The `orggraph` command line: one entry point, a subcommand per job.

Everything that knows about click lives in this package, one module per command group; the
layers below (store, importer, reports, seed, localneo4j, auth, api) never import it.
"""

from __future__ import annotations

import click

from orggraph import __version__
from orggraph.cli.backup import backup_command, restore_command
from orggraph.cli.documents import documents_group
from orggraph.cli.ledger import export_command, import_command, stats_command
from orggraph.cli.neo4j import neo4j_group
from orggraph.cli.reports import report_group
from orggraph.cli.schema import schema_group
from orggraph.cli.seed import seed_group
from orggraph.cli.serve import serve_command
from orggraph.cli.service_report import service_command
from orggraph.cli.token import audit_command, token_group

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orggraph")
def main() -> None:
    """orggraph: the community party-organisation graph and who covers whom.

    Configuration comes from environment variables (ORGGRAPH_STORE, ORGGRAPH_DATA_DIR,
    NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, ...); see the README's Configuration table.
    """


for _command in (
    serve_command,
    neo4j_group,
    schema_group,
    seed_group,
    import_command,
    export_command,
    stats_command,
    report_group,
    token_group,
    audit_command,
    documents_group,
    backup_command,
    restore_command,
):
    main.add_command(_command)
report_group.add_command(service_command)
