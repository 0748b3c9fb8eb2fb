"""Where things live: the cache folder, each instance's Neo4j home, and the loopback address.

A Neo4j home is just a folder with ``conf/neo4j.conf`` and a ``lib``. Each *instance*
(``default`` for development, ``test`` for the test run) gets its own home under
``<cache_dir>/neo4j-<version>/instances/<instance>/`` with its own data, logs and pid file, and a
symlink to the shared ``lib``, so instances never share a database but share the jars (the
bulk of the download).
Every module asks here rather than joining paths itself, so the layout is written down once.
The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import re
from pathlib import Path

from orggraph.config import LocalNeo4jSettings
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.versions import NEO4J_VERSION

LOOPBACK = "127.0.0.1"

_LIB_MARKER = ".orggraph-assembled"
"""Written into ``lib`` only after a complete copy of the jars (see assembly.py)."""

_INSTANCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def version_dir(settings: LocalNeo4jSettings) -> Path:
    """The cache folder for this Neo4j version; a version bump gets a fresh folder, never a mix."""
    return settings.cache_dir / f"neo4j-{NEO4J_VERSION}"


def lib_dir(settings: LocalNeo4jSettings) -> Path:
    """The shared folder of jars every instance's ``lib`` symlink points to."""
    return version_dir(settings) / "lib"


def instance_home(settings: LocalNeo4jSettings) -> Path:
    """The instance's Neo4j home; the name is checked so it cannot escape the cache folder."""
    if not _INSTANCE_NAME.match(settings.instance):
        raise LocalNeo4jError(
            f"instance name {settings.instance!r} is not usable as a folder name: use letters, "
            "digits, '.', '_' or '-' (ORGGRAPH_NEO4J_INSTANCE)"
        )
    return version_dir(settings) / "instances" / settings.instance


def http_url(settings: LocalNeo4jSettings) -> str:
    """The server's HTTP root on loopback."""
    return f"http://{LOOPBACK}:{settings.http_port}"


def _pid_file(home: Path) -> Path:
    return home / "run" / "neo4j.pid"


def _launcher_output(home: Path) -> Path:
    return home / "logs" / "launcher.out"
