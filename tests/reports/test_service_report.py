"""The monthly service report on both stores: counts by kind and state at the month's end,
stage medians, late requests and who served, the same in every format."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contract.city import City
from openpyxl import load_workbook

from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    AssigneeKind,
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    Stage,
)
from orggraph.reports.service_data import collect_service_report
from orggraph.reports.service_render import write_service_report
from orggraph.store.protocols import GraphStore

pytestmark = pytest.mark.contract

MARCH = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
A = ServiceAction


async def _go(
    store: GraphStore, rid: str, at: datetime, action: ServiceAction, **kw: object
) -> None:
    await store.advance_service(ServiceCommand(rid, action, "o", at, **kw))  # type: ignore[arg-type]


async def _month_of_services(store: GraphStore) -> None:
    # Served whole in March by m1: 2 h to dispatch, 3 h to accept, 48 h to do, 24 h to verify.
    await store.order_service(ServiceRequest("SR-1", "h01", ServiceKind.WISH, "修灯", "o", MARCH))
    t = MARCH
    for hours, action, kw in [
        (2, A.DISPATCH, {"unit_id": "g1", "assignee_id": "m1"}),
        (3, A.ACCEPT, {"member_id": "m1"}),
        (48, A.COMPLETE, {"member_id": "m1"}),
        (24, A.VERIFY, {"unit_id": "c1", "points": 2}),
    ]:
        t += timedelta(hours=hours)
        await _go(store, "SR-1", t, action, **kw)
    # Ordered in February, dispatched to wu1 in March (10 days later), taken by m2, verified.
    feb = MARCH - timedelta(days=8)
    await store.order_service(ServiceRequest("SR-0", "h02", ServiceKind.DREAM, "学业", "o", feb))
    await _go(store, "SR-0", MARCH + timedelta(days=2), A.DISPATCH, unit_id="c1", assignee_id="wu1")
    await _go(store, "SR-0", MARCH + timedelta(days=3), A.ACCEPT, member_id="m2")
    await _go(store, "SR-0", MARCH + timedelta(days=4), A.COMPLETE, member_id="m2")
    await _go(store, "SR-0", MARCH + timedelta(days=5), A.VERIFY, unit_id="c1", points=3)
    # Ordered in March and never dispatched: late at the month's end.
    await store.order_service(
        ServiceRequest("SR-2", "h03", ServiceKind.COMPLAINT, "噪音", "o", MARCH + timedelta(days=3))
    )
    # Recorded in April: not in March's report at all.
    await store.order_service(
        ServiceRequest("SR-3", "h04", ServiceKind.WISH, "x", "o", datetime(2025, 4, 2, tzinfo=UTC))
    )
    # Outside c1: not in its report.
    await store.order_service(ServiceRequest("SR-4", "h10", ServiceKind.WISH, "y", "o", MARCH))


async def test_the_march_report_of_a_community(
    store: GraphStore, city: City, tmp_path: Path
) -> None:
    await _month_of_services(store)
    report = await collect_service_report(store, "c1", 2025, 3, Policy())
    assert report.recorded == {
        (ServiceKind.WISH, ServiceState.VERIFIED): 1,
        (ServiceKind.COMPLAINT, ServiceState.ORDERED): 1,
    }
    assert report.stage_steps == {
        Stage.DISPATCH: 2,
        Stage.ACCEPT: 2,
        Stage.DONE: 2,
        Stage.VERIFY: 2,
    }
    assert report.median_hours == {
        Stage.DISPATCH: (2 + 10 * 24) / 2,
        Stage.ACCEPT: (3 + 24) / 2,
        Stage.DONE: (48 + 24) / 2,
        Stage.VERIFY: (24 + 24) / 2,
    }
    assert [(i.request.id, i.stage, i.days_waiting) for i in report.late] == [
        ("SR-2", Stage.DISPATCH, 27)
    ]
    assert [(s.id, s.kind, s.verified, s.points) for s in report.servers] == [
        ("m1", AssigneeKind.MEMBER, 1, 2),
        ("m2", AssigneeKind.MEMBER, 1, 3),
    ]

    write_service_report(report, "json", "en", tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["late"] == [
        {
            "id": "SR-2",
            "kind": "complaint",
            "household_id": "h03",
            "state": "ordered",
            "stage": "dispatch",
            "days_waiting": 27,
        }
    ]
    write_service_report(report, "csv", "zh", tmp_path / "r.csv")
    rows = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "服务单" and rows[1][:3] == ["SR-2", "微诉求", "h03"]
    write_service_report(report, "xlsx", "zh", tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    assert len(book.sheetnames) == 4
    kinds = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert kinds[0][0] == "类型" and ("微心愿", 0, 0, 0, 0, 1, 0, 0, 0, 1) in kinds
    write_service_report(report, "html", "zh", tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "服务清单月报" in html and "SR-2" in html and "SR-3" not in html and "SR-4" not in html


async def test_an_empty_month_reports_nothing_late(store: GraphStore, city: City) -> None:
    await _month_of_services(store)
    report = await collect_service_report(store, "c1", 2025, 1, Policy())
    assert (report.recorded, report.late, report.servers) == ({}, [], [])
    assert set(report.median_hours.values()) == {None}
