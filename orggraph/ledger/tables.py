"""Raw tables out of a ledger on disk: a folder of CSV files, one CSV file, or an XLSX workbook.

This layer knows files and sheets, not rows' meaning: it turns each sheet (or CSV file) into a
`Table` of text cells with spreadsheet row numbers, and reports what cannot be a ledger table
(an unknown sheet name, undecodable text). `orggraph.ledger.parse` gives the rows meaning.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from orggraph.ledger.columns import Kind, kind_of_sheet, part_number
from orggraph.ledger.model import Location, Problem
from orggraph.ledger.values import cell_text

TableRows = Iterator[tuple[int, list[str]]]
"""(spreadsheet row number, cell texts) for each non-blank data row."""


@dataclass
class Table:
    """One sheet or CSV file of a known kind: its header and its data rows."""

    kind: Kind
    where: Location
    header: list[str]
    rows: TableRows


@dataclass
class LedgerSource:
    """Every table of a ledger in reading order, and the problems found opening it."""

    tables: list[Table]
    problems: list[Problem]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Release the workbook file (rows are read lazily, so only after parsing)."""
        for close in self.closers:
            close()


def _is_blank(cells: list[str]) -> bool:
    return not any(cells)


def _csv_rows(lines: list[list[str]]) -> TableRows:
    for number, cells in enumerate(lines[1:], start=2):
        texts = [cell.strip() for cell in cells]
        if not _is_blank(texts):
            yield number, texts


def _decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else GB18030, the encoding Chinese Excel saves in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(path: Path, kind: Kind) -> Table | Problem:
    where = Location(path.name)
    try:
        text = _decode(path.read_bytes())
    except UnicodeDecodeError:
        return Problem(where, "the file is neither UTF-8 nor GB18030 text")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header = [cell.strip() for cell in lines[0]] if lines else []
    return Table(kind, where, header, _csv_rows(lines))


def _sheet_rows(rows: Iterator[tuple[object, ...]]) -> TableRows:
    for number, values in enumerate(rows, start=2):
        texts = [cell_text(value) for value in values]
        if not _is_blank(texts):
            yield number, texts


def _read_workbook(path: Path) -> LedgerSource:
    """Every sheet of the workbook in the workbook's order; unknown sheet names are problems."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        return LedgerSource([], [Problem(Location(path.name), f"not a readable workbook: {exc}")])
    tables: list[tuple[int, Table]] = []
    problems: list[Problem] = []
    for sheet in workbook.worksheets:
        where = Location(path.name, sheet.title)
        kind = kind_of_sheet(sheet.title)
        if kind is None:
            problems.append(Problem(where, f"unknown sheet {sheet.title!r}; {_known_names()}"))
            continue
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        header = [cell_text(value) for value in first] if first is not None else []
        table = Table(kind, where, header, _sheet_rows(rows))
        tables.append((part_number(sheet.title), table))
    return LedgerSource(_in_reading_order(tables), problems, [workbook.close])


UNREAD_SHEET = ("unknown sheet ", "unknown file ")
"""How the problems of a sheet or file left unread for its name begin (the checks across
rows count the references such a sheet would have defined instead of listing each)."""


def _known_names() -> str:
    names = ", ".join(f"{kind.value} ({kind.chinese})" for kind in Kind)
    return f"expected one of {names}"


def _in_reading_order(tables: list[tuple[int, Table]]) -> list[Table]:
    """Kinds in dependency order, the parts of a split kind by part number."""
    order = list(Kind)
    ranked = sorted(tables, key=lambda item: (order.index(item[1].kind), item[0]))
    return [table for _, table in ranked]


def _read_folder(folder: Path) -> LedgerSource:
    tables: list[tuple[int, Table]] = []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):
            continue
        where = Location(path.name)
        if path.suffix.lower() != ".csv":
            problems.append(Problem(where, "unknown file: a ledger folder holds only .csv files"))
            continue
        kind = kind_of_sheet(path.stem)
        if kind is None:
            problems.append(Problem(where, f"unknown file {path.name!r}; {_known_names()}"))
            continue
        table = _read_csv(path, kind)
        if isinstance(table, Problem):
            problems.append(table)
        else:
            tables.append((part_number(path.stem), table))
    return LedgerSource(_in_reading_order(tables), problems)


def open_ledger(path: Path) -> LedgerSource:
    """The tables of the ledger at `path`: a folder of CSV files, a .csv file or a .xlsx file."""
    if path.is_dir():
        source = _read_folder(path)
    elif path.suffix.lower() == ".xlsx":
        source = _read_workbook(path)
    elif path.suffix.lower() == ".csv":
        kind = kind_of_sheet(path.stem)
        if kind is None:
            problem = Problem(Location(path.name), f"unknown file {path.name!r}; {_known_names()}")
            return LedgerSource([], [problem])
        table = _read_csv(path, kind)
        if isinstance(table, Problem):
            return LedgerSource([], [table])
        source = LedgerSource([table], [])
    else:
        problem = Problem(
            Location(path.name), "a ledger is a folder of .csv files or an .xlsx file"
        )
        return LedgerSource([], [problem])
    if not source.tables and not source.problems:
        source.problems.append(Problem(Location(path.name), f"no ledger sheets; {_known_names()}"))
    return source
