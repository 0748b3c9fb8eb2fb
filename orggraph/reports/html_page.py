"""The page around every HTML report: one self-contained file, printable on A4.

No scripts, no web fonts, no links to fetch: the file is mailed, archived and opened years
later, possibly offline. Everything variable passes through `esc`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from orggraph import __version__
from orggraph.reports.labels import Lang, level_name, text
from orggraph.reports.scope import Scope

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 186mm; padding: 8mm 0; color: #1d2630;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
    "Helvetica Neue", Arial, sans-serif;
  font-size: 10.5pt; line-height: 1.45; }
header { border-bottom: 2px solid #b3261e; padding-bottom: 6px; margin-bottom: 10px; }
h1 { font-size: 18pt; margin: 0 0 2px; color: #b3261e; }
h2 { font-size: 13pt; margin: 16px 0 6px; border-bottom: 1px solid #d5d9de; }
h3 { font-size: 11pt; margin: 12px 0 4px; }
.scope { font-size: 12pt; margin: 0 0 6px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1px 14px; margin: 0; }
.meta dt { color: #5b6670; }
.meta dd { margin: 0; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; }
.figure { border: 1px solid #d5d9de; border-radius: 4px; padding: 5px 8px; }
.figure .label { display: block; color: #5b6670; font-size: 9pt; }
.figure .value { display: block; font-size: 14pt; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid #e1e4e8; padding: 2px 6px; text-align: left;
  vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
th.path { width: 42%; }
.id { color: #5b6670; font-size: 9pt; white-space: nowrap; }
.muted { color: #5b6670; }
.nowrap { white-space: nowrap; }
.under { background: #fdecea; }
.mark { color: #b3261e; font-weight: 600; }
svg.chart { width: 100%; height: auto; display: block; margin: 4px 0; }
footer { margin-top: 18px; border-top: 1px solid #d5d9de; color: #5b6670; font-size: 8.5pt; }
thead { display: table-header-group; }
tr, .figure, svg.chart { break-inside: avoid; }
h2, h3 { break-after: avoid; }
.page-break { break-before: page; }
@media print { body { max-width: none; padding: 0; } }
"""


def esc(value: object) -> str:
    """Text for HTML, quotes included (safe in attributes too)."""
    return escape(str(value), quote=True)


def number(value: int) -> str:
    return f"{value:,}"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def figure_text(value: int | float) -> str:
    """A count with thousands separators, or a share (the coverage) as a percentage."""
    return percent(value) if isinstance(value, float) else number(value)


def timestamp(moment: datetime) -> str:
    """Local time with its zone named: `2026-12-02 23:10 Asia/Shanghai (UTC+08:00)`."""
    name = getattr(moment.tzinfo, "key", None) or moment.tzname() or ""
    offset = moment.strftime("%z")
    shown = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{moment:%Y-%m-%d %H:%M} {name} ({shown})" if shown else f"{moment:%Y-%m-%d %H:%M}"


def scope_label(lang: Lang, scope: Scope) -> str:
    """ "Street › Community (community party committee, S01-C02)", or "Whole city"."""
    if scope.unit is None:
        return text(lang, "city")
    path = " › ".join(scope.path)
    return f"{path} ({level_name(lang, scope.unit.level)}, {scope.unit.id})"


def meta_list(items: Iterable[tuple[str, str, str]]) -> str:
    """A definition list of (id, label, value) lines under the title."""
    lines = "".join(
        f'<dt>{esc(label)}</dt><dd id="{esc(key)}">{esc(value)}</dd>' for key, label, value in items
    )
    return f'<dl class="meta">{lines}</dl>'


def page(lang: Lang, title: str, body: str, source: str) -> str:
    """The whole document: head with inline CSS, the body, a footer saying what made it."""
    html_lang = "en" if lang == "en" else "zh-CN"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="orggraph {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<footer>orggraph {esc(__version__)} · {esc(source)}</footer>\n</body>\n</html>\n"
    )
