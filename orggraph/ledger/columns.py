"""The ledger's sheets and columns: the one definition the reader, the writer and the docs follow.

A ledger (台账) has one sheet per kind of row (or one CSV file per kind). Organisers name
sheets and columns in Chinese, developers in English, so every sheet and column has an
English name, a Chinese name and a few other accepted spellings. `docs/ledger-format.md`
describes the same table in prose; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    `required` columns must be present in the header; `blank_ok` says whether a row may leave
    the cell empty (a street's parent, a household's phone...).
    """

    name: str
    chinese: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    blank_ok: bool = False

    def header(self, language: str) -> str:
        """The header the writer puts on this column for `language` (`en` or `zh`)."""
        return self.chinese if language == "zh" else self.name


class Kind(Enum):
    """A kind of ledger row; the value is the sheet name (and CSV file stem) in English."""

    UNITS = "units"
    HOUSEHOLDS = "households"
    WORK_UNITS = "work_units"
    MEMBERS = "members"
    ASSIGNMENTS = "assignments"
    POINTS = "points"
    OFFERS = "offers"
    SERVICE_REQUESTS = "service_requests"
    SERVICE_STEPS = "service_steps"

    @property
    def chinese(self) -> str:
        """The Chinese sheet name an organiser's workbook uses for this kind."""
        return _CHINESE_SHEETS[self]

    @property
    def columns(self) -> tuple[Column, ...]:
        return _COLUMNS[self]

    def sheet_name(self, language: str) -> str:
        return self.chinese if language == "zh" else self.value


IGNORED_COLUMNS = frozenset({"note", "notes", "remark", "remarks", "备注", "说明"})
"""Free-text columns organisers add to their sheets; read past, never stored."""

_CHINESE_SHEETS = {
    Kind.UNITS: "组织",
    Kind.HOUSEHOLDS: "住户",
    Kind.WORK_UNITS: "派出单位",
    Kind.MEMBERS: "党员干部",
    Kind.ASSIGNMENTS: "联户包保",
    Kind.POINTS: "积分",
    Kind.OFFERS: "供给清单",
    Kind.SERVICE_REQUESTS: "需求清单",
    Kind.SERVICE_STEPS: "办理记录",
}

_ID = Column("id", "编号", ("ID", "代码"))
_COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.UNITS: (
        _ID,
        Column("name", "名称", ("组织名称",)),
        Column("level", "层级", ("类型", "组织层级")),
        Column("parent_id", "上级编号", ("parent", "上级组织编号"), blank_ok=True),
    ),
    Kind.HOUSEHOLDS: (
        _ID,
        Column("name", "户主", ("户主姓名", "姓名", "householder")),
        Column("parent_id", "楼栋党小组编号", ("上级编号", "parent", "building_id")),
        Column("address", "地址", ("住址", "家庭住址"), required=False, blank_ok=True),
        Column("phone", "电话", ("联系电话", "手机"), required=False, blank_ok=True),
        Column("central", "中心户", ("党员中心户", "是否中心户"), required=False, blank_ok=True),
    ),
    Kind.WORK_UNITS: (
        _ID,
        Column("name", "名称", ("单位名称",)),
    ),
    Kind.MEMBERS: (
        _ID,
        Column("name", "姓名", ("党员姓名",)),
        Column("phone", "电话", ("联系电话", "手机"), required=False, blank_ok=True),
        Column(
            "work_unit_id",
            "派出单位编号",
            ("工作单位编号", "单位编号", "work_unit"),
            required=False,
            blank_ok=True,
        ),
        Column(
            "community_id",
            "报到社区编号",
            ("社区编号", "community"),
            required=False,
            blank_ok=True,
        ),
    ),
    Kind.ASSIGNMENTS: (
        Column("member_id", "党员编号", ("党员干部编号", "member", "cadre_id")),
        Column("household_id", "户编号", ("住户编号", "household")),
        Column("mode", "包保方式", ("联户方式", "方式")),
        Column("since", "起始日期", ("包保日期", "开始日期", "date")),
        Column("ended", "结束日期", ("终止日期", "end_date"), required=False, blank_ok=True),
        Column("end_reason", "结束原因", ("终止原因",), required=False, blank_ok=True),
        Column(
            "transferred_to",
            "接替党员编号",
            ("接替人编号", "to_member_id"),
            required=False,
            blank_ok=True,
        ),
    ),
    Kind.POINTS: (
        _ID,
        Column("member_id", "党员编号", ("党员干部编号", "member", "cadre_id")),
        Column("day", "日期", ("积分日期", "date")),
        Column("points", "积分", ("分值", "分数")),
        Column("reason", "事由", ("积分事由", "原因"), required=False, blank_ok=True),
    ),
    Kind.OFFERS: (
        Column("id", "供给编号", ("编号", "ID")),
        Column("offered_by", "提供方编号", ("提供者编号", "党员或单位编号", "offerer")),
        Column("kind", "供给类型", ("类型", "type")),
        Column("text", "供给内容", ("内容", "服务内容")),
        Column(
            "serves_id", "服务范围编号", ("服务组织编号", "serves"), required=False, blank_ok=True
        ),
        Column("available_from", "开始日期", ("起始日期", "from"), required=False, blank_ok=True),
        Column("available_until", "截止日期", ("结束日期", "until"), required=False, blank_ok=True),
        Column("schedule", "服务时间", ("时间安排",), required=False, blank_ok=True),
        Column("recorded_by", "登记人", ("记录人", "by")),
        Column("recorded_at", "登记时间", ("记录时间", "at")),
        Column("state", "状态", ("当前状态",), required=False, blank_ok=True),
        Column("withdrawn_by", "撤回人", ("撤回经办人",), required=False, blank_ok=True),
        Column("withdrawn_at", "撤回时间", (), required=False, blank_ok=True),
        Column("withdrawn_reason", "撤回原因", (), required=False, blank_ok=True),
    ),
    Kind.SERVICE_REQUESTS: (
        Column("id", "需求编号", ("编号", "ID")),
        Column("household_id", "户编号", ("住户编号", "household")),
        Column("kind", "需求类型", ("类型", "type")),
        Column("text", "需求内容", ("内容", "诉求内容")),
        Column("recorded_by", "登记人", ("记录人", "by")),
        Column("recorded_at", "下单时间", ("登记时间", "at")),
        Column("state", "当前状态", ("状态",), required=False, blank_ok=True),
    ),
    Kind.SERVICE_STEPS: (
        Column("request_id", "需求编号", ("request", "编号")),
        Column("seq", "序号", ("步骤", "step")),
        Column("action", "环节", ("操作", "动作")),
        Column("at", "办理时间", ("时间", "time")),
        Column("by", "经办人", ("操作人",)),
        Column("reason", "原因", ("理由", "事由"), required=False, blank_ok=True),
        Column(
            "unit_id",
            "组织编号",
            ("派单组织编号", "核单组织编号", "unit"),
            required=False,
            blank_ok=True,
        ),
        Column(
            "assignee_id", "派往编号", ("接单对象编号", "assignee"), required=False, blank_ok=True
        ),
        Column("offer_id", "匹配供给编号", ("供给编号", "offer"), required=False, blank_ok=True),
        Column(
            "member_id",
            "党员编号",
            ("党员干部编号", "member", "cadre_id"),
            required=False,
            blank_ok=True,
        ),
        Column("points", "积分", ("分值",), required=False, blank_ok=True),
        Column("state", "办理后状态", ("状态",), required=False, blank_ok=True),
    ),
}

HISTORY_COLUMNS = frozenset({"ended", "end_reason", "transferred_to"})
"""The assignment columns of an ended cover (the history): written only when a ledger has one."""

_PART_SUFFIX = re.compile(r"^(?P<stem>.+?)(?:[ _-]?(?P<part>\d+)|\s*\((?P<paren>\d+)\))$")


def normalise_header(text: str) -> str:
    """Headers compare case-blind, with spaces and hyphens read as underscores."""
    return re.sub(r"[\s\-]+", "_", text.strip()).lower()


def _lookup_table() -> dict[str, Kind]:
    table: dict[str, Kind] = {}
    for kind in Kind:
        table[normalise_header(kind.value)] = kind
        table[kind.chinese] = kind
    return table


_SHEETS = _lookup_table()


def kind_of_sheet(name: str) -> Kind | None:
    """The kind a sheet (or CSV file stem) holds, or None for a name that is no kind.

    Big ledgers split a kind over several sheets, because a sheet holds at most 1,048,576 rows:
    `households`, `households_2`, `households (3)` and `住户2` all hold households.
    """
    wanted = normalise_header(name)
    if wanted in _SHEETS:
        return _SHEETS[wanted]
    match = _PART_SUFFIX.match(name.strip())
    if match:
        return _SHEETS.get(normalise_header(match["stem"]))
    return None


def part_number(name: str) -> int:
    """Which part of a split kind a sheet is (1 for the unsuffixed first part)."""
    match = _PART_SUFFIX.match(name.strip())
    if match and normalise_header(name) not in _SHEETS:
        return int(match["part"] or match["paren"])
    return 1


def column_lookup(kind: Kind) -> dict[str, Column]:
    """Every accepted header of a kind's columns (normalised), mapped to its column."""
    table: dict[str, Column] = {}
    for column in kind.columns:
        for spelling in (column.name, column.chinese, *column.aliases):
            table[normalise_header(spelling)] = column
    return table
