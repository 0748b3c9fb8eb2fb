"""The supply list (供给清单) in ledgers: offers imported with their offerer settled, matched
dispatches replayed against them as live, refused with named problems and nothing stored,
idempotent, a changed row updating its offer, round trips (Chinese headers too) on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.domain.service import AssigneeKind, ServiceState
from orggraph.domain.supply import OfferFilter, OfferKind, OfferState
from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import Kind, Problem, write_ledger
from orggraph.ledger.chinese import chinese_message, in_chinese
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from .offer_ledger import MATCHED_STEPS, OFFERS, offer_ledger

OFFER_IDS = ["O1", "O2", "O3"]
REQUEST_IDS = ["R1", "R2", "R3", "R4"]


async def _kept(store: GraphStore) -> list[object]:
    return [
        *(await store.service_offers_many(OFFER_IDS)),
        *(await store.service_requests_many(REQUEST_IDS)),
        *(await store.service_steps_many(REQUEST_IDS)),
    ]


async def test_offers_arrive_and_dispatches_keep_their_match(
    tmp_path: Path, memory_store: GraphStore
) -> None:
    report = await import_ledger(offer_ledger(tmp_path / "l"), memory_store, progress=False)
    assert report.ok, report.problems
    assert report.changes[Kind.OFFERS] == Changes(created=3)
    o1, o2, o3 = await memory_store.service_offers_many(OFFER_IDS)
    assert o1 is not None and o1.offered_by_kind is AssigneeKind.MEMBER
    assert (o1.serves_id, o1.schedule, o1.kind) == ("S1-C1", "每周六上午", OfferKind.SKILL)
    assert o2 is not None and o2.offered_by_kind is AssigneeKind.WORK_UNIT
    assert o2.kind is OfferKind.RESOURCE and o2.serves_id is None
    assert o3 is not None and o3.state is OfferState.WITHDRAWN and o3.withdrawn_reason == "调离"
    r1, r2 = await memory_store.service_requests_many(["R1", "R2"])
    assert r1 is not None and r1.state is ServiceState.VERIFIED and r1.offer_id == "O1"
    assert r2 is not None and r2.offer_id == "O2"
    (steps,) = await memory_store.service_steps_many(["R1"])
    assert [s.offer_id for s in steps or ()] == [None, "O1", None, None, None]
    page = await memory_store.service_offers("S1-C1", OfferFilter())
    assert [o.id for o in page.items] == OFFER_IDS


async def test_reimport_changes_nothing_and_a_changed_row_updates_its_offer(
    tmp_path: Path, memory_store: GraphStore
) -> None:
    assert (await import_ledger(offer_ledger(tmp_path / "l"), memory_store, progress=False)).ok
    before = await _kept(memory_store)
    again = await import_ledger(offer_ledger(tmp_path / "again"), memory_store, progress=False)
    assert again.changes[Kind.OFFERS] == Changes(unchanged=3)
    assert all(c.created == c.updated == 0 for c in again.changes.values())
    assert await _kept(memory_store) == before
    changed = OFFERS.replace(
        "水电维修,S1-C1,2022-01-01,,每周六上午", "水电维修,S1-C1,2022-01-01,,每周日"
    )
    changed = changed.replace(
        "O2,W1,资源,会议室借用,,,2022-12-31,,c1.secretary,2022-03-01 10:00,open,,,",
        "O2,W1,资源,会议室借用,,,2022-12-31,,c1.secretary,2022-03-01 10:00,withdrawn,c1.sec,"
        "2022-06-01 09:00,",
    )
    report = await import_ledger(
        offer_ledger(tmp_path / "changed", changed), memory_store, progress=False
    )
    assert report.ok, report.problems
    assert report.changes[Kind.OFFERS] == Changes(updated=2, unchanged=1)
    o1, o2, _ = await memory_store.service_offers_many(OFFER_IDS)
    assert o1 is not None and o1.schedule == "每周日"
    assert o2 is not None and o2.state is OfferState.WITHDRAWN
    (r2,) = await memory_store.service_requests_many(["R2"])
    assert r2 is not None and r2.offer_id == "O2"  # matched while it was open


async def _round_trip(store: GraphStore, tmp_path: Path, language: str) -> None:
    assert (await import_ledger(offer_ledger(tmp_path / "l"), store, progress=False)).ok
    exported = await export_ledger(store)
    assert [o.id for o in exported.offers] == OFFER_IDS
    write_ledger(exported, tmp_path / "out", "csv", language)
    if language == "zh":
        header = (tmp_path / "out" / "供给清单.csv").read_text(encoding="utf-8-sig")
        assert header.startswith("供给编号,提供方编号,供给类型,供给内容,服务范围编号")
        assert "已撤回" in header and "技能" in header
        steps = (tmp_path / "out" / "办理记录.csv").read_text(encoding="utf-8-sig")
        assert "匹配供给编号" in steps.splitlines()[0]
    fresh = await MemoryStore.open(tmp_path / "fresh")
    try:
        report = await import_ledger(tmp_path / "out", fresh, progress=False)
        assert report.ok, report.problems
        assert await _kept(fresh) == await _kept(store)
        assert (await export_ledger(fresh)) == exported
    finally:
        await fresh.close()


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_export_then_import_gives_the_same_offers_and_matches(
    tmp_path: Path, memory_store: GraphStore, language: str
) -> None:
    await _round_trip(memory_store, tmp_path, language)


@pytest.mark.neo4j
@pytest.mark.parametrize("language", ["en", "zh"])
async def test_export_then_import_gives_the_same_offers_and_matches_on_neo4j(
    tmp_path: Path, neo4j_store: GraphStore, language: str
) -> None:
    await _round_trip(neo4j_store, tmp_path, language)
    again = await import_ledger(tmp_path / "out", neo4j_store, progress=False)
    assert again.changes[Kind.OFFERS] == Changes(unchanged=3)
    assert again.changes[Kind.SERVICE_REQUESTS] == Changes(unchanged=4)


def _row(offer_id: str, cells: str) -> str:
    """OFFERS with the row of `offer_id` replaced by `cells` (after its id)."""
    lines = [
        f"{offer_id},{cells}" if line.startswith(f"{offer_id},") else line
        for line in OFFERS.splitlines()
    ]
    return "\n".join(lines) + "\n"


O1 = "M1,skill,水电维修,S1-C1,2022-01-01,,每周六上午,c1.secretary,2022-03-01 09:00,,,,"

BAD_OFFERS = {
    "an unknown cadre": (
        _row("O1", O1.replace("M1,", "M9,", 1)),
        "offers.csv, row 2, column offered_by: unknown cadre or work unit M9: not in the ledger "
        "nor in the store",
    ),
    "an unknown place": (
        _row("O1", O1.replace("S1-C1,", "S1-C9,")),
        "offers.csv, row 2, column serves_id: unknown unit S1-C9",
    ),
    "a household as place": (
        _row("O1", O1.replace("S1-C1,", "H1,")),
        "offers.csv, row 2, column serves_id: H1 is a household, not a unit",
    ),
    "a bad date": (
        _row("O1", O1.replace("2022-01-01", "2022-02-30")),
        "offers.csv, row 2, column available_from: '2022-02-30' is not a date that exists",
    ),
    "until before from": (
        _row("O1", O1.replace("2022-01-01,,", "2022-06-01,2022-05-01,")),
        "offers.csv, row 2, column available_until: service offer O1 is available until "
        "2022-05-01, before it is available from 2022-06-01",
    ),
    "an unknown kind": (
        _row("O1", O1.replace("skill", "money")),
        "offers.csv, row 2, column kind: offer kind 'money' is not one of skill/技能",
    ),
    "a withdrawal without its time": (
        _row("O1", O1.replace(",,,,", ",withdrawn,c1.sec,,")),
        "offers.csv, row 2, column state: service offer O1 is withdrawn: withdrawn_by and "
        "withdrawn_at are given exactly when it is withdrawn",
    ),
    "a duplicate id": (
        OFFERS + f"O1,{O1}\n",
        "offers.csv, row 5, column id: duplicate service offer O1: already at offers.csv, row 2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_OFFERS))
async def test_a_bad_offer_is_named_and_nothing_is_stored(
    case: str, tmp_path: Path, memory_store: GraphStore
) -> None:
    offers, expected = BAD_OFFERS[case]
    report = await import_ledger(offer_ledger(tmp_path / "l", offers), memory_store, progress=False)
    _refused(report.problems, expected)
    assert (await memory_store.counts()).households == 0
    assert await memory_store.service_offers_many(OFFER_IDS) == [None] * 3


def _refused(problems: list[Problem], expected: str) -> None:
    lines = [str(p) for p in problems]
    assert any(line.startswith(expected) for line in lines), lines
    assert len(lines) == 1, lines
    (problem,) = problems
    line, chinese = in_chinese(problem), chinese_message(problem.message)
    assert chinese is not None and line.endswith(chinese), problem.message
    assert f"第{problem.where.row}行" in line
    assert not any(w in chinese for w in ("service ", "unknown", "cannot", " offer")), chinese


BAD_MATCHES = {
    "another cadre's offer": (
        MATCHED_STEPS.replace("S1-C1-B1-G1,M1,,,dispatched,O1", "S1-C1-B1-G1,M1,,,dispatched,O3"),
        "service_steps.csv, row 2, column offer_id: step 2: service offer O3 is offered by M2, "
        "not by M1",
    ),
    "an offer withdrawn before the dispatch": (
        MATCHED_STEPS.replace("R2,2,派单,2022-04-02 11:00,b1.leader,,S1-C1-B1,M2,,,,O3", "")
        .replace(
            "R2,2,派单,2022-04-02 11:00,b1.leader,,S1-C1-B1,W1,,,,O2",
            "R2,2,派单,2022-05-02 11:00,b1.leader,,S1-C1-B1,M2,,,,O3",
        )
        .replace("R2,3,接单,2022-04-02 15:00", "R2,3,接单,2022-05-02 15:00"),
        "service_steps.csv, row 6, column offer_id: step 2: service offer O3 is withdrawn; "
        "service request R2 cannot use it",
    ),
    "an offer out of its days": (
        MATCHED_STEPS,
        "service_steps.csv, row 2, column offer_id: step 2: service offer O1 is available from "
        "2022-05-01 until no end; not on 2022-04-01",
    ),
    "an offer recorded after the dispatch": (
        MATCHED_STEPS,
        "service_steps.csv, row 6, column offer_id: step 2: service offer O2 was recorded at",
    ),
    "an unknown offer": (
        MATCHED_STEPS.replace(",dispatched,O1", ",dispatched,O7"),
        "service_steps.csv, row 2, column offer_id: unknown service offer O7: not in the ledger "
        "nor in the store",
    ),
}
_SHIFTED_OFFERS = {
    "an offer out of its days": _row("O1", O1.replace("2022-01-01", "2022-05-01")),
    "an offer recorded after the dispatch": OFFERS.replace(
        "c1.secretary,2022-03-01 10:00,open", "c1.secretary,2022-04-03 10:00,open"
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_MATCHES))
async def test_a_match_the_live_dispatch_would_refuse_is_named(
    case: str, tmp_path: Path, memory_store: GraphStore
) -> None:
    steps, expected = BAD_MATCHES[case]
    offers = _SHIFTED_OFFERS.get(case, OFFERS)
    ledger = offer_ledger(tmp_path / "l", offers, steps)
    report = await import_ledger(ledger, memory_store, progress=False)
    _refused(report.problems, expected)
    assert await memory_store.service_requests_many(REQUEST_IDS) == [None] * 4
    assert await memory_store.service_offers_many(OFFER_IDS) == [None] * 3


STORE_CONFLICTS = {
    "another offerer": (
        _row("O1", O1.replace("M1,", "M3,", 1)),
        "offers.csv, row 2, column offered_by: id already exists: O1 (a service offer by M1, "
        "not by M3)",
    ),
    "another place": (
        _row("O1", O1.replace("S1-C1,", ",")),
        "offers.csv, row 2, column serves_id: id already exists: O1 (a service offer serving "
        "S1-C1, not the whole city)",
    ),
    "a withdrawn offer opened again": (
        _row("O3", "M2,技能,法律咨询,S1,,,,c1.secretary,2022-03-02 09:00,open,,,"),
        "offers.csv, row 4, column state: service offer O3 is withdrawn; it cannot be opened again",
    ),
}


@pytest.mark.parametrize("case", sorted(STORE_CONFLICTS))
async def test_a_row_may_not_change_what_the_store_fixed(
    case: str, tmp_path: Path, memory_store: GraphStore
) -> None:
    assert (await import_ledger(offer_ledger(tmp_path / "l"), memory_store, progress=False)).ok
    before = await _kept(memory_store)
    offers, expected = STORE_CONFLICTS[case]
    plain = MATCHED_STEPS.replace(",O1\n", ",\n").replace(",O2\n", ",\n")
    ledger = offer_ledger(tmp_path / "again", offers, plain)
    report = await import_ledger(ledger, memory_store, progress=False)
    _refused(report.problems, expected)
    assert await _kept(memory_store) == before
