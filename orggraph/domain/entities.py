"""The things orggraph holds, as immutable values that both stores return alike.

Ids are external, stable strings (from the ledgers), unique across every kind of node, so one
id names one thing whether it is a unit, a household, a cadre or a work unit. What each is in
the city's own terms: docs/domain.md (the chain, central households, cadres and cover, work
units and registration, points).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Generic, TypeVar

from orggraph.domain.errors import InvalidValueError
from orggraph.domain.levels import Level

_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
MAX_NAME_LENGTH = 200


def check_id(value: str, what: str = "id") -> str:
    """Ids are 1-64 letters, digits and `_.:-`, starting with a letter or digit."""
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        raise InvalidValueError(
            f"{what} {value!r} is not a valid id (1-64 of A-Z a-z 0-9 _ . : -, "
            "starting with a letter or digit)"
        )
    return value


def check_name(value: str, owner_id: str) -> str:
    """Names are any non-blank text (Chinese or Latin) up to 200 characters, trimmed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"name of {owner_id} must not be blank", [owner_id])
    trimmed = value.strip()
    if len(trimmed) > MAX_NAME_LENGTH:
        raise InvalidValueError(
            f"name of {owner_id} is {len(trimmed)} characters; at most {MAX_NAME_LENGTH}",
            [owner_id],
        )
    return trimmed


class Mode(Enum):
    """How a cadre came to cover a household (单位派遣地 / 个人居住地联户包保)."""

    UNIT = "unit"
    RESIDENCE = "residence"

    @classmethod
    def parse(cls, value: str) -> Mode:
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise InvalidValueError(
                f"assignment mode {value!r} is not 'unit' or 'residence'"
            ) from None


@dataclass(frozen=True)
class Unit:
    """An organisation of levels 1-4: street, community, branch or building group."""

    id: str
    name: str
    level: Level
    parent_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id)
        object.__setattr__(self, "name", check_name(self.name, self.id))
        if self.level is Level.HOUSEHOLD:
            raise InvalidValueError(f"{self.id}: households are Household values, not Units")
        if self.parent_id is not None:
            check_id(self.parent_id, "parent id")


@dataclass(frozen=True)
class Household:
    """A household under a building group; `central` marks a 党员中心户.

    `name` is the householder's name; `address` and `phone` are personal data.
    """

    id: str
    name: str
    parent_id: str
    address: str = ""
    phone: str = ""
    central: bool = False

    level = Level.HOUSEHOLD

    def __post_init__(self) -> None:
        check_id(self.id)
        check_id(self.parent_id, "parent id")
        object.__setattr__(self, "name", check_name(self.name, self.id))


@dataclass(frozen=True)
class WorkUnit:
    """The employer (机关企事业单位) that dispatches a cadre."""

    id: str
    name: str

    def __post_init__(self) -> None:
        check_id(self.id)
        object.__setattr__(self, "name", check_name(self.name, self.id))


@dataclass(frozen=True)
class Member:
    """A registered cadre (双报到): their work unit and the community they reported to."""

    id: str
    name: str
    phone: str = ""
    work_unit_id: str | None = None
    community_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id)
        object.__setattr__(self, "name", check_name(self.name, self.id))
        if self.work_unit_id is not None:
            check_id(self.work_unit_id, "work unit id")
        if self.community_id is not None:
            check_id(self.community_id, "community id")


@dataclass(frozen=True)
class Assignment:
    """A cadre covering a household (联户包保), by mode, since a date."""

    member_id: str
    household_id: str
    mode: Mode
    since: date

    def __post_init__(self) -> None:
        check_id(self.member_id, "member id")
        check_id(self.household_id, "household id")


@dataclass(frozen=True)
class PointsEntry:
    """One dated points record of a cadre (积分): basic or reward points, or a penalty (< 0)."""

    id: str
    member_id: str
    day: date
    points: int
    reason: str = ""

    def __post_init__(self) -> None:
        check_id(self.id)
        check_id(self.member_id, "member id")
        if not -1000 <= self.points <= 1000:
            raise InvalidValueError(
                f"points entry {self.id}: {self.points} points is outside -1000..1000", [self.id]
            )


Node = Unit | Household | Member | WorkUnit
"""Anything `GraphStore.get_node` can return."""


@dataclass(frozen=True)
class Coverage:
    """One side of an assignment as a reader sees it: the other party, mode and date."""

    member: Member
    household: Household
    mode: Mode
    since: date


@dataclass(frozen=True)
class Counts:
    """Figures for a subtree (the scope itself included) or for the whole city.

    - `units`: how many units of each level the subtree holds (its root included);
    - `households` / `covered_households`: households in it, and those with at least one cadre;
    - `members`: cadres registered with a community in it (for a branch or building group,
      whose subtree holds no community, 0);
    - `covering_members`: distinct cadres covering at least one household in it;
    - `assignments`: cadre-household pairs whose household is in it.
    """

    units: dict[Level, int] = field(default_factory=dict)
    households: int = 0
    central_households: int = 0
    covered_households: int = 0
    members: int = 0
    covering_members: int = 0
    assignments: int = 0

    @property
    def coverage(self) -> float:
        """Covered share of households, 0.0 for a scope without households."""
        return self.covered_households / self.households if self.households else 0.0


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list in a stable order.

    `end_cursor` is opaque to callers: pass it back as `after` for the next page. `total` is
    the length of the whole list, not of the page.
    """

    items: list[T]
    has_next: bool
    total: int
    end_cursor: str | None
