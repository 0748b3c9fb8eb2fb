"""The malformed-ledger corpus: each case is rejected with the right message, nothing written
(the whole store exported before and after is the same). Both stores.

Each folder under `malformed/` holds a ledger (a `ledger/` folder of CSV files, or one
workbook) and `expected.txt`, one expected message fragment a line; a case with `preload/`
has that clean ledger imported first, to clash with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from orggraph.importer import export_ledger, import_ledger
from orggraph.store.protocols import GraphStore

from .conftest import cli

CORPUS = Path(__file__).parent / "malformed"
CASES = sorted(path for path in CORPUS.iterdir() if path.is_dir())


def _ledger(case: Path) -> Path:
    folder = case / "ledger"
    return folder if folder.is_dir() else next(case.glob("*.xlsx"))


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_rejected_with_the_right_message(case: Path, store: GraphStore) -> None:
    if (case / "preload").is_dir():
        assert (await import_ledger(case / "preload", store, progress=False)).ok
    before = await export_ledger(store)
    counted = await store.counts()

    report = await import_ledger(_ledger(case), store, progress=False)

    messages = [str(problem) for problem in report.problems]
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    for fragment in filter(None, expected):
        assert any(fragment in message for message in messages), (fragment, messages)
    assert messages, "a malformed ledger must be refused"
    assert await export_ledger(store) == before
    assert await store.counts() == counted


def test_the_cli_lists_every_problem_and_exits_1(data_env: Path) -> None:
    case = CORPUS / "29_every_problem_reported"
    result = CliRunner().invoke(cli, ["import", str(case / "ledger")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "6 problem(s) found; nothing was written."
    assert lines[0].startswith("units.csv, row 4, column parent_id: unknown parent S9-C1")
