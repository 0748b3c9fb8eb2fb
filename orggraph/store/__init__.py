"""The stores behind the `GraphStore` protocol, and the one place that picks between them."""

from __future__ import annotations

from orggraph.config import Settings
from orggraph.store.protocols import GraphStore
from orggraph.store.values import StoreUnavailableError

__all__ = ["GraphStore", "StoreUnavailableError", "open_store"]


async def open_store(
    settings: Settings, kind: str | None = None, read_only: bool = False
) -> GraphStore:
    """Open the store the settings name (or `kind`): the embedded one or Neo4j.

    `read_only` is for commands that only read (reports, stats, export, audit): the embedded
    store is then read beside the process serving it, without its lock (Neo4j takes any
    number of readers anyway).

    Neo4j gets its schema migrations applied first, so a fresh database is usable at once,
    and its search index back if an import into an empty database was killed before its end
    (see `Neo4jStore.bulk_load`).
    """
    chosen = kind or settings.store
    if chosen == "memory":
        from orggraph.store.memory import MemoryStore

        return await MemoryStore.open(settings.data_dir, read_only=read_only)
    if chosen == "neo4j":
        from orggraph.store.neo4j import Neo4jStore
        from orggraph.store.neo4j.migrations import apply_migrations

        store = await Neo4jStore.connect(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
            transaction_timeout_s=settings.api.cypher_timeout_s,
        )
        try:
            await apply_migrations(store.driver, settings.neo4j_database)
            await store.restore_search_index()
            await store.ensure_figures()
        except BaseException:
            await store.close()  # the caller never gets the store, so it cannot close it
            raise
        return store
    raise ValueError(f"unknown store {chosen!r}; expected 'memory' or 'neo4j'")
