"""Policy values from the source document, defined once.

The document sets 10 to 15 households a contacting cadre (人均包联10-15户) and at least
20 points a year (年度积分不少于20分); see docs/domain.md#the-household-band and #points.
They are defaults: a deployment may configure others (see `orggraph.config`), so code reads
them from a `Policy`, never from literals.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MIN_HOUSEHOLDS = 10
DEFAULT_MAX_HOUSEHOLDS = 15
DEFAULT_MIN_YEARLY_POINTS = 20


@dataclass(frozen=True)
class Policy:
    """The coverage band for one cadre and the yearly points minimum."""

    min_households: int = DEFAULT_MIN_HOUSEHOLDS
    max_households: int = DEFAULT_MAX_HOUSEHOLDS
    min_yearly_points: int = DEFAULT_MIN_YEARLY_POINTS

    def __post_init__(self) -> None:
        if not 0 < self.min_households <= self.max_households:
            raise ValueError(
                f"policy band is {self.min_households}..{self.max_households}; "
                "it needs 0 < min_households <= max_households"
            )
        if self.min_yearly_points < 0:
            raise ValueError(f"min_yearly_points must be >= 0, got {self.min_yearly_points}")

    def in_band(self, household_count: int) -> bool:
        """Whether a cadre covering this many households is inside the band."""
        return self.min_households <= household_count <= self.max_households
