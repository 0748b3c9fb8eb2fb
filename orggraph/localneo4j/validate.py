"""Check the settings before anything is written or launched.

A bad port, memory size, password or timeout would otherwise surface as a Neo4j startup failure
buried in a log, or as a half-written instance home. Checked up front, each is refused with the
setting's environment variable named, so the person knows what to change.
"""

from __future__ import annotations

import re

from orggraph.config import LocalNeo4jSettings
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.paths import instance_home

_MIN_PASSWORD_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length default
_MEMORY_SIZE = re.compile(r"^(\d+)([kmg]?)$", re.IGNORECASE)
_UNIT_BYTES = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _memory_bytes(value: str, what: str, env_name: str) -> int:
    match = _MEMORY_SIZE.match(value.strip())
    if not match:
        raise LocalNeo4jError(f"{what} must be a size like 512m or 2g, got {value!r} ({env_name})")
    return int(match.group(1)) * _UNIT_BYTES[match.group(2).lower()]


def _validate(settings: LocalNeo4jSettings) -> None:
    """Catch bad settings here with a named culprit, rather than as a Neo4j startup failure."""
    instance_home(settings)
    for label, port, env_name in (
        ("Bolt", settings.bolt_port, "ORGGRAPH_NEO4J_BOLT_PORT"),
        ("HTTP", settings.http_port, "ORGGRAPH_NEO4J_HTTP_PORT"),
    ):
        if not 1 <= port <= 65535:
            raise LocalNeo4jError(
                f"{label} port must be between 1 and 65535, got {port} ({env_name})"
            )
    if settings.bolt_port == settings.http_port:
        raise LocalNeo4jError(f"the Bolt and HTTP ports must differ, both are {settings.bolt_port}")
    _memory_bytes(settings.heap_max, "the maximum heap size", "ORGGRAPH_NEO4J_HEAP")
    _memory_bytes(settings.pagecache, "the page cache size", "ORGGRAPH_NEO4J_PAGECACHE")
    if len(settings.password) < _MIN_PASSWORD_LENGTH:
        raise LocalNeo4jError(
            f"Neo4j requires a password of at least {_MIN_PASSWORD_LENGTH} characters "
            "(NEO4J_PASSWORD)"
        )
    if settings.start_timeout_s <= 0:
        raise LocalNeo4jError(
            f"the start timeout must be positive, got {settings.start_timeout_s} "
            "(ORGGRAPH_NEO4J_START_TIMEOUT)"
        )
