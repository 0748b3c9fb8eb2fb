"""Reports for paper, as `orggraph report gaps` writes them: chosen gap kinds or the summary
alone, a summary sheet in XLSX, only the figures that can apply to the scope, local time with
its zone named, and file endings the command does not write refused."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from orggraph.auth.tokens import Principal, Role, create_token
from orggraph.cli import main
from orggraph.domain.gaps import GapKind

from .city import BRANCH, COMMUNITY, STREET


def _report(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["report", "gaps", "--year", "2022", *args],
        env={"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": None, "ORGGRAPH_TIMEZONE": None},
    )
    return result.exit_code, result.output


def _html(data_dir: Path, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "gaps.html"
    code, output = _report(data_dir, *args, "--out", str(out))
    assert code == 0, output
    return out.read_text(encoding="utf-8")


def test_only_the_chosen_kinds_are_listed_and_every_kind_counted(
    city_data_dir: Path, tmp_path: Path
) -> None:
    page = _html(
        city_data_dir, tmp_path, "--scope", STREET, "--kinds", "uncovered_household,cadre_over_band"
    )
    listed = set(re.findall(r'class="gap-list" id="gaps-([a-z_]+)"', page))
    assert listed == {"uncovered_household", "cadre_over_band"}
    counted = set(re.findall(r'<tr data-gap-kind="([a-z_]+)"', page))
    assert counted == {kind.value for kind in GapKind}
    assert "not listed" in page


def test_summary_only_prints_no_list(city_data_dir: Path, tmp_path: Path) -> None:
    full = _html(city_data_dir, tmp_path, "--scope", STREET)
    summary = _html(city_data_dir, tmp_path, "--scope", STREET, "--summary-only")
    assert 'class="gap-list"' in full and 'class="gap-list"' not in summary
    assert 'id="summary-only"' in summary
    assert len(summary) * 5 < len(full)
    assert re.findall(r'<tr data-gap-kind="[a-z_]+">.*?</tr>', summary)


def test_an_unknown_kind_is_named(city_data_dir: Path, tmp_path: Path) -> None:
    code, output = _report(
        city_data_dir, "--kinds", "uncovered,cadre_over_band", "--out", str(tmp_path / "g.html")
    )
    assert code == 2 and "unknown gap kind(s) uncovered" in output


def test_the_xlsx_opens_on_a_summary_sheet(city_data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.xlsx"
    code, output = _report(city_data_dir, "--scope", STREET, "--lang", "zh", "--out", str(out))
    assert code == 0, output
    workbook = load_workbook(out)
    assert workbook.sheetnames[0] == "汇总"
    rows = list(workbook["汇总"].iter_rows(values_only=True))
    assert rows[1][0] == STREET
    assert [row[0] for row in rows[2:] if str(row[0]).startswith(f"{STREET}-")]
    counted = {row[0]: row[2] for row in rows if row[0] in {kind.value for kind in GapKind}}
    assert set(counted) == {kind.value for kind in GapKind}
    uncovered = workbook.sheetnames[1]
    assert workbook[uncovered].max_row - 1 == counted["uncovered_household"]


def test_no_tile_or_column_that_cannot_apply_to_the_scope(
    city_data_dir: Path, tmp_path: Path
) -> None:
    community = _html(city_data_dir, tmp_path, "--scope", COMMUNITY, "--summary-only")
    tiles = set(re.findall(r'<div class="figure" data-figure="([a-z_]+)"', community))
    assert not tiles & {"streets", "communities"}, "a community's report counts no streets"
    assert {"branches", "cadres", "households"} <= tiles
    assert (
        'data-figure="cadres"'
        not in community.split('id="per-child"', 1)[1].split("</section>", 1)[0]
    ), "branches register no cadres: no all-zero column"

    branch = _html(city_data_dir, tmp_path, "--scope", BRANCH, "--summary-only")
    tiles = set(re.findall(r'<div class="figure" data-figure="([a-z_]+)"', branch))
    assert not tiles & {"streets", "communities", "branches", "cadres"}
    assert {"building_groups", "households", "covering_cadres"} <= tiles


def test_times_are_local_with_the_zone_named(city_data_dir: Path, tmp_path: Path) -> None:
    page = _html(city_data_dir, tmp_path, "--scope", BRANCH, "--summary-only")
    shown = re.search(r'<dd id="data-as-of">([^<]+)</dd>', page)
    assert shown, page[:2000]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d Asia/Shanghai \(UTC\+08:00\)", shown[1])


def test_an_ending_the_command_does_not_write_is_refused(
    city_data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "gaps.pdf"
    code, output = _report(city_data_dir, "--out", str(out))
    assert code == 1 and "cannot write gaps.pdf" in output and "print" in output
    assert not out.exists()

    code, output = _report(city_data_dir, "--format", "csv", "--out", str(tmp_path / "g.html"))
    assert code == 1 and "ends in .html but --format says csv" in output


def _csv_rows(
    data_dir: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    out = tmp_path / "gaps.csv"
    result = CliRunner().invoke(
        main,
        ["report", "gaps", "--year", "2022", "--scope", STREET, *args, "--out", str(out)],
        env={"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": None, **(env or {})},
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


def test_gap_rows_say_how_to_reach_the_household_or_cadre_masked_per_role(
    city_data_dir: Path, tmp_path: Path
) -> None:
    kinds = ("--kinds", "uncovered_household,cadre_covering_none")
    rows = _csv_rows(city_data_dir, tmp_path, *kinds)
    households = [row for row in rows if row["Kind"] == "uncovered_household"]
    cadres = [row for row in rows if row["Kind"] == "cadre_covering_none"]
    assert households and cadres
    for row in households:
        address, phone = row["Contact"].split(" · ")
        assert address.startswith("潜江市") and phone.startswith("100-")
    for row in cadres:
        assert row["Contact"].startswith("100-") and " · " in row["Contact"]  # phone · unit
        assert not row["Contact"].split(" · ")[1].startswith("W")  # the unit's name, not id

    secret = "paper-test-signing-secret-0123456789abcdef"
    token = create_token(secret, Principal("wall", Role.DASHBOARD, STREET), 600)
    masked = _csv_rows(
        city_data_dir,
        tmp_path,
        *kinds,
        "--token",
        token,
        env={"ORGGRAPH_JWT_SECRET": secret},
    )
    contacts = {row["Contact"] for row in masked if row["Kind"] == "uncovered_household"}
    assert contacts and all("100-" not in c and "潜江市" not in c for c in contacts), contacts
    assert all("100-" not in row["Contact"] for row in masked)
