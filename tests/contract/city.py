"""A small fixture city, built through the protocol only, with every figure known by hand.

```
s1 园林街道大工委
├── c1 园林社区大党委
│   ├── b1 Alphabet Court
│   │   ├── g1 1号楼党小组      h01* h02 h03 h04
│   │   └── g2 ALPHA Building   h05* h06 h07
│   └── b2 东园林小区党支部
│       └── g3 Building Alpha-2 h08 h09
└── c2 Lakeside Community
    └── b3 银湖小区党支部
        └── g4 3号楼党小组      h10* h11 h12 h13
s2 Garden Street
└── c3 周矶社区大党委
    ├── b4 Riverside Branch
    │   ├── g5 5号楼党小组      h14* h15* h16 h17 h18 h19 h20
    │   └── g6 6号楼党小组      (no households)
    └── b5 广华小区党支部       (no building groups)
```

(* = central household.) Cadres m1-m8 all report to a community; m6 and m7 cover nobody, m8
(c3) covers households in both streets. Names are chosen for search: "alpha" matches b1, g2 and
h07 by prefix and g3 and m3 inside the name; "园林" matches s1 and c1 by prefix and b2 and m4
inside. Work unit names (wu2, wu3) and addresses (h01, h02) match too, but are never searched.

Every level is written in reverse id order, so an answer in id order is the store's doing.
HAND_COUNTS holds the figures of `GraphStore.counts`, worked out by hand from the tree above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orggraph.domain.entities import (
    Assignment,
    Coverage,
    Household,
    Member,
    Mode,
    Node,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.levels import Level
from orggraph.store.protocols import GraphStore

UNITS: tuple[Unit, ...] = (
    Unit("s1", "园林街道大工委", Level.STREET),
    Unit("s2", "Garden Street", Level.STREET),
    Unit("c1", "园林社区大党委", Level.COMMUNITY, "s1"),
    Unit("c2", "Lakeside Community", Level.COMMUNITY, "s1"),
    Unit("c3", "周矶社区大党委", Level.COMMUNITY, "s2"),
    Unit("b1", "Alphabet Court", Level.BRANCH, "c1"),
    Unit("b2", "东园林小区党支部", Level.BRANCH, "c1"),
    Unit("b3", "银湖小区党支部", Level.BRANCH, "c2"),
    Unit("b4", "Riverside Branch", Level.BRANCH, "c3"),
    Unit("b5", "广华小区党支部", Level.BRANCH, "c3"),
    Unit("g1", "1号楼党小组", Level.BUILDING, "b1"),
    Unit("g2", "ALPHA Building", Level.BUILDING, "b1"),
    Unit("g3", "Building Alpha-2", Level.BUILDING, "b2"),
    Unit("g4", "3号楼党小组", Level.BUILDING, "b3"),
    Unit("g5", "5号楼党小组", Level.BUILDING, "b4"),
    Unit("g6", "6号楼党小组", Level.BUILDING, "b4"),
)
"""Top-down, so a bulk call may take them in this order."""


def _household(
    household_id: str, name: str, parent_id: str, central: bool = False, address: str = ""
) -> Household:
    phone = "138000000" + household_id[1:]
    return Household(household_id, name, parent_id, address or f"{parent_id} 室", phone, central)


HOUSEHOLDS: tuple[Household, ...] = (
    _household("h01", "张伟", "g1", central=True, address="园林路1号1单元101"),
    _household("h02", "王秀英", "g1", address="园林路1号1单元102"),
    _household("h03", "李娜", "g1"),
    _household("h04", "刘洋", "g1"),
    _household("h05", "陈杰", "g2", central=True),
    _household("h06", "杨敏", "g2"),
    _household("h07", "Alpha Zhou", "g2"),
    _household("h08", "黄磊", "g3"),
    _household("h09", "赵静", "g3"),
    _household("h10", "吴军", "g4", central=True),
    _household("h11", "周杰", "g4"),
    _household("h12", "徐丽", "g4"),
    _household("h13", "孙涛", "g4"),
    _household("h14", "马超", "g5", central=True),
    _household("h15", "朱琳", "g5", central=True),
    _household("h16", "胡斌", "g5"),
    _household("h17", "郭勇", "g5"),
    _household("h18", "何平", "g5"),
    _household("h19", "高峰", "g5"),
    _household("h20", "林芳", "g5"),
)

WORK_UNITS: tuple[WorkUnit, ...] = (
    WorkUnit("wu1", "潜江市税务局"),
    WorkUnit("wu2", "Alpha Works Ltd"),
    WorkUnit("wu3", "园林绿化局"),
)

MEMBERS: tuple[Member, ...] = (
    Member("m1", "王芳", "13900000001", "wu1", "c1"),
    Member("m2", "李强", "13900000002", "wu1", "c1"),
    Member("m3", "Li Alpha", "13900000003", "wu2", "c2"),
    Member("m4", "刘园林", "13900000004", "wu3", "c3"),
    Member("m5", "陈静", "13900000005", "wu3", "c3"),
    Member("m6", "赵磊", "13900000006", "wu1", "c2"),
    Member("m7", "Zhou Ming", "13900000007", "wu2", "c1"),
    Member("m8", "孙丽", "13900000008", "wu3", "c3"),
)

U, R = Mode.UNIT, Mode.RESIDENCE
ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment("m1", "h01", U, date(2024, 1, 10)),
    Assignment("m1", "h02", U, date(2024, 1, 10)),
    Assignment("m1", "h03", R, date(2024, 3, 1)),
    Assignment("m1", "h05", U, date(2024, 2, 1)),
    Assignment("m2", "h01", R, date(2024, 5, 5)),
    Assignment("m2", "h08", U, date(2024, 2, 20)),
    Assignment("m3", "h06", U, date(2024, 4, 1)),
    Assignment("m3", "h10", R, date(2023, 11, 11)),
    Assignment("m3", "h11", R, date(2023, 11, 11)),
    Assignment("m4", "h14", U, date(2024, 1, 15)),
    Assignment("m4", "h15", U, date(2024, 1, 15)),
    Assignment("m4", "h16", R, date(2024, 6, 30)),
    Assignment("m5", "h14", R, date(2024, 7, 1)),
    Assignment("m5", "h17", U, date(2024, 7, 1)),
    Assignment("m8", "h12", U, date(2025, 1, 2)),
    Assignment("m8", "h18", R, date(2025, 1, 2)),
)

POINTS: tuple[PointsEntry, ...] = (
    PointsEntry("p1", "m1", date(2024, 3, 15), 5, "疫情防控志愿服务"),
    PointsEntry("p2", "m1", date(2024, 12, 31), 8, "第四季度主题党日"),
    PointsEntry("p3", "m1", date(2024, 3, 15), 10, "基础积分"),
    PointsEntry("p4", "m1", date(2024, 1, 2), -2, "penalty: missed theme day"),
    PointsEntry("p5", "m1", date(2025, 1, 1), 12, "基础积分"),
    PointsEntry("p6", "m2", date(2024, 6, 1), 20, "基础积分"),
    PointsEntry("p7", "m3", date(2025, 2, 2), 6, "volunteer service"),
)

# (streets, communities, branches, buildings, households, central, covered, members,
#  covering members, assignments), worked out by hand from the tree in city.py.
HAND_COUNTS = {
    None: (2, 3, 5, 6, 20, 5, 14, 8, 6, 16),
    "s1": (1, 2, 3, 4, 13, 3, 9, 5, 4, 10),
    "s2": (1, 1, 2, 2, 7, 2, 5, 3, 3, 6),
    "c1": (0, 1, 2, 3, 9, 2, 6, 3, 3, 7),
    "c2": (0, 1, 1, 1, 4, 1, 3, 2, 2, 3),
    "c3": (0, 1, 2, 2, 7, 2, 5, 3, 3, 6),
    "b1": (0, 0, 1, 2, 7, 2, 5, 0, 3, 6),
    "b2": (0, 0, 1, 1, 2, 0, 1, 0, 1, 1),
    "b3": (0, 0, 1, 1, 4, 1, 3, 0, 2, 3),
    "b4": (0, 0, 1, 2, 7, 2, 5, 0, 3, 6),
    "b5": (0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
    "g1": (0, 0, 0, 1, 4, 1, 3, 0, 2, 4),
    "g3": (0, 0, 0, 1, 2, 0, 1, 0, 1, 1),
    "g5": (0, 0, 0, 1, 7, 2, 5, 0, 3, 6),
    "g6": (0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
    "h01": (0, 0, 0, 0, 1, 1, 1, 0, 2, 2),
    "h02": (0, 0, 0, 0, 1, 0, 1, 0, 1, 1),
    "h03": (0, 0, 0, 0, 1, 0, 1, 0, 1, 1),
    "h04": (0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "h12": (0, 0, 0, 0, 1, 0, 1, 0, 1, 1),
}

YEARS = (2023, 2024, 2025)
"""Every year the fixture's points could fall in, and one around them."""


@dataclass(frozen=True)
class City:
    """What `build_small_city` wrote, by id, to build expected answers from."""

    units: dict[str, Unit]
    households: dict[str, Household]
    work_units: dict[str, WorkUnit]
    members: dict[str, Member]
    assignments: dict[tuple[str, str], Assignment]
    points: dict[str, PointsEntry]

    def node(self, node_id: str) -> Node:
        for kind in (self.units, self.households, self.members, self.work_units):
            if node_id in kind:
                return kind[node_id]
        raise KeyError(node_id)

    def unit(self, unit_id: str) -> Unit:
        return self.units[unit_id]

    def node_ids(self) -> list[str]:
        """Every unit, household, cadre and work unit id (points entries are not nodes)."""
        return [*self.units, *self.households, *self.members, *self.work_units]

    def subtree(self, root_id: str) -> set[str]:
        """The ids of the units and households at or below `root_id`."""
        parents: dict[str, str | None] = {
            **{u.id: u.parent_id for u in self.units.values()},
            **{h.id: h.parent_id for h in self.households.values()},
        }
        found = {root_id}
        grew = True
        while grew:
            below = {child for child, parent in parents.items() if parent in found}
            grew = not below <= found
            found |= below
        return found

    def coverage(self, member_id: str, household_id: str) -> Coverage:
        """The fixture's assignment of this pair as both read calls should return it."""
        assignment = self.assignments[(member_id, household_id)]
        return Coverage(
            self.members[member_id],
            self.households[household_id],
            assignment.mode,
            assignment.since,
        )


def small_city() -> City:
    """The fixture city's values, without writing them anywhere."""
    return City(
        units={u.id: u for u in UNITS},
        households={h.id: h for h in HOUSEHOLDS},
        work_units={w.id: w for w in WORK_UNITS},
        members={m.id: m for m in MEMBERS},
        assignments={(a.member_id, a.household_id): a for a in ASSIGNMENTS},
        points={p.id: p for p in POINTS},
    )


async def build_small_city(store: GraphStore, *, single_writes: bool = False) -> City:
    """Write the fixture city, each level in reverse id order (parents before children).

    By default in six bulk calls, which keeps the Neo4j half of the suite quick; with
    `single_writes` one single-row call per row (create_unit, upsert_household, ...).
    """
    units = [
        unit
        for level in (Level.STREET, Level.COMMUNITY, Level.BRANCH, Level.BUILDING)
        for unit in reversed([u for u in UNITS if u.level is level])
    ]
    households, work_units = list(reversed(HOUSEHOLDS)), list(reversed(WORK_UNITS))
    members, assignments = list(reversed(MEMBERS)), list(reversed(ASSIGNMENTS))
    points = list(reversed(POINTS))
    if single_writes:
        for unit in units:
            await store.create_unit(unit)
        for household in households:
            await store.upsert_household(household)
        for work_unit in work_units:
            await store.upsert_work_unit(work_unit)
        for member in members:
            await store.upsert_member(member)
        for assignment in assignments:
            await store.assign(assignment)
        for entry in points:
            await store.record_points(entry)
    else:
        await store.upsert_units(units)
        await store.upsert_households(households)
        await store.upsert_work_units(work_units)
        await store.upsert_members(members)
        await store.assign_many(assignments)
        await store.record_points_many(points)
    return small_city()
