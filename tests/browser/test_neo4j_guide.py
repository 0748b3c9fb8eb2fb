"""Every slide of the organisers' guide, run in Neo4j Browser as an organiser would: log in,
open each slide, click its `:params` block and run it, click its query and run it. A slide
fails on any error frame and on an empty result, since the generated city has data for every
one; the uncovered households and the overloaded cadres agree with the store's gap counts.

Runs against the server `make test` starts. The generated city (scale 0.05) is imported into
it first (the database is cleared, as the contract suite does before each test).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orggraph.config import Settings
from orggraph.domain.gaps import GapKind
from orggraph.domain.policy import Policy
from orggraph.domain.service import ServiceAction, ServiceCommand, ServiceKind, ServiceRequest
from orggraph.importer.run import import_ledger
from orggraph.ledger import write_ledger
from orggraph.seed.generate import generate_city
from orggraph.seed.profile import load_profile
from orggraph.store.protocols import GraphStore

pytestmark = [pytest.mark.neo4j, pytest.mark.browser, pytest.mark.slow]

YEAR = 2022
"""The profile's points year: the latest (and only) year with points entries."""

_ROWS = re.compile(r"Started streaming (\d+) records?|Displaying (\d+) nodes?")
_FAILED = re.compile(r"Neo\.\w+Error|ERROR|Error:")
_DONE = re.compile(f"{_ROWS.pattern}|{_FAILED.pattern}|\\(no changes, no records\\)")


@pytest.fixture(scope="module")
async def neo4j_city(
    neo4j_session_store: GraphStore, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphStore]:
    """The test server holding the generated city alone."""
    folder = tmp_path_factory.mktemp("guide-city")
    write_ledger(generate_city(load_profile("qianjiang"), scale=0.05, seed=1), folder, "csv", "en")
    await neo4j_session_store.clear()
    result = await import_ledger(folder, neo4j_session_store, progress=False)
    assert result.ok, [str(problem) for problem in result.problems[:5]]
    await _a_request_for_the_slides(neo4j_session_store)
    yield neo4j_session_store
    await neo4j_session_store.clear()


async def _a_request_for_the_slides(store: GraphStore) -> None:
    """The generated city has no service requests: SR-1 (the slides' example) is ordered by
    a household of S01-C01 and dispatched to a work unit, so it is open."""
    branch = (await store.children("S01-C01", first=1)).items[0]
    group = (await store.children(branch.id, first=1)).items[0]
    household = (await store.children(group.id, first=1)).items[0]
    work_unit = (await store.work_units(first=1)).items[0]
    at = datetime.now(UTC)
    await store.order_service(
        ServiceRequest("SR-1", household.id, ServiceKind.WISH, "楼道灯坏了", "guide", at)
    )
    await store.advance_service(
        ServiceCommand(
            "SR-1", ServiceAction.DISPATCH, "guide", at, unit_id=group.id, assignee_id=work_unit.id
        )
    )


async def _log_in(page: Any, settings: Settings) -> None:
    local = settings.local_neo4j
    await page.goto(
        f"http://127.0.0.1:{local.http_port}/browser/"
        f"?dbms=neo4j://neo4j@127.0.0.1:{local.bolt_port}&preselectAuthMethod=NATIVE"
    )
    await page.locator("input[data-testid=password]").fill(local.password)
    await page.locator("button[data-testid=connect]").click()


async def _run_block(page: Any, block: Any) -> str:
    """Click a runnable block (Browser puts it in the editor), run it, and return the text of
    the frame it makes once that frame has finished."""
    frames = page.locator("[data-testid=frame]")
    if await frames.count():  # Browser keeps a limited number of frames: mark the newest
        await frames.first.evaluate("frame => frame.setAttribute('data-seen', '')")
    await block.click()
    editor = page.locator("[data-testid=activeEditor]").first
    await editor.click()
    await page.keyboard.press("Control+Enter")
    await page.wait_for_function(
        "() => { const f = document.querySelector('[data-testid=frame]');"
        " return f !== null && !f.hasAttribute('data-seen'); }",
        timeout=30_000,
    )
    newest = frames.first
    for _ in range(120):
        text: str = await newest.inner_text()
        if "Successfully set your parameters" in text or _DONE.search(text):
            return text
        await page.wait_for_timeout(500)
    raise AssertionError(f"the frame never finished: {text[:500]}")


async def _slides(page: Any) -> AsyncIterator[tuple[str, list[Any]]]:
    """Each slide's heading and runnable blocks, from the first slide to the last."""
    seen: set[str] = set()
    while True:
        drawer = page.get_by_test_id("guidesDrawer")
        heading = await drawer.locator(".slide h3").first.inner_text()
        if heading in seen:
            return
        seen.add(heading)
        blocks = drawer.locator("pre.runnable")
        yield heading, [blocks.nth(index) for index in range(await blocks.count())]
        following = page.get_by_test_id("guideNextSlide")
        if not await following.count() or not await following.is_enabled():
            return
        await following.click()
        await page.wait_for_timeout(300)


async def test_every_slide_runs_as_written_and_finds_the_citys_data(
    neo4j_city: GraphStore, page: Any, shots: Path
) -> None:
    settings = Settings.from_env()
    policy: Policy = settings.policy
    gap_counts = {
        scope: await neo4j_city.gap_counts(scope, policy, YEAR) for scope in ("S01", "S01-C01")
    }
    await _log_in(page, settings)
    await page.get_by_text("orggraph 组织关系图 · Organisers' guide").first.wait_for(timeout=90_000)
    frames = page.locator("[data-testid=frame]")
    first_frame = await frames.first.inner_text()
    assert ":style" not in first_frame and "diameter" not in first_frame

    ran: dict[str, int] = {}
    async for heading, blocks in _slides(page):
        if not blocks:
            continue
        assert len(blocks) == 2, f"{heading}: expected a :params block and a query"
        parameters = await _run_block(page, blocks[0])
        assert "Successfully set your parameters" in parameters, (heading, parameters[:500])
        answer = await _run_block(page, blocks[1])
        number = heading.split("·")[0].strip()
        await page.screenshot(path=shots / f"neo4j-guide-{len(ran) + 1}.png")
        assert not _FAILED.search(answer), (heading, answer[:800])
        assert "(no changes, no records)" not in answer, f"{heading}: no rows"
        rows = _ROWS.search(answer)
        assert rows, (heading, answer[:800])
        ran[number] = int(rows.group(1) or rows.group(2))
        assert ran[number] > 0, heading
        captions = await frames.first.locator("svg g.node text.caption").all_text_contents()
        cut = [caption for caption in captions if caption.endswith("…")]
        assert not cut, f"{heading}: captions cut to fit their circles: {cut[:5]}"

    assert len(ran) >= 8, sorted(ran)
    assert ran["无人包联的住户"] == gap_counts["S01-C01"][GapKind.UNCOVERED_HOUSEHOLD]
    assert ran["包联超标的党员"] == gap_counts["S01"][GapKind.CADRE_OVER_BAND]
    assert ran["积分不足的党员"] == gap_counts["S01"][GapKind.CADRE_UNDER_POINTS]
