"""A ledger in memory: the rows of each kind, where each came from, and what is wrong with them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from orggraph.domain.cadres import CoverRecord
from orggraph.domain.entities import Assignment, Household, Member, PointsEntry, Unit, WorkUnit
from orggraph.domain.levels import UNIT_LEVELS
from orggraph.domain.service import AssigneeKind, ServiceCommand, ServiceRequest, ServiceState
from orggraph.domain.service_history import ServiceHistory
from orggraph.domain.supply import ServiceOffer


@dataclass(frozen=True)
class Location:
    """Where a value sits, as an organiser finds it in their spreadsheet.

    `row` is the spreadsheet row number (the header is row 1, so the first data row is 2);
    `column` is the header as written in the file. `sheet` is None for a CSV file.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def at(self, column: str) -> Location:
        return Location(self.file, self.sheet, self.row, column)

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a ledger; the import reports every one before writing anything."""

    where: Location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Row(Generic[T]):
    """A parsed row and where it was read, so cross-row checks can point back at it."""

    value: T
    where: Location


@dataclass(frozen=True, slots=True)
class OfferRow:
    """A supply offer row, checked by `ServiceOffer` itself. A row names its offerer by id
    alone, so `offer.offered_by_kind` is what the reader could tell (MEMBER unless the same
    ledger lists `offered_by` as a work unit); the importer settles it from the ledger and the
    store (`settled`)."""

    offer: ServiceOffer

    def settled(self, kind: AssigneeKind) -> ServiceOffer:
        """The offer as offered by a cadre (MEMBER) or a work unit (WORK_UNIT)."""
        offer = self.offer
        return offer if offer.offered_by_kind is kind else replace(offer, offered_by_kind=kind)


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A service request row: the request as ordered, and the state the row says it is in."""

    request: ServiceRequest
    state: ServiceState | None


@dataclass(frozen=True, slots=True)
class StepRow:
    """A service step row: its number, what was done (as a command to replay), and the state
    the row says the request reached (checked against the replay when given)."""

    seq: int
    command: ServiceCommand
    state: ServiceState | None


@dataclass
class Ledger:
    """The rows of a ledger by kind, as domain values."""

    units: list[Unit] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    work_units: list[WorkUnit] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    points: list[PointsEntry] = field(default_factory=list)
    history: list[CoverRecord] = field(default_factory=list)
    """Ended covers: assignment rows with an end date."""
    service: list[ServiceHistory] = field(default_factory=list)
    """Service requests with their timelines (the request and step sheets, replayed)."""
    offers: list[ServiceOffer] = field(default_factory=list)
    """The supply list (供给清单): what cadres and work units offer."""

    def canonical(self) -> Ledger:
        """The same rows in the one order the writer uses, so equal ledgers give equal files.

        Units go streets first, then level by level, so a parent always precedes its children;
        everything else goes by id (assignments by cadre, then household; ended covers by
        cadre, household, start and end).
        """
        return Ledger(
            units=sorted(self.units, key=lambda unit: (unit.level.value, unit.id)),
            households=sorted(self.households, key=lambda household: household.id),
            work_units=sorted(self.work_units, key=lambda work_unit: work_unit.id),
            members=sorted(self.members, key=lambda member: member.id),
            assignments=sorted(self.assignments, key=lambda a: (a.member_id, a.household_id)),
            points=sorted(self.points, key=lambda entry: entry.id),
            history=sorted(self.history, key=lambda r: r.key),
            service=sorted(self.service, key=lambda h: h.id),
            offers=sorted(self.offers, key=lambda offer: offer.id),
        )

    def figures(self) -> dict[str, Any]:
        """The document's figures as this ledger holds them (no store needed).

        Keys match `orggraph stats --json`, so a generated city can be checked against the
        profile before import and against the store after.
        """
        per_level = Counter(unit.level for unit in self.units)
        covered = {assignment.household_id for assignment in self.assignments}
        covering = {assignment.member_id for assignment in self.assignments}
        return {
            "units": {level.name.lower(): per_level[level] for level in UNIT_LEVELS},
            "households": len(self.households),
            "central_households": sum(1 for h in self.households if h.central),
            "covered_households": len(covered),
            "members": len(self.members),
            "covering_members": len(covering),
            "assignments": len(self.assignments),
            "work_units": len(self.work_units),
            "points_entries": len(self.points),
        }

    def row_count(self) -> int:
        return (
            len(self.units)
            + len(self.households)
            + len(self.work_units)
            + len(self.members)
            + len(self.assignments)
            + len(self.points)
            + len(self.history)
            + len(self.service)
            + len(self.offers)
        )


@dataclass
class ParsedLedger:
    """What the reader made of a ledger: the rows that parsed, with places, and the problems."""

    units: list[Row[Unit]] = field(default_factory=list)
    households: list[Row[Household]] = field(default_factory=list)
    work_units: list[Row[WorkUnit]] = field(default_factory=list)
    members: list[Row[Member]] = field(default_factory=list)
    assignments: list[Row[Assignment]] = field(default_factory=list)
    points: list[Row[PointsEntry]] = field(default_factory=list)
    history: list[Row[CoverRecord]] = field(default_factory=list)
    offers: list[Row[OfferRow]] = field(default_factory=list)
    requests: list[Row[RequestRow]] = field(default_factory=list)
    steps: list[Row[StepRow]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broken_ids: set[str] = field(default_factory=set)
    """Ids of rows that failed to parse: references to them are not reported a second time."""
    headers: dict[tuple[str, str | None], dict[str, str]] = field(default_factory=dict)
    """Per (file, sheet): each column's header as the file spells it (`parent_id` -> `上级编号`)."""

    def cell(self, where: Location, column: str) -> Location:
        """The place of `column` in the row at `where`, named as the file names it."""
        spelling = self.headers.get((where.file, where.sheet), {}).get(column, column)
        return where.at(spelling)

    def ledger(
        self,
        service: list[ServiceHistory] | None = None,
        offers: list[ServiceOffer] | None = None,
    ) -> Ledger:
        """The parsed values without their places (what the import writes), with the service
        histories the importer replayed from the request and step rows and the offers it
        settled (by default the offer rows, a work unit's as this ledger lists it)."""
        if offers is None:
            work_units = {row.value.id for row in self.work_units}
            offers = [
                row.value.settled(
                    AssigneeKind.WORK_UNIT
                    if row.value.offer.offered_by in work_units
                    else AssigneeKind.MEMBER
                )
                for row in self.offers
            ]
        return Ledger(
            units=[row.value for row in self.units],
            households=[row.value for row in self.households],
            work_units=[row.value for row in self.work_units],
            members=[row.value for row in self.members],
            assignments=[row.value for row in self.assignments],
            points=[row.value for row in self.points],
            history=[row.value for row in self.history],
            service=list(service or []),
            offers=list(offers),
        )
