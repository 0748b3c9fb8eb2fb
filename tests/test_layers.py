"""Command registration lives in orggraph/cli/ only: no other module imports click or the CLI.

`orggraph/__main__.py` (`python -m orggraph`) is the one exception: it only runs `orggraph.cli`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import orggraph

PACKAGE = Path(orggraph.__file__).parent
CLI = PACKAGE / "cli"


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)  # and `from orggraph import cli` names orggraph.cli:
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_only_the_cli_package_imports_click_or_the_cli() -> None:
    offenders: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(CLI) or path == PACKAGE / "__main__.py":
            continue
        wrong = {
            module
            for module in _imported_modules(path)
            if module.split(".")[0] == "click" or module.split(".")[:2] == ["orggraph", "cli"]
        }
        if wrong:
            offenders[str(path.relative_to(PACKAGE))] = sorted(wrong)
    assert offenders == {}


LOWER = {
    "observability": set(),
    "domain": set(),
    "config": {"domain"},
    "ledger": {"domain"},
    "store": {"domain", "config", "observability"},
    "seed": {"domain", "ledger"},
    "auth": {"domain", "config"},
    "access": {"domain", "store", "auth"},
    "importer": {"domain", "ledger", "store"},
    "reports": {"domain", "store"},
    "stats": {"domain", "store"},
    "localneo4j": {"domain", "config", "store"},
    "api": {"domain", "store", "auth", "access", "observability"},
    "demo": {"domain", "ledger", "seed", "store", "importer"},
    "serve": {"domain", "config", "store", "auth", "api", "demo", "observability", "verify"},
    "verify": {"domain", "store"},
}
"""What each layer may import of orggraph: only layers below it (the CLI may import all)."""


def test_no_layer_imports_one_above_it() -> None:
    offenders: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if layer in ("cli", "__main__", "__init__"):
            continue
        allowed = LOWER[layer] | {layer, "__version__"}
        wrong = {
            module
            for module in _imported_modules(path)
            if module.startswith("orggraph.") and module.split(".")[1] not in allowed
        }
        if wrong:
            offenders[str(path.relative_to(PACKAGE))] = sorted(wrong)
    assert offenders == {}
