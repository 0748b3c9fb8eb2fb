"""A small ledger with a supply list and dispatches matched to it (on the service ledger)."""

from __future__ import annotations

from pathlib import Path

from .service_ledger import REQUESTS, STEPS, service_ledger

OFFERS = """\
id,offered_by,kind,text,serves_id,available_from,available_until,schedule,recorded_by,recorded_at,state,withdrawn_by,withdrawn_at,withdrawn_reason
O1,M1,skill,水电维修,S1-C1,2022-01-01,,每周六上午,c1.secretary,2022-03-01 09:00,,,,
O2,W1,资源,会议室借用,,,2022-12-31,,c1.secretary,2022-03-01 10:00,open,,,
O3,M2,技能,法律咨询,S1,,,,c1.secretary,2022-03-02 09:00,withdrawn,c1.sec,2022-05-01 09:00,调离
"""

MATCHED_STEPS = STEPS.replace(
    "R1,2,dispatch,2022-04-01 10:00,g1.leader,,S1-C1-B1-G1,M1,,,dispatched",
    "R1,2,dispatch,2022-04-01 10:00,g1.leader,,S1-C1-B1-G1,M1,,,dispatched,O1",
).replace(
    "R2,2,派单,2022-04-02 11:00,b1.leader,,S1-C1-B1,W1,,,",
    "R2,2,派单,2022-04-02 11:00,b1.leader,,S1-C1-B1,W1,,,,O2",
)
"""The service steps with R1's dispatch matched to M1's offer and R2's to W1's."""

MATCHED_STEPS = MATCHED_STEPS.replace(
    "request_id,seq,action,at,by,reason,unit_id,assignee_id,member_id,points,state",
    "request_id,seq,action,at,by,reason,unit_id,assignee_id,member_id,points,state,offer_id",
)
MATCHED_STEPS = (
    "\n".join(
        line if line.count(",") == 11 else line + ","
        for line in MATCHED_STEPS.rstrip("\n").split("\n")
    )
    + "\n"
)


def offer_ledger(
    folder: Path,
    offers: str = OFFERS,
    steps: str = MATCHED_STEPS,
    requests: str = REQUESTS,
) -> Path:
    """The service ledger with an offers sheet, its dispatches matched as `steps` say."""
    service_ledger(folder, requests, steps)
    (folder / "offers.csv").write_text(offers, encoding="utf-8")
    return folder
