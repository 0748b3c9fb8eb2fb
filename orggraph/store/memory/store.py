"""The embedded store: the organisation graph in this process, durable through a journal.

Zero setup (a folder is all it needs) and the same answers as Neo4j: the contract suite runs
against both. Every write takes the same three steps, so replaying the journal rebuilds
exactly the state the live calls built:

1. validate the whole call against the current state, raising the typed domain error before
   anything is touched (so a failed call, single or bulk, changes nothing anywhere);
2. append one journal record and fsync it (a bulk call is one record, whatever its size);
3. apply the record to memory with `GraphState.apply`, the function replay uses too.

The state, its layout and the apply functions live in `state`, gap finding in `gaps`, the
journal in `journal`; this module checks writes against the domain's rules
(`orggraph.domain.rules`) and answers reads.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar, cast

from orggraph.domain import rules
from orggraph.domain.audit import AuditEntry
from orggraph.domain.cadres import (
    CadreStanding,
    CoverRecord,
    EndReason,
    Roster,
    RosterRequest,
    check_end,
    check_ended_cover,
    history_order,
)
from orggraph.domain.entities import (
    Assignment,
    Counts,
    Coverage,
    Household,
    Member,
    Mode,
    Node,
    Page,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.errors import (
    DuplicateIdError,
    InvalidValueError,
    NotAssignedError,
    RefusedDeleteError,
    UnknownIdError,
)
from orggraph.domain.gaps import COVERAGE_GAP_KINDS, Gap, GapKind
from orggraph.domain.kinds import A_HOUSEHOLD, A_MEMBER, NodeKind, What, unit_at
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.domain.policy import Policy
from orggraph.store.cursors import (
    gap_cursor,
    parse_gap_cursor,
    parse_id_cursor,
    parse_search_cursor,
    search_cursor,
)
from orggraph.store.memory.gaps import GapKey, describe, find_gaps
from orggraph.store.memory.journal import (
    ApplyRecord,
    Journal,
    JsonObject,
    Limits,
    Record,
    RestoreSnapshot,
)
from orggraph.store.memory.offer_load import MemoryOfferLoad
from orggraph.store.memory.rollups import Tally, gap_counts
from orggraph.store.memory.service import MemoryServiceDesk
from orggraph.store.memory.service_load import MemoryServiceLoad
from orggraph.store.memory.state import (
    Attrs,
    GraphState,
    Row,
    Survey,
    gc_paused,
)
from orggraph.store.memory.supply import MemorySupplyDesk
from orggraph.store.rosters import roster_of
from orggraph.store.single import SingleReads
from orggraph.store.subtrees import read_subtrees
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    Changes,
    ChildrenRequest,
    CoverageRow,
    CoverageSummary,
    Subtree,
    SubtreeRequest,
    clamp_page_size,
)

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)


class _Plan(Generic[K]):
    """A bulk call checked row by row: the latest row per key, and what each row did.

    Earlier rows of the batch count as written when later rows are checked. Only keys whose
    rows change something are journaled, once each, with their latest row.
    """

    def __init__(self, stored: Callable[[K], Row | None]) -> None:
        self.latest: dict[K, Row] = {}
        self._stored = stored
        self._changed: dict[K, None] = {}
        self._created = self._updated = self._unchanged = 0

    def current(self, key: K) -> Row | None:
        """The row as the batch has left it so far, else as stored, else None."""
        row = self.latest.get(key)
        return row if row is not None else self._stored(key)

    def add(self, key: K, row: Row, current: Row | None) -> None:
        if current is None:
            self._created += 1
        elif current == row:
            self._unchanged += 1
        else:
            self._updated += 1
        if current != row:
            self._changed[key] = None
        self.latest[key] = row

    def rows(self) -> list[Row]:
        return [self.latest[key] for key in self._changed]

    def changes(self) -> Changes:
        return Changes(self._created, self._updated, self._unchanged)


V = TypeVar("V")


class _CallLookup:
    """The graph as a bulk call leaves it so far: its accepted rows over the stored state,
    so a row may hang under one earlier in the same call (`rules.Lookup`)."""

    def __init__(self, state: GraphState) -> None:
        self._state = state
        self._accepted: dict[str, tuple[What, str | None]] = {}

    def what(self, node_id: str) -> What | None:
        accepted = self._accepted.get(node_id)
        return accepted[0] if accepted is not None else self._state.what(node_id)

    def parent_of(self, node_id: str) -> str | None:
        accepted = self._accepted.get(node_id)
        return accepted[1] if accepted is not None else self._state.parent_of(node_id)

    def accept(self, node_id: str, what: What, parent_id: str | None = None) -> None:
        self._accepted[node_id] = (what, parent_id)


class _ReadCache:
    """Answers of whole-scope reads (counts, gaps), kept until the next write.

    Dashboards ask the same scopes again and again between writes; a walk of the city costs a
    fraction of a second. Bounded, so batched reads over many scopes cannot hoard memory.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._answers: dict[Hashable, object] = {}

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        if key in self._answers:
            return cast(V, self._answers[key])
        if len(self._answers) >= self.MAX_ENTRIES:
            self._answers.clear()
        answer = self._answers[key] = compute()
        return answer

    def clear(self) -> None:
        self._answers.clear()


class MemoryStore(
    MemoryServiceDesk, MemorySupplyDesk, MemoryServiceLoad, MemoryOfferLoad, SingleReads
):
    """`GraphStore` on a networkx graph in this process, durable through a journal.

    No method suspends between checking a write and applying it, so calls from concurrent
    asyncio tasks never interleave: each is atomic without a lock.
    """

    name = "memory"

    def __init__(self, state: GraphState, journal: Journal) -> None:
        self._state = state
        self._journal = journal
        self._read_cache = _ReadCache()

    @classmethod
    async def open(
        cls, data_dir: Path, limits: Limits | None = None, read_only: bool = False
    ) -> MemoryStore:
        """Open (creating if needed) the store kept in `data_dir`, replaying its journal.

        `limits` says when the journal is compacted; tests make it small. `read_only` reads
        the folder as it stands without locking it, beside the process that serves it (for
        reports); such a store refuses every write.
        """
        if read_only:
            states: list[GraphState] = []

            def fresh() -> tuple[RestoreSnapshot, ApplyRecord]:
                states.append(GraphState())
                return states[-1].restore, states[-1].apply

            with gc_paused():
                journal = Journal.open_read_only(data_dir, fresh)
            return cls(states[-1], journal)
        state = GraphState()
        with gc_paused():
            journal = Journal.open(data_dir, state.restore, state.apply, limits)
        store = cls(state, journal)
        if journal.wants_compaction:
            store._tidy()
        return store

    # -- lifecycle ------------------------------------------------------------------------

    async def ping(self) -> None:
        self._journal.check_open()

    async def close(self) -> None:
        """Compact (so the next open reads one snapshot, not a long journal) and unlock."""
        if self._journal.closed:
            return
        if self._journal.has_records and not self._journal.read_only:
            self._tidy()
        self._journal.close()

    async def clear(self) -> None:
        self._commit("clear", {})
        self._tidy()  # the snapshot of an empty store is tiny: drop the old one at once

    @asynccontextmanager
    async def bulk_load(self) -> AsyncIterator[None]:
        """Nothing to put off: the embedded store keeps no index that is cheaper built later."""
        yield

    async def compact(self) -> None:
        """Fold the journal into a fresh snapshot now."""
        self._compact()

    def _compact(self) -> None:
        with gc_paused():
            self._journal.compact(self._state.export())

    def _commit(self, op: str, args: JsonObject) -> None:
        """Journal first, then apply: memory never holds a change the disk does not."""
        seq = self._journal.append(op, args)
        self._state.apply(Record(seq, op, args))
        self._read_cache.clear()
        if self._journal.wants_compaction:
            self._tidy()

    def _tidy(self) -> None:
        """Compact as housekeeping: the writes are durable in the journal already, so a failure
        (a full disk) is logged and retried after the next write, never reported as theirs."""
        try:
            self._compact()
        except OSError as exc:
            log.warning("compaction failed, the journal keeps every write: %s", exc)

    def _commit_plan(self, op: str, plan: _Plan[K]) -> Changes:
        """Journal a checked bulk call as one record; nothing at all if no row changes anything."""
        rows = plan.rows()
        if rows:
            self._commit(op, {"rows": rows})
        return plan.changes()

    # -- single writes ----------------------------------------------------------------------

    async def create_unit(self, unit: Unit) -> Unit:
        rules.check_unit(unit, self._state, creating=True)
        await self.upsert_units([unit])
        return self._unit(unit.id)

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        current = self._require(unit_id, NodeKind.UNIT)
        await self.upsert_units([Unit(unit_id, name, current["level"], current["parent"])])
        return self._unit(unit_id)

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        rules.check_move(unit_id, new_parent_id, self._state)
        current = self._require(unit_id, NodeKind.UNIT)
        await self.upsert_units([Unit(unit_id, current["name"], current["level"], new_parent_id)])
        return self._unit(unit_id)

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        self._require_tree_node(unit_id)
        child_count = len(self._state.succ[unit_id])
        if child_count and not cascade:
            raise RefusedDeleteError(unit_id, child_count)
        removed = sum(1 for _ in self._state.subtree([unit_id]))
        self._commit("delete", {"id": unit_id, "ended": date.today().isoformat()})
        return removed

    async def upsert_household(self, household: Household) -> Household:
        await self.upsert_households([household])
        return self._household(household.id)

    async def upsert_member(self, member: Member) -> Member:
        await self.upsert_members([member])
        return self._member(member.id)

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        await self.upsert_work_units([work_unit])
        return self._work_unit(work_unit.id)

    async def assign(self, assignment: Assignment) -> Assignment:
        await self.assign_many([assignment])
        return assignment

    async def unassign(self, member_id: str, household_id: str, ended: date | None = None) -> None:
        cover = self._require_cover(member_id, household_id)
        ended = ended or date.today()
        check_end(member_id, household_id, cover["since"], ended)
        self._commit(
            "unassign",
            {"member": member_id, "household": household_id, "ended": ended.isoformat()},
        )

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        self._require(to_member_id, NodeKind.MEMBER)
        old = self._require_cover(from_member_id, household_id)
        if to_member_id == from_member_id:
            raise InvalidValueError(
                f"cannot transfer {household_id} from {from_member_id} to the same member",
                [household_id, from_member_id],
            )
        check_end(from_member_id, household_id, old["since"], since)
        new_mode: Mode = mode or old["mode"]
        self._commit(
            "transfer",
            {
                "household": household_id,
                "from": from_member_id,
                "to": to_member_id,
                "mode": new_mode.value,
                "since": since.isoformat(),
            },
        )
        kept = self._state.succ[to_member_id][household_id]
        return Assignment(to_member_id, household_id, kept["mode"], kept["since"])

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        await self.record_points_many([entry])
        return entry

    # -- bulk writes: every row checked, then one journal record -----------------------------

    async def upsert_units(self, units: Sequence[Unit]) -> Changes:
        with gc_paused():
            lookup = _CallLookup(self._state)
            plan: _Plan[str] = _Plan(partial(self._stored, NodeKind.UNIT, self._state.unit_row))
            for unit in units:
                rules.check_unit(unit, lookup)
                lookup.accept(unit.id, unit_at(unit.level), unit.parent_id)
                row = [unit.id, unit.name, unit.level._value_, unit.parent_id]
                plan.add(unit.id, row, plan.current(unit.id))
            return self._commit_plan("upsert_units", plan)

    async def upsert_households(self, households: Sequence[Household]) -> Changes:
        with gc_paused():
            lookup = _CallLookup(self._state)
            row_of = self._state.household_row
            plan: _Plan[str] = _Plan(partial(self._stored, NodeKind.HOUSEHOLD, row_of))
            for h in households:
                rules.check_same_kind(h.id, NodeKind.HOUSEHOLD, lookup)
                rules.check_parent(h.id, Level.HOUSEHOLD, h.parent_id, lookup)
                lookup.accept(h.id, A_HOUSEHOLD, h.parent_id)
                row = [h.id, h.name, h.parent_id, h.address, h.phone, h.central]
                plan.add(h.id, row, plan.current(h.id))
            return self._commit_plan("upsert_households", plan)

    async def upsert_members(self, members: Sequence[Member]) -> Changes:
        with gc_paused():
            lookup = _CallLookup(self._state)
            plan: _Plan[str] = _Plan(partial(self._stored, NodeKind.MEMBER, self._state.member_row))
            for m in members:
                rules.check_same_kind(m.id, NodeKind.MEMBER, lookup)
                rules.check_registration(m, lookup)
                lookup.accept(m.id, A_MEMBER)
                row = [m.id, m.name, m.phone, m.work_unit_id, m.community_id]
                plan.add(m.id, row, plan.current(m.id))
            return self._commit_plan("upsert_members", plan)

    async def upsert_work_units(self, work_units: Sequence[WorkUnit]) -> Changes:
        with gc_paused():
            row_of = self._state.work_unit_row
            plan: _Plan[str] = _Plan(partial(self._stored, NodeKind.WORK_UNIT, row_of))
            for w in work_units:
                rules.check_same_kind(w.id, NodeKind.WORK_UNIT, self._state)
                plan.add(w.id, [w.id, w.name], plan.current(w.id))
            return self._commit_plan("upsert_work_units", plan)

    async def assign_many(self, assignments: Sequence[Assignment]) -> Changes:
        with gc_paused():
            plan: _Plan[tuple[str, str]] = _Plan(lambda pair: self._state.assignment_row(*pair))
            for a in assignments:
                rules.require(a.member_id, NodeKind.MEMBER, self._state)
                rules.require(a.household_id, NodeKind.HOUSEHOLD, self._state)
                pair = (a.member_id, a.household_id)
                row = [a.member_id, a.household_id, a.mode._value_, a.since.isoformat()]
                plan.add(pair, row, plan.current(pair))
            return self._commit_plan("assign", plan)

    async def record_points_many(self, entries: Sequence[PointsEntry]) -> Changes:
        with gc_paused():
            plan: _Plan[str] = _Plan(partial(self._stored, NodeKind.POINTS, self._state.points_row))
            for e in entries:
                rules.check_same_kind(e.id, NodeKind.POINTS, self._state)
                rules.require(e.member_id, NodeKind.MEMBER, self._state)
                row = [e.id, e.member_id, e.day.isoformat(), e.points, e.reason]
                plan.add(e.id, row, plan.current(e.id))
            return self._commit_plan("record_points", plan)

    async def record_history_many(self, records: Sequence[CoverRecord]) -> Changes:
        with gc_paused():
            plan: _Plan[tuple[str, str, str, str]] = _Plan(self._state.history.get)
            for r in records:
                check_ended_cover(r, self._state)
                since, ended = r.since.isoformat(), str(r.ended)
                reason = r.reason.value if r.reason else None
                row: Row = [r.member_id, r.household_id, r.mode._value_, since, ended]
                row += [reason, r.to_member_id]
                key = (r.member_id, r.household_id, since, ended)
                plan.add(key, row, plan.current(key))
            return self._commit_plan("record_history", plan)

    # -- look-ups for writes -------------------------------------------------------------

    def _stored(self, kind: NodeKind, row_of: Callable[[str], Row], node_id: str) -> Row | None:
        """The stored row of `node_id` if it is a `kind` (the rules checked it is no other)."""
        return row_of(node_id) if self._state.kind(node_id) is kind else None

    def _require(self, node_id: str, kind: NodeKind) -> Attrs:
        """The attributes of `node_id`, which must be a `kind`; UnknownIdError otherwise."""
        rules.require(node_id, kind, self._state)
        attrs: Attrs = self._state.nodes[node_id]
        return attrs

    def _is_tree_node(self, node_id: str) -> bool:
        return self._state.kind(node_id) in (NodeKind.UNIT, NodeKind.HOUSEHOLD)

    def _require_tree_node(self, node_id: str) -> None:
        if not self._is_tree_node(node_id):
            raise UnknownIdError([node_id], "unit or household")

    def _require_cover(self, member_id: str, household_id: str) -> Attrs:
        """The edge of an assignment: UnknownIdError for either id, then NotAssignedError."""
        self._require(member_id, NodeKind.MEMBER)
        self._require(household_id, NodeKind.HOUSEHOLD)
        data = self._state.succ[member_id].get(household_id)
        if data is None:
            raise NotAssignedError(member_id, household_id)
        return data

    # -- reads ------------------------------------------------------------------------------

    def _ancestors(self, node_id: str) -> list[Unit]:
        """The units above a unit or household, the street first; [] for anything else."""
        attrs = self._state.nodes.get(node_id)
        above: list[Unit] = []
        parent = attrs.get("parent") if attrs is not None else None
        while parent is not None:
            above.append(self._unit(parent))
            parent = above[-1].parent_id
        above.reverse()
        return above

    def _children(self, request: ChildrenRequest) -> Page[Unit | Household]:
        """A page of children by id; an empty page for an id with none (or an unknown one)."""
        if request.parent_id is None:
            ids = sorted(self._state.streets)
        elif self._is_tree_node(request.parent_id):  # a cadre's out-edges are not children
            ids = sorted(self._state.succ[request.parent_id])
        else:
            ids = []
        after = request.after
        start = bisect_right(ids, parse_id_cursor(after, "children")) if after is not None else 0
        page_ids = ids[start : start + clamp_page_size(request.first)]
        items: list[Unit | Household] = [self._tree_node(i) for i in page_ids]
        has_next = start + len(page_ids) < len(ids)
        return Page(items, has_next, len(ids), page_ids[-1] if page_ids else after)

    def _counts(self, scope_id: str | None) -> Counts:
        return self._tally(scope_id).counts()

    def _tally(self, scope_id: str | None) -> Tally:
        """A scope's rollup (the city's for None): kept up to date by every write, so no
        figure walks the subtree. UnknownIdError for an unknown scope."""
        rollups = self._state.rollups
        if scope_id is None:
            return rollups.city()
        self._require_tree_node(scope_id)
        if self._state.kind(scope_id) is NodeKind.UNIT:
            return rollups.unit(scope_id)
        return rollups.household(scope_id)

    def _survey(self, scope_id: str | None) -> Survey:
        """One walk of a scope (the whole city for None), shared by counts, gaps and search
        until the next write. UnknownIdError for an unknown scope."""
        if scope_id is None:
            roots = list(self._state.streets)
        else:
            self._require_tree_node(scope_id)
            roots = [scope_id]
        return self._read_cache.get(("survey", scope_id), lambda: self._state.survey(roots))

    def _member_households(self, member_id: str) -> list[Coverage]:
        member = self._member(member_id)
        covered = self._state.covered(member_id)
        return [
            Coverage(member, self._household(h), covered[h]["mode"], covered[h]["since"])
            for h in sorted(covered)
        ]

    def _household_members(self, household_id: str) -> list[Coverage]:
        household = self._household(household_id)
        covering = self._state.covering(household_id)
        return [
            Coverage(self._member(m), household, covering[m]["mode"], covering[m]["since"])
            for m in sorted(covering)
        ]

    def _member_points(self, member_id: str, year: int) -> list[PointsEntry]:
        entries = []
        for entry_id in self._state.member_points.get(member_id, ()):
            _, day, points, reason = self._state.points[entry_id]
            if day.year == year:
                entries.append(PointsEntry(entry_id, member_id, day, points, reason))
        entries.sort(key=lambda e: (e.day, e.id))
        return entries

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
        households: bool = True,
    ) -> Page[Unit | Household | Member]:
        needle = text.strip().lower()
        if not needle:
            raise InvalidValueError("search text must not be blank")
        candidates = self._search_candidates(scope_id)
        if not households:
            nodes = self._state.nodes
            candidates = [i for i in candidates if nodes[i]["k"] is not NodeKind.HOUSEHOLD]
        prefix, contains = self._matches(needle, level, candidates)
        keys = [(0, i) for i in prefix] + [(1, i) for i in contains]
        start = bisect_right(keys, parse_search_cursor(after)) if after is not None else 0
        page = keys[start : start + clamp_page_size(first)]
        items: list[Unit | Household | Member] = [self._searchable(i) for _, i in page]
        has_next = start + len(page) < len(keys)
        cursor = search_cursor(*page[-1]) if page else after
        return Page(items, has_next, len(keys), cursor)

    def _search_candidates(self, scope_id: str | None) -> Iterable[str]:
        """Every node for the city; else the scope's units, households and cadres."""
        if scope_id is None:
            return self._state.nodes
        survey = self._survey(scope_id)
        return [*survey.units, *survey.households, *(survey.registered | survey.covering)]

    def _matches(
        self, needle: str, level: Level | None, candidates: Iterable[str]
    ) -> tuple[list[str], list[str]]:
        """Ids whose lower-cased name starts with, or else contains, `needle`; each sorted."""
        prefix: list[str] = []
        contains: list[str] = []
        nodes = self._state.nodes
        for node_id in candidates:
            attrs = nodes[node_id]
            if not _searched(attrs, level):
                continue
            name = attrs["name"].lower()
            if name.startswith(needle):
                prefix.append(node_id)
            elif needle in name:
                contains.append(node_id)
        prefix.sort()
        contains.sort()
        return prefix, contains

    # -- batched reads (the single forms come from SingleReads) ----------------------------

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        return [self._node(node_id) for node_id in node_ids]

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit] | None]:
        return [
            self._ancestors(node_id) if self._is_tree_node(node_id) else None
            for node_id in node_ids
        ]

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household] | None]:
        return [
            self._children(r) if r.parent_id is None or self._is_tree_node(r.parent_id) else None
            for r in requests
        ]

    async def subtrees_many(self, requests: Sequence[SubtreeRequest]) -> list[Subtree | None]:
        """Level by level over the reads above: in memory they cost nothing to repeat."""
        return await read_subtrees(self, requests)

    async def counts_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """Each walks its subtree once; the answer is kept until the next write."""
        return [
            self._counts(scope_id) if scope_id is None or self._is_tree_node(scope_id) else None
            for scope_id in scope_ids
        ]

    async def member_households_many(
        self, member_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        return [
            self._member_households(m) if self._state.kind(m) == NodeKind.MEMBER else None
            for m in member_ids
        ]

    async def household_members_many(
        self, household_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        return [
            self._household_members(h) if self._state.kind(h) == NodeKind.HOUSEHOLD else None
            for h in household_ids
        ]

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry] | None]:
        return [
            self._member_points(m, year) if self._state.kind(m) == NodeKind.MEMBER else None
            for m in member_ids
        ]

    async def household_history_many(
        self, household_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        state = self._state
        answers: list[list[CoverRecord] | None] = []
        for h in household_ids:
            kept = state.history_by_household.get(h)
            if state.kind(h) is not NodeKind.HOUSEHOLD and not kept:
                answers.append(None)
                continue
            current = state.covering(h) if state.kind(h) is NodeKind.HOUSEHOLD else {}
            found = [_current(m, h, data) for m, data in current.items()]
            found += [_ended(state.history[key]) for key in kept or ()]
            answers.append(history_order(found))
        return answers

    async def member_history_many(
        self, member_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        state = self._state
        answers: list[list[CoverRecord] | None] = []
        for m in member_ids:
            if state.kind(m) is not NodeKind.MEMBER:
                answers.append(None)
                continue
            found = [_current(m, h, data) for h, data in state.covered(m).items()]
            found += [_ended(state.history[k]) for k in state.history_by_member.get(m, ())]
            answers.append(history_order(found))
        return answers

    # -- rosters and work units -------------------------------------------------------------

    async def rosters_many(self, requests: Sequence[RosterRequest]) -> list[Roster | None]:
        answers: list[Roster | None] = []
        for request in requests:
            scope_id = request.scope_id
            if scope_id is not None and not self._is_tree_node(scope_id):
                answers.append(None)
                continue
            standings = self._read_cache.get(
                ("standings", scope_id, request.year),
                partial(self._standings, scope_id, request.year),
            )
            answers.append(
                await roster_of(
                    standings,
                    request,
                    self._roster_members,
                    partial(self._households_covered, scope_id),
                )
            )
        return answers

    def _standings(self, scope_id: str | None, year: int) -> list[CadreStanding]:
        """Every cadre of a scope (the city: every cadre) with their load and points."""
        state = self._state
        if scope_id is None:
            cadres = list(self._ids_of_kind(NodeKind.MEMBER))
            registered = {m for m in cadres if state.nodes[m]["community"] is not None}
            inside = None
        else:
            survey = self._survey(scope_id)
            cadres = sorted(survey.registered | survey.covering)
            registered = survey.registered
            inside = self._read_cache.get(("households", scope_id), lambda: set(survey.households))
        standings = []
        for m in cadres:
            covered = state.covered(m)
            here = len(covered) if inside is None else sum(1 for h in covered if h in inside)
            standings.append(
                CadreStanding(
                    member_id=m,
                    work_unit_id=state.nodes[m]["work_unit"],
                    registered_here=m in registered,
                    households_here=here,
                    households_total=len(covered),
                    points=state.year_points.get(m, {}).get(year, 0),
                    modes=frozenset(data["mode"] for data in covered.values()),
                )
            )
        return standings

    async def _roster_members(
        self, member_ids: list[str]
    ) -> dict[str, tuple[Member, tuple[str, ...]]]:
        """Each cadre with the communities of the households they cover."""
        state = self._state
        found = {}
        for m in member_ids:
            communities = set()
            for h in state.covered(m):
                building = state.nodes[h]["parent"]
                communities.add(state.nodes[state.nodes[building]["parent"]]["parent"])
            found[m] = (self._member(m), tuple(sorted(communities)))
        return found

    async def _households_covered(self, scope_id: str | None, member_ids: list[str]) -> int:
        state = self._state
        covered = {h for m in member_ids for h in state.covered(m)}
        if scope_id is None:
            return len(covered)
        inside = self._read_cache.get(
            ("households", scope_id), lambda: set(self._survey(scope_id).households)
        )
        return len(covered & inside)

    async def work_units(
        self, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, search: str | None = None
    ) -> Page[WorkUnit]:
        ids = self._read_cache.get(
            ("work_units",), lambda: sorted(self._ids_of_kind(NodeKind.WORK_UNIT))
        )
        if search is not None and search.strip():
            needle = search.strip().lower()
            ids = [i for i in ids if needle in self._state.nodes[i]["name"].lower()]
        start = bisect_right(ids, parse_id_cursor(after, "work units")) if after else 0
        page_ids = ids[start : start + clamp_page_size(first)]
        has_next = start + len(page_ids) < len(ids)
        items = [self._work_unit(i) for i in page_ids]
        return Page(items, has_next, len(ids), page_ids[-1] if page_ids else after)

    def _ids_of_kind(self, kind: NodeKind) -> Iterable[str]:
        return (n for n, attrs in self._state.nodes.items() if attrs["k"] is kind)

    # -- coverage and gaps ------------------------------------------------------------------

    async def latest_points_year(self) -> int | None:
        return max((day.year for _, day, _, _ in self._state.points.values()), default=None)

    async def coverage_summary(self, scope_id: str | None = None) -> CoverageSummary:
        counts = self._counts(scope_id)
        children = sorted(self._state.streets if scope_id is None else self._state.succ[scope_id])
        rows = [CoverageRow(self._tree_node(child), self._counts(child)) for child in children]
        return CoverageSummary(counts, rows)

    async def _coverage_gaps(
        self,
        scope_id: str | None,
        kinds: Sequence[GapKind],
        policy: Policy,
        year: int,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[Gap]:
        wanted = {kind.rank for kind in kinds}
        keys = [key for key in self._gap_keys(scope_id, policy, year) if key.rank in wanted]
        start = 0
        if after is not None:
            start = bisect_right(
                keys, parse_gap_cursor(after), key=lambda k: (k.rank, k.subject_id)
            )
        page = keys[start : start + clamp_page_size(first)]
        items = [
            describe(self._state, key, policy, year, self._node(key.subject_id)) for key in page
        ]
        has_next = start + len(page) < len(keys)
        return Page(items, has_next, len(keys), gap_cursor(items[-1]) if items else after)

    async def _coverage_gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """From the scope's rollup: no walk of the subtree, only of its cadres."""
        state = self._state
        return gap_counts(
            self._tally(scope_id), state.cover_totals, state.year_points, policy, year
        )

    def _gap_keys(self, scope_id: str | None, policy: Policy, year: int) -> list[GapKey]:
        """Every gap of a scope, found once until the next write (pages and counts share it)."""
        survey = self._survey(scope_id)
        return self._read_cache.get(
            ("gaps", scope_id, policy, year), lambda: find_gaps(self._state, survey, policy, year)
        )

    # -- recounts, for verifying the rollups ---------------------------------------------

    async def recount_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        return [
            _count(self._state, self._state.survey(self._roots(scope_id)))
            if scope_id is None or self._is_tree_node(scope_id)
            else None
            for scope_id in scope_ids
        ]

    async def _coverage_recount_gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        found = find_gaps(self._state, self._state.survey(self._roots(scope_id)), policy, year)
        ranks = Counter(key.rank for key in found)
        return {kind: ranks[kind.rank] for kind in COVERAGE_GAP_KINDS}

    def _roots(self, scope_id: str | None) -> list[str]:
        if scope_id is None:
            return list(self._state.streets)
        self._require_tree_node(scope_id)
        return [scope_id]

    # -- audit ------------------------------------------------------------------------------

    async def record_audit(self, entry: AuditEntry) -> None:
        if entry.id in self._state.audit:
            raise DuplicateIdError([entry.id], "an audit entry")
        row = [
            entry.id,
            entry.at.isoformat(),
            entry.subject,
            entry.role,
            entry.action,
            list(entry.target_ids),
            entry.arguments,
            entry.before,
            entry.after,
        ]
        self._commit("record_audit", {"rows": [row]})

    async def audit_entries(
        self,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        subject: str | None = None,
    ) -> Page[AuditEntry]:
        """Newest first: the page ends just before `after` in the id-ordered list."""
        ids = self._state.audit_ids
        if subject is not None:
            ids = self._state.audit_by_subject.get(subject, [])
        end = bisect_left(ids, parse_id_cursor(after, "audit")) if after is not None else len(ids)
        start = max(0, end - clamp_page_size(first))
        items = [_audit_entry(self._state.audit[i]) for i in reversed(ids[start:end])]
        return Page(items, start > 0, len(ids), items[-1].id if items else after)

    # -- values built from the graph ----------------------------------------------------------

    def _node(self, node_id: str) -> Node | None:
        attrs = self._state.nodes.get(node_id)
        if attrs is None:
            return None
        if attrs["k"] in (NodeKind.UNIT, NodeKind.HOUSEHOLD):
            return self._tree_node(node_id)
        return self._member(node_id) if attrs["k"] == NodeKind.MEMBER else self._work_unit(node_id)

    def _tree_node(self, node_id: str) -> Unit | Household:
        is_unit = self._state.nodes[node_id]["k"] == NodeKind.UNIT
        return self._unit(node_id) if is_unit else self._household(node_id)

    def _searchable(self, node_id: str) -> Unit | Household | Member:
        if self._state.nodes[node_id]["k"] == NodeKind.MEMBER:
            return self._member(node_id)
        return self._tree_node(node_id)

    def _unit(self, unit_id: str) -> Unit:
        a = self._state.nodes[unit_id]
        return Unit(unit_id, a["name"], a["level"], a["parent"])

    def _household(self, household_id: str) -> Household:
        a = self._state.nodes[household_id]
        return Household(
            household_id, a["name"], a["parent"], a["address"], a["phone"], a["central"]
        )

    def _member(self, member_id: str) -> Member:
        a = self._state.nodes[member_id]
        return Member(member_id, a["name"], a["phone"], a["work_unit"], a["community"])

    def _work_unit(self, work_unit_id: str) -> WorkUnit:
        return WorkUnit(work_unit_id, self._state.nodes[work_unit_id]["name"])


def _current(member_id: str, household_id: str, data: Attrs) -> CoverRecord:
    return CoverRecord(member_id, household_id, data["mode"], data["since"])


def _ended(row: Row) -> CoverRecord:
    member_id, household_id, mode, since, ended, reason, to_member_id = row
    return CoverRecord(
        member_id,
        household_id,
        Mode(mode),
        date.fromisoformat(since),
        date.fromisoformat(ended),
        EndReason(reason),
        to_member_id,
    )


def _searched(attrs: Attrs, level: Level | None) -> bool:
    """Whether search looks at a node: with a level only that level, else all but work units."""
    kind: NodeKind = attrs["k"]
    if level is None:
        return kind != NodeKind.WORK_UNIT
    if kind == NodeKind.UNIT:
        return attrs["level"] is level
    return kind == NodeKind.HOUSEHOLD and level is Level.HOUSEHOLD


def _count(state: GraphState, survey: Survey) -> Counts:
    """A scope's figures from one walk of it (the recount the rollups are checked against)."""
    units = dict.fromkeys(UNIT_LEVELS, 0)
    for unit_id in survey.units:
        units[state.nodes[unit_id]["level"]] += 1
    return Counts(
        units=units,
        households=len(survey.households),
        central_households=survey.central,
        covered_households=len(survey.households) - len(survey.uncovered),
        members=len(survey.registered),
        covering_members=len(survey.covering),
        assignments=survey.assignments,
    )


def _audit_entry(row: Row) -> AuditEntry:
    entry_id, at, subject, role, action, target_ids, arguments, before, after = row
    return AuditEntry(
        entry_id,
        datetime.fromisoformat(at),
        subject,
        role,
        action,
        tuple(target_ids),
        arguments,
        before,
        after,
    )
