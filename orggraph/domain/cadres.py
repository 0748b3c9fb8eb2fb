"""The cadre side of the graph: rosters (名册) of a scope's cadres and the history of covers.

Written once for both stores (docs/domain.md#rosters and #assignment-history):

- A scope's roster holds the cadres registered with a community in it or covering a household
  in it (the city's holds every cadre), each saying which, with their load (households covered
  in the scope and in all), their points for a year and where they stand against the policy.
- The band a cadre stands in is judged on their households in all, as the gaps are.
- An ended cover (`CoverRecord` with `ended`) is kept, never erased: unassigning, transferring
  and removing a household end covers; the figures count only current ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from orggraph.domain import rules
from orggraph.domain.entities import Member, Mode, Page, check_id
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.kinds import NodeKind
from orggraph.domain.policy import Policy


class Band(Enum):
    """Where a cadre's households in all stand against the band (人均包联10-15户)."""

    NONE = "none"
    """Covers no household."""
    UNDER = "under"
    WITHIN = "within"
    OVER = "over"


def band_of(households: int, policy: Policy) -> Band:
    """The band of a cadre covering `households` households in all."""
    if households == 0:
        return Band.NONE
    if households < policy.min_households:
        return Band.UNDER
    if households > policy.max_households:
        return Band.OVER
    return Band.WITHIN


@dataclass(frozen=True)
class RosterFilter:
    """Which of a roster's cadres to list; None leaves a criterion out.

    - `covering`: covering at least one household in all (True) or none (False);
    - `band`: standing against the band (households in all);
    - `under_points`: under the yearly points minimum (True) or not (False);
    - `mode`: covering at least one household in this mode;
    - `work_unit_id`: dispatched by this work unit (派出单位).
    """

    covering: bool | None = None
    band: Band | None = None
    under_points: bool | None = None
    mode: Mode | None = None
    work_unit_id: str | None = None

    def __post_init__(self) -> None:
        if self.work_unit_id is not None:
            check_id(self.work_unit_id, "work unit id")

    def keeps(self, standing: CadreStanding, policy: Policy) -> bool:
        """Whether a cadre standing so passes every criterion."""
        if self.covering is not None and (standing.households_total > 0) != self.covering:
            return False
        if self.band is not None and band_of(standing.households_total, policy) is not self.band:
            return False
        under = standing.points < policy.min_yearly_points
        if self.under_points is not None and under != self.under_points:
            return False
        if self.mode is not None and self.mode not in standing.modes:
            return False
        return self.work_unit_id is None or standing.work_unit_id == self.work_unit_id


@dataclass(frozen=True)
class CadreStanding:
    """What a roster knows of one cadre before it is paged: enough to filter and count."""

    member_id: str
    work_unit_id: str | None
    registered_here: bool
    """Registered with a community inside the scope."""
    households_here: int
    """Households covered inside the scope."""
    households_total: int
    """Households covered in all."""
    points: int
    """Points dated in the asked year."""
    modes: frozenset[Mode] = frozenset()
    """The modes of the cadre's current covers (in all)."""


@dataclass(frozen=True)
class RosterEntry:
    """One cadre of a roster (名册): who, which way they belong to the scope, their load and
    points. `cover_communities` are the communities of the households they cover, in all."""

    member: Member
    registered_here: bool
    covering_here: bool
    households_here: int
    households_total: int
    points: int
    meets_minimum: bool
    band: Band
    cover_communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterFigures:
    """A filtered roster's totals: cadres, covering cadres (in the scope), distinct households
    they cover in the scope, and cadres meeting the points minimum."""

    cadres: int = 0
    covering_cadres: int = 0
    households_covered: int = 0
    meeting_minimum: int = 0


@dataclass(frozen=True)
class RosterRequest:
    """One roster read inside a batch: a scope (None: the city), a filter, the policy and year
    the standings are judged by, one page by member id, and whether to total the roster."""

    scope_id: str | None
    policy: Policy
    year: int
    filter: RosterFilter = field(default_factory=RosterFilter)
    first: int = 50
    after: str | None = None
    with_figures: bool = False


@dataclass(frozen=True)
class Roster:
    """A page of a roster, with its totals when asked."""

    page: Page[RosterEntry]
    figures: RosterFigures | None = None


def roster_entry(
    member: Member, standing: CadreStanding, policy: Policy, communities: tuple[str, ...]
) -> RosterEntry:
    """A roster entry from a cadre's standing, judged by `policy`."""
    return RosterEntry(
        member=member,
        registered_here=standing.registered_here,
        covering_here=standing.households_here > 0,
        households_here=standing.households_here,
        households_total=standing.households_total,
        points=standing.points,
        meets_minimum=standing.points >= policy.min_yearly_points,
        band=band_of(standing.households_total, policy),
        cover_communities=communities,
    )


# -- assignment history (台账 kept over time) ---------------------------------------------------


class EndReason(Enum):
    """Why a cover ended."""

    UNASSIGNED = "unassigned"
    TRANSFERRED = "transferred"
    HOUSEHOLD_REMOVED = "household_removed"
    CADRE_REMOVED = "cadre_removed"

    @classmethod
    def parse(cls, value: str) -> EndReason:
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(repr(r.value) for r in cls)
            raise InvalidValueError(f"end reason {value!r} is not one of {choices}") from None


@dataclass(frozen=True)
class CoverRecord:
    """A cover in the history: current while `ended` is None, else ended on that day for
    `reason` (a transfer names the cadre who took over, `to_member_id`)."""

    member_id: str
    household_id: str
    mode: Mode
    since: date
    ended: date | None = None
    reason: EndReason | None = None
    to_member_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.member_id, "member id")
        check_id(self.household_id, "household id")
        if (self.ended is None) != (self.reason is None):
            raise InvalidValueError(
                f"cover of {self.household_id} by {self.member_id}: an end date needs a "
                "reason and a reason an end date",
                [self.member_id, self.household_id],
            )
        if self.ended is not None:
            check_end(self.member_id, self.household_id, self.since, self.ended)
        if self.to_member_id is not None:
            check_id(self.to_member_id, "member id")
            if self.reason is not EndReason.TRANSFERRED:
                raise InvalidValueError(
                    f"cover of {self.household_id} by {self.member_id}: only a transfer "
                    "names who took over",
                    [self.member_id, self.household_id],
                )

    @property
    def key(self) -> tuple[str, str, date, date | None]:
        """What identifies an ended cover: re-importing one with the same key changes it."""
        return (self.member_id, self.household_id, self.since, self.ended)


def check_end(member_id: str, household_id: str, since: date, ended: date) -> None:
    """A cover cannot end before it began (InvalidValueError naming both ids)."""
    if ended < since:
        raise InvalidValueError(
            f"cover of {household_id} by {member_id} began {since.isoformat()} and cannot "
            f"end earlier, on {ended.isoformat()}",
            [member_id, household_id],
        )


def check_ended_cover(record: CoverRecord, lookup: rules.Lookup) -> None:
    """An ended cover from a ledger: it has an end date, names a cadre (and the cadre who took
    over, if any) and a household, which may be gone only if that is why the cover ended."""
    if record.ended is None:
        raise InvalidValueError(
            f"cover of {record.household_id} by {record.member_id} has no end date; "
            "the history keeps ended covers only",
            [record.member_id, record.household_id],
        )
    rules.require(record.member_id, NodeKind.MEMBER, lookup)
    if record.to_member_id is not None:
        rules.require(record.to_member_id, NodeKind.MEMBER, lookup)
    removed = record.reason is EndReason.HOUSEHOLD_REMOVED
    if not removed or lookup.what(record.household_id) is not None:
        rules.require(record.household_id, NodeKind.HOUSEHOLD, lookup)


def history_order(records: list[CoverRecord]) -> list[CoverRecord]:
    """History in the order both stores answer: by start date, then cadre, then household,
    ended covers before a current one that started the same day."""
    return sorted(
        records,
        key=lambda r: (
            r.since,
            r.member_id,
            r.household_id,
            r.ended is None,
            r.ended or r.since,
        ),
    )
