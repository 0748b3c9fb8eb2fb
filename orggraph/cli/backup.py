"""`orggraph backup` and `orggraph restore`: the embedded store's data folder to one file and
back, safe while `orggraph serve` writes to it (see store/memory/backup.py)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import click

from orggraph.config import Settings
from orggraph.store.memory import MemoryStore
from orggraph.store.memory.backup import BackupError, restore_backup, take_backup

NEO4J_HINT = (
    "backups of the Neo4j store are Neo4j's own: `neo4j-admin database dump` on a stopped "
    "server (README, Backup), or `orggraph export DIR` for a ledger copy while it runs"
)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("backup")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The backup file (default: orggraph-backup-<date>-<time>.tar.gz here).",
)
def backup_command(out: Path | None) -> None:
    """Copy the embedded store ($ORGGRAPH_DATA_DIR) to one file, while it serves or not."""
    settings = _settings()
    if settings.store != "memory":
        raise click.ClickException(NEO4J_HINT)
    chosen = out or Path(time.strftime("orggraph-backup-%Y%m%d-%H%M%S.tar.gz"))
    try:
        info = take_backup(settings.data_dir, chosen)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{info.path}: {settings.data_dir} up to change {info.seq} "
        f"(snapshot {info.snapshot_seq} + {info.records} journal records)"
    )


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="An empty or new folder to restore into (default: $ORGGRAPH_DATA_DIR).",
)
def restore_command(backup: Path, data_dir: Path | None) -> None:
    """Restore a backup into an empty folder, then open it once to check it replays."""
    target = data_dir or _settings().data_dir
    try:
        info = restore_backup(backup, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = asyncio.run(_counts(target))
    click.echo(
        f"{target}: restored up to change {info.seq} (taken {info.taken_at}); "
        f"{counts['households']:,} households, {counts['members']:,} cadres"
    )


async def _counts(data_dir: Path) -> dict[str, int]:
    store = await MemoryStore.open(data_dir)
    try:
        counts = await store.counts(None)
    finally:
        await store.close()
    return {"households": counts.households, "members": counts.members}
