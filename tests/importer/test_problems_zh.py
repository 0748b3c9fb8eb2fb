"""Ledger problems in Chinese (`orggraph import --lang zh`): every problem the malformed corpus
raises has a Chinese wording, with the same ids, values and places as the English one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from orggraph.importer import import_ledger
from orggraph.ledger.chinese import chinese_message, in_chinese
from orggraph.store.memory import MemoryStore

from .conftest import cli
from .test_malformed import CASES, CORPUS, _ledger

ENGLISH_WORDS = re.compile(r"\b(unknown|duplicate|is not|not in|expected|missing|cannot|row)\b")
QUOTED = re.compile(r"'([^']*)'")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_every_corpus_problem_reads_in_chinese(case: Path, tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    try:
        if (case / "preload").is_dir():
            assert (await import_ledger(case / "preload", store, progress=False)).ok
        report = await import_ledger(_ledger(case), store, progress=False)
    finally:
        await store.close()
    assert report.problems
    for problem in report.problems:
        chinese = chinese_message(problem.message)
        assert chinese is not None, f"no Chinese wording for: {problem.message}"
        assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
        assert not ENGLISH_WORDS.search(chinese), chinese
        for value in QUOTED.findall(problem.message):  # the cell's own text is kept as written
            assert value in chinese, (value, chinese)
        line = in_chinese(problem)
        assert line.startswith(problem.where.file) and line.endswith(chinese)
        if problem.where.row is not None:
            assert f"第{problem.where.row}行" in line


def test_the_cli_lists_the_problems_in_chinese_when_asked(data_env: Path) -> None:
    case = CORPUS / "29_every_problem_reported"
    result = CliRunner().invoke(cli, ["import", str(case / "ledger"), "--lang", "zh"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "发现6个问题，未写入任何数据。"
    assert lines[0] == "units.csv，第4行，列 parent_id：未知的上级组织S9-C1：台账和库中都没有"
