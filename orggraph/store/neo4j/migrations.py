"""Ordered schema migrations: `schema/migrations/NNN_name.cypher`, applied once each, in order.

Constraints come before data (an id look-up without its index is a label scan), so every
process that opens the Neo4j store applies what is missing first. Each statement is idempotent
(`IF NOT EXISTS`), so a run cut short is simply run again; the database records the last
applied version on one `(:SchemaVersion {id: 'orggraph'})` node, so a second run applies nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from neo4j import AsyncDriver

from orggraph.store.neo4j import cypher

_FILE_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+$")
INDEX_WAIT_S = 300
"""How long to wait for new indexes to come online before the first import uses them."""


@dataclass(frozen=True)
class Migration:
    """One migration file: its version (the NNN prefix), name and statements."""

    version: int
    name: str
    statements: tuple[str, ...]


def load_migrations(folder: Path | None = None) -> list[Migration]:
    """Every migration in the folder, by version; refuses gaps and repeats in the numbering."""
    folder = folder or cypher.schema_dir() / "migrations"
    migrations = [_load(path) for path in sorted(folder.glob("*.cypher"))]
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(
                f"migration {migration.name} has version {migration.version}; expected "
                f"{expected} (migrations are numbered 001, 002, ... without gaps)"
            )
    return migrations


def _load(path: Path) -> Migration:
    match = _FILE_NAME.match(path.stem)
    if not match:
        raise ValueError(f"migration file {path.name} is not named NNN_lower_snake.cypher")
    statements = split_statements(path.read_text(encoding="utf-8"))
    if not statements:
        raise ValueError(f"migration file {path.name} holds no statement")
    return Migration(int(match.group(1)), path.stem, tuple(statements))


def split_statements(text: str) -> list[str]:
    """The `;`-terminated statements of a migration file, without `//` comment lines."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


async def schema_version(driver: AsyncDriver, database: str) -> int:
    """The last migration applied to the database (0 for a database never migrated)."""
    result = await driver.execute_query(cypher.query("schema_version"), database_=database)
    return int(result.records[0]["version"]) if result.records else 0


async def apply_migrations(driver: AsyncDriver, database: str) -> list[str]:
    """Apply the migrations the database lacks, in order; return their names (empty if none).

    Schema statements may not share a transaction with data writes, so each statement runs in
    its own transaction and the version is recorded after the migration's last statement.
    """
    current = await schema_version(driver, database)
    applied: list[str] = []
    for migration in load_migrations():
        if migration.version <= current:
            continue
        for statement in migration.statements:
            await driver.execute_query(statement, database_=database)
        await driver.execute_query(
            cypher.query("record_schema_version"),
            {"version": migration.version, "migration": migration.name},
            database_=database,
        )
        applied.append(migration.name)
    if applied:
        await driver.execute_query(
            cypher.query("await_indexes"), {"timeout_s": INDEX_WAIT_S}, database_=database
        )
    return applied
