"""Every word a report prints, in English and Chinese (`--lang en|zh`).

Kept in one table so the two languages cannot drift apart: a key missing in one language is a
KeyError in tests, not a blank heading on a printed page.
"""

from __future__ import annotations

from typing import Literal

from orggraph.domain.gaps import GapKind, chinese_gap_reason
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

_TEXT: dict[str, tuple[str, str]] = {
    # key: (English, Chinese)
    "gaps_title": ("Coverage gaps report", "联户包保缺口报告"),
    "points_title": ("Points publication", "党员积分公示"),
    "scope": ("Scope", "范围"),
    "city": ("Whole city", "全市"),
    "report_date": ("Report date", "报告日期"),
    "data_as_of": ("Data as of", "数据截至"),
    "points_year": ("Points year", "积分年度"),
    "period": ("Period", "公示期间"),
    "due": ("Points due by the end of the period", "截至本期应得积分"),
    "policy": ("Policy", "标准"),
    "figures": ("Coverage figures", "包保概况"),
    "per_child": ("Coverage per unit", "下级组织包联覆盖率"),
    "no_child_units": ("No units below this scope.", "此范围下无下级组织。"),
    "load": ("Cadre load: households per cadre", "党员包联户数分布"),
    "load_axis_x": ("households covered", "包联户数"),
    "load_axis_y": ("cadres", "党员人数"),
    "no_cadres": ("No cadres in this scope.", "此范围内无党员。"),
    "gap_counts": ("Gaps by kind", "各类缺口数量"),
    "gap_lists": ("Gap lists", "缺口明细"),
    "summary": ("Summary", "汇总"),
    "contact": ("Contact", "联系方式"),
    "work_unit": ("Work unit", "派出单位"),
    "summary_only": (
        "Summary only: the gaps are counted above but not listed (drop --summary-only, or "
        "choose kinds with --kinds, to list them).",
        "仅汇总：上表已统计各类缺口，未列明细"
        "（去掉 --summary-only 或用 --kinds 选择类别即可列出）。",
    ),
    "not_listed": ("not listed", "未列出"),
    "no_gaps": ("No gaps of this kind.", "无此类缺口。"),
    "kind": ("Kind", "类别"),
    "count": ("Count", "数量"),
    "number": ("#", "序号"),
    "unit": ("Unit", "组织"),
    "unit_path": ("Unit path", "所在组织"),
    "unit_id": ("Unit id", "组织编号"),
    "id": ("Id", "编号"),
    "name": ("Name", "名称"),
    "value": ("Value", "数值"),
    "reason": ("Reason", "原因"),
    "households_value": ("Households", "包联户数"),
    "points_value": ("Points", "积分"),
    "cadre": ("Cadre", "党员"),
    "community": ("Community", "社区"),
    "quarter_points": ("Points this quarter", "本季度积分"),
    "year_to_date": ("Points this year so far", "年度累计积分"),
    "year_points": ("Points this year", "年度积分"),
    "status": ("Status", "状态"),
    "not_registered": ("Not registered with a community", "未报到社区"),
    "cadres_total": ("Cadres", "党员人数"),
    "under_total": ("Under the minimum", "未达标人数"),
    "no_community_cadres": ("No cadres registered.", "无报到党员。"),
    "streets": ("Street working committees", "街道大工委"),
    "communities": ("Community party committees", "社区大党委"),
    "branches": ("Residential branches", "小区党支部"),
    "building_groups": ("Building groups", "楼栋党小组"),
    "households": ("Households", "住户"),
    "central_households": ("Central households", "党员中心户"),
    "covered_households": ("Covered households", "已包联住户"),
    "coverage": ("Coverage", "包联覆盖率"),
    "cadres": ("Registered cadres", "报到党员干部"),
    "covering_cadres": ("Covering cadres", "参与包户党员干部"),
    "assignments": ("Cadre-household pairs", "包联关系"),
    "days_waiting": ("Days waiting", "已等待天数"),
}

_KIND_NAMES: dict[GapKind, tuple[str, str]] = {
    GapKind.UNCOVERED_HOUSEHOLD: ("Uncovered households", "无人包联的住户"),
    GapKind.CADRE_UNDER_BAND: ("Cadres under the band", "包联户数不足的党员"),
    GapKind.CADRE_OVER_BAND: ("Cadres over the band", "包联户数超标的党员"),
    GapKind.CADRE_COVERING_NONE: ("Registered cadres covering none", "报到未包户党员"),
    GapKind.BUILDING_WITHOUT_CENTRAL: (
        "Building groups without a central household",
        "无党员中心户的楼栋党小组",
    ),
    GapKind.UNIT_WITHOUT_CHILDREN: ("Units with nothing under them", "空架子组织"),
    GapKind.CADRE_UNDER_POINTS: ("Cadres under the points minimum", "年度积分不足的党员"),
    GapKind.SERVICE_DISPATCH_OVERDUE: ("Service requests not dispatched in time", "超时未派单"),
    GapKind.SERVICE_ACCEPT_OVERDUE: ("Service requests not accepted in time", "超时未接单"),
    GapKind.SERVICE_DONE_OVERDUE: ("Service requests not done in time", "超时未办结"),
    GapKind.SERVICE_VERIFY_OVERDUE: ("Service requests not verified in time", "超时未核单"),
}

_SHEET_NAMES: dict[GapKind, str] = {
    # Excel allows 31 characters in a sheet name; these fit and stay distinct.
    GapKind.UNCOVERED_HOUSEHOLD: "Uncovered households",
    GapKind.CADRE_UNDER_BAND: "Cadres under band",
    GapKind.CADRE_OVER_BAND: "Cadres over band",
    GapKind.CADRE_COVERING_NONE: "Cadres covering none",
    GapKind.BUILDING_WITHOUT_CENTRAL: "Buildings without central",
    GapKind.UNIT_WITHOUT_CHILDREN: "Empty units",
    GapKind.CADRE_UNDER_POINTS: "Cadres under points",
    GapKind.SERVICE_DISPATCH_OVERDUE: "Requests late for dispatch",
    GapKind.SERVICE_ACCEPT_OVERDUE: "Requests late for accept",
    GapKind.SERVICE_DONE_OVERDUE: "Requests late to be done",
    GapKind.SERVICE_VERIFY_OVERDUE: "Requests late for verify",
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "en" else pair[1]


def text(lang: Lang, key: str) -> str:
    """The fixed text `key` in `lang`."""
    return _pick(_TEXT[key], lang)


def kind_name(lang: Lang, kind: GapKind) -> str:
    """A gap kind as a heading."""
    return _pick(_KIND_NAMES[kind], lang)


def sheet_name(lang: Lang, kind: GapKind) -> str:
    """A gap kind as an XLSX sheet name (at most 31 characters)."""
    return _SHEET_NAMES[kind] if lang == "en" else _KIND_NAMES[kind][1]


_LEVEL_PLURALS = {
    Level.STREET: "streets",
    Level.COMMUNITY: "communities",
    Level.BRANCH: "branches",
    Level.BUILDING: "building_groups",
    Level.HOUSEHOLD: "households",
}


def level_plural(lang: Lang, level: Level) -> str:
    """A level as a heading over several units of it ("Building groups", 楼栋党小组)."""
    return text(lang, _LEVEL_PLURALS[level])


def level_name(lang: Lang, level: Level) -> str:
    """A level as the document names it (街道大工委) or in English."""
    return level.english if lang == "en" else level.chinese


def policy_text(lang: Lang, policy: Policy) -> str:
    """The coverage band and the points minimum in words."""
    low, high, points = policy.min_households, policy.max_households, policy.min_yearly_points
    if lang == "en":
        return f"{low}-{high} households a cadre; at least {points} points a year"
    return f"每名党员包联{low}-{high}户；年度积分不少于{points}分"


def band_text(lang: Lang, policy: Policy) -> str:
    """The band's label on the load histogram."""
    low, high = policy.min_households, policy.max_households
    return f"band {low}-{high}" if lang == "en" else f"标准 {low}-{high} 户"


def period_text(lang: Lang, year: int, quarter: int | None) -> str:
    """A points period: a year, or a quarter of it."""
    if quarter is None:
        return str(year) if lang == "en" else f"{year}年度"
    return f"{year} Q{quarter}" if lang == "en" else f"{year}年第{quarter}季度"


def due_text(lang: Lang, policy: Policy, due: int) -> str:
    """The points due by the end of a publication's period, with the yearly minimum."""
    points = policy.min_yearly_points
    return (
        f"{due} (yearly minimum {points})" if lang == "en" else f"{due}分（年度不少于{points}分）"
    )


def under_minimum_text(lang: Lang, policy: Policy, quarter: int | None, due: int) -> str:
    """The mark of a cadre under the points due by the end of the period."""
    points = policy.min_yearly_points
    if quarter is None:
        return f"under the yearly minimum of {points}" if lang == "en" else f"未达年度{points}分"
    return f"under the {due} due by Q{quarter}" if lang == "en" else f"低于截至本季度应得的{due}分"


def gap_reason(
    lang: Lang, kind: GapKind, value: int | None, store_reason: str, policy: Policy, year: int
) -> str:
    """Why a gap is a gap: the store's own words in English, the same facts in Chinese."""
    if lang == "en":
        return store_reason
    return chinese_gap_reason(kind, value, policy, year)


def value_header(lang: Lang, kind: GapKind) -> str | None:
    """The header of a gap kind's figure column, or None where the kind counts nothing."""
    if kind in (GapKind.CADRE_UNDER_BAND, GapKind.CADRE_OVER_BAND):
        return text(lang, "households_value")
    if kind is GapKind.CADRE_UNDER_POINTS:
        return text(lang, "points_value")
    if kind.stage is not None:
        return text(lang, "days_waiting")
    return None
