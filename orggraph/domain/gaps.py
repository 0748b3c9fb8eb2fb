"""The kinds of coverage gap organisers look for (docs/domain.md#gap-kinds).

A gap is one thing that falls short of the policy: a household nobody covers, a cadre outside
the household band or under the yearly points minimum, a registered cadre covering no one, a
building group without a central household, a unit without children. Stores find them (in one
query each on Neo4j); this module only says what they are and how they are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from orggraph.domain.entities import Node
from orggraph.domain.policy import Policy
from orggraph.domain.service import Stage


class GapKind(Enum):
    """One kind of gap; the order here is the order gap lists come in."""

    UNCOVERED_HOUSEHOLD = "uncovered_household"
    CADRE_UNDER_BAND = "cadre_under_band"
    CADRE_OVER_BAND = "cadre_over_band"
    CADRE_COVERING_NONE = "cadre_covering_none"
    BUILDING_WITHOUT_CENTRAL = "building_without_central"
    UNIT_WITHOUT_CHILDREN = "unit_without_children"
    CADRE_UNDER_POINTS = "cadre_under_points"
    SERVICE_DISPATCH_OVERDUE = "service_dispatch_overdue"
    SERVICE_ACCEPT_OVERDUE = "service_accept_overdue"
    SERVICE_DONE_OVERDUE = "service_done_overdue"
    SERVICE_VERIFY_OVERDUE = "service_verify_overdue"

    @property
    def rank(self) -> int:
        """Position in gap lists (kinds first, then subject id)."""
        return list(GapKind).index(self)

    @property
    def stage(self) -> Stage | None:
        """For a service request waiting past its time limit (三(三)4), the wait it overran;
        None for the coverage kinds."""
        return _STAGES.get(self)

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    GapKind.UNCOVERED_HOUSEHOLD: "household no cadre covers (无人包联的住户)",
    GapKind.CADRE_UNDER_BAND: "cadre covering fewer households than the band (包联户数不足)",
    GapKind.CADRE_OVER_BAND: "cadre covering more households than the band (包联户数超标)",
    GapKind.CADRE_COVERING_NONE: "registered cadre covering no household (报到未包户党员)",
    GapKind.BUILDING_WITHOUT_CENTRAL: "building group without a central household (无党员中心户)",
    GapKind.UNIT_WITHOUT_CHILDREN: "unit with no units or households under it (空架子组织)",
    GapKind.CADRE_UNDER_POINTS: "cadre under the yearly points minimum (年度积分不足)",
    GapKind.SERVICE_DISPATCH_OVERDUE: "service request not dispatched in time (超时未派单)",
    GapKind.SERVICE_ACCEPT_OVERDUE: "service request not accepted in time (超时未接单)",
    GapKind.SERVICE_DONE_OVERDUE: "service request not done in time (超时未办结)",
    GapKind.SERVICE_VERIFY_OVERDUE: "service request not verified in time (超时未核单)",
}

_STAGES = {
    GapKind.SERVICE_DISPATCH_OVERDUE: Stage.DISPATCH,
    GapKind.SERVICE_ACCEPT_OVERDUE: Stage.ACCEPT,
    GapKind.SERVICE_DONE_OVERDUE: Stage.DONE,
    GapKind.SERVICE_VERIFY_OVERDUE: Stage.VERIFY,
}

COVERAGE_GAP_KINDS: tuple[GapKind, ...] = tuple(k for k in GapKind if k not in _STAGES)
"""The kinds found from the graph itself (the stores' gap queries)."""

SERVICE_GAP_KINDS: tuple[GapKind, ...] = tuple(_STAGES)
"""The kinds found from the service requests' waits (`orggraph.store.service_gaps`)."""


@dataclass(frozen=True)
class Gap:
    """One gap: what falls short (`subject_id`), where it sits, and why.

    `unit_path` is the chain of unit names from the street down to the unit the gap belongs to
    (for a household its building group; for a cadre the community they registered with, or
    else the building group of their first household). `value` is the figure that falls short:
    households covered, points earned, or None where nothing is counted. `subject` is the
    household, cadre or unit itself, read with the gap so that showing it costs no second read
    (None where a store did not bring it; not compared: it is the node under `subject_id`).
    """

    kind: GapKind
    subject_id: str
    subject_name: str
    unit_id: str | None
    unit_path: tuple[str, ...]
    value: int | None
    reason: str
    subject: Node | None = field(default=None, compare=False)


def gap_reason(kind: GapKind, value: int | None, policy: Policy, year: int) -> str:
    """Why a gap is one, in words: both stores report it alike, and reports print it."""
    band = f"{policy.min_households}-{policy.max_households}"
    reasons = {
        GapKind.UNCOVERED_HOUSEHOLD: "no cadre covers this household",
        GapKind.CADRE_UNDER_BAND: f"covers {value} household(s), under the band of {band}",
        GapKind.CADRE_OVER_BAND: f"covers {value} household(s), over the band of {band}",
        GapKind.CADRE_COVERING_NONE: "registered with a community but covers no household",
        GapKind.BUILDING_WITHOUT_CENTRAL: "no central household (党员中心户) in this building",
        GapKind.UNIT_WITHOUT_CHILDREN: "no units or households under it",
        GapKind.CADRE_UNDER_POINTS: (
            f"{value} point(s) in {year}, under the yearly minimum of {policy.min_yearly_points}"
        ),
    }
    stage = kind.stage
    if stage is not None:
        return f"waited {value} day(s) to be {_WAITED_FOR[stage]}, past its kind's time limit"
    return reasons[kind]


def chinese_gap_reason(kind: GapKind, value: int | None, policy: Policy, year: int) -> str:
    """The same facts as `gap_reason`, in Chinese, for organisers (the API's `reason(lang:
    ZH)` and the reports' `--lang zh`)."""
    low, high = policy.min_households, policy.max_households
    reasons = {
        GapKind.UNCOVERED_HOUSEHOLD: "无党员包联",
        GapKind.CADRE_UNDER_BAND: f"包联{value}户，低于{low}-{high}户标准",
        GapKind.CADRE_OVER_BAND: f"包联{value}户，超过{low}-{high}户标准",
        GapKind.CADRE_COVERING_NONE: "已报到社区，未包联住户",
        GapKind.BUILDING_WITHOUT_CENTRAL: "本楼栋党小组无党员中心户",
        GapKind.UNIT_WITHOUT_CHILDREN: "下无组织或住户",
        GapKind.CADRE_UNDER_POINTS: f"{year}年积分{value}分，低于年度{policy.min_yearly_points}分",
        GapKind.SERVICE_DISPATCH_OVERDUE: f"已等待{value}天未派单，超过时限",
        GapKind.SERVICE_ACCEPT_OVERDUE: f"已等待{value}天未接单，超过时限",
        GapKind.SERVICE_DONE_OVERDUE: f"已等待{value}天未办结，超过时限",
        GapKind.SERVICE_VERIFY_OVERDUE: f"已等待{value}天未核单，超过时限",
    }
    return reasons[kind]


_WAITED_FOR = {
    Stage.DISPATCH: "dispatched",
    Stage.ACCEPT: "accepted",
    Stage.DONE: "done",
    Stage.VERIFY: "verified",
}
