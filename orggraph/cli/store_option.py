"""What every command that works on a store shares: the `--store` option, and a run that opens
the configured store, hands it to the command's work and closes it again, turning a store
that cannot be reached into a clean one-line error."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from orggraph.config import Settings
from orggraph.store import GraphStore, StoreUnavailableError, open_store

T = TypeVar("T")

store_option = click.option(
    "--store",
    "store_kind",
    type=click.Choice(["memory", "neo4j"]),
    default=None,
    help="Which store to use (default: $ORGGRAPH_STORE, else memory in $ORGGRAPH_DATA_DIR).",
)


def run_with_store(
    kind: str | None,
    work: Callable[[GraphStore, Settings], Awaitable[T]],
    hint: str = "",
    read_only: bool = False,
) -> T:
    """Open the store `kind` names (default: the configured one), await `work` on it and the
    settings it was opened with, close it; `hint` is added to an unavailable store's error.
    `read_only` commands read the embedded store beside a running `orggraph serve`."""

    async def run() -> T:
        settings = Settings.from_env()
        store = await open_store(settings, kind, read_only)
        try:
            return await work(store, settings)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except StoreUnavailableError as exc:
        raise click.ClickException(f"the store is unavailable: {exc}{hint}") from exc
