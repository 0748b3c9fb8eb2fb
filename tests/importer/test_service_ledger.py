"""Service requests and their timelines in ledgers: imported by replaying the domain's rules,
refused with named problems and nothing stored, idempotent, round trips, Chinese headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.domain.service import ServiceAction, ServiceState, service_points_id
from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import Kind, write_ledger
from orggraph.ledger.chinese import in_chinese
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore
from orggraph.store.values import Changes

from .service_ledger import REQUESTS, STEPS, service_ledger

IDS = ["R1", "R2", "R3", "R4"]


async def _histories(store: GraphStore) -> list[object]:
    return list(
        zip(
            await store.service_requests_many(IDS),
            await store.service_steps_many(IDS),
            strict=True,
        )
    )


async def test_requests_arrive_as_their_steps_leave_them(
    tmp_path: Path, memory_store: GraphStore
) -> None:
    report = await import_ledger(service_ledger(tmp_path / "l"), memory_store, progress=False)
    assert report.ok, report.problems
    assert report.changes[Kind.SERVICE_REQUESTS] == Changes(created=4)
    r1, r2, r3, r4 = await memory_store.service_requests_many(IDS)
    assert r1 is not None and r1.state is ServiceState.VERIFIED and r1.cadre_id == "M1"
    assert r2 is not None and r2.state is ServiceState.ACCEPTED
    assert (r2.assignee_id, r2.cadre_id, r2.dispatched_by) == ("W1", "M2", "S1-C1-B1")
    assert r3 is not None and r3.state is ServiceState.ORDERED and r3.steps == 1
    assert r4 is not None and r4.state is ServiceState.CANCELLED
    (steps,) = await memory_store.service_steps_many(["R1"])
    assert steps is not None
    assert [s.action for s in steps] == [
        ServiceAction.ORDER,
        ServiceAction.DISPATCH,
        ServiceAction.ACCEPT,
        ServiceAction.COMPLETE,
        ServiceAction.VERIFY,
    ]
    assert steps[-1].member_id == "M1" and steps[-1].points == 2
    entries = await memory_store.member_points("M1", 2022)
    awarded = [e for e in entries if e.id == service_points_id("R1")]
    assert len(awarded) == 1 and awarded[0].points == 2 and "R1" in awarded[0].reason


async def test_reimport_changes_nothing(tmp_path: Path, memory_store: GraphStore) -> None:
    ledger = service_ledger(tmp_path / "l")
    assert (await import_ledger(ledger, memory_store, progress=False)).ok
    before = await _histories(memory_store)
    again = await import_ledger(ledger, memory_store, progress=False)
    assert again.changes[Kind.SERVICE_REQUESTS] == Changes(unchanged=4)
    assert all(c.created == c.updated == 0 for c in again.changes.values())
    assert await _histories(memory_store) == before


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_export_then_import_gives_the_same_timelines(
    tmp_path: Path, memory_store: GraphStore, language: str
) -> None:
    assert (await import_ledger(service_ledger(tmp_path / "l"), memory_store, progress=False)).ok
    exported = await export_ledger(memory_store)
    write_ledger(exported, tmp_path / "out", "csv", language)
    if language == "zh":
        header = (tmp_path / "out" / "办理记录.csv").read_text(encoding="utf-8-sig")
        assert header.startswith("需求编号,序号,环节,办理时间,经办人")
        assert "核单" in header
    fresh = await MemoryStore.open(tmp_path / "fresh")
    try:
        report = await import_ledger(tmp_path / "out", fresh, progress=False)
        assert report.ok, report.problems
        assert await _histories(fresh) == await _histories(memory_store)
        assert await fresh.member_points("M1", 2022) == await memory_store.member_points("M1", 2022)
        assert (await export_ledger(fresh)) == exported
    finally:
        await fresh.close()


def _bad(requests: str = REQUESTS, steps: str = STEPS) -> tuple[str, str]:
    return requests, steps


BAD_CASES = {
    "unknown household": (
        _bad(requests=REQUESTS.replace("R3,H2,", "R3,H9,")),
        "service_requests.csv, row 4, column household_id: unknown household H9",
    ),
    "unknown kind": (
        _bad(requests=REQUESTS.replace("R3,H2,dream", "R3,H2,gift")),
        "service_requests.csv, row 4, column kind: service kind 'gift' is not one of",
    ),
    "accept before dispatch": (
        _bad(steps=STEPS.replace("R1,2,dispatch", "R1,2,accept")),
        "service_steps.csv, row 2, column action: step 2: service request R1 cannot go from "
        "ordered to accepted",
    ),
    "a step before its request": (
        _bad(steps=STEPS.replace("R1,2,dispatch,2022-04-01 10:00", "R1,2,dispatch,2022-03-01")),
        "service_steps.csv, row 2, column at: step 2: service request R1 entered ordered at",
    ),
    "a missing step": (
        _bad(steps=STEPS.replace("R1,4,complete", "R1,6,complete")),
        "service_steps.csv, row 5, column seq: step 4 of service request R1 is missing (the "
        "next step is 5)",
    ),
    "a state the steps do not reach": (
        _bad(
            requests=REQUESTS.replace(
                "R2,H3,complaint,楼下噪音扰民,li.organiser,2022-04-02T10:00:00+08:00,accepted",
                "R2,H3,complaint,楼下噪音扰民,li.organiser,2022-04-02T10:00:00+08:00,done",
            )
        ),
        "service_requests.csv, row 3, column state: service request R2 is accepted after its "
        "steps, not done",
    ),
    "a cadre not dispatched to": (
        _bad(
            steps=STEPS.replace(
                "R1,3,accept,2022-04-01 12:00,M1,,,,M1", "R1,3,accept,2022-04-01 12:00,M3,,,,M3"
            )
        ),
        "service_steps.csv, row 3, column member_id: step 3: service request R1 is with M1, not "
        "with cadre M3",
    ),
    "a verification below the community": (
        _bad(steps=STEPS.replace("c1.secretary,,S1-C1,", "c1.secretary,,S1-C1-B1,")),
        "service_steps.csv, row 5, column unit_id: step 5: unit S1-C1-B1 is a residential branch",
    ),
    "a step of no request": (
        _bad(steps=STEPS + "R9,2,cancel,2022-04-05 09:00,x,why,,,,,\n"),
        "service_steps.csv, row 9, column request_id: step 2 of unknown service request R9",
    ),
    "an unknown assignee": (
        _bad(steps=STEPS.replace("S1-C1-B1-G1,M1,", "S1-C1-B1-G1,M7,")),
        "service_steps.csv, row 2, column assignee_id: unknown cadre or work unit M7",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
async def test_a_bad_timeline_is_named_and_nothing_is_stored(
    case: str, tmp_path: Path, memory_store: GraphStore
) -> None:
    (requests, steps), expected = BAD_CASES[case]
    ledger = service_ledger(tmp_path / "l", requests, steps)
    report = await import_ledger(ledger, memory_store, progress=False)
    lines = [str(p) for p in report.problems]
    assert any(line.startswith(expected) for line in lines), lines
    assert len(lines) == 1, lines
    assert (await memory_store.counts()).households == 0
    assert await memory_store.service_requests_many(IDS) == [None] * 4
    chinese = in_chinese(report.problems[0])
    assert "第" in chinese and "行" in chinese
    assert not any(word in chinese for word in ("service request", "unknown", "cannot")), chinese


async def test_an_old_ledger_cannot_roll_back_what_was_done(
    tmp_path: Path, memory_store: GraphStore
) -> None:
    assert (await import_ledger(service_ledger(tmp_path / "l"), memory_store, progress=False)).ok
    shorter = STEPS.replace("R1,5,verify,2022-04-04 09:00,c1.secretary,,S1-C1,,,2,verified\n", "")
    old = service_ledger(tmp_path / "old", REQUESTS.replace(",verified", ",done"), shorter)
    before = await _histories(memory_store)
    report = await import_ledger(old, memory_store, progress=False)
    assert [str(p) for p in report.problems] == [
        "service_requests.csv, row 2, column id: service request R1 has moved on in the store "
        "(5 steps) since this ledger's 4: export it again rather than overwrite what was done"
    ]
    assert await _histories(memory_store) == before


async def test_a_ledger_may_add_steps_to_a_stored_request(
    tmp_path: Path, memory_store: GraphStore
) -> None:
    assert (await import_ledger(service_ledger(tmp_path / "l"), memory_store, progress=False)).ok
    more = STEPS + "R2,4,complete,2022-04-06 10:00,M2,,,,M2,,done\n"
    newer = service_ledger(tmp_path / "new", REQUESTS.replace(",accepted", ",done"), more)
    report = await import_ledger(newer, memory_store, progress=False)
    assert report.changes[Kind.SERVICE_REQUESTS] == Changes(updated=1, unchanged=3)
    (r2,) = await memory_store.service_requests_many(["R2"])
    assert r2 is not None and r2.state is ServiceState.DONE and r2.steps == 4
