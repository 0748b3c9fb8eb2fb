"""The ledger (台账) format: organisers' spreadsheets of units, households, cadres and cover.

`read_ledger` turns a CSV folder or XLSX workbook into domain values plus a problem for every
bad cell; `write_ledger` writes one back, reproducibly. The format is described for people in
`docs/ledger-format.md` and for code in `orggraph.ledger.columns`.
"""

from __future__ import annotations

from pathlib import Path

from orggraph.ledger.columns import Kind
from orggraph.ledger.model import Ledger, Location, ParsedLedger, Problem, Row
from orggraph.ledger.parse import parse_ledger
from orggraph.ledger.tables import open_ledger
from orggraph.ledger.writer import LANGUAGES, write_ledger

__all__ = [
    "LANGUAGES",
    "Kind",
    "Ledger",
    "Location",
    "ParsedLedger",
    "Problem",
    "Row",
    "read_ledger",
    "write_ledger",
]


def read_ledger(path: Path) -> ParsedLedger:
    """Read and check every row of the ledger at `path`, collecting all problems."""
    return parse_ledger(open_ledger(path))
