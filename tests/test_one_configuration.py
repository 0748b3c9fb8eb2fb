"""`make serve` and every other command read the same settings: the Makefile sets none of its
own, so the data folder, signing secret and store are the documented defaults for all."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ("ORGGRAPH_DATA_DIR", "ORGGRAPH_JWT_SECRET_FILE", "ORGGRAPH_JWT_SECRET", "ORGGRAPH_STORE")


def test_make_serve_sets_nothing_the_other_commands_would_not_see() -> None:
    dry = subprocess.run(
        ["make", "--dry-run", "--always-make", "serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve_lines = [line for line in dry.splitlines() if "orggraph serve" in line]
    assert serve_lines, dry
    for name in SHARED:
        assert not re.search(rf"\b{name}=", serve_lines[-1]), serve_lines[-1]
