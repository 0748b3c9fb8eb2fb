"""Ledger problems in Chinese, for organisers whose workbook is Chinese (`import --lang zh`).

The checks word each problem once, in English (the messages tests and logs quote); this
phrasebook renders those messages in Chinese by their shape. Every message the malformed
corpus produces has a shape here (tests/importer/test_problems_zh.py), so a new message
without one fails a test instead of reaching an organiser half in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from orggraph.domain.service import ServiceState
from orggraph.ledger.model import Location, Problem

NOUNS = {
    "street working committee": "街道大工委",
    "community party committee": "社区大党委",
    "residential branch": "小区党支部",
    "building group": "楼栋党小组",
    "household": "住户",
    "cadre": "党员干部",
    "work unit": "派出单位",
    "points entry": "积分记录",
    "unit": "组织",
    "parent": "上级组织",
    "cadre or work unit": "党员干部或派出单位",
    "service offer": "供给",
    "residential branch or building group": "小区党支部或楼栋党小组",
    "dispatch": "派单",
    "verify": "核单",
    "reopen": "核单不通过",
}

_SHEETS = "应为组织、住户、派出单位、党员干部、联户包保、积分、供给清单、需求清单、办理记录之一"
"""What every sheet-name problem ends with: the kinds a ledger holds."""

_Render = Callable[[re.Match[str]], str]


def _state(value: str) -> str:
    """A service state's code (`accepted`) as its Chinese name (已接单)."""
    for state in ServiceState:
        if state.value == value:
            return state.chinese
    return value


def _step(m: re.Match[str]) -> str:
    """`step 3: <message>`: the step number in front, the message rendered by its own shape."""
    return f"第{m[1]}步：{chinese_message(m[2]) or m[2]}"


def _noun(text: str) -> str:
    bare = re.sub(r"^(an?|the) ", "", text.strip())
    return NOUNS.get(bare, bare)


def _where_in(text: str) -> str:
    """`households.csv, row 5` as `households.csv 第5行`."""
    return re.sub(r", row (\d+)", r" 第\1行", text)


def _window(text: str) -> str:
    """`from the start until 2022-03-01` as `不限至2022-03-01`."""
    m = re.match(r"^from (the start|\S+) until (no end|\S+)$", text)
    if not m:
        return text
    start = "不限" if m[1] == "the start" else m[1]
    return f"{start}至{'不限' if m[2] == 'no end' else m[2]}"


_OFFER_SHAPES: list[tuple[re.Pattern[str], _Render]] = [
    (
        re.compile(r"^duplicate service offer (\S+): already at (.+)$"),
        lambda m: f"供给编号重复：{m[1]}（见{_where_in(m[2])}）",
    ),
    (
        re.compile(r"^id already exists: (\S+) \(a service offer by (\S+), not by (\S+)\)$"),
        lambda m: f"库中供给{m[1]}由{m[2]}提供，不能改为{m[3]}",
    ),
    (
        re.compile(r"^id already exists: (\S+) \(a service offer serving (.+), not (.+)\)$"),
        lambda m: f"库中供给{m[1]}的服务范围是{_city(m[2])}，不能改为{_city(m[3])}",
    ),
    (
        re.compile(r"^service offer (\S+) is withdrawn; it cannot be opened again$"),
        lambda m: f"供给{m[1]}已撤回，不能重新开放",
    ),
    (
        re.compile(r"^service offer (\S+) is withdrawn; service request (\S+) cannot use it$"),
        lambda m: f"供给{m[1]}已撤回，服务需求{m[2]}不能匹配它",
    ),
    (
        re.compile(
            r"^service offer (\S+) is offered by (\S+), not by (\S+), whom service request "
            r"(\S+) is dispatched to$"
        ),
        lambda m: f"供给{m[1]}由{m[2]}提供，不是服务需求{m[4]}派往的{m[3]}",
    ),
    (
        re.compile(
            r"^service offer (\S+) serves (\S+), which is not above the household of service "
            r"request (\S+)$"
        ),
        lambda m: f"供给{m[1]}的服务范围是{m[2]}，不包括服务需求{m[3]}的住户",
    ),
    (
        re.compile(
            r"^service offer (\S+) is available (from .+); not on (\S+), when service request "
            r"(\S+) is dispatched$"
        ),
        lambda m: f"供给{m[1]}的有效期为{_window(m[2])}，服务需求{m[4]}于{m[3]}派单时不在有效期内",
    ),
    (
        re.compile(
            r"^service offer (\S+) was recorded at (\S+), after the dispatch of service request "
            r"(\S+)$"
        ),
        lambda m: f"供给{m[1]}登记于{m[2]}，晚于服务需求{m[3]}的派单",
    ),
    (
        re.compile(
            r"^service offer (\S+) is available until (\S+), before it is available from (\S+)$"
        ),
        lambda m: f"供给{m[1]}的截止日期{m[2]}早于开始日期{m[3]}",
    ),
    (
        re.compile(
            r"^service offer (\S+) is (open|withdrawn): withdrawn_by and withdrawn_at are given "
            r"exactly when it is withdrawn$"
        ),
        lambda m: (
            f"供给{m[1]}的状态是“{'可接单' if m[2] == 'open' else '已撤回'}”："
            "撤回人和撤回时间只在已撤回时填写，且须同时填写"
        ),
    ),
    (
        re.compile(r"^service offer (\S+) cannot be withdrawn before it was recorded$"),
        lambda m: f"供给{m[1]}的撤回时间不能早于登记时间",
    ),
    (
        re.compile(r"^text of service offer (\S+) must not be blank$"),
        lambda m: f"供给{m[1]}的内容不能为空",
    ),
    (
        re.compile(r"^(\S+) of service offer (\S+) is (\d+) characters; at most (\d+)$"),
        lambda m: f"供给{m[2]}的{m[1]}有{m[3]}个字，最多{m[4]}个",
    ),
    (
        re.compile(r"^service offer id '(.*)' is longer than (\d+)$"),
        lambda m: f"供给编号“{m[1]}”超过{m[2]}个字符",
    ),
    (
        re.compile(r"^offer kind '(.*)' is not one of .*$"),
        lambda m: f"供给类型“{m[1]}”无效：应为技能或资源",
    ),
    (
        re.compile(r"^offer state '(.*)' is not open .*$"),
        lambda m: f"供给状态“{m[1]}”无效：应为可接单或已撤回",
    ),
]


def _city(text: str) -> str:
    return "全市" if text == "the whole city" else text


_SERVICE_SHAPES: list[tuple[re.Pattern[str], _Render]] = [
    *_OFFER_SHAPES,
    (
        re.compile(r"^service request (\S+) cannot go from (\S+) to (\S+)$"),
        lambda m: f"服务需求{m[1]}不能从“{_state(m[2])}”变为“{_state(m[3])}”",
    ),
    (
        re.compile(r"^service request (\S+) entered (\S+) at (\S+); a step cannot come before it$"),
        lambda m: f"服务需求{m[1]}于{m[3]}进入“{_state(m[2])}”；办理步骤不能早于此时",
    ),
    (
        re.compile(r"^service request (\S+) is with (\S+), not with cadre (\S+)$"),
        lambda m: f"服务需求{m[1]}由{m[2]}承办，不是党员干部{m[3]}",
    ),
    (
        re.compile(
            r"^unit (\S+) is an? (.+); an? (\S+) of service request (\S+) needs the "
            r"household's (.+) or a unit above it$"
        ),
        lambda m: (
            f"组织{m[1]}是{_noun(m[2])}；服务需求{m[4]}的{_noun(m[3])}须由住户所属的"
            f"{_noun(m[5])}或其上级组织办理"
        ),
    ),
    (
        re.compile(
            r"^unit (\S+) is not above household (\S+); only its own units may (\S+) service "
            r"request (\S+)$"
        ),
        lambda m: (
            f"组织{m[1]}不是住户{m[2]}的上级组织；只有其所属组织才能为服务需求{m[4]}{_noun(m[3])}"
        ),
    ),
    (
        re.compile(
            r"^(\S+) of service request (\S+) needs (a reason|a unit|the acting cadre|"
            r"a cadre or a work unit to take it)$"
        ),
        lambda m: (
            f"服务需求{m[2]}的“{m[1]}”需要填写"
            + {
                "a reason": "原因",
                "a unit": "办理组织",
                "the acting cadre": "经办党员干部",
                "a cadre or a work unit to take it": "接单的党员干部或派出单位",
            }[m[3]]
        ),
    ),
    (
        re.compile(r"^points for service request (\S+) must be 0\.\.1000, not (-?\d+)$"),
        lambda m: f"服务需求{m[1]}的积分须在0至1000之间，不能是{m[2]}",
    ),
    (
        re.compile(
            r"^unknown household (\S+) of service request (\S+): "
            r"(not in the ledger nor in the store|not a household)$"
        ),
        lambda m: (
            f"服务需求{m[2]}的住户{m[1]}未知："
            + ("台账和库中都没有" if m[3].startswith("not in") else "它不是住户")
        ),
    ),
    (
        re.compile(r"^service kind '(.*)' is not one of .*$"),
        lambda m: f"需求类型“{m[1]}”无效：应为微梦想、微心愿或微诉求",
    ),
    (
        re.compile(r"^step (\d+) of service request (\S+) is missing \(the next step is (\d+)\)$"),
        lambda m: f"服务需求{m[2]}缺少第{m[1]}步（下一步是第{m[3]}步）",
    ),
    (
        re.compile(r"^step (\d+) of service request (\S+) repeats$"),
        lambda m: f"服务需求{m[2]}的第{m[1]}步重复",
    ),
    (
        re.compile(r"^service request (\S+) is (\S+) after its steps, not (\S+)$"),
        lambda m: f"服务需求{m[1]}办理后的状态是“{_state(m[2])}”，不是“{_state(m[3])}”",
    ),
    (
        re.compile(r"^step (\d+) of service request (\S+) leads to (\S+), not (\S+)$"),
        lambda m: f"服务需求{m[2]}第{m[1]}步后的状态是“{_state(m[3])}”，不是“{_state(m[4])}”",
    ),
    (
        re.compile(
            r"^step (\d+) of unknown service request (\S+): the ledger has no request row with "
            r"that id$"
        ),
        lambda m: f"第{m[1]}步所属的服务需求{m[2]}未知：需求清单中没有这一编号",
    ),
    (
        re.compile(
            r"^service request (\S+) has moved on in the store \((\d+) steps\) since this "
            r"ledger's (\d+): .*$"
        ),
        lambda m: (
            f"服务需求{m[1]}在库中已有{m[2]}步办理记录，本台账只有{m[3]}步："
            "请重新导出，不要覆盖已办理的内容"
        ),
    ),
    (
        re.compile(
            r"^points entry (\S+) is what service request (\S+) awards: (\d+) points to (\S+) "
            r"on (\S+)$"
        ),
        lambda m: f"积分记录{m[1]}由服务需求{m[2]}核单产生：应为{m[5]}给{m[4]}的{m[3]}分",
    ),
    (
        re.compile(r"^duplicate service request (\S+): already at (.+)$"),
        lambda m: f"服务需求编号重复：{m[1]}（见{_where_in(m[2])}）",
    ),
    (
        re.compile(r"^'(.*)' is not a time \(.*\)$"),
        lambda m: f"“{m[1]}”不是时间（请写成 YYYY-MM-DD HH:MM，北京时间）",
    ),
    (
        re.compile(r"^state '(.*)' is not one of .*$"),
        lambda m: (
            f"状态“{m[1]}”无效：应为已下单、已派单、已接单、已办结、已核单、已退回、已撤销或核单未通过"
        ),
    ),
    (
        re.compile(r"^action '(.*)' is not one of .*$"),
        lambda m: f"环节“{m[1]}”无效：应为派单、接单、退单、办结、核单、核单未通过或撤销",
    ),
    (
        re.compile(r"^step (-?\d+) is not a step number: .*$"),
        lambda m: f"序号{m[1]}无效：第1步是下单（即需求清单中的一行），之后的步骤从2开始编号",
    ),
    (re.compile(r"^step '(.*)' is not a whole number$"), lambda m: f"序号“{m[1]}”不是整数"),
    (
        re.compile(r"^text of service request (\S+) must not be blank$"),
        lambda m: f"服务需求{m[1]}的内容不能为空",
    ),
    (
        re.compile(r"^(\S+) of (\S+) is (\d+) characters; at most (\d+)$"),
        lambda m: f"{m[2]}的{m[1]}有{m[3]}个字，最多{m[4]}个",
    ),
    (
        re.compile(r"^service request id '(.*)' is longer than (\d+)$"),
        lambda m: f"服务需求编号“{m[1]}”超过{m[2]}个字符",
    ),
    (re.compile(r"^step (\d+): (.+)$"), _step),
]

_SHAPES: list[tuple[re.Pattern[str], _Render]] = [
    *_SERVICE_SHAPES,
    (
        re.compile(r"^'(.*)' is not a date \(write it as YYYY-MM-DD\)$"),
        lambda m: f"“{m[1]}”不是日期（请写成 YYYY-MM-DD）",
    ),
    (
        re.compile(r"^'(.*)' is not a date that exists \((\d+)-(\d+) has (\d+) days, not (\d+)\)$"),
        lambda m: f"“{m[1]}”这一天不存在（{m[2]}年{int(m[3])}月只有{m[4]}天，没有{m[5]}日）",
    ),
    (
        re.compile(r"^'(.*)' is not a date that exists \(there is no month (\d+)\)$"),
        lambda m: f"“{m[1]}”这一天不存在（没有{m[2]}月）",
    ),
    (re.compile(r"^'(.*)' is not yes/no \(是/否\)$"), lambda m: f"“{m[1]}”不是“是”或“否”"),
    (
        re.compile(r"^(-?\d+) points is outside (-?\d+)\.\.(-?\d+)$"),
        lambda m: f"积分{m[1]}超出{m[2]}至{m[3]}的范围",
    ),
    (
        re.compile(
            r"^(\S+) \((.+)\) cannot hang under (\S+) \((.+)\); "
            r"its parent must be an? (.+) \((.+)\)$"
        ),
        lambda m: (
            f"{m[1]}（{_noun(m[2])}）不能挂在{m[3]}（{_noun(m[4])}）之下；它的上级必须是{m[6]}"
        ),
    ),
    (
        re.compile(r"^(\S+) is an? (.+) and has no parent; leave parent_id empty$"),
        lambda m: f"{m[1]}是{_noun(m[2])}，没有上级组织；parent_id 请留空",
    ),
    (
        re.compile(r"^(\S+) is an? (.+): it needs the id of its (.+) \((.+)\)$"),
        lambda m: f"{m[1]}是{_noun(m[2])}：需要填写所属{m[4]}的编号",
    ),
    (
        re.compile(r"^(\S+) is an? (.+), not an? (.+)$"),
        lambda m: f"{m[1]}是{_noun(m[2])}，不是{_noun(m[3])}",
    ),
    (re.compile(r"^column (.+) appears more than once$"), lambda m: f"列 {m[1]} 出现了不止一次"),
    (re.compile(r"^column (\d+) has no header; name it$"), lambda m: f"第{m[1]}列没有列名，请补上"),
    (
        re.compile(r"^duplicate assignment: (\S+) already covers (\S+) at (.+)$"),
        lambda m: f"重复的包联：{m[1]}已包联{m[2]}（见{_where_in(m[3])}）",
    ),
    (
        re.compile(r"^duplicate id (\S+): already an? (.+) at (.+)$"),
        lambda m: f"编号重复：{m[1]}已是{_noun(m[2])}（见{_where_in(m[3])}）",
    ),
    (
        re.compile(
            r"^duplicate id (\S+): the store already has it as an? (.+), not an? (.+) "
            r"\(ids are unique across every kind\)$"
        ),
        lambda m: f"编号重复：库中{m[1]}已是{_noun(m[2])}，不是{_noun(m[3])}（各类编号互不重复）",
    ),
    (
        re.compile(
            r"^duplicate ended cover: (\S+) covering (\S+) from (\S+) to (\S+) is already at (.+)$"
        ),
        lambda m: f"重复的已结束包联：{m[1]}在{m[3]}至{m[4]}包联{m[2]}（见{_where_in(m[5])}）",
    ),
    (
        re.compile(
            r"^id '(.*)' is not a valid id "
            r"\(1-64 of A-Z a-z 0-9 _ \. : -, starting with a letter or digit\)$"
        ),
        lambda m: f"编号“{m[1]}”不合规（1-64个字母、数字或 _ . : -，以字母或数字开头）",
    ),
    (
        re.compile(r"^level '(.*)' is not one of .*$"),
        lambda m: f"层级“{m[1]}”无效：应为街道大工委、社区大党委、小区党支部或楼栋党小组",
    ),
    (
        re.compile(r"^missing required column (\S+) \((.+)\)$"),
        lambda m: f"缺少必填列 {m[1]}（{m[2]}）",
    ),
    (
        re.compile(r"^mode '(.*)' is not unit \(单位派遣\) or residence \(个人居住\)$"),
        lambda m: f"包联方式“{m[1]}”无效：应为单位派遣或个人居住",
    ),
    (re.compile(r"^name is empty; every row needs one$"), lambda m: "名称为空；每一行都要有名称"),
    (re.compile(r"^(\S+) is empty; every row needs one$"), lambda m: f"{m[1]}为空；每一行都要填写"),
    (
        re.compile(r"^name of (\S+) is (\d+) characters; at most (\d+)$"),
        lambda m: f"{m[1]}的名称有{m[2]}个字，最多{m[3]}个",
    ),
    (
        re.compile(r"^no ledger sheets; expected one of .*$"),
        lambda m: f"没有台账表：{_SHEETS.replace('应为', '应有', 1)}",
    ),
    (re.compile(r"^points '(.*)' is not a whole number$"), lambda m: f"积分“{m[1]}”不是整数"),
    (
        re.compile(r"^row has a value beyond the (\d+) columns of the header$"),
        lambda m: f"这一行的值超出了表头的{m[1]}列",
    ),
    (
        re.compile(r"^unknown (.+?) (\S+): not in the ledger nor in the store$"),
        lambda m: f"未知的{_noun(m[1])}{m[2]}：台账和库中都没有",
    ),
    (
        re.compile(r"^unknown column '(.*)' in (\S+); expected .*$"),
        lambda m: f"{m[2]}表中有未知列“{m[1]}”",
    ),
    (
        re.compile(r"^unknown (?:file|sheet) '(.*)'; expected one of .*$"),
        lambda m: f"未知的表“{m[1]}”：{_SHEETS}",
    ),
    (
        re.compile(r"^unknown file: a ledger folder holds only \.csv files$"),
        lambda m: "未知文件：台账文件夹中只能有 .csv 文件",
    ),
    (
        re.compile(r"^the file is neither UTF-8 nor GB18030 text$"),
        lambda m: "文件既不是 UTF-8 也不是 GB18030 编码的文本",
    ),
    (
        re.compile(
            r"^the ledger has no (\S+) sheet \((.+?)\), "
            r"so ([\d,]+) reference\(s\) to \S+ are unknown.*$"
        ),
        lambda m: (
            f"台账缺少{m[2]}表（{m[1]}），因此有{m[3]}处引用无法识别："
            f"是否就是上面提到的那张表？请命名为 {m[1]} 或 {m[2]}"
        ),
    ),
]


def chinese_message(message: str) -> str | None:
    """The message in Chinese, or None when its shape is not in the phrasebook."""
    for shape, render in _SHAPES:
        found = shape.match(message)
        if found:
            return render(found)
    return None


def chinese_location(where: Location) -> str:
    """`households.csv, sheet 住户, row 5, column name` as organisers read it in Chinese."""
    parts = [where.file]
    if where.sheet is not None:
        parts.append(f"工作表 {where.sheet}")
    if where.row is not None:
        parts.append(f"第{where.row}行")
    if where.column is not None:
        parts.append(f"列 {where.column}")
    return "，".join(parts)


def in_chinese(problem: Problem) -> str:
    """The problem as one Chinese line (the English message kept when no shape fits)."""
    return (
        f"{chinese_location(problem.where)}：{chinese_message(problem.message) or problem.message}"
    )
