"""A small ledger with service requests (on top of seed/sample/minimal), for the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

MINIMAL = Path(__file__).parents[2] / "seed" / "sample" / "minimal"

REQUESTS = """\
id,household_id,kind,text,recorded_by,recorded_at,state
R1,H1,wish,想请人修一下楼道灯,li.organiser,2022-04-01 09:00,verified
R2,H3,complaint,楼下噪音扰民,li.organiser,2022-04-02T10:00:00+08:00,accepted
R3,H2,dream,孩子想学书法,li.organiser,2022-04-03 08:30,
R4,H4,微心愿,帮忙代买药品,li.organiser,2022/4/4,cancelled
"""

STEPS = """\
request_id,seq,action,at,by,reason,unit_id,assignee_id,member_id,points,state
R1,2,dispatch,2022-04-01 10:00,g1.leader,,S1-C1-B1-G1,M1,,,dispatched
R1,3,accept,2022-04-01 12:00,M1,,,,M1,,
R1,4,complete,2022-04-03 17:00,M1,,,,M1,,done
R1,5,verify,2022-04-04 09:00,c1.secretary,,S1-C1,,,2,verified
R2,2,派单,2022-04-02 11:00,b1.leader,,S1-C1-B1,W1,,,
R2,3,接单,2022-04-02 15:00,M2,,,,M2,,已接单
R4,2,cancel,2022-04-05 09:00,li.organiser,居民已自行解决,,,,,
"""


def service_ledger(folder: Path, requests: str = REQUESTS, steps: str = STEPS) -> Path:
    """The minimal ledger with the given service sheets, in `folder`."""
    shutil.copytree(MINIMAL, folder)
    (folder / "service_requests.csv").write_text(requests, encoding="utf-8")
    (folder / "service_steps.csv").write_text(steps, encoding="utf-8")
    return folder
