"""The full-text index search reads, and when an import may put off keeping it current.

Into an empty database, a bulk load drops the index first and builds it once at the end
(waiting until it is online): keeping a Lucene index current batch by batch is slower than
one build. A database that holds data keeps its index, so organisers searching while an
import runs lose nothing. Search answers the same without the index, only slower.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.migrations import INDEX_WAIT_S

_log = logging.getLogger(__name__)


@asynccontextmanager
async def bulk_load(connection: Connection) -> AsyncIterator[None]:
    """Around an import's writes. If the import fails or is cancelled, the index is created
    again without waiting for it (a warning is logged if even that fails, e.g. the server is
    gone); the next `restore` (every `open_store`, every later import) completes it."""
    if not (await connection.query("is_empty"))[0]["empty"]:
        await restore(connection)
        yield
        return
    await connection.schema("drop_search_index")
    try:
        yield
    except BaseException:
        try:
            await connection.schema("create_search_index")
        except Exception as exc:  # the import's own error is the one to raise
            _log.warning("could not recreate the search index (%s); the next open will", exc)
        raise
    await restore(connection)


async def restore(connection: Connection) -> None:
    """Create the index if it is missing (a read tells), then wait until it is online."""
    if not await connection.query("search_index_state"):
        await connection.schema("create_search_index")
    await connection.schema("await_search_index", timeout_s=INDEX_WAIT_S)
