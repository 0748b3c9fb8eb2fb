"""Policy values from the source document, defined once.

The document sets 10 to 15 households a contacting cadre (人均包联10-15户) and at least
20 points a year (年度积分不少于20分); see docs/domain.md#the-household-band and #points.
They are defaults: a deployment may configure others (see `orggraph.config`), so code reads
them from a `Policy`, never from literals.

The service loop's time limits and points (三(三)4) are not in the document; the defaults below
are the code's choice, argued in docs/domain.md#time-limits-and-points.
"""

from __future__ import annotations

from dataclasses import dataclass

from orggraph.domain.service import ServiceKind, ServiceLimits

DEFAULT_MIN_HOUSEHOLDS = 10
DEFAULT_MAX_HOUSEHOLDS = 15
DEFAULT_MIN_YEARLY_POINTS = 20

DEFAULT_SERVICE_LIMITS: tuple[tuple[ServiceKind, ServiceLimits], ...] = (
    (ServiceKind.DREAM, ServiceLimits(dispatch_days=2, accept_days=3, done_days=30, verify_days=7)),
    (ServiceKind.WISH, ServiceLimits(dispatch_days=1, accept_days=2, done_days=7, verify_days=3)),
    (
        ServiceKind.COMPLAINT,
        ServiceLimits(dispatch_days=1, accept_days=1, done_days=5, verify_days=3),
    ),
)
"""Days a request may wait to be dispatched, accepted, done and verified, per kind: a wish
(微心愿) a week's work, a complaint (微诉求) sooner because a grievance grows while it waits, a
dream (微梦想) a month because it is bigger (a child's schooling, a job)."""

DEFAULT_SERVICE_POINTS: tuple[tuple[ServiceKind, int], ...] = (
    (ServiceKind.DREAM, 3),
    (ServiceKind.WISH, 2),
    (ServiceKind.COMPLAINT, 2),
)
"""Points a verified service awards its cadre: about one service a month (2 x 12 = 24) meets
the yearly minimum of 20 on its own; a dream, more work, earns more."""


@dataclass(frozen=True)
class Policy:
    """The coverage band for one cadre and the yearly points minimum."""

    min_households: int = DEFAULT_MIN_HOUSEHOLDS
    max_households: int = DEFAULT_MAX_HOUSEHOLDS
    min_yearly_points: int = DEFAULT_MIN_YEARLY_POINTS
    service_limits: tuple[tuple[ServiceKind, ServiceLimits], ...] = DEFAULT_SERVICE_LIMITS
    """Every kind's time limits (a tuple, so a Policy stays hashable: caches key on it)."""
    service_points: tuple[tuple[ServiceKind, int], ...] = DEFAULT_SERVICE_POINTS

    def __post_init__(self) -> None:
        if not 0 < self.min_households <= self.max_households:
            raise ValueError(
                f"policy band is {self.min_households}..{self.max_households}; "
                "it needs 0 < min_households <= max_households"
            )
        if self.min_yearly_points < 0:
            raise ValueError(f"min_yearly_points must be >= 0, got {self.min_yearly_points}")
        for name in ("service_limits", "service_points"):
            kinds = [kind for kind, _ in getattr(self, name)]
            if sorted(k.value for k in kinds) != sorted(k.value for k in ServiceKind):
                raise ValueError(f"{name} must give every service kind exactly once")
        if any(not 0 <= points <= 1000 for _, points in self.service_points):
            raise ValueError("service_points must be 0..1000")

    def in_band(self, household_count: int) -> bool:
        """Whether a cadre covering this many households is inside the band."""
        return self.min_households <= household_count <= self.max_households

    def limits(self) -> dict[ServiceKind, ServiceLimits]:
        """Each kind's time limits."""
        return dict(self.service_limits)

    def points_for(self, kind: ServiceKind) -> int:
        """Points a verified service of this kind awards."""
        return dict(self.service_points)[kind]


def parse_service_limits(text: str) -> tuple[tuple[ServiceKind, ServiceLimits], ...]:
    """Time limits as organisers write them, `wish=1/2/7/3, complaint=1/1/5/3`: per kind the
    days to dispatch, accept, do and verify. Kinds not named keep their default."""
    chosen = dict(DEFAULT_SERVICE_LIMITS)
    for kind, value in _kind_values(text, "time limits"):
        days = value.split("/")
        if len(days) != 4 or not all(d.strip().isdigit() for d in days):
            raise ValueError(
                f"time limits for {kind.value} must be four whole days "
                f"dispatch/accept/done/verify, like 1/2/7/3; got {value!r}"
            )
        dispatch, accept, done, verify = (int(d) for d in days)
        chosen[kind] = ServiceLimits(dispatch, accept, done, verify)
    return tuple(chosen.items())


def parse_service_points(text: str) -> tuple[tuple[ServiceKind, int], ...]:
    """Points per verified service, `wish=2, dream=3`; kinds not named keep their default."""
    chosen = dict(DEFAULT_SERVICE_POINTS)
    for kind, value in _kind_values(text, "service points"):
        if not value.strip().isdigit() or not 0 <= int(value) <= 1000:
            raise ValueError(f"service points for {kind.value} must be 0..1000; got {value!r}")
        chosen[kind] = int(value)
    return tuple(chosen.items())


def _kind_values(text: str, what: str) -> list[tuple[ServiceKind, str]]:
    """`kind=value` pairs separated by commas; a kind by its code or Chinese name."""
    pairs: list[tuple[ServiceKind, str]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, equals, value = part.partition("=")
        if not equals:
            raise ValueError(f"{what} are written kind=value, like wish=2; got {part!r}")
        pairs.append((ServiceKind.parse(name), value.strip()))
    return pairs
