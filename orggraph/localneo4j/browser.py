"""Neo4j Browser for organisers: orggraph's style and guide, served by the local server itself.

Why it works this way:

* Neo4j 5.26 serves /browser/ from a ZIP in the instance's ``web/`` folder when one named
  ``neo4j-browser*.zip`` is there (``internal.dbms.web_dir_path``, default ``web`` under the
  home), and from the Browser jar on the class path otherwise. So each start writes
  ``<home>/web/neo4j-browser.zip``: Browser's own files from the assembled jar, plus
  ``orggraph/guide.html`` and ``orggraph/style.grass``. The jars stay untouched and shared, and
  the files are served at ``http://127.0.0.1:PORT/browser/orggraph/...`` by the server itself:
  no second web server, no cross-origin trouble.
* The style is put in place before Browser starts: Browser's ``index.html`` in the ZIP loads
  ``orggraph/style.js`` first, which writes the style where Browser keeps it (its
  ``neo4j.grass`` local storage entry). A ``:style URL`` command would do the same but leave a
  frame dumping the style file as the first thing an organiser sees.
* neo4j.conf tells Browser to open the guide after connecting (``browser.post_connect_cmd``)
  and to trust the server's own host for remote content
  (``browser.remote_content_hostname_whitelist``): see ``browser_config``.
* The guide is rendered from ``schema/browser/guide.html`` and the organisers' queries in
  ``schema/browser/queries/`` at every start; a query whose parameters no longer match its
  slide stops the render (and fails the tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path

from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.neo4j import cypher

WEB_ZIP_NAME = "neo4j-browser.zip"
"""Matches Neo4j's ``internal.dbms.browser_artefact_pattern`` (``neo4j-browser*.zip``)."""

GUIDE_PATH = "orggraph/guide.html"
STYLE_PATH = "orggraph/style.grass"
STYLE_SCRIPT_PATH = "orggraph/style.js"
"""Where orggraph's files sit under /browser/ on the server."""
_INDEX = "index.html"
_GRASS_STORAGE_KEY = "neo4j.grass"
"""Browser 5 reads its state from local storage entries named ``neo4j.<slice>`` at start."""

_ROOT = "browser/"
"""The one top-level folder of the ZIP, its first entry: Neo4j serves the folder the first entry
names (and the jar keeps Browser's files under the same folder)."""
_STAMP_NAME = ".orggraph-browser.sha256"
_LAYOUT = b"orggraph-browser-zip-3"
"""Part of the stamp: change it whenever `install` lays the ZIP out differently, so existing
instances rebuild theirs."""
_PLACEHOLDER = re.compile(r"<!--\s*orggraph:(legend|query)\b(.*?)-->", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_QUERY_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_RUNNABLE = '<pre mode="cypher" class="pre-scrollable code runnable">'
"""A code block Browser puts into its editor when clicked."""
_TOKENS = ("@min_households", "@max_households", "@min_points")

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
    """The neo4j.conf lines that make Browser open orggraph's guide on connect.

    Browser runs ``post_connect_cmd`` as a ``:`` command. Both hosts are allowed, so the guide
    loads whether Browser was opened as localhost or 127.0.0.1 (the server answers
    cross-origin requests with ``Access-Control-Allow-Origin: *``).
    """
    guide = browser_url(http_port, GUIDE_PATH)
    return {
        "browser.remote_content_hostname_whitelist": "127.0.0.1,localhost",
        "browser.post_connect_cmd": f"guide {guide}",
    }


def browser_schema_dir() -> Path:
    """`schema/browser/`: the style, the guide's template and the organisers' queries."""
    return cypher.schema_dir() / "browser"


def guide_query_names() -> list[str]:
    """Every query in `schema/browser/queries/` (a test checks each has its slide)."""
    return sorted(path.stem for path in (browser_schema_dir() / "queries").glob("*.cypher"))


def guide_query(name: str) -> str:
    """The text of `schema/browser/queries/<name>.cypher`."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"query name {name!r} is not lower_snake_case")
    path = browser_schema_dir() / "queries" / f"{name}.cypher"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LookupError(f"no guide query {name!r} (looked for {path})") from None


def style_script(grass: str) -> str:
    """The script that puts `grass` where Browser keeps its style, read before Browser starts."""
    return (
        "// orggraph's Neo4j Browser style (schema/browser/orggraph.grass), set before Browser\n"
        "// starts so it applies without a :style frame.\n"
        f"localStorage.setItem({json.dumps(_GRASS_STORAGE_KEY)}, "
        f"{json.dumps(json.dumps(parse_grass(grass), ensure_ascii=False), ensure_ascii=False)});\n"
    )


def with_style_script(index_html: str) -> str:
    """Browser's index page loading `style.js` before any of Browser's own scripts."""
    first = index_html.find("<script")
    if first < 0:
        raise GuideError("Neo4j Browser's index.html has no <script>: cannot add the style")
    tag = f'<script src="{STYLE_SCRIPT_PATH}"></script>'
    return index_html[:first] + tag + index_html[first:]


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


def query_code(text: str) -> str:
    """A query without its comment lines: what a slide puts in Browser's editor (the slide's
    prose says what it answers, and the file's name is shown beneath)."""
    return "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("//")
    ).strip()


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
    code = query_code(text)
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
    source = f"schema/browser/queries/{name}.cypher"
    return (
        f"{_RUNNABLE}:params {{{escape(assignments, quote=False)}}}</pre>\n"
        f"{_RUNNABLE}{escape(code, quote=False)}</pre>\n"
        f'<p class="text-muted"><small>{escape(source)}</small></p>'
    )


def render_guide(
    policy: Policy,
    template: str | None = None,
    style: str | None = None,
    load_query: Callable[[str], str] = guide_query,
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
    script = style_script(style.decode("utf-8")).encode("utf-8")
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
            if entry.filename == _ROOT + _INDEX:
                index = with_style_script(source.read(entry).decode("utf-8"))
                out.writestr(_entry(entry.filename, entry), index.encode("utf-8"))
            elif entry.filename.startswith(_ROOT) and entry.filename != _ROOT:
                out.writestr(_entry(entry.filename, entry), source.read(entry))
        out.writestr(_entry(f"{_ROOT}orggraph/"), b"")
        out.writestr(_entry(_ROOT + GUIDE_PATH), guide)
        out.writestr(_entry(_ROOT + STYLE_PATH), style)
        out.writestr(_entry(_ROOT + STYLE_SCRIPT_PATH), script)
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
