"""The read-only commands beside a running service on the embedded store, and on an empty one.

The data folder is held open for writing (as `orggraph serve` holds it) while `report`,
`stats` and `export` run; they read it without its lock. An import into the same folder is
refused with a message saying what to do. A report of an empty store says it is empty.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from orggraph.cli import main
from orggraph.domain.entities import Unit
from orggraph.domain.levels import Level
from orggraph.store.memory import MemoryStore

from .city import STREET


def _run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, list(args), env={"ORGGRAPH_DATA_DIR": str(data_dir), "ORGGRAPH_STORE": None}
    )
    return result.exit_code, result.output


def test_reports_stats_and_export_run_while_the_service_holds_the_folder(
    city_data_dir: Path, tmp_path: Path
) -> None:
    """Sync: the commands run their own event loop, as from a shell."""
    serving = asyncio.run(MemoryStore.open(city_data_dir))  # what `orggraph serve` holds
    try:
        asyncio.run(serving.create_unit(Unit("S90", "新街道大工委", Level.STREET)))
        out = tmp_path / "gaps.html"
        code, output = _run(
            city_data_dir, "report", "gaps", "--scope", STREET, "--year", "2022", "--out", str(out)
        )
        assert code == 0, output
        assert out.stat().st_size > 1000

        code, output = _run(city_data_dir, "stats", "--scope", "S90", "--json")
        assert code == 0, output  # the unit the service wrote a moment ago is there
        assert '"street": 1' in output or '"StreetCommittee": 1' in output, output

        code, output = _run(city_data_dir, "export", "--out", str(tmp_path / "ledger"))
        assert code == 0, output

        code, output = _run(city_data_dir, "import", str(tmp_path / "ledger"))
        assert code == 1
        assert "already in use" in output and "stop it first" in output
    finally:
        asyncio.run(serving.delete_unit("S90"))
        asyncio.run(serving.close())


def test_a_report_of_an_empty_store_says_so(tmp_path: Path) -> None:
    asyncio.run(asyncio.run(MemoryStore.open(tmp_path / "data")).close())
    out = tmp_path / "gaps.html"

    code, output = _run(tmp_path / "data", "report", "gaps", "--out", str(out))

    assert code == 1
    assert "is empty" in output and str(tmp_path / "data") in output
    assert not out.exists()


def test_a_report_of_a_folder_without_data_names_the_setting(tmp_path: Path) -> None:
    code, output = _run(tmp_path / "none", "report", "gaps", "--out", str(tmp_path / "g.html"))

    assert code == 1
    assert "ORGGRAPH_DATA_DIR" in output
