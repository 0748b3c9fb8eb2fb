"""`orggraph report ...` as a person runs it: files written, clean errors, exit codes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from contract.model import Model
from openpyxl import load_workbook

from orggraph.cli import main
from orggraph.config import Settings
from orggraph.domain.gaps import GapKind
from orggraph.ledger import Ledger
from orggraph.reports.labels import sheet_name
from orggraph.store.protocols import GraphStore

from .city import COMMUNITY, STREET, ensure_city


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["report", *args], env={"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": None}
    )
    return result.exit_code, result.stdout, result.stderr


class _Marked(HTMLParser):
    """The page's title and the figures and gap counts it marks with data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: set[str] = set()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("data-figure", "data-gap-kind") and value:
                self.marked.add(value)


def _opened(out: Path, suffix: str) -> Any:
    """The written file read as its format: a mismatch (HTML in an .xlsx) fails here."""
    if suffix == "xlsx":
        return load_workbook(out, read_only=True).sheetnames
    if suffix == "json":
        return json.loads(out.read_text(encoding="utf-8"))
    if suffix == "csv":
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    page = _Marked()
    page.feed(out.read_text(encoding="utf-8"))
    return page


@pytest.mark.parametrize("suffix", ["html", "xlsx", "csv", "json"])
async def test_gaps_writes_the_format_its_file_name_says(
    city_neo4j: GraphStore | None,
    city_data_dir: Path,
    city_ledger_dir: Path,
    city_ledger: Ledger,
    recount: Model,
    tmp_path: Path,
    suffix: str,
) -> None:
    """On both stores: the command reads Neo4j (`--store neo4j`) or the embedded folder."""
    store_args: list[str] = []
    if city_neo4j is not None:
        await ensure_city(city_neo4j, city_ledger_dir, city_ledger)
        store_args = ["--store", "neo4j"]
    out = tmp_path / f"report.{suffix}"
    args = ["gaps", *store_args, "--scope", STREET, "--year", "2022", "--out", str(out)]
    code, _, err = await asyncio.to_thread(_run, city_data_dir, *args)

    assert code == 0, err
    assert f"wrote {out} ({suffix}," in err
    opened = _opened(out, suffix)
    policy = Settings.from_env().policy  # the command's policy: the environment's
    gaps = sum(recount.gap_counts(STREET, policy, 2022).values())
    if suffix == "xlsx":
        assert {sheet_name("en", kind) for kind in GapKind} <= set(opened)
    elif suffix == "json":
        assert opened["scope"]["id"] == STREET
        assert len(opened["gaps"]) == gaps
        assert opened["figures"]["households"] == recount.counts(STREET).households
    elif suffix == "csv":
        assert opened[0] == [
            "Kind",
            "Unit path",
            "Unit id",
            "Id",
            "Name",
            "Value",
            "Reason",
            "Contact",
        ]
        assert len(opened) - 1 == gaps
    else:
        assert opened.tags[:1] == ["html"] and "svg" in opened.tags
        assert {"households", "covered_households"} <= opened.marked
        assert {kind.value for kind in GapKind} <= opened.marked


def test_json_streams_to_stdout(city_data_dir: Path) -> None:
    code, out, err = _run(
        city_data_dir,
        "points",
        "--scope",
        COMMUNITY,
        "--year",
        "2022",
        "--out",
        "-",
        "--format",
        "json",
    )

    assert code == 0, err
    assert json.loads(out)["scope"]["id"] == COMMUNITY


@pytest.mark.parametrize("command", [["gaps"], ["points", "--year", "2022"]])
def test_an_unknown_scope_is_named_and_exits_1(
    city_data_dir: Path, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "never.html"
    code, _, err = _run(city_data_dir, *command, "--scope", "S99-NOPE", "--out", str(out))

    assert code == 1
    assert "unknown scope id 'S99-NOPE'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_xlsx_cannot_go_to_stdout(city_data_dir: Path) -> None:
    code, _, err = _run(
        city_data_dir, "gaps", "--scope", COMMUNITY, "--format", "xlsx", "--out", "-"
    )

    assert code == 1
    assert "binary format" in err


def _run_as(data_dir: Path, token: str, secret: str, *args: str) -> tuple[int, str, str]:
    env = {
        "ORGGRAPH_DATA_DIR": str(data_dir),
        "ORGGRAPH_STORE": None,
        "ORGGRAPH_JWT_SECRET": secret,
        "ORGGRAPH_TOKEN": token,
    }
    result = CliRunner().invoke(main, ["report", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_token_scopes_and_masks_the_report(city_data_dir: Path) -> None:
    """Reports honour the API's rules: a dashboard token reads its scope, names masked."""
    from orggraph.auth.tokens import Principal, Role, create_token

    secret = "report-tests-signing-secret-0123456789ab"
    dashboard = create_token(secret, Principal("screen", Role.DASHBOARD, COMMUNITY), 600)
    args = ["gaps", "--year", "2022", "--out", "-", "--format", "json"]
    code, out, err = _run_as(city_data_dir, dashboard, secret, *args)
    assert code == 0, err
    report = json.loads(out)
    assert report["scope"]["id"] == COMMUNITY
    uncovered = [row for row in report["gaps"] if row["kind"] == "uncovered_household"]
    assert uncovered and {row["subject_name"] for row in uncovered} == {"***"}

    code, _, err = _run_as(city_data_dir, dashboard, secret, *args, "--scope", STREET)
    assert code == 1
    assert STREET in err
    code, _, err = _run_as(city_data_dir, "forged.token.value", secret, *args)
    assert code == 1
    assert "invalid token" in err
