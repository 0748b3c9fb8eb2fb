"""Names come from organisers' spreadsheets: a report must print them, never run them."""

from __future__ import annotations

from pathlib import Path

from orggraph.domain.entities import Household, Member, Unit
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.reports.charts import load_histogram
from orggraph.reports.gap_data import collect_gap_report
from orggraph.reports.html_gaps import render_gap_html
from orggraph.store.memory import MemoryStore

EVIL = '<script>alert("x")</script> & "quoted"'


def _quiet(_: str) -> None:
    """Progress messages are for the terminal; tests ignore them."""


async def test_every_name_is_escaped(tmp_path: Path) -> None:
    store = await MemoryStore.open(tmp_path / "data")
    try:
        await store.upsert_units(
            [
                Unit("s1", EVIL, Level.STREET),
                Unit("c1", EVIL, Level.COMMUNITY, "s1"),
                Unit("b1", EVIL, Level.BRANCH, "c1"),
                Unit("g1", EVIL, Level.BUILDING, "b1"),
            ]
        )
        await store.upsert_households([Household("h1", EVIL, "g1")])
        await store.upsert_members([Member("m1", EVIL, community_id="c1")])
        report = await collect_gap_report(store, "s1", Policy(), 2022, _quiet)
    finally:
        await store.close()

    for lang in ("en", "zh"):
        page = render_gap_html(report, lang)
        assert "<script" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page


def test_the_histogram_marks_the_band() -> None:
    svg = load_histogram(
        {0: 3, 9: 2, 12: 40, 17: 1}, Policy(10, 15, 20), "t", "band 10-15", "x", "y"
    )

    assert svg.count('class="band"') == 1
    assert "band 10-15" in svg
    assert svg.count("<rect") == 1 + 4  # the band, then one bar per household count with cadres
