"""Writing a ledger: a folder of CSV files or one XLSX workbook, byte-for-byte reproducible.

The same ledger always gives the same bytes: rows go in `Ledger.canonical` order, values are
spelt one way per language, CSV lines end in `\\n`, and the workbook's zip entries and document
properties carry a fixed timestamp instead of the time of writing. That is what lets the seed
generator promise identical output for the same seed, and the export round trip be checked
by comparing files.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from orggraph.ledger.columns import HISTORY_COLUMNS, Column, Kind
from orggraph.ledger.model import Ledger
from orggraph.ledger.values import (
    format_action,
    format_date,
    format_datetime,
    format_end_reason,
    format_flag,
    format_level,
    format_mode,
    format_offer_kind,
    format_offer_state,
    format_service_kind,
    format_state,
)

LANGUAGES = ("en", "zh")
MAX_SHEET_ROWS = 1_000_000
"""Data rows per sheet; Excel stops at 1,048,576 rows, so bigger kinds split into parts."""

_FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

Cells = list[str]


def _rows(ledger: Ledger, kind: Kind, language: str) -> Iterator[Cells]:
    """The cells of each row of one kind, in column order (see `orggraph.ledger.columns`)."""
    if kind is Kind.UNITS:
        for unit in ledger.units:
            level = format_level(unit.level, language)
            yield [unit.id, unit.name, level, unit.parent_id or ""]
    elif kind is Kind.HOUSEHOLDS:
        for h in ledger.households:
            central = format_flag(h.central, language)
            yield [h.id, h.name, h.parent_id, h.address, h.phone, central]
    elif kind is Kind.WORK_UNITS:
        for work_unit in ledger.work_units:
            yield [work_unit.id, work_unit.name]
    elif kind is Kind.MEMBERS:
        for m in ledger.members:
            yield [m.id, m.name, m.phone, m.work_unit_id or "", m.community_id or ""]
    elif kind is Kind.ASSIGNMENTS:
        ended = [""] * len(HISTORY_COLUMNS) if ledger.history else []
        for a in ledger.assignments:
            mode = format_mode(a.mode, language)
            yield [a.member_id, a.household_id, mode, format_date(a.since), *ended]
        for r in ledger.history:
            mode = format_mode(r.mode, language)
            reason = format_end_reason(r.reason, language) if r.reason else ""
            end = format_date(r.ended) if r.ended else ""
            cells = [r.member_id, r.household_id, mode, format_date(r.since), end, reason]
            yield [*cells, r.to_member_id or ""]
    elif kind is Kind.POINTS:
        for p in ledger.points:
            yield [p.id, p.member_id, format_date(p.day), str(p.points), p.reason]
    elif kind is Kind.OFFERS:
        yield from _offer_rows(ledger, language)
    elif kind is Kind.SERVICE_REQUESTS:
        for history in ledger.service:
            q = history.request
            at = format_datetime(q.recorded_at, language)
            kind_word = format_service_kind(q.kind, language)
            state = format_state(q.state, language)
            yield [q.id, q.household_id, kind_word, q.text, q.recorded_by, at, state]
    else:
        yield from _step_rows(ledger, language)


def _offer_rows(ledger: Ledger, language: str) -> Iterator[Cells]:
    for o in ledger.offers:
        days = [format_date(d) if d else "" for d in (o.available_from, o.available_until)]
        at = format_datetime(o.recorded_at, language)
        withdrawn = format_datetime(o.withdrawn_at, language) if o.withdrawn_at else ""
        yield [
            o.id,
            o.offered_by,
            format_offer_kind(o.kind, language),
            o.text,
            o.serves_id or "",
            *days,
            o.schedule,
            o.recorded_by,
            at,
            format_offer_state(o.state, language),
            o.withdrawn_by or "",
            withdrawn,
            o.withdrawn_reason,
        ]


def _step_rows(ledger: Ledger, language: str) -> Iterator[Cells]:
    """Every step after each request's order (the order is the request row)."""
    for history in ledger.service:
        for s in history.steps[1:]:
            at = format_datetime(s.at, language)
            action = format_action(s.action, language)
            ids = [s.unit_id or "", s.assignee_id or "", s.offer_id or "", s.member_id or ""]
            points = str(s.points) if s.points else ""
            state = format_state(s.to_state, language)
            yield [s.request_id, str(s.seq), action, at, s.by, s.reason, *ids, points, state]


def _columns(kind: Kind, ledger: Ledger) -> list[Column]:
    """A kind's columns; the history's only when the ledger has ended covers, so a ledger
    without history is written as before it was kept."""
    if ledger.history:
        return list(kind.columns)
    return [column for column in kind.columns if column.name not in HISTORY_COLUMNS]


def _header(kind: Kind, ledger: Ledger, language: str) -> Cells:
    return [column.header(language) for column in _columns(kind, ledger)]


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")


def write_csv(ledger: Ledger, folder: Path, language: str = "en") -> list[Path]:
    """One UTF-8 CSV file per kind (with a BOM, so Excel shows Chinese); returns the paths.

    Every kind gets its file, with just the header when it has no rows, so a ledger always
    shows its full shape. Files are named by kind in `language` (`households.csv`, `住户.csv`).
    """
    _check_language(language)
    folder.mkdir(parents=True, exist_ok=True)
    canonical = ledger.canonical()
    written = []
    for kind in Kind:
        path = folder / f"{kind.sheet_name(language)}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(_header(kind, canonical, language))
            writer.writerows(_rows(canonical, kind, language))
        written.append(path)
    return written


def _sheet_title(kind: Kind, language: str, part: int) -> str:
    name = kind.sheet_name(language)
    return name if part == 1 else f"{name}_{part}"


def write_xlsx(ledger: Ledger, path: Path, language: str = "en") -> Path:
    """One workbook, a sheet per kind (split into `households_2`... past a million rows)."""
    _check_language(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    canonical = ledger.canonical()
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "orggraph"
    workbook.properties.created = _FIXED_TIME
    for kind in Kind:
        part = 1
        sheet = workbook.create_sheet(_sheet_title(kind, language, part))
        sheet.append(_header(kind, canonical, language))
        count = 0
        for cells in _rows(canonical, kind, language):
            if count == MAX_SHEET_ROWS:
                part += 1
                count = 0
                sheet = workbook.create_sheet(_sheet_title(kind, language, part))
                sheet.append(_header(kind, canonical, language))
            sheet.append(cells)
            count += 1
    workbook.save(path)
    _fix_zip_times(path)
    return path


def _fix_zip_times(path: Path) -> None:
    """Rewrite the workbook's zip with fixed entry times and a fixed modified date.

    openpyxl stamps every entry and `docProps/core.xml` with the time of saving; the content
    is otherwise deterministic, so pinning those makes the file reproducible.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _pin_modified(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def _pin_modified(core_xml: bytes) -> bytes:
    text = core_xml.decode("utf-8")
    start = text.find("<dcterms:modified")
    end = text.find("</dcterms:modified>", start)
    if start < 0 or end < 0:
        return core_xml
    close = text.index(">", start) + 1
    return (text[:close] + _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ") + text[end:]).encode()


def write_ledger(ledger: Ledger, out: Path, fmt: str = "csv", language: str = "en") -> list[Path]:
    """Write `ledger` to `out`: a folder for `csv`, a workbook file for `xlsx`."""
    if fmt == "csv":
        return write_csv(ledger, out, language)
    if fmt == "xlsx":
        return [write_xlsx(ledger, out, language)]
    raise ValueError(f"format must be csv or xlsx, got {fmt!r}")
