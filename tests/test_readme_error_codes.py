"""The README's error-code table names every `extensions.code` the service can answer."""

from __future__ import annotations

import re
from pathlib import Path

import orggraph

PACKAGE = Path(orggraph.__file__).parent
README = PACKAGE.parent / "README.md"
_CODE = re.compile(r'(?:code = |"code": |code=|_CODE = )"([A-Z][A-Z_]+)"')
BASE_ONLY = {"ORGGRAPH_ERROR"}
"""The base class's code: every raised error has a code of its own."""


def test_every_error_code_is_in_the_readme_table() -> None:
    codes = {
        code
        for path in PACKAGE.rglob("*.py")
        for code in _CODE.findall(path.read_text(encoding="utf-8"))
    } - BASE_ONLY
    table = README.read_text(encoding="utf-8").split("### Error codes", 1)[1].split("###", 1)[0]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.MULTILINE))
    assert {"UNAUTHENTICATED", "QUERY_TOO_COSTLY", "INVALID_VALUE"} <= codes
    assert codes - listed == set(), "codes missing from the README's table"
    assert listed - codes == set(), "the README lists codes the service never answers"
