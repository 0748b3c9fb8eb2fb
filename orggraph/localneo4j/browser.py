"""Neo4j Browser for organisers: orggraph's style and guide, served by the local server itself.

Why it works this way:

* Neo4j 5.26 serves /browser/ from a ZIP in the instance's ``web/`` folder when one named
  ``neo4j-browser*.zip`` is there (``internal.dbms.web_dir_path``, default ``web`` under the
  home), and from the Browser jar on the class path otherwise. So each start writes
  ``<home>/web/neo4j-browser.zip``: Browser's own files from the assembled jar, plus
  ``orggraph/guide.html`` and ``orggraph/style.grass``. The jars stay untouched and shared, and
  the files are served at ``http://127.0.0.1:PORT/browser/orggraph/...`` by the server itself:
  no second web server, no cross-origin trouble.
* neo4j.conf tells Browser to fetch both after connecting (``browser.post_connect_cmd``) and to
  trust the server's own host for remote content (``browser.remote_content_hostname_whitelist``):
  see ``browser_config``.
* The guide is rendered from ``schema/browser/guide.html`` and the named queries in
  ``schema/queries/`` at every start, so its ready queries are the very files the service runs;
  a query whose parameters no longer match the guide stops the render (and fails the tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from pathlib import Path

from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.neo4j import cypher

WEB_ZIP_NAME = "neo4j-browser.zip"
"""Matches Neo4j's ``internal.dbms.browser_artefact_pattern`` (``neo4j-browser*.zip``)."""

GUIDE_PATH = "orggraph/guide.html"
STYLE_PATH = "orggraph/style.grass"
"""Where the two files sit under /browser/ on the server."""

_ROOT = "browser/"
"""The one top-level folder of the ZIP, its first entry: Neo4j serves the folder the first entry
names (and the jar keeps Browser's files under the same folder)."""
_STAMP_NAME = ".orggraph-browser.sha256"
_LAYOUT = b"orggraph-browser-zip-2"
"""Part of the stamp: change it whenever `install` lays the ZIP out differently, so existing
instances rebuild theirs."""
_PLACEHOLDER = re.compile(r"<!--\s*orggraph:(legend|query)\b(.*?)-->", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_QUERY_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_RUNNABLE = '<pre mode="cypher" class="pre-scrollable code runnable">'
"""A code block Browser puts into its editor when clicked."""
_TOKENS = ("@min_households", "@max_households", "@min_points", "@year")

_LABEL_NAMES = {
    **{level.label: level.chinese for level in Level},
    "Household": "住户",
    "CentralHousehold": "党员中心户",
    "Member": "党员干部",
    "WorkUnit": "派出单位",
    "PointsEntry": "积分记录",
}
"""The labels the legend shows, with the document's own words for them."""


class GuideError(ValueError):
    """The guide template and the named queries disagree; the message names the slide's query."""


def browser_url(http_port: int, path: str) -> str:
    """Where the server serves a file under /browser/."""
    return f"http://127.0.0.1:{http_port}/browser/{path}"


def browser_config(http_port: int) -> dict[str, str]:
    """The neo4j.conf lines that make Browser load orggraph's style and guide on connect.

    Browser splits ``post_connect_cmd`` at semicolons and runs each part as a ``:`` command.
    Both hosts are allowed, so the files load whether Browser was opened as localhost or
    127.0.0.1 (the server answers cross-origin requests with ``Access-Control-Allow-Origin: *``).
    """
    style = browser_url(http_port, STYLE_PATH)
    guide = browser_url(http_port, GUIDE_PATH)
    return {
        "browser.remote_content_hostname_whitelist": "127.0.0.1,localhost",
        "browser.post_connect_cmd": f"style {style}; guide {guide}",
    }


def browser_schema_dir() -> Path:
    """`schema/browser/`: the style and the guide's template, beside the named queries."""
    return cypher.schema_dir() / "browser"


def parse_grass(grass: str) -> dict[str, dict[str, str]]:
    """A GraSS file read exactly as Neo4j Browser 5 reads it (its `parseGrass`).

    Browser's reader has no comments and drops a property whose value holds a colon, so the
    style file has neither; reading it the same way here lets tests see what Browser will see.
    """
    bodies: dict[str, str] = {}
    selector, body = "", ""
    in_quotes = in_body = nested = False
    for char in grass:
        if char in "'\"":
            in_quotes = not in_quotes
            continue
        if char == "{" and not in_quotes:
            if in_body:
                nested = True
            else:
                in_body = True
            continue
        if char == "}" and not in_quotes:
            if nested:
                nested = False
            else:
                in_body = False
                bodies[selector], selector, body = body, "", ""
            continue
        if in_body:
            body += char
        elif not char.isspace():
            selector += char
    parsed: dict[str, dict[str, str]] = {}
    for name, text in bodies.items():
        parsed[name] = {}
        for declaration in text.split(";"):
            parts = declaration.split(":")
            if len(parts) == 2:
                parsed[name][parts[0].strip()] = parts[1].strip()
    return parsed


def _legend(style: Mapping[str, Mapping[str, str]]) -> str:
    """A table of the labels' colours, taken from the style so the two always agree."""
    rows = []
    for selector, props in style.items():
        label = selector.removeprefix("node.")
        if label == selector or label not in _LABEL_NAMES or "color" not in props:
            continue
        swatch = (
            f'<span style="display:inline-block;width:14px;height:14px;border-radius:7px;'
            f"background:{escape(props['color'])};border:1px solid "
            f'{escape(props.get("border-color", props["color"]))}"></span>'
        )
        rows.append(
            f"<tr><td>{swatch}</td><td><code>{escape(label)}</code></td>"
            f"<td>{escape(_LABEL_NAMES[label])}</td></tr>"
        )
    return f'<table class="table table-condensed">{"".join(rows)}</table>'


def _cypher_literal(value: object) -> str:
    """A Python value (from the placeholder's JSON) as a Cypher literal for `:params`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_cypher_literal(item) for item in value) + "]"
    raise GuideError(f"cannot write {value!r} as a Cypher parameter value")


def _query_block(argument: str, tokens: Mapping[str, int], load_query: Callable[[str], str]) -> str:
    name, _, raw_params = argument.strip().partition(" ")
    try:
        text = load_query(name)
    except (LookupError, ValueError) as exc:
        raise GuideError(f"guide slide query {name!r}: {exc}") from exc
    try:
        params = json.loads(raw_params) if raw_params.strip() else {}
    except json.JSONDecodeError as exc:
        raise GuideError(f"guide slide query {name!r}: parameters are not JSON: {exc}") from exc
    if not isinstance(params, dict):
        raise GuideError(f"guide slide query {name!r}: parameters must be a JSON object")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    wanted = set(_QUERY_PARAMETER.findall(code))
    if wanted != set(params):
        raise GuideError(
            f"guide slide query {name!r}: the query takes {sorted(wanted)} but the guide sets "
            f"{sorted(params)}; update schema/browser/guide.html"
        )
    values = {
        key: tokens.get(value, value) if isinstance(value, str) else value
        for key, value in params.items()
    }
    unknown = [v for v in values.values() if isinstance(v, str) and v.startswith("@")]
    if unknown:
        raise GuideError(f"guide slide query {name!r}: unknown value(s) {unknown}")
    assignments = ", ".join(f"{key}: {_cypher_literal(value)}" for key, value in values.items())
    source = f"schema/queries/{name}.cypher"
    return (
        f"{_RUNNABLE}:params {{{escape(assignments, quote=False)}}}</pre>\n"
        f"{_RUNNABLE}{escape(text.strip(), quote=False)}</pre>\n"
        f'<p class="text-muted"><small>{escape(source)}</small></p>'
    )


def render_guide(
    policy: Policy,
    year: int | None = None,
    template: str | None = None,
    style: str | None = None,
    load_query: Callable[[str], str] = cypher.query,
) -> str:
    """The guide's HTML: the template with the legend and every query block filled in.

    Raises GuideError naming the query when a slide and its query file disagree.
    """
    folder = browser_schema_dir()
    template = template if template is not None else (folder / "guide.html").read_text("utf-8")
    grass = parse_grass(
        style if style is not None else (folder / "orggraph.grass").read_text("utf-8")
    )
    tokens = {
        "@min_households": policy.min_households,
        "@max_households": policy.max_households,
        "@min_points": policy.min_yearly_points,
        "@year": year if year is not None else date.today().year,
    }
    parts = _PLACEHOLDER.split(template)
    rendered: list[str] = []
    for index in range(0, len(parts), 3):
        prose = parts[index]
        for token in _TOKENS:
            prose = prose.replace(token, str(tokens[token]))
        rendered.append(_COMMENT.sub("", prose))
        if index + 1 < len(parts):
            kind, argument = parts[index + 1], parts[index + 2]
            rendered.append(
                _legend(grass) if kind == "legend" else _query_block(argument, tokens, load_query)
            )
    return "".join(rendered)


def install(home: Path, browser_jar: Path, policy: Policy) -> Path:
    """Write ``<home>/web/neo4j-browser.zip`` (Browser plus orggraph's guide and style).

    Skipped when nothing changed since the last start (same jar, guide and style), since the
    ZIP is a full copy of Browser. Written beside and renamed into place, so a crash never
    leaves a half ZIP that Neo4j would serve. Returns the ZIP's path.
    """
    guide = render_guide(policy).encode("utf-8")
    style = (browser_schema_dir() / "orggraph.grass").read_bytes()
    jar = browser_jar
    jar_stat = jar.stat()
    digest = hashlib.sha256()
    for part in (_LAYOUT, jar.name.encode(), str(jar_stat.st_size).encode(), guide, style):
        digest.update(part + b"\0")
    web = home / "web"
    target, stamp = web / WEB_ZIP_NAME, web / _STAMP_NAME
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == digest.hexdigest():
        return target
    web.mkdir(parents=True, exist_ok=True)
    partial = web / f"{WEB_ZIP_NAME}.partial"
    with zipfile.ZipFile(jar) as source, zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as out:
        out.writestr(_entry(_ROOT), b"")
        for entry in source.infolist():
            if entry.filename.startswith(_ROOT) and entry.filename != _ROOT:
                out.writestr(_entry(entry.filename, entry), source.read(entry))
        out.writestr(_entry(f"{_ROOT}orggraph/"), b"")
        out.writestr(_entry(_ROOT + GUIDE_PATH), guide)
        out.writestr(_entry(_ROOT + STYLE_PATH), style)
    os.replace(partial, target)
    stamp.write_text(digest.hexdigest() + "\n")
    return target


def _entry(name: str, like: zipfile.ZipInfo | None = None) -> zipfile.ZipInfo:
    """A stored ZIP entry. Directories end in a slash and come before their files, as Neo4j's
    unzip needs: it creates each directory entry, and each file inside an existing one."""
    info = zipfile.ZipInfo(name, like.date_time if like else (2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o644 << 16
    return info
