"""Cell values: how the ledger spells levels, flags, modes, dates and points, both ways.

Reading is lenient where spreadsheets differ (Chinese or English words, `2022/3/1` or
`2022年3月1日`, a whole number Excel stored as `12.0`); writing is strict and always spells a
value one way per language, so an exported ledger is the same bytes every time.
Parsers raise `ValueError` with a message meant for the organiser who typed the cell.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta, timezone

from orggraph.domain.cadres import EndReason
from orggraph.domain.entities import Mode
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.domain.service import ServiceAction, ServiceKind, ServiceState
from orggraph.domain.supply import OfferKind, OfferState

_LEVEL_WORDS = {
    Level.STREET: "street",
    Level.COMMUNITY: "community",
    Level.BRANCH: "branch",
    Level.BUILDING: "building",
}
_MODE_WORDS_ZH = {Mode.UNIT: "单位派遣", Mode.RESIDENCE: "个人居住"}
_MODE_ALIASES = {
    **{mode.value: mode for mode in Mode},
    "单位派遣": Mode.UNIT,
    "单位派遣地": Mode.UNIT,
    "单位派遣地联户包保": Mode.UNIT,
    "个人居住": Mode.RESIDENCE,
    "个人居住地": Mode.RESIDENCE,
    "个人居住地联户包保": Mode.RESIDENCE,
}
_TRUE = frozenset({"yes", "y", "true", "1", "是", "√"})
_FALSE = frozenset({"no", "n", "false", "0", "否", ""})
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text an organiser sees: numbers without `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_SHORT_CHINESE = {
    Level.STREET: ("街道", "街道工委", "大工委"),
    Level.COMMUNITY: ("社区", "社区党委", "大党委"),
    Level.BRANCH: ("小区", "支部", "小区支部", "党支部"),
    Level.BUILDING: ("楼栋", "党小组", "楼栋小组"),
}
"""How ledgers written by hand name the levels besides the document's full terms."""


def parse_level(text: str) -> Level:
    """`street`, `StreetCommittee`, `street working committee`, `街道大工委`, `街道`, and so on."""
    wanted = text.strip().lower()
    for level in UNIT_LEVELS:
        spellings = (_LEVEL_WORDS[level], level.label.lower(), level.english, level.name.lower())
        if wanted in spellings or text.strip() in (level.chinese, *_SHORT_CHINESE[level]):
            return level
    choices = ", ".join(f"{_LEVEL_WORDS[level]} ({level.chinese})" for level in UNIT_LEVELS)
    raise ValueError(f"level {text!r} is not one of {choices}")


def format_level(level: Level, language: str) -> str:
    return level.chinese if language == "zh" else _LEVEL_WORDS[level]


def parse_flag(text: str) -> bool:
    """Yes/no cells: `yes`/`no`, `true`/`false`, `1`/`0`, `是`/`否`; empty means no."""
    wanted = text.strip().lower()
    if wanted in _TRUE:
        return True
    if wanted in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no (是/否)")


def format_flag(flag: bool, language: str) -> str:
    if language == "zh":
        return "是" if flag else "否"
    return "yes" if flag else "no"


def parse_mode(text: str) -> Mode:
    """`unit`/`residence`, or the document's 单位派遣地 / 个人居住地 (联户包保)."""
    mode = _MODE_ALIASES.get(text.strip()) or _MODE_ALIASES.get(text.strip().lower())
    if mode is None:
        raise ValueError(f"mode {text!r} is not unit (单位派遣) or residence (个人居住)")
    return mode


def format_mode(mode: Mode, language: str) -> str:
    return _MODE_WORDS_ZH[mode] if language == "zh" else mode.value


_END_WORDS_ZH = {
    EndReason.UNASSIGNED: "取消包保",
    EndReason.TRANSFERRED: "移交",
    EndReason.HOUSEHOLD_REMOVED: "住户注销",
    EndReason.CADRE_REMOVED: "党员退出",
}
_END_ALIASES = {
    **{reason.value: reason for reason in EndReason},
    **{word: reason for reason, word in _END_WORDS_ZH.items()},
    "取消": EndReason.UNASSIGNED,
    "转交": EndReason.TRANSFERRED,
    "住户撤销": EndReason.HOUSEHOLD_REMOVED,
}


def parse_end_reason(text: str) -> EndReason:
    """Why a cover ended: `unassigned` (取消包保), `transferred` (移交), `household_removed`
    (住户注销) or `cadre_removed` (党员退出)."""
    reason = _END_ALIASES.get(text.strip()) or _END_ALIASES.get(text.strip().lower())
    if reason is None:
        raise ValueError(
            f"end reason {text!r} is not unassigned (取消包保), transferred (移交), "
            "household_removed (住户注销) or cadre_removed (党员退出)"
        )
    return reason


def format_end_reason(reason: EndReason, language: str) -> str:
    return _END_WORDS_ZH[reason] if language == "zh" else reason.value


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> date:
    """`2022-03-01`, `2022/3/1`, `2022.3.1` or `2022年3月1日`; a time of midnight is allowed.

    Cached: a ledger has few distinct dates (a quarter's theme day, a campaign's start) over
    hundreds of thousands of rows.
    """
    stripped = text.strip()
    if stripped.endswith(" 00:00:00"):
        stripped = stripped[: -len(" 00:00:00")]
    match = _DATE.match(stripped)
    if not match:
        raise ValueError(f"{text!r} is not a date (write it as YYYY-MM-DD)")
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a date that exists (there is no month {month})")
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError(f"{text!r} is not a date that exists (year {year})")
    days = calendar.monthrange(year, month)[1]
    raise ValueError(
        f"{text!r} is not a date that exists ({year}-{month:02d} has {days} days, not {day})"
    )


def format_date(day: date) -> str:
    return day.isoformat()


def parse_points(text: str) -> int:
    """A whole number of points, sign allowed; `12.0` (Excel's way of storing 12) is 12."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        number = float(stripped)
    except ValueError:
        number = float("nan")
    if number.is_integer():
        return int(number)
    raise ValueError(f"points {text!r} is not a whole number")


# -- the service loop's cells ----------------------------------------------------------------

LEDGER_ZONE = timezone(timedelta(hours=8), "CST")
"""China Standard Time: a time written without an offset is an organiser's wall-clock time."""

_ACTION_WORDS_ZH = {
    ServiceAction.DISPATCH: "派单",
    ServiceAction.ACCEPT: "接单",
    ServiceAction.DECLINE: "退单",
    ServiceAction.COMPLETE: "办结",
    ServiceAction.VERIFY: "核单",
    ServiceAction.REOPEN: "核单未通过",
    ServiceAction.CANCEL: "撤销",
}
_ACTION_ALIASES = {
    **{action.value: action for action in ServiceAction if action is not ServiceAction.ORDER},
    **{word: action for action, word in _ACTION_WORDS_ZH.items()},
    "退回": ServiceAction.DECLINE,
    "完成": ServiceAction.COMPLETE,
    "重新派单": ServiceAction.REOPEN,
    "取消": ServiceAction.CANCEL,
}


def parse_datetime(text: str) -> datetime:
    """`2022-03-01T09:30:00+08:00`, `2022-03-01 09:30` or an Excel date-time cell; a time
    without an offset is China Standard Time, a bare date its midnight."""
    stripped = text.strip()
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        try:
            day = parse_date(stripped)
        except ValueError:
            raise ValueError(
                f"{text!r} is not a time (write it as YYYY-MM-DD HH:MM, China Standard Time)"
            ) from None
        moment = datetime(day.year, day.month, day.day)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LEDGER_ZONE)


def format_datetime(moment: datetime, language: str) -> str:
    """In China Standard Time: ISO with its offset in English, wall-clock time in Chinese."""
    local = moment.astimezone(LEDGER_ZONE)
    if language == "zh":
        return local.replace(tzinfo=None).isoformat(sep=" ")
    return local.isoformat()


def parse_service_kind(text: str) -> ServiceKind:
    return ServiceKind.parse(text)


def format_service_kind(kind: ServiceKind, language: str) -> str:
    return kind.chinese if language == "zh" else kind.value


_STATE_NAMES = {
    **{state.value: state for state in ServiceState},
    **{state.chinese: state for state in ServiceState},
}
"""Each state by its code and its Chinese name: a dict, not a loop (190,000 rows a year)."""


def parse_state(text: str) -> ServiceState:
    """A request's state by its code (`verified`) or Chinese name (已核单)."""
    wanted = text.strip()
    state = _STATE_NAMES.get(wanted) or _STATE_NAMES.get(wanted.lower())
    if state is not None:
        return state
    choices = ", ".join(f"{state.value} ({state.chinese})" for state in ServiceState)
    raise ValueError(f"state {text!r} is not one of {choices}")


def format_state(state: ServiceState, language: str) -> str:
    return state.chinese if language == "zh" else state.value


def parse_action(text: str) -> ServiceAction:
    """A step's action: `dispatch` (派单), `accept` (接单), `decline` (退单), `complete` (办结),
    `verify` (核单), `reopen` (核单未通过) or `cancel` (撤销). The order is the request row."""
    action = _ACTION_ALIASES.get(text.strip()) or _ACTION_ALIASES.get(text.strip().lower())
    if action is None:
        choices = ", ".join(f"{a.value} ({word})" for a, word in _ACTION_WORDS_ZH.items())
        raise ValueError(f"action {text!r} is not one of {choices}")
    return action


def format_action(action: ServiceAction, language: str) -> str:
    return _ACTION_WORDS_ZH[action] if language == "zh" else action.value


# -- the supply list's cells -----------------------------------------------------------------

_OFFER_STATES = {
    **{state.value: state for state in OfferState},
    **{state.chinese: state for state in OfferState},
    "开放": OfferState.OPEN,
    "撤回": OfferState.WITHDRAWN,
}


def parse_offer_kind(text: str) -> OfferKind:
    return OfferKind.parse(text)


def format_offer_kind(kind: OfferKind, language: str) -> str:
    return kind.chinese if language == "zh" else kind.value


def parse_offer_state(text: str) -> OfferState:
    """An offer's state: `open` (可接单) or `withdrawn` (已撤回)."""
    state = _OFFER_STATES.get(text.strip()) or _OFFER_STATES.get(text.strip().lower())
    if state is None:
        raise ValueError(f"offer state {text!r} is not open (可接单) or withdrawn (已撤回)")
    return state


def format_offer_state(state: OfferState, language: str) -> str:
    return state.chinese if language == "zh" else state.value
