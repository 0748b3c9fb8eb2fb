"""The Browser guide and style, without a server: rendered from the organisers' queries, read
as Browser reads them, and packed into the ZIP Neo4j serves /browser/ from."""

from __future__ import annotations

import json
import zipfile
from html import unescape
from pathlib import Path

import pytest

from orggraph.config import LocalNeo4jSettings
from orggraph.domain.policy import Policy
from orggraph.localneo4j import browser, instance

LEVEL_LABELS = (
    "StreetCommittee",
    "CommunityCommittee",
    "ResidentialBranch",
    "BuildingGroup",
    "Household",
    "CentralHousehold",
    "Member",
    "WorkUnit",
    "PointsEntry",
)


def _style() -> dict[str, dict[str, str]]:
    return browser.parse_grass((browser.browser_schema_dir() / "orggraph.grass").read_text())


def test_the_guide_carries_every_organisers_query_verbatim() -> None:
    guide = unescape(browser.render_guide(Policy(max_households=16, min_yearly_points=25)))

    names = browser.guide_query_names()
    assert len(names) >= 8
    for name in names:
        assert browser.query_code(browser.guide_query(name)) in guide, name
        assert f"schema/browser/queries/{name}.cypher" in guide
    assert ":params {unit_id: 'S01', max_households: 16}" in guide
    assert ":params {unit_id: 'S01', min_points: 25, year: null}" in guide
    assert "orggraph:" not in guide and "@max_households" not in guide
    assert guide.count("<slide") >= 10
    assert '<article class="guide">' in guide and "<carousel" in guide


def test_the_organisers_queries_are_short_and_return_no_internal_fields() -> None:
    """What an organiser reads: named columns or paths, never a node's raw map of fields."""
    for name in browser.guide_query_names():
        text = browser.guide_query(name)
        code = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
        assert len(code) <= 25, name
        for internal in ("search_name", "grp", "labels(", ".*", "fig_"):
            assert internal not in "\n".join(code), (name, internal)
        returned = "\n".join(code).split("RETURN", 1)[1]
        assert "`" in returned or returned.split()[0] in ("path", "path,"), name


def test_whole_number_parameters_go_through_to_integer() -> None:
    """Browser's `:params {n: 15}` sends 15.0: a query comparing with it must make it whole."""
    for name in browser.guide_query_names():
        text = browser.guide_query(name)
        for parameter in ("max_households", "min_households", "min_points", "year"):
            if f"${parameter}" in text:
                assert f"toInteger(${parameter})" in text, (name, parameter)


def test_a_query_that_gains_a_parameter_stops_the_render() -> None:
    def drifted(name: str) -> str:
        text = browser.guide_query(name)
        return text + "\nAND $new_filter" if name == "street_tree" else text

    with pytest.raises(browser.GuideError, match=r"'street_tree'.*new_filter"):
        browser.render_guide(Policy(), load_query=drifted)


def test_an_unknown_query_stops_the_render() -> None:
    template = "<slide><!-- orggraph:query no_such_query {} --></slide>"
    with pytest.raises(browser.GuideError, match="no_such_query"):
        browser.render_guide(Policy(), template=template)


def test_the_style_gives_every_label_a_colour_a_size_and_a_caption() -> None:
    style = _style()

    colours = []
    for label in LEVEL_LABELS:
        rule = style[f"node.{label}"]
        assert rule["caption"] == ("{points}" if label == "PointsEntry" else "{name}")
        assert rule["diameter"].endswith("px")
        colours.append(rule["color"])
    assert len(set(colours)) == len(colours), "each label needs a colour of its own"
    sizes = [int(style[f"node.{label}"]["diameter"][:-2]) for label in LEVEL_LABELS[:5]]
    assert sizes == sorted(sizes, reverse=True), "higher levels draw bigger"


def test_browser_drops_nothing_from_the_style() -> None:
    """Browser's reader has no comments and drops a value holding a colon: count declarations."""
    raw = (browser.browser_schema_dir() / "orggraph.grass").read_text()
    declared = sum(line.strip().endswith(";") for line in raw.splitlines())

    assert "/*" not in raw and "//" not in raw
    assert sum(len(rule) for rule in _style().values()) == declared


def _fake_browser_jar(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as jar:
        jar.writestr("META-INF/", b"")
        jar.writestr("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n")
        jar.writestr("browser/", b"")
        jar.writestr("browser/assets/", b"")
        jar.writestr(
            "browser/index.html",
            b'<title>Neo4j Browser</title><div id="mount"></div><script src="app.js"></script>',
        )
        jar.writestr("browser/assets/app.js", b"//")
    return path


def test_install_writes_browser_with_the_guide_and_style(tmp_path: Path) -> None:
    jar = _fake_browser_jar(tmp_path / "neo4j-browser.jar")

    written = browser.install(tmp_path / "home", jar, Policy())

    assert written == tmp_path / "home" / "web" / "neo4j-browser.zip"
    with zipfile.ZipFile(written) as served:
        names = served.namelist()
        guide = served.read("browser/orggraph/guide.html").decode()
        style = served.read("browser/orggraph/style.grass").decode()
        index = served.read("browser/index.html").decode()
        script = served.read("browser/orggraph/style.js").decode()
    assert names[0] == "browser/", "Neo4j serves the folder the first entry names"
    assert "META-INF/MANIFEST.MF" not in names
    assert {"browser/index.html", "browser/assets/app.js", "browser/orggraph/"} <= set(names)
    for folder in (name for name in names if name.endswith("/")):
        files = [i for i, name in enumerate(names) if name.startswith(folder) and name != folder]
        assert all(names.index(folder) < i for i in files), f"{folder} must precede its files"
    assert "<carousel" in guide and style.startswith("node {")
    assert index.index('src="orggraph/style.js"') < index.index('src="app.js"')
    assert 'localStorage.setItem("neo4j.grass"' in script


def test_the_style_script_holds_the_style_as_browser_reads_it() -> None:
    grass = (browser.browser_schema_dir() / "orggraph.grass").read_text()
    script = browser.style_script(grass)
    call = script.splitlines()[-1]
    stored = json.loads(json.loads(call[call.index(", ") + 2 : call.rindex(")")]))
    assert stored == browser.parse_grass(grass)


def test_install_skips_an_unchanged_zip_and_redoes_a_changed_one(tmp_path: Path) -> None:
    jar = _fake_browser_jar(tmp_path / "neo4j-browser.jar")
    written = browser.install(tmp_path / "home", jar, Policy())
    first = written.stat().st_mtime_ns

    browser.install(tmp_path / "home", jar, Policy())
    assert written.stat().st_mtime_ns == first

    browser.install(tmp_path / "home", jar, Policy(max_households=20))
    assert written.stat().st_mtime_ns != first
    with zipfile.ZipFile(written) as served:
        assert "max_households: 20" in served.read("browser/orggraph/guide.html").decode()


def test_neo4j_conf_points_browser_at_the_instances_own_files(tmp_path: Path) -> None:
    settings = LocalNeo4jSettings(tmp_path, "unit", 23687, 23474, "384m", "64m", "secret-pw", 5)
    conf = instance.render_config(settings, tmp_path / "home")

    assert "browser.remote_content_hostname_whitelist=127.0.0.1,localhost\n" in conf
    assert (
        "browser.post_connect_cmd=guide http://127.0.0.1:23474/browser/orggraph/guide.html\n"
    ) in conf
