"""Neo4j Browser on the local test server, as an organiser meets it: log in, the guide opens
at its first slide, the guide's street-tree query draws nodes in orggraph's colours with
names as captions.

Runs against the server `make test` starts (ORGGRAPH_NEO4J_* and NEO4J_PASSWORD say where).
The few nodes it draws are its own, under ids with a unique prefix, deleted afterwards; other
data on the server is never touched. An unreachable server FAILS these tests.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import expect

from orggraph.config import Settings
from orggraph.localneo4j import browser

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]

STREET_NAME = "街道·浏览器测试"
"""Names differ in their first characters: Browser shortens a caption to fit its circle."""
COMMUNITY_NAME = "社区·浏览器测试"
BRANCH_NAME = "支部·浏览器测试"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="module")
def driver(settings: Settings) -> Iterator[Driver]:
    """A driver to the test server, or a FAILED test saying how to start it."""
    local = settings.local_neo4j
    driver = GraphDatabase.driver(local.bolt_uri, auth=("neo4j", local.password))
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        pytest.fail(
            f"Neo4j is not reachable at {local.bolt_uri} ({type(exc).__name__}: {exc}). "
            "These tests need the server `make test` starts (`orggraph neo4j start` with the "
            "test instance's environment variables).",
            pytrace=False,
        )
    yield driver
    driver.close()


@pytest.fixture
def street_id(driver: Driver) -> Iterator[str]:
    """A street with one community and one branch, under ids no one else uses."""
    prefix = f"browsertest-{uuid.uuid4().hex[:12]}"
    driver.execute_query(
        "CREATE (s:Entity:StreetCommittee {id: $prefix + '-S', name: $street, level: 1})"
        "-[:HAS_CHILD]->(c:Entity:CommunityCommittee {id: $prefix + '-C', name: $community,"
        " level: 2})-[:HAS_CHILD]->(:Entity:ResidentialBranch {id: $prefix + '-B',"
        " name: $branch, level: 3})",
        prefix=prefix,
        street=STREET_NAME,
        community=COMMUNITY_NAME,
        branch=BRANCH_NAME,
    )
    try:
        yield f"{prefix}-S"
    finally:
        driver.execute_query(
            "MATCH (n:Entity) WHERE n.id STARTS WITH $prefix DETACH DELETE n", prefix=prefix
        )


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        body: bytes = response.read()
    return body.decode("utf-8")


@pytest.fixture(scope="module")
def served(driver: Driver, settings: Settings) -> None:
    """The server was started by this orggraph (with the guide), or a failed test saying so."""
    url = browser.browser_url(settings.local_neo4j.http_port, browser.GUIDE_PATH)
    try:
        _get(url)
    except urllib.error.HTTPError as exc:
        pytest.fail(
            f"{url} answers {exc.code}: this server was started without orggraph's Browser "
            "guide (by an older orggraph, or the guide failed to render: see the warning "
            "`orggraph neo4j start` printed). Restart it: orggraph neo4j stop; orggraph neo4j "
            "start (with the test instance's environment variables).",
            pytrace=False,
        )


@pytest.mark.usefixtures("served")
def test_the_server_serves_the_guide_and_the_style(settings: Settings) -> None:
    port = settings.local_neo4j.http_port
    guide = unescape(_get(browser.browser_url(port, browser.GUIDE_PATH)))
    style = _get(browser.browser_url(port, browser.STYLE_PATH))

    for name in browser.guide_query_names():
        assert browser.query_code(browser.guide_query(name)) in guide, name
    assert _get(browser.browser_url(port, browser.STYLE_SCRIPT_PATH)) == browser.style_script(style)
    assert style == (browser.browser_schema_dir() / "orggraph.grass").read_text()
    assert "<title>Neo4j Browser</title>" in _get(f"http://127.0.0.1:{port}/browser/")


def _first_slide_heading() -> str:
    guide = browser.render_guide(Settings.from_env().policy)
    match = re.search(r"<slide.*?<h3>(.*?)</h3>", guide, re.DOTALL)
    assert match
    return unescape(match.group(1))


async def _log_in(page: Any, settings: Settings) -> None:
    local = settings.local_neo4j
    await page.goto(
        f"http://127.0.0.1:{local.http_port}/browser/"
        f"?dbms=neo4j://neo4j@127.0.0.1:{local.bolt_port}&preselectAuthMethod=NATIVE"
    )
    await page.locator("input[data-testid=password]").fill(local.password)
    await page.locator("button[data-testid=connect]").click()


async def _run_in_editor(page: Any, command: str) -> None:
    await page.locator("[data-testid=activeEditor]").first.click()
    await page.keyboard.insert_text(command)
    await page.keyboard.press("Control+Enter")


@pytest.mark.usefixtures("served")
async def test_browser_connects_opens_the_guide_and_draws_styled_nodes(
    page: Any, settings: Settings, street_id: str, shots: Path
) -> None:
    await _log_in(page, settings)
    heading = page.get_by_role("heading", name=_first_slide_heading(), exact=True)
    await heading.first.wait_for(timeout=90_000)  # connecting, then the post-connect :guide
    await page.screenshot(path=shots / "neo4j-browser-guide.png")
    assert await page.locator("input[data-testid=password]").count() == 0, "still logging in"

    tree_query = page.locator("pre.runnable", has_text="(:StreetCommittee {id: $street_id})")
    for _ in range(10):  # the guide's slides, one Next at a time, to the street's tree
        try:
            await tree_query.wait_for(state="visible", timeout=3_000)  # a slide takes a moment
            break
        except PlaywrightTimeout:
            await page.get_by_test_id("guideNextSlide").click()
    await _run_in_editor(page, f":params {{street_id: '{street_id}'}}")
    await page.get_by_text(f'"street_id": "{street_id}"').wait_for(timeout=30_000)
    await tree_query.click()  # the guide puts the named query in the editor ...
    editor = page.locator("[data-testid=activeEditor]").first
    await expect(editor).to_contain_text("StreetCommittee", timeout=30_000)
    await editor.click()
    await page.keyboard.press("Control+Enter")  # ... and the organiser runs it

    nodes = page.locator("svg g.node")
    await page.wait_for_function(
        "() => document.querySelectorAll('svg g.node').length >= 3", timeout=30_000
    )
    await page.screenshot(path=shots / "neo4j-browser-graph.png")
    style = browser.parse_grass((browser.browser_schema_dir() / "orggraph.grass").read_text())
    drawn: dict[str, str] = {}
    for index in range(await nodes.count()):
        node = nodes.nth(index)
        caption = (await node.locator("text.caption").first.text_content() or "").strip()
        fill = await node.locator("circle.b-outline").get_attribute("fill")
        drawn[caption.rstrip("…")] = (fill or "").upper()
    expected = {
        STREET_NAME: style["node.StreetCommittee"]["color"],
        COMMUNITY_NAME: style["node.CommunityCommittee"]["color"],
        BRANCH_NAME: style["node.ResidentialBranch"]["color"],
    }
    for name, colour in expected.items():
        shown = [caption for caption in drawn if caption and name.startswith(caption)]
        assert shown, f"no node captioned with {name!r}; captions drawn: {sorted(drawn)}"
        assert drawn[shown[0]] == colour.upper(), name
