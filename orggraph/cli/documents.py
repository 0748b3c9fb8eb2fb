"""`orggraph documents`: register the dashboards' queries for trusted-documents mode."""

from __future__ import annotations

from pathlib import Path

import click
from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse, validate

from orggraph.api.trusted import (
    ManifestError,
    Operation,
    document_id,
    read_manifest,
    write_manifest,
)
from orggraph.config import Settings


def _manifest_path(given: Path | None) -> Path:
    if given is not None:
        return given
    try:
        configured = Settings.from_env().api.trusted_documents_file
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if configured is None:
        raise click.UsageError("give --manifest or set ORGGRAPH_TRUSTED_DOCUMENTS")
    return configured


_MANIFEST = click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The manifest file (default: $ORGGRAPH_TRUSTED_DOCUMENTS).",
)


@click.group("documents")
def documents_group() -> None:
    """Trusted documents: with ORGGRAPH_TRUSTED_DOCUMENTS set, only registered queries run."""


@documents_group.command("register")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_MANIFEST
def register_command(files: tuple[Path, ...], manifest: Path | None) -> None:
    """Check each .graphql file against the schema and add it to the manifest (one document a
    file, sent by clients exactly as written, or by the id printed here)."""
    path = _manifest_path(manifest)
    try:
        known = read_manifest(path) if path.exists() else {}
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc
    for file in files:
        body = file.read_text(encoding="utf-8")
        operation = _checked(file, body)
        known[operation.id] = operation
        click.echo(f"{operation.id}  {operation.name or '(anonymous)'}  {file}")
    write_manifest(path, known)
    click.echo(f"{path}: {len(known)} document(s)")


@documents_group.command("list")
@_MANIFEST
def list_command(manifest: Path | None) -> None:
    """List the registered documents: id, operation type and name."""
    try:
        known = read_manifest(_manifest_path(manifest))
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc
    for operation in sorted(known.values(), key=lambda op: (op.name, op.id)):
        click.echo(f"{operation.id}  {operation.type}  {operation.name or '(anonymous)'}")


def _checked(file: Path, body: str) -> Operation:
    """The file as a registered operation, or a ClickException naming the file and fault."""
    try:
        document = parse(body)
    except GraphQLSyntaxError as exc:
        raise click.ClickException(f"{file}: {exc.message}") from exc
    from orggraph.api.schema import schema  # the schema takes a moment: only when asked

    errors = validate(schema._schema, document)
    if errors:
        raise click.ClickException(f"{file}: {errors[0].message}")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        raise click.ClickException(f"{file}: no operation in it")
    first = operations[0]
    names = ",".join(op.name.value for op in operations if op.name)
    return Operation(document_id(body), names, first.operation.value, body)
