"""Checks across rows and against the store: the second half of "validate everything first".

`orggraph.ledger.parse` checked each row alone. Here every reference is resolved, against
the ledger first and the store second: a parent, a work unit, a community, the cadre and the
household of an assignment. Ids are unique across every kind, in the ledger and between the
ledger and the store. Each problem names the file, sheet, row and column to fix.

One thing cannot be checked here: a points entry id that the store already uses for a node
of another kind (the protocol reads nodes by id, not points entries). The store refuses such
a batch at write time, and the import reports it then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from orggraph.domain.cadres import EndReason
from orggraph.domain.entities import Node
from orggraph.domain.kinds import (
    A_HOUSEHOLD,
    A_MEMBER,
    A_POINTS_ENTRY,
    A_UNIT_AT,
    A_WORK_UNIT,
    What,
    what_of,
)
from orggraph.domain.levels import Level
from orggraph.domain.rules import ParentFault, ReferenceFault, parent_fault, reference_fault
from orggraph.importer.in_flight import DEFAULT_JOBS, each_in_flight
from orggraph.ledger.columns import Kind
from orggraph.ledger.model import Location, ParsedLedger, Problem
from orggraph.ledger.tables import UNREAD_SHEET as _UNREAD_SHEET
from orggraph.store.protocols import GraphReader


def _a(what: What | str) -> str:
    text = str(what)
    return f"an {text}" if text[0] in "aeiou" else f"a {text}"


async def fetch_nodes(
    store: GraphReader, ids: Iterable[str], batch: int, jobs: int = DEFAULT_JOBS
) -> dict[str, Node]:
    """The stored nodes among `ids`, read `batch` ids per round trip, `jobs` trips at once."""
    wanted = sorted(set(ids))
    chunks = [wanted[start : start + batch] for start in range(0, len(wanted), batch)]
    found: dict[str, Node] = {}

    def keep(chunk: list[str], nodes: list[Node | None]) -> None:
        found.update((node_id, node) for node_id, node in zip(chunk, nodes, strict=True) if node)

    await each_in_flight(chunks, store.get_nodes, jobs, keep)
    return found


_KIND_OF = {A_HOUSEHOLD: Kind.HOUSEHOLDS, A_MEMBER: Kind.MEMBERS, A_WORK_UNIT: Kind.WORK_UNITS}
_ROWS_OF = {
    Kind.UNITS: "units",
    Kind.HOUSEHOLDS: "households",
    Kind.WORK_UNITS: "work_units",
    Kind.MEMBERS: "members",
}


def _sheet_kind(wanted: What) -> Kind:
    """The ledger sheet that defines things of `wanted` (units for every unit level)."""
    return _KIND_OF.get(wanted, Kind.UNITS)


class _Checker:
    def __init__(self, parsed: ParsedLedger, stored: dict[str, Node]) -> None:
        self.parsed = parsed
        self.stored = stored
        self.problems: list[Problem] = []
        self.defined: dict[str, tuple[What, Location]] = {}
        self.misnamed = next(
            (p.where for p in parsed.problems if p.message.startswith(_UNREAD_SHEET)), None
        )
        """Where the ledger has a sheet (or file) of no known name, if it has one."""
        self.unlisted: dict[Kind, int] = {}
        """References not reported one by one: their sheet is missing, likely misnamed."""

    def _follows_a_missing_sheet(self, wanted: What) -> bool:
        """An unknown reference whose whole sheet is missing while another sheet has an
        unknown name: counted, and said once (`missing_sheet_problems`), not row by row."""
        kind = _sheet_kind(wanted)
        if self.misnamed is None or getattr(self.parsed, _ROWS_OF[kind]):
            return False
        self.unlisted[kind] = self.unlisted.get(kind, 0) + 1
        return True

    def missing_sheet_problems(self) -> list[Problem]:
        if self.misnamed is None:
            return []
        return [
            Problem(
                self.misnamed,
                f"the ledger has no {kind.value} sheet ({kind.chinese}), so {count:,} "
                f"reference(s) to {kind.value} are unknown: is it the sheet named above? "
                f"Name it {kind.value} or {kind.chinese} (the references are not listed one "
                "by one)",
            )
            for kind, count in self.unlisted.items()
        ]

    def problem(self, where: Location, column: str, message: str) -> None:
        self.problems.append(Problem(self.parsed.cell(where, column), message))

    def define(self, where: Location, node_id: str, known: What) -> None:
        """Register an id the ledger defines: no duplicates, no clash with the store."""
        earlier = self.defined.get(node_id)
        if earlier is not None:
            first_known, first_place = earlier
            self.problem(
                where, "id", f"duplicate id {node_id}: already {_a(first_known)} at {first_place}"
            )
            return
        self.defined[node_id] = (known, where)
        node = self.stored.get(node_id)
        if node is not None and what_of(node) != known:
            self.problem(
                where,
                "id",
                f"duplicate id {node_id}: the store already has it as {_a(what_of(node))}, not "
                f"{_a(known)} (ids are unique across every kind)",
            )

    def known(self, node_id: str) -> What | None:
        """What `node_id` will name after the import: the ledger's word first, then the store's."""
        defined = self.defined.get(node_id)
        if defined is not None:
            return defined[0]
        node = self.stored.get(node_id)
        return what_of(node) if node is not None else None

    def expect(self, where: Location, column: str, node_id: str, wanted: What) -> None:
        """A reference must name something of the wanted kind, in the ledger or the store."""
        if node_id in self.parsed.broken_ids:
            return
        found = self.known(node_id)
        fault = reference_fault(found, wanted)
        if fault is ReferenceFault.UNKNOWN and self._follows_a_missing_sheet(wanted):
            return
        if fault is ReferenceFault.UNKNOWN:
            self.problem(
                where, column, f"unknown {wanted} {node_id}: not in the ledger nor in the store"
            )
        elif fault is ReferenceFault.WRONG_KIND:
            self.problem(where, column, f"{node_id} is {_a(str(found))}, not {_a(wanted)}")

    def define_all(self) -> None:
        parsed = self.parsed
        for unit_row in parsed.units:
            self.define(unit_row.where, unit_row.value.id, A_UNIT_AT[unit_row.value.level])
        for household_row in parsed.households:
            self.define(household_row.where, household_row.value.id, A_HOUSEHOLD)
        for work_unit_row in parsed.work_units:
            self.define(work_unit_row.where, work_unit_row.value.id, A_WORK_UNIT)
        for member_row in parsed.members:
            self.define(member_row.where, member_row.value.id, A_MEMBER)
        for points_row in parsed.points:
            self.define(points_row.where, points_row.value.id, A_POINTS_ENTRY)

    def check_units(self) -> None:
        for row in self.parsed.units:
            unit = row.value
            self.parent(row.where, unit.id, unit.level, unit.parent_id)

    def parent(self, where: Location, child_id: str, level: Level, parent_id: str | None) -> None:
        found = self.known(parent_id) if parent_id is not None else None
        fault = parent_fault(level, parent_id, found)
        wanted = level.parent_level
        broken = parent_id in self.parsed.broken_ids  # its own row is reported already
        if broken and fault in (ParentFault.UNKNOWN_PARENT, ParentFault.WRONG_LEVEL):
            return
        if fault is ParentFault.TAKES_NO_PARENT:
            self.problem(
                where,
                "parent_id",
                f"{child_id} is a {level.english} and has no parent; leave parent_id empty",
            )
        elif fault is ParentFault.NEEDS_PARENT and wanted is not None:
            self.problem(
                where,
                "parent_id",
                f"{child_id} is a {level.english}: it needs the id of its "
                f"{wanted.english} ({wanted.chinese})",
            )
        elif fault is ParentFault.UNKNOWN_PARENT and self._follows_a_missing_sheet(
            A_UNIT_AT[wanted or Level.STREET]
        ):
            return
        elif fault is ParentFault.UNKNOWN_PARENT:
            self.problem(
                where,
                "parent_id",
                f"unknown parent {parent_id}: not in the ledger nor in the store",
            )
        elif fault is ParentFault.WRONG_LEVEL and wanted is not None:
            self.problem(
                where,
                "parent_id",
                f"{child_id} ({level.english}) cannot hang under {parent_id} ({found}); "
                f"its parent must be {_a(wanted.english)} ({wanted.chinese})",
            )

    def check_rest(self) -> None:
        parsed = self.parsed
        for household_row in parsed.households:
            household = household_row.value
            self.parent(household_row.where, household.id, Level.HOUSEHOLD, household.parent_id)
        for member_row in parsed.members:
            member = member_row.value
            if member.work_unit_id is not None:
                self.expect(member_row.where, "work_unit_id", member.work_unit_id, A_WORK_UNIT)
            if member.community_id is not None:
                community = A_UNIT_AT[Level.COMMUNITY]
                self.expect(member_row.where, "community_id", member.community_id, community)
        pairs: dict[tuple[str, str], Location] = {}
        for assignment_row in parsed.assignments:
            assignment = assignment_row.value
            self.expect(assignment_row.where, "member_id", assignment.member_id, A_MEMBER)
            self.expect(assignment_row.where, "household_id", assignment.household_id, A_HOUSEHOLD)
            pair = (assignment.member_id, assignment.household_id)
            if pair in pairs:
                self.problem(
                    assignment_row.where,
                    "household_id",
                    f"duplicate assignment: {pair[0]} already covers {pair[1]} at {pairs[pair]}",
                )
            else:
                pairs[pair] = assignment_row.where
        for points_row in parsed.points:
            self.expect(points_row.where, "member_id", points_row.value.member_id, A_MEMBER)
        self.check_history()

    def check_history(self) -> None:
        """Ended covers name a cadre, a household (unless it ended because the household was
        removed, when it may be gone) and their successor; each appears once."""
        seen: dict[tuple[object, ...], Location] = {}
        for row in self.parsed.history:
            record = row.value
            self.expect(row.where, "member_id", record.member_id, A_MEMBER)
            removed = record.reason is EndReason.HOUSEHOLD_REMOVED
            if not removed or self.known(record.household_id) is not None:
                self.expect(row.where, "household_id", record.household_id, A_HOUSEHOLD)
            if record.to_member_id is not None:
                self.expect(row.where, "transferred_to", record.to_member_id, A_MEMBER)
            if record.key in seen:
                self.problem(
                    row.where,
                    "ended",
                    f"duplicate ended cover: {record.member_id} covering {record.household_id} "
                    f"from {record.since} to {record.ended} is already at {seen[record.key]}",
                )
            else:
                seen[record.key] = row.where


def referenced_ids(parsed: ParsedLedger) -> list[str]:
    """Every id the ledger defines or points at: what must be looked up in the store."""
    ids: list[str] = []
    for unit_row in parsed.units:
        ids.append(unit_row.value.id)
        if unit_row.value.parent_id is not None:
            ids.append(unit_row.value.parent_id)
    for household_row in parsed.households:
        ids += (household_row.value.id, household_row.value.parent_id)
    ids += (row.value.id for row in parsed.work_units)
    for member_row in parsed.members:
        member = member_row.value
        ids += (i for i in (member.id, member.work_unit_id, member.community_id) if i is not None)
    for assignment_row in parsed.assignments:
        ids += (assignment_row.value.member_id, assignment_row.value.household_id)
    ids += (row.value.member_id for row in parsed.points)
    for history_row in parsed.history:
        record = history_row.value
        ids += (record.member_id, record.household_id)
        if record.to_member_id is not None:
            ids.append(record.to_member_id)
    for offer_row in parsed.offers:
        offer = offer_row.value.offer
        ids += (i for i in (offer.offered_by, offer.serves_id) if i is not None)
    ids += (row.value.request.household_id for row in parsed.requests)
    for step_row in parsed.steps:
        command = step_row.value.command
        ids += (i for i in (command.unit_id, command.assignee_id, command.member_id) if i)
    return ids


def check_references(parsed: ParsedLedger, stored: dict[str, Node]) -> list[Problem]:
    """Every cross-row and ledger-versus-store problem, given the stored nodes the ledger names."""
    checker = _Checker(parsed, stored)
    checker.define_all()
    checker.check_units()
    checker.check_rest()
    return checker.problems + checker.missing_sheet_problems()


def sorted_problems(parsed: ParsedLedger, problems: Sequence[Problem]) -> list[Problem]:
    """Problems in the order an organiser walks the ledger: sheet by sheet, row by row.

    Sheets go in reading order (units first, points last); problems with no sheet of a known
    kind (an unknown file, say) come first.
    """
    order = {table: rank for rank, table in enumerate(parsed.headers)}

    def key(problem: Problem) -> tuple[int, int, str]:
        where = problem.where
        return (order.get((where.file, where.sheet), -1), where.row or 0, where.column or "")

    return sorted(problems, key=key)
