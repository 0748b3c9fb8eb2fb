"""The named Cypher and the migrations, checked without a server.

Every query the Neo4j store runs is a file under schema/queries; these tests keep the files
loadable and self-describing, every name the store asks for present, and input out of query
text: no Python file under orggraph/store may build Cypher from strings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import orggraph.store
from orggraph.store.neo4j import cypher
from orggraph.store.neo4j.migrations import load_migrations, split_statements

STORE_DIR = Path(orggraph.store.__file__).parent
CYPHER_WORDS = re.compile(
    r"\b(MATCH|MERGE|CREATE|DELETE|DETACH|UNWIND|RETURN|CALL|SET|REMOVE|FOREACH|WITH)\b"
)


def _store_sources() -> list[Path]:
    return sorted(STORE_DIR.rglob("*.py"))


@pytest.mark.parametrize("name", cypher.query_names())
def test_every_query_loads_and_says_what_it_answers(name: str) -> None:
    text = cypher.query(name)
    header = [line for line in text.splitlines() if line.startswith("//")]
    assert header, f"{name}.cypher has no comment header"
    assert "Parameters" in "\n".join(header), f"{name}.cypher does not list its parameters"
    assert not text.rstrip().endswith(";"), f"{name}.cypher ends with ';' (one statement each)"


def test_every_query_the_store_names_exists() -> None:
    """`_run(tx, "name")` and friends: each quoted query name has its file."""
    known = set(cypher.query_names())
    asked: set[str] = set()
    for path in _store_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_query_call(node):
                asked |= {name for arg in node.args if (name := _name_literal(arg))}
    assert asked, "found no query names in orggraph/store"
    assert asked <= known, f"queries without a file: {sorted(asked - known)}"


def _is_query_call(node: ast.Call) -> bool:
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return name in {"_run", "_query", "_found", "_write", "_bulk", "_schema", "query"}


def _name_literal(node: ast.expr) -> str | None:
    """A lower_snake string literal (a query name), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.islower():
        return node.value
    return None


def test_unknown_query_names_are_refused() -> None:
    with pytest.raises(LookupError):
        cypher.query("no_such_query")
    with pytest.raises(ValueError):
        cypher.query("../migrations/001_unique_ids")


def test_migrations_are_numbered_and_idempotent_statements() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    for migration in migrations:
        for statement in migration.statements:
            assert "IF NOT EXISTS" in statement, f"{migration.name}: {statement!r}"


def test_split_statements_drops_comments_and_blank_parts() -> None:
    text = "// header\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\n\n// more\nCREATE X;\n"
    assert split_statements(text) == [
        "CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)",
        "CREATE X",
    ]


@pytest.mark.parametrize("path", _store_sources(), ids=lambda path: path.name)
def test_no_store_module_builds_cypher_from_strings(path: Path) -> None:
    """Cypher lives in .cypher files: no string in the code (docstrings aside) looks like a
    query, and no f-string, `.format` or `%` builds one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstring_nodes(tree)
    for node in ast.walk(tree):
        if node in docstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not _looks_like_cypher(node.value), (
                f"{path.name}:{node.lineno} holds Cypher in Python: {node.value[:60]!r}"
            )
        if isinstance(node, ast.JoinedStr):
            parts = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            assert not _looks_like_cypher(parts), f"{path.name}:{node.lineno} formats Cypher"


def _looks_like_cypher(text: str) -> bool:
    """Two or more Cypher clause words in capitals, as a query has and a message does not."""
    return len(set(CYPHER_WORDS.findall(text))) >= 2


def _docstring_nodes(tree: ast.Module) -> set[ast.AST]:
    """Strings standing alone as statements: module, class, function and attribute docstrings."""
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def test_the_search_index_is_put_back_as_its_migration_made_it() -> None:
    """create_search_index (after a bulk load) must not drift from migration 002."""
    created = [
        statement
        for migration in load_migrations()
        for statement in migration.statements
        if "entity_search_name" in statement
    ]
    restored = [line for line in cypher.query("create_search_index").splitlines() if line]
    assert created == [restored[-1]]
