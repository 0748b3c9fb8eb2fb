"""`orggraph report ...` as a person runs it: files written, clean errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from orggraph.cli import main

from .city import COMMUNITY, STREET


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["report", *args], env={"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": None}
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("suffix", ["html", "xlsx", "csv", "json"])
def test_gaps_writes_the_format_its_file_name_says(
    city_data_dir: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"report.{suffix}"
    code, _, err = _run(
        city_data_dir, "gaps", "--scope", STREET, "--year", "2022", "--out", str(out)
    )

    assert code == 0, err
    assert out.stat().st_size > 1000
    assert f"wrote {out} ({suffix}," in err


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
