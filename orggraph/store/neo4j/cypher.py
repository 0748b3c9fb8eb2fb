"""Named Cypher: every query the Neo4j store runs is a file under `schema/queries/`.

Keeping Cypher in files (never built from strings in Python) means the query a dashboard runs
is the very text an organiser can paste into Neo4j Browser, and input can only ever reach the
database as a `$parameter`. Migrations live beside them in `schema/migrations/`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import orggraph

_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@cache
def schema_dir() -> Path:
    """The `schema/` folder: packaged as `orggraph/_schema` in a wheel, top-level in a checkout.

    The wheel location is tried first so an installed package never picks up a stray checkout.
    """
    package = Path(orggraph.__file__).resolve().parent
    for candidate in (package / "_schema", package.parent / "schema"):
        if (candidate / "queries").is_dir():
            return candidate
    raise FileNotFoundError(
        f"no schema/queries folder beside the orggraph package ({package}); "
        "the installation is incomplete"
    )


def query_names() -> list[str]:
    """The names of every named query, sorted (for tests and for listing them to organisers)."""
    return sorted(path.stem for path in (schema_dir() / "queries").glob("*.cypher"))


@cache
def query(name: str) -> str:
    """The text of `schema/queries/<name>.cypher`, read once per process."""
    if not _QUERY_NAME.match(name):
        raise ValueError(f"query name {name!r} is not lower_snake_case")
    path = schema_dir() / "queries" / f"{name}.cypher"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LookupError(f"no named query {name!r} (looked for {path})") from None
    if not text.lstrip().startswith("//"):
        raise ValueError(f"{path} must start with a // comment saying what it answers")
    return text
