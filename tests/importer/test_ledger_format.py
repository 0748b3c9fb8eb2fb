"""The ledger format on its own: writing, reading back, spellings organisers use."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orggraph.domain.entities import Mode
from orggraph.domain.levels import Level
from orggraph.ledger import Ledger, read_ledger, write_ledger
from orggraph.ledger import writer as ledger_writer
from orggraph.ledger.columns import Kind, kind_of_sheet, part_number
from orggraph.ledger.values import parse_date, parse_flag, parse_level, parse_mode, parse_points

from .conftest import assert_service_rows

SAMPLES = Path(__file__).parents[2] / "seed" / "sample"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_write_then_read_gives_the_same_ledger(
    tiny_city: Ledger, tmp_path: Path, fmt: str, language: str
) -> None:
    out = tmp_path / ("city.xlsx" if fmt == "xlsx" else "city")
    write_ledger(tiny_city, out, fmt, language)
    parsed = read_ledger(out)
    assert parsed.problems == []
    assert parsed.ledger(tiny_city.canonical().service) == tiny_city.canonical()
    assert tiny_city.service
    assert_service_rows(parsed, tiny_city)


def test_the_same_ledger_gives_the_same_bytes(tiny_city: Ledger, tmp_path: Path) -> None:
    """Workbooks too: zip entry times and document dates are pinned."""
    for name in ("a", "b"):
        write_ledger(tiny_city, tmp_path / name)
        write_ledger(tiny_city, tmp_path / f"{name}.xlsx", "xlsx")
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_the_samples_read_cleanly_and_agree() -> None:
    english = read_ledger(SAMPLES / "minimal")
    chinese = read_ledger(SAMPLES / "minimal-zh.xlsx")
    assert english.problems == [] and chinese.problems == []
    assert english.ledger().canonical() == chinese.ledger().canonical()
    assert read_ledger(SAMPLES / "small-city").problems == []


def test_big_kinds_split_over_sheets(
    tiny_city: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past Excel's row limit a kind continues on `households_2`, ... and reads back whole."""
    monkeypatch.setattr(ledger_writer, "MAX_SHEET_ROWS", 250)
    write_ledger(tiny_city, tmp_path / "city.xlsx", "xlsx")
    parsed = read_ledger(tmp_path / "city.xlsx")
    assert parsed.problems == []
    assert {row.where.sheet for row in parsed.households} == {
        "households",
        "households_2",
        "households_3",
    }
    assert parsed.ledger(tiny_city.canonical().service) == tiny_city.canonical()
    assert_service_rows(parsed, tiny_city)


def test_chinese_aliases_and_gb18030_csv(tmp_path: Path) -> None:
    """An organiser's own CSV: Chinese headers in other spellings, saved by Excel as GB18030."""
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "组织.csv").write_bytes(
        "编号,组织名称,组织层级,上级组织编号,备注\nS1,园林街道大工委,街道大工委,,新建\n".encode(
            "gb18030"
        )
    )
    (folder / "联户包保.csv").write_text(
        "党员干部编号,住户编号,联户方式,包保日期\n", encoding="utf-8-sig"
    )
    parsed = read_ledger(folder)
    assert parsed.problems == []
    assert [unit.name for unit in parsed.ledger().units] == ["园林街道大工委"]


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "work_units.csv").write_text("id,name\n\nW1,民政局\n,\nW 2,财政局\n")
    parsed = read_ledger(folder)
    assert [str(p) for p in parsed.problems] == [
        "work_units.csv, row 5, column id: id 'W 2' is not a valid id (1-64 of A-Z a-z 0-9 _ . :"
        " -, starting with a letter or digit)"
    ]


def test_sheet_names() -> None:
    assert kind_of_sheet("households") is Kind.HOUSEHOLDS
    assert kind_of_sheet("Work Units") is Kind.WORK_UNITS
    assert kind_of_sheet("住户2") is Kind.HOUSEHOLDS
    assert kind_of_sheet("households (3)") is Kind.HOUSEHOLDS
    assert kind_of_sheet("Sheet1") is None
    assert [part_number(n) for n in ("households", "households_2", "住户 (3)")] == [1, 2, 3]


def test_cell_spellings() -> None:
    assert parse_date("2022/3/1") == parse_date("2022年3月1日") == date(2022, 3, 1)
    assert parse_date("2022-03-01 00:00:00") == date(2022, 3, 1)
    assert parse_mode("单位派遣地联户包保") is Mode.UNIT
    assert parse_mode("Residence") is Mode.RESIDENCE
    assert parse_flag("是") and not parse_flag("否") and not parse_flag("")
    assert parse_level("楼栋党小组") is parse_level("BuildingGroup") is parse_level("building")
    assert parse_level("社区") is parse_level("社区大党委") is Level.COMMUNITY
    assert parse_level("街道") is Level.STREET and parse_level("小区") is Level.BRANCH
    assert parse_level("楼栋") is Level.BUILDING
    assert parse_points("12.0") == 12 and parse_points("-3") == -3
    for bad in ("3.5", "x", "1e400"):
        with pytest.raises(ValueError, match="not a whole number"):
            parse_points(bad)
