"""From raw tables to domain values, with a problem for every bad header, cell and row.

Each row is checked on its own here (ids well formed, required cells filled, dates, modes,
points); checks that need other rows or the store (unknown parent, duplicate id, wrong level)
belong to `orggraph.importer.validate`. Nothing stops at the first problem: an organiser fixes
a ledger in one pass only if they see everything that is wrong with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from orggraph.domain.cadres import CoverRecord, EndReason
from orggraph.domain.entities import (
    Assignment,
    Household,
    Member,
    Mode,
    PointsEntry,
    Unit,
    WorkUnit,
    check_id,
    check_name,
)
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.levels import Level
from orggraph.domain.service import (
    AssigneeKind,
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
)
from orggraph.domain.supply import OfferKind, OfferState, ServiceOffer
from orggraph.ledger.columns import IGNORED_COLUMNS, Column, Kind, column_lookup, normalise_header
from orggraph.ledger.model import (
    Location,
    OfferRow,
    ParsedLedger,
    Problem,
    RequestRow,
    Row,
    StepRow,
)
from orggraph.ledger.tables import LedgerSource, Table
from orggraph.ledger.values import (
    LEDGER_ZONE,
    parse_action,
    parse_date,
    parse_datetime,
    parse_end_reason,
    parse_flag,
    parse_level,
    parse_mode,
    parse_offer_kind,
    parse_offer_state,
    parse_points,
    parse_service_kind,
    parse_state,
)

T = TypeVar("T")


class _Header:
    """Which cell of a row holds which column, and how the file spells each header."""

    def __init__(self, table: Table, problems: list[Problem]) -> None:
        self.index: dict[str, int] = {}
        self.spelling: dict[str, str] = {}
        lookup = column_lookup(table.kind)
        header_row = Location(table.where.file, table.where.sheet, 1)
        last_named = max((i for i, text in enumerate(table.header) if text), default=-1)
        for position, text in enumerate(table.header):
            if not text:
                if position < last_named:
                    problems.append(
                        Problem(header_row, f"column {position + 1} has no header; name it")
                    )
                continue
            column = lookup.get(normalise_header(text))
            if column is None:
                if normalise_header(text) not in IGNORED_COLUMNS:
                    problems.append(Problem(header_row.at(text), _unknown_column(table.kind, text)))
            elif column.name in self.index:
                problems.append(
                    Problem(header_row.at(text), f"column {column.name} appears more than once")
                )
            else:
                self.index[column.name] = position
                self.spelling[column.name] = text
        self.complete = True
        for column in table.kind.columns:
            if column.required and column.name not in self.index:
                problems.append(
                    Problem(
                        header_row.at(column.name),
                        f"missing required column {column.name} ({column.chinese})",
                    )
                )
                self.complete = False


def _unknown_column(kind: Kind, text: str) -> str:
    names = ", ".join(f"{column.name} ({column.chinese})" for column in kind.columns)
    return f"unknown column {text!r} in {kind.value}; expected {names}"


class _Cells:
    """One data row: typed accessors that record a problem instead of raising.

    Ids and names are checked by the domain values themselves, so the first pass over a row
    (`strict=False`) leaves them to the constructor; only a row the constructor rejects is
    read again strictly, to say which cell is wrong. That halves the cost of a big import.
    """

    def __init__(
        self,
        header: _Header,
        where: Location,
        texts: list[str],
        problems: list[Problem],
        strict: bool,
    ) -> None:
        self._header = header
        self._where = where
        self._texts = texts
        self._problems = problems
        self._strict = strict
        self.ok = True

    def _fail(self, column: Column, message: str) -> None:
        self._problems.append(
            Problem(self._where.at(self._header.spelling.get(column.name, column.name)), message)
        )
        self.ok = False

    def text(self, column: Column) -> str:
        position = self._header.index.get(column.name, len(self._texts))
        text = self._texts[position] if position < len(self._texts) else ""
        if not text and not column.blank_ok:
            self._fail(column, f"{column.name} is empty; every row needs one")
        return text

    def checked(self, column: Column, parse: Callable[[str], T], default: T) -> T:
        """The cell parsed, or `default` (with a problem recorded) when it does not parse."""
        text = self.text(column)
        if not text:
            return default
        try:
            return parse(text)
        except (ValueError, InvalidValueError) as exc:
            self._fail(column, str(exc))
            return default

    def id(self, column: Column, what: str) -> str:
        if not self._strict:
            return self.text(column)
        return self.checked(column, lambda text: check_id(text, what), "")

    def optional_id(self, column: Column, what: str) -> str | None:
        if not self._strict:
            return self.text(column) or None
        return self.checked(column, lambda text: check_id(text, what), None)

    def refused(self, column: Column, error: InvalidValueError) -> None:
        """A domain value refused the row: the problem goes on the column it is about."""
        self._fail(column, error.message)

    def name(self, column: Column, owner_id: str) -> str:
        if not self._strict:
            return self.text(column)
        return self.checked(column, lambda text: check_name(text, owner_id or "this row"), "")


def _columns(kind: Kind) -> dict[str, Column]:
    return {column.name: column for column in kind.columns}


_U = _columns(Kind.UNITS)
_H = _columns(Kind.HOUSEHOLDS)
_W = _columns(Kind.WORK_UNITS)
_M = _columns(Kind.MEMBERS)
_A = _columns(Kind.ASSIGNMENTS)
_P = _columns(Kind.POINTS)
_O = _columns(Kind.OFFERS)
_R = _columns(Kind.SERVICE_REQUESTS)
_S = _columns(Kind.SERVICE_STEPS)
_NO_DAY = date(1, 1, 1)
_NO_TIME = datetime(2000, 1, 1, tzinfo=LEDGER_ZONE)


def _unit(cells: _Cells) -> Unit | None:
    unit_id = cells.id(_U["id"], "id")
    name = cells.name(_U["name"], unit_id)
    level = cells.checked(_U["level"], parse_level, Level.STREET)
    parent_id = cells.optional_id(_U["parent_id"], "parent id")
    return Unit(unit_id, name, level, parent_id) if cells.ok else None


def _household(cells: _Cells) -> Household | None:
    household_id = cells.id(_H["id"], "id")
    name = cells.name(_H["name"], household_id)
    parent_id = cells.id(_H["parent_id"], "parent id")
    address = cells.text(_H["address"])
    phone = cells.text(_H["phone"])
    central = cells.checked(_H["central"], parse_flag, False)
    if not cells.ok:
        return None
    return Household(household_id, name, parent_id, address, phone, central)


def _work_unit(cells: _Cells) -> WorkUnit | None:
    work_unit_id = cells.id(_W["id"], "id")
    name = cells.name(_W["name"], work_unit_id)
    return WorkUnit(work_unit_id, name) if cells.ok else None


def _member(cells: _Cells) -> Member | None:
    member_id = cells.id(_M["id"], "id")
    name = cells.name(_M["name"], member_id)
    phone = cells.text(_M["phone"])
    work_unit_id = cells.optional_id(_M["work_unit_id"], "work unit id")
    community_id = cells.optional_id(_M["community_id"], "community id")
    return Member(member_id, name, phone, work_unit_id, community_id) if cells.ok else None


def _assignment(cells: _Cells) -> Assignment | CoverRecord | None:
    """A current cover, or an ended one (the history) when the row has an end date; an
    ended cover's reason defaults to a transfer when it names a successor, else unassigned."""
    member_id = cells.id(_A["member_id"], "member id")
    household_id = cells.id(_A["household_id"], "household id")
    mode = cells.checked(_A["mode"], parse_mode, Mode.UNIT)
    since = cells.checked(_A["since"], parse_date, _NO_DAY)
    ended = cells.checked(_A["ended"], parse_date, None)
    reason = cells.checked(_A["end_reason"], parse_end_reason, None)
    to_member_id = cells.optional_id(_A["transferred_to"], "member id")
    if not cells.ok:
        return None
    if ended is None:
        if reason is not None or to_member_id is not None:
            raise InvalidValueError("an end reason or successor needs an end date (ended)")
        return Assignment(member_id, household_id, mode, since)
    if reason is None:
        reason = EndReason.TRANSFERRED if to_member_id else EndReason.UNASSIGNED
    return CoverRecord(member_id, household_id, mode, since, ended, reason, to_member_id)


def _in_points_range(text: str) -> int:
    points = parse_points(text)
    if not -1000 <= points <= 1000:
        raise ValueError(f"{points} points is outside -1000..1000")
    return points


def _points(cells: _Cells) -> PointsEntry | None:
    entry_id = cells.id(_P["id"], "id")
    member_id = cells.id(_P["member_id"], "member id")
    day = cells.checked(_P["day"], parse_date, _NO_DAY)
    points = cells.checked(_P["points"], _in_points_range, 0)
    reason = cells.text(_P["reason"])
    return PointsEntry(entry_id, member_id, day, points, reason) if cells.ok else None


def _offer_column(error: InvalidValueError) -> str:
    """The offer column a `ServiceOffer` check is about, by what its message names."""
    message = error.message
    for words, column in (
        ("available until", "available_until"),
        ("withdrawn_by and withdrawn_at", "state"),
        ("withdrawn before", "withdrawn_at"),
        ("withdrawn_reason", "withdrawn_reason"),
        ("schedule", "schedule"),
        ("text", "text"),
        ("offered_by", "offered_by"),
        ("serves", "serves_id"),
    ):
        if words in message:
            return column
    return "id"


def _offer(cells: _Cells) -> OfferRow | None:
    """A supply offer, checked by `ServiceOffer` itself (its offerer's kind settled later)."""
    offer_id = cells.id(_O["id"], "id")
    offered_by = cells.id(_O["offered_by"], "id")
    kind = cells.checked(_O["kind"], parse_offer_kind, OfferKind.SKILL)
    text = cells.text(_O["text"])
    serves_id = cells.optional_id(_O["serves_id"], "id")
    available_from = cells.checked(_O["available_from"], parse_date, None)
    available_until = cells.checked(_O["available_until"], parse_date, None)
    schedule = cells.text(_O["schedule"])
    recorded_by = cells.text(_O["recorded_by"])
    recorded_at = cells.checked(_O["recorded_at"], parse_datetime, _NO_TIME)
    state = cells.checked(_O["state"], parse_offer_state, OfferState.OPEN)
    withdrawn_by = cells.text(_O["withdrawn_by"]) or None
    withdrawn_at = cells.checked(_O["withdrawn_at"], parse_datetime, None)
    withdrawn_reason = cells.text(_O["withdrawn_reason"])
    if not cells.ok:
        return None
    try:
        offer = ServiceOffer(
            offer_id,
            offered_by,
            AssigneeKind.MEMBER,
            kind,
            text,
            recorded_by,
            recorded_at,
            serves_id,
            available_from,
            available_until,
            schedule,
            state,
            withdrawn_by,
            withdrawn_at,
            withdrawn_reason,
        )
    except InvalidValueError as exc:
        if "not a valid id" in exc.message:
            raise  # read again strictly, which names the cell
        cells.refused(_O[_offer_column(exc)], exc)
        return None
    return OfferRow(offer)


def _request(cells: _Cells) -> RequestRow | None:
    """A request as ordered; its id and text are checked by `ServiceRequest` itself."""
    request_id = cells.id(_R["id"], "service request id")
    household_id = cells.id(_R["household_id"], "household id")
    kind = cells.checked(_R["kind"], parse_service_kind, ServiceKind.WISH)
    text = cells.text(_R["text"])
    recorded_by = cells.text(_R["recorded_by"])
    recorded_at = cells.checked(_R["recorded_at"], parse_datetime, _NO_TIME)
    state = cells.checked(_R["state"], parse_state, None)
    if not cells.ok:
        return None
    return RequestRow(
        ServiceRequest(request_id, household_id, kind, text, recorded_by, recorded_at), state
    )


def _step_number(text: str) -> int:
    try:
        seq = parse_points(text)
    except ValueError:
        raise ValueError(f"step {text!r} is not a whole number") from None
    if seq < 2:
        raise ValueError(
            f"step {seq} is not a step number: step 1 is the order (the request row itself), "
            "so the steps after it are numbered from 2"
        )
    return seq


def _award(text: str) -> int:
    points = parse_points(text)
    if not 0 <= points <= 1000:
        raise ValueError(f"{points} points is outside 0..1000")
    return points


def _step(cells: _Cells) -> StepRow | None:
    """One step after the order, as the command that made it (replayed by the importer)."""
    request_id = cells.id(_S["request_id"], "service request id")
    seq = cells.checked(_S["seq"], _step_number, 0)
    action = cells.checked(_S["action"], parse_action, ServiceAction.DISPATCH)
    at = cells.checked(_S["at"], parse_datetime, _NO_TIME)
    by = cells.text(_S["by"])
    reason = cells.text(_S["reason"])
    unit_id = cells.optional_id(_S["unit_id"], "unit id")
    assignee_id = cells.optional_id(_S["assignee_id"], "assignee id")
    member_id = cells.optional_id(_S["member_id"], "member id")
    offer_id = cells.optional_id(_S["offer_id"], "offer id")
    points = cells.checked(_S["points"], _award, 0)
    state = cells.checked(_S["state"], parse_state, None)
    if not cells.ok:
        return None
    for value, what in (
        (request_id, "service request id"),
        (unit_id, "unit id"),
        (assignee_id, "assignee id"),
        (member_id, "member id"),
        (offer_id, "offer id"),
    ):
        if value is not None:
            check_id(value, what)
    command = ServiceCommand(
        request_id, action, by, at, reason, unit_id, assignee_id, member_id, points, offer_id
    )
    return StepRow(seq, command, state)


_BUILDERS: dict[Kind, Callable[[_Cells], Any]] = {
    Kind.UNITS: _unit,
    Kind.HOUSEHOLDS: _household,
    Kind.WORK_UNITS: _work_unit,
    Kind.MEMBERS: _member,
    Kind.ASSIGNMENTS: _assignment,
    Kind.POINTS: _points,
    Kind.OFFERS: _offer,
    Kind.SERVICE_REQUESTS: _request,
    Kind.SERVICE_STEPS: _step,
}


def _target(parsed: ParsedLedger, kind: Kind) -> list[Row[Any]]:
    targets: dict[Kind, list[Row[Any]]] = {
        Kind.UNITS: parsed.units,
        Kind.HOUSEHOLDS: parsed.households,
        Kind.WORK_UNITS: parsed.work_units,
        Kind.MEMBERS: parsed.members,
        Kind.ASSIGNMENTS: parsed.assignments,
        Kind.POINTS: parsed.points,
        Kind.OFFERS: parsed.offers,
        Kind.SERVICE_REQUESTS: parsed.requests,
        Kind.SERVICE_STEPS: parsed.steps,
    }
    return targets[kind]


def _parse_table(table: Table, parsed: ParsedLedger) -> None:
    header = _Header(table, parsed.problems)
    parsed.headers[(table.where.file, table.where.sheet)] = header.spelling
    id_position = header.index.get("id")
    if not header.complete:
        if id_position is not None:
            parsed.broken_ids.update(
                texts[id_position] for _, texts in table.rows if id_position < len(texts)
            )
        return
    build = _BUILDERS[table.kind]
    rows = _target(parsed, table.kind)
    width = len(table.header)
    for number, texts in table.rows:
        where = Location(table.where.file, table.where.sheet, number)
        if any(texts[width:]):
            parsed.problems.append(
                Problem(where, f"row has a value beyond the {width} columns of the header")
            )
        cells = _Cells(header, where, texts, parsed.problems, strict=False)
        try:
            value = build(cells)
        except InvalidValueError as exc:
            found = len(parsed.problems)
            with contextlib.suppress(InvalidValueError):
                build(_Cells(header, where, texts, parsed.problems, strict=True))
            if len(parsed.problems) == found:
                parsed.problems.append(Problem(where, exc.message))
            value = None
        if isinstance(value, CoverRecord):
            parsed.history.append(Row(value, where))
        elif value is not None:
            rows.append(Row(value, where))
        elif id_position is not None and id_position < len(texts) and texts[id_position]:
            parsed.broken_ids.add(texts[id_position])


def parse_ledger(source: LedgerSource) -> ParsedLedger:
    """Every row of every table as a domain value, or a problem saying what is wrong and where."""
    parsed = ParsedLedger(problems=list(source.problems))
    try:
        for table in source.tables:
            _parse_table(table, parsed)
    finally:
        source.close()
    return parsed
