"""The synthetic city: the document's figures at scale 1, determinism, scaling, injected gaps."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.ledger import Kind, Ledger, ParsedLedger, read_ledger, write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import ProfileError, find_profile, load_profile

from .conftest import assert_same_files, cli

DOCUMENT = {
    "units": {"street": 7, "community": 56, "branch": 508, "building": 3192},
    "central_households": 3753,
    "covered_households": 113986,
    "members": 13340,
    "covering_members": 9166,
    "assignments": 113986,
}


@pytest.fixture(scope="session")
def qianjiang(tmp_path_factory: pytest.TempPathFactory) -> ParsedLedger:
    """The scale-1 city, written as CSV and read back: what `orggraph import` would see."""
    folder = tmp_path_factory.mktemp("qianjiang")
    write_ledger(generate_city(load_profile("qianjiang"), 1, seed=1), folder)
    return read_ledger(folder)


def test_scale_1_reproduces_the_document(qianjiang: ParsedLedger) -> None:
    assert qianjiang.problems == []
    figures = qianjiang.ledger().figures()
    assert {key: figures[key] for key in DOCUMENT} == DOCUMENT
    assert figures["households"] > figures["covered_households"]


def test_one_covering_cadre_in_a_hundred_is_outside_the_band(qianjiang: ParsedLedger) -> None:
    """So the demo city shows both band gaps, with the document's totals kept."""
    per_cadre = Counter(row.value.member_id for row in qianjiang.assignments)
    assert len(per_cadre) == 9166
    under = sum(1 for size in per_cadre.values() if size < 10)
    over = sum(1 for size in per_cadre.values() if size > 15)
    assert under > 20 and over > 20
    assert under + over == round(0.01 * 9166)
    assert min(per_cadre.values()) >= 5 and max(per_cadre.values()) <= 20
    assert sum(per_cadre.values()) == 113986


def test_every_gap_kind_is_there_for_gap_queries_to_find(qianjiang: ParsedLedger) -> None:
    ledger = qianjiang.ledger()
    parents = Counter(unit.parent_id for unit in ledger.units)
    parents.update(household.parent_id for household in ledger.households)
    childless = Counter(unit.level for unit in ledger.units if parents[unit.id] == 0)
    assert childless[Level.COMMUNITY] and childless[Level.BRANCH] and childless[Level.BUILDING]
    central = {h.parent_id for h in ledger.households if h.central}
    buildings = [u.id for u in ledger.units if u.level is Level.BUILDING]
    assert sum(1 for b in buildings if b not in central) > childless[Level.BUILDING]
    points = Counter[str]()
    for entry in ledger.points:
        points[entry.member_id] += entry.points
    short = [m.id for m in ledger.members if points[m.id] < 20]
    assert 0.03 * len(ledger.members) < len(short) < 0.1 * len(ledger.members)
    covering = {a.member_id for a in ledger.assignments}
    assert sum(1 for m in ledger.members if m.id not in covering) == 13340 - 9166


def test_people_have_fake_phones_and_addresses_by_building(qianjiang: ParsedLedger) -> None:
    household = qianjiang.households[0].value
    assert household.phone.startswith("100-") and len(household.phone) == 13
    assert household.address.startswith("潜江市") and "栋" in household.address
    assert household.address.endswith("室")


def test_same_seed_same_bytes_other_seed_other_city(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        args = [
            "seed",
            "generate",
            "--scale",
            "0.01",
            "--seed",
            seed,
            "--out",
            str(tmp_path / name),
        ]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(files) == len(Kind)
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert (tmp_path / "a" / "households.csv").read_bytes() != (
        tmp_path / "c" / "households.csv"
    ).read_bytes()


def test_scale_multiplies_every_count() -> None:
    profile = load_profile("qianjiang")
    figures = generate_city(profile, 0.1).figures()
    assert figures["units"] == {"street": 1, "community": 6, "branch": 51, "building": 319}
    assert (figures["central_households"], figures["covered_households"]) == (375, 11399)
    assert (figures["members"], figures["covering_members"]) == (1334, 917)


def test_xlsx_output_and_chinese_headers(tmp_path: Path) -> None:
    out = tmp_path / "city"
    args = ["seed", "generate", "--scale", "0.005", "--format", "xlsx", "--lang", "zh"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    parsed = read_ledger(tmp_path / "city.xlsx")
    assert parsed.problems == []
    assert {where.sheet for where in (row.where for row in parsed.units)} == {"组织"}


def test_an_impossible_profile_is_refused(tmp_path: Path) -> None:
    text = find_profile("qianjiang").read_text(encoding="utf-8")
    text = text.replace("covering_cadres = 9166", "covering_cadres = 100")
    text = text.replace(
        'names = "names_zh.toml"', f'names = "{find_profile("qianjiang").parent}/names_zh.toml"'
    )
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match="cannot cover 113986 households within 10-15"):
        generate_city(load_profile(str(broken)))
    result = CliRunner().invoke(cli, ["seed", "generate", "--profile", "nowhere", "--out", "x"])
    assert result.exit_code == 1 and "no profile 'nowhere'" in result.output


def test_ledger_figures_count_what_is_there(small_city: Ledger, small_city_csv: Path) -> None:
    """The figures against a plain count of the rows the ledger's files hold."""

    def rows(name: str) -> list[dict[str, str]]:
        with (small_city_csv / name).open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    units, households = rows("units.csv"), rows("households.csv")
    assignments = rows("assignments.csv")
    levels = Counter(row["level"] for row in units)
    assert small_city.figures() == {
        "units": {level.name.lower(): levels[level.name.lower()] for level in UNIT_LEVELS},
        "households": len(households),
        "central_households": sum(row["central"] == "yes" for row in households),
        "covered_households": len({row["household_id"] for row in assignments}),
        "members": len(rows("members.csv")),
        "covering_members": len({row["member_id"] for row in assignments}),
        "assignments": len(assignments),
        "work_units": len(rows("work_units.csv")),
        "points_entries": len(rows("points.csv")),
    }
    assert all(levels.values()) and len(assignments) > len(households) // 2


def test_the_sample_city_is_what_the_generator_writes(tmp_path: Path) -> None:
    """seed/sample/small-city stays in step with the generator (regenerate it if this fails)."""
    sample = Path(__file__).parents[2] / "seed" / "sample" / "small-city"
    result = CliRunner().invoke(
        cli, ["seed", "generate", "--scale", "0.01", "--out", str(tmp_path / "city")]
    )
    assert result.exit_code == 0, result.output
    assert_same_files(sample, tmp_path / "city")
