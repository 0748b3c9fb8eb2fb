"""Figures stay exact through any sequence of writes, on both stores.

A hypothesis state machine drives random single writes, bulk upserts and deletes over a small
city, applies each to a plain model (`model.py`), and after every step checks that every
unit's and household's `counts`, the city's and each community's `gap_counts` and the city's
coverage summary equal a full recount from the model. A write the model says must fail must
fail and change nothing (the recount then still matches). The concurrent test fires writes
from many tasks at once and compares the store's figures with a recount of what it holds.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TypeVar

import pytest
from conftest import STORE_KINDS, _connect_neo4j
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from orggraph.domain.entities import Assignment, Household, Member, Mode, PointsEntry, Unit
from orggraph.domain.errors import OrgGraphError
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore
from orggraph.store.values import ChildrenRequest

from .helpers import figures
from .model import Model

T = TypeVar("T")

POLICY = Policy(min_households=2, max_households=3, min_yearly_points=10)
YEAR = 2024
LEVELS_WITH_PARENTS = [Level.COMMUNITY, Level.BRANCH, Level.BUILDING]


class FiguresMachine(RuleBasedStateMachine):
    """One store and its model, written to alike."""

    kind = "memory"

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = TemporaryDirectory()
        self.store: GraphStore = self.run(self._open())
        self.model = Model()
        self.made = 0
        units = [
            Unit("s1", "s1", Level.STREET),
            Unit("s2", "s2", Level.STREET),
            Unit("c1", "c1", Level.COMMUNITY, "s1"),
            Unit("c2", "c2", Level.COMMUNITY, "s2"),
            Unit("b1", "b1", Level.BRANCH, "c1"),
            Unit("b2", "b2", Level.BRANCH, "c2"),
            Unit("g1", "g1", Level.BUILDING, "b1"),
            Unit("g2", "g2", Level.BUILDING, "b1"),
            Unit("g3", "g3", Level.BUILDING, "b2"),
        ]
        households = [Household(f"h{i}", "户", f"g{1 + i % 3}", central=i == 0) for i in range(5)]
        members = [Member("m1", "干部", community_id="c1"), Member("m2", "干部", community_id="c2")]
        self.run(self.store.upsert_units(units))
        self.run(self.store.upsert_households(households))
        self.run(self.store.upsert_members([*members, Member("m3", "干部")]))
        self.run(self.store.assign(Assignment("m1", "h1", Mode.UNIT, date(2024, 1, 1))))
        self.model.units.update((u.id, u) for u in units)
        self.model.households.update((h.id, h) for h in households)
        self.model.members.update((m.id, m) for m in [*members, Member("m3", "干部")])
        self.model.covers[("m1", "h1")] = (Mode.UNIT, date(2024, 1, 1))

    async def _open(self) -> GraphStore:
        if self.kind == "memory":
            return await MemoryStore.open(Path(self.folder.name) / "data")
        store = await _connect_neo4j()
        await store.clear()
        return store

    def run(self, work: Awaitable[T]) -> T:
        return self.loop.run_until_complete(work)

    def teardown(self) -> None:
        self.run(self.store.close())
        self.loop.close()
        self.folder.cleanup()

    def _new_id(self, prefix: str) -> str:
        self.made += 1
        return f"{prefix}-new{self.made}"

    def _write(self, work: Awaitable[Any], ok: bool) -> None:
        """Run a write the model says succeeds (`ok`) or must be refused."""
        try:
            self.run(work)
        except OrgGraphError:
            assert not ok, "the store refused a write the model allows"
            return
        assert ok, "the store made a write the model refuses"

    def _pick(self, data: st.DataObject, ids: list[str]) -> str | None:
        return data.draw(st.sampled_from(sorted(ids))) if ids else None

    def _units_at(self, level: Level) -> list[str]:
        return [u for u, unit in self.model.units.items() if unit.level is level]

    # -- structure ---------------------------------------------------------------------------

    @rule(data=st.data(), level=st.sampled_from(LEVELS_WITH_PARENTS))
    def create_unit(self, data: st.DataObject, level: Level) -> None:
        parent_level = level.parent_level
        assert parent_level is not None
        parent = self._pick(data, self._units_at(parent_level))
        if parent is None:
            return
        unit = Unit(self._new_id(level.name[0].lower()), "u", level, parent)
        self._write(self.store.create_unit(unit), ok=True)
        self.model.units[unit.id] = unit

    @rule(data=st.data())
    def move_unit(self, data: st.DataObject) -> None:
        unit_id = self._pick(data, [u for u, x in self.model.units.items() if x.parent_id])
        if unit_id is None:
            return
        unit = self.model.units[unit_id]
        assert unit.level.parent_level is not None
        target = self._pick(data, [*self.model.units, *self.model.households])
        assert target is not None
        target_node = self.model.units.get(target)
        ok = target_node is not None and target_node.level is unit.level.parent_level
        self._write(self.store.move_unit(unit_id, target), ok=ok)
        if ok:
            self.model.units[unit_id] = Unit(unit.id, unit.name, unit.level, target)

    @rule(data=st.data(), name=st.sampled_from(["新名", "Renamed"]))
    def rename_unit(self, data: st.DataObject, name: str) -> None:
        unit_id = self._pick(data, list(self.model.units))
        assert unit_id is not None
        self._write(self.store.rename_unit(unit_id, name), ok=True)
        unit = self.model.units[unit_id]
        self.model.units[unit_id] = Unit(unit.id, name, unit.level, unit.parent_id)

    @rule(data=st.data(), cascade=st.booleans())
    def delete(self, data: st.DataObject, cascade: bool) -> None:
        node_id = self._pick(
            data, [u for u, x in self.model.units.items() if x.parent_id] + [*self.model.households]
        )
        if node_id is None:
            return
        ok = cascade or not self.model.children(node_id)
        self._write(self.store.delete_unit(node_id, cascade), ok=ok)
        if ok:
            self.model.delete(node_id)

    # -- households, cadres, covers, points --------------------------------------------------

    @rule(data=st.data(), central=st.booleans(), new=st.booleans())
    def upsert_household(self, data: st.DataObject, central: bool, new: bool) -> None:
        building = self._pick(data, self._units_at(Level.BUILDING))
        if building is None:
            return
        existing = self._pick(data, list(self.model.households))
        household_id = existing if existing and not new else self._new_id("h")
        household = Household(household_id, "户", building, central=central)
        self._write(self.store.upsert_household(household), ok=True)
        self.model.households[household_id] = household

    @rule(data=st.data(), count=st.integers(1, 4))
    def upsert_households_in_bulk(self, data: st.DataObject, count: int) -> None:
        buildings = self._units_at(Level.BUILDING)
        if not buildings:
            return
        rows = [
            Household(self._new_id("h"), "户", data.draw(st.sampled_from(sorted(buildings))))
            for _ in range(count)
        ]
        self._write(self.store.upsert_households(rows), ok=True)
        self.model.households.update((h.id, h) for h in rows)

    @rule(data=st.data(), registered=st.booleans())
    def upsert_member(self, data: st.DataObject, registered: bool) -> None:
        community = self._pick(data, self._units_at(Level.COMMUNITY)) if registered else None
        existing = self._pick(data, list(self.model.members))
        member_id = existing if existing and data.draw(st.booleans()) else self._new_id("m")
        member = Member(member_id, "干部", community_id=community)
        self._write(self.store.upsert_member(member), ok=True)
        self.model.members[member_id] = member

    @rule(data=st.data(), count=st.integers(1, 3))
    def assign(self, data: st.DataObject, count: int) -> None:
        if not self.model.members or not self.model.households:
            return
        pairs = {
            (
                data.draw(st.sampled_from(sorted(self.model.members))),
                data.draw(st.sampled_from(sorted(self.model.households))),
            )
            for _ in range(count)
        }
        rows = [Assignment(m, h, Mode.UNIT, date(2024, 1, 1)) for m, h in sorted(pairs)]
        work = self.store.assign(rows[0]) if len(rows) == 1 else self.store.assign_many(rows)
        self._write(work, ok=True)
        self.model.covers.update(((a.member_id, a.household_id), (a.mode, a.since)) for a in rows)

    @rule(data=st.data(), covered=st.booleans())
    def unassign(self, data: st.DataObject, covered: bool) -> None:
        """Mostly a pair that is covered; else any pair, which may be refused."""
        if covered and self.model.covers:
            member, household = data.draw(st.sampled_from(sorted(self.model.covers)))
        elif self.model.members and self.model.households:
            member = data.draw(st.sampled_from(sorted(self.model.members)))
            household = data.draw(st.sampled_from(sorted(self.model.households)))
        else:
            return
        ok = (member, household) in self.model.covers
        self._write(self.store.unassign(member, household), ok=ok)
        self.model.covers.pop((member, household), None)

    @rule(data=st.data())
    def transfer(self, data: st.DataObject) -> None:
        if not self.model.covers or len(self.model.members) < 2:
            return
        member, household = data.draw(st.sampled_from(sorted(self.model.covers)))
        to = data.draw(st.sampled_from(sorted(set(self.model.members) - {member})))
        self._write(self.store.transfer(household, member, to, date(2024, 6, 1)), ok=True)
        mode, _ = self.model.covers.pop((member, household))
        self.model.covers[(to, household)] = (mode, date(2024, 6, 1))

    @rule(data=st.data(), points=st.integers(-5, 12), year=st.sampled_from([2023, YEAR]))
    def record_points(self, data: st.DataObject, points: int, year: int) -> None:
        member = self._pick(data, list(self.model.members))
        if member is None:
            return
        existing = self._pick(data, list(self.model.points))
        entry_id = existing if existing and data.draw(st.booleans()) else self._new_id("p")
        entry = PointsEntry(entry_id, member, date(year, 5, 1), points, "积分")
        self._write(self.store.record_points(entry), ok=True)
        self.model.points[entry_id] = entry

    # -- the check -----------------------------------------------------------------------------

    @invariant()
    def figures_equal_a_recount(self) -> None:
        self.run(check_figures(self.store, self.model))


async def check_figures(store: GraphStore, model: Model) -> None:
    """Every scope's counts, the gap counts of the city and each community, and the city's
    coverage summary, against the model's recount."""
    scopes = list(model.scopes())
    found = await store.counts_many(scopes)
    for scope, counts in zip(scopes, found, strict=True):
        assert counts is not None, scope
        assert figures(counts) == figures(model.counts(scope)), scope
    communities = [u for u, x in model.units.items() if x.level is Level.COMMUNITY]
    for scope in [None, *sorted(communities)]:
        got = await store.gap_counts(scope, POLICY, YEAR)
        assert got == model.gap_counts(scope, POLICY, YEAR), scope
    summary = await store.coverage_summary(None)
    assert figures(summary.counts) == figures(model.counts(None))
    assert [(row.node.id, figures(row.counts)) for row in summary.rows] == [
        (street, figures(model.counts(street)))
        for street in sorted(model.units)
        if model.units[street].parent_id is None
    ]


def _machine(kind: str) -> type[FiguresMachine]:
    return type(f"{kind.title()}FiguresMachine", (FiguresMachine,), {"kind": kind})


@pytest.mark.contract
@pytest.mark.parametrize("kind", STORE_KINDS)
def test_figures_stay_exact_through_any_writes(kind: str) -> None:
    machine = _machine(kind)
    machine.TestCase.settings = settings(
        max_examples=25 if kind == "memory" else 8,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()


@pytest.mark.contract
@pytest.mark.parametrize("kind", STORE_KINDS)
def test_figures_stay_exact_under_concurrent_writes(kind: str) -> None:
    """Many tasks write the same small city at once; whatever order the store settles on,
    its figures equal a recount of what it then holds."""
    asyncio.run(_concurrent(kind, seed=random.randrange(10**6)))


async def _concurrent(kind: str, seed: int) -> None:
    chooser = random.Random(seed)
    with TemporaryDirectory() as folder:
        store: GraphStore
        if kind == "memory":
            store = await MemoryStore.open(Path(folder) / "data")
        else:
            store = await _connect_neo4j()
            await store.clear()
        try:
            units = [
                Unit("s1", "s1", Level.STREET),
                *(Unit(f"c{i}", "c", Level.COMMUNITY, "s1") for i in range(2)),
                *(Unit(f"b{i}", "b", Level.BRANCH, f"c{i % 2}") for i in range(4)),
                *(Unit(f"g{i}", "g", Level.BUILDING, f"b{i % 4}") for i in range(6)),
            ]
            await store.upsert_units(units)
            households = [
                Household(f"h{i}", "户", f"g{i % 6}", central=i % 5 == 0) for i in range(18)
            ]
            await store.upsert_households(households)
            members = [Member(f"m{i}", "干部", community_id=f"c{i % 2}") for i in range(6)]
            await store.upsert_members(members)

            async def one_write(task: int) -> None:
                member = f"m{chooser.randrange(6)}"
                household = f"h{chooser.randrange(18)}"
                action = chooser.randrange(6)
                try:
                    if action <= 2:
                        await store.assign(
                            Assignment(member, household, Mode.UNIT, date(2024, 1, 1))
                        )
                    elif action == 3:
                        await store.unassign(member, household)
                    elif action == 4:
                        await store.move_unit(
                            f"g{chooser.randrange(6)}", f"b{chooser.randrange(4)}"
                        )
                    else:
                        await store.record_points(
                            PointsEntry(f"p{task % 7}", member, date(YEAR, 3, 1), task % 13, "积分")
                        )
                except OrgGraphError:
                    pass  # a refused write (not covered, say) is fine; a wrong figure is not

            await asyncio.gather(*(one_write(task) for task in range(120)))
            model = await recount(store, [u.id for u in units], [m.id for m in members])
            await check_figures(store, model)
        finally:
            await store.close()


async def recount(store: GraphStore, unit_ids: list[str], member_ids: list[str]) -> Model:
    """The model of what a store holds, read node by node (never through its figures)."""
    model = Model()
    for node in await store.get_nodes(unit_ids):
        if isinstance(node, Unit):
            model.units[node.id] = node
    pages = await store.children_many([ChildrenRequest(u, 500) for u in sorted(model.units)])
    for page in pages:
        for child in page.items if page else []:
            if isinstance(child, Household):
                model.households[child.id] = child
    for node in await store.get_nodes(member_ids):
        if isinstance(node, Member):
            model.members[node.id] = node
    for rows in await store.household_members_many(sorted(model.households)):
        for cover in rows or []:
            model.covers[(cover.member.id, cover.household.id)] = (cover.mode, cover.since)
    for entries in await store.member_points_many(sorted(model.members), YEAR):
        for entry in entries or []:
            model.points[entry.id] = entry
    return model
