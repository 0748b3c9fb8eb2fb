"""The embedded store's state: a networkx DiGraph, the points ledger and the audit trail.

The apply functions here are the only code that changes the state. The store calls them for
live writes (after validating and journaling), and replay and snapshot restore call the same
ones, so a reopened store is the store that was closed.

Layout, kept lean because the city has ~150,000 nodes at scale 1 and ten times that later:

- nodes hold a plain attribute dict, never a dataclass: a kind `k` and the entity's own fields.
  Units and households keep their `parent` id, cadres their `work_unit` and `community`, so
  "where does this hang" is one lookup, not an edge scan;
- edges run parent -> child (contains), member -> household (assigned: the only edges with a
  `mode` and `since`), member -> community (registered) and member -> work unit;
- points entries are not graph nodes: a dict by id, with an index by member; audit entries
  neither: rows by id, with the ids kept sorted (they sort by time) overall and by subject;
- ended covers (the assignment history) are not edges either, so no figure or gap sees them:
  rows by (member, household, since, ended), indexed by household and by member.

Rows (lists of JSON values, one per entity) are the shared currency: journal records carry
them, snapshots are made of them, and the store detects "unchanged" by comparing them.
"""

from __future__ import annotations

import functools
import gc
import sys
from bisect import insort
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from orggraph.domain.entities import Mode
from orggraph.domain.kinds import (
    A_HOUSEHOLD,
    A_MEMBER,
    A_POINTS_ENTRY,
    A_WORK_UNIT,
    NodeKind,
    What,
    unit_at,
)
from orggraph.domain.levels import Level
from orggraph.store.memory.journal import JournalCorruptError, JsonObject, Record
from orggraph.store.memory.rollups import Rollups
from orggraph.store.memory.service_book import ServiceBook
from orggraph.store.memory.supply_book import SupplyBook

Attrs = dict[str, Any]
Row = list[Any]
HistoryKey = tuple[str, str, str, str]
"""An ended cover's member, household, since and ended (ISO days)."""

_WHAT_OF_KIND = {
    NodeKind.HOUSEHOLD: A_HOUSEHOLD,
    NodeKind.MEMBER: A_MEMBER,
    NodeKind.WORK_UNIT: A_WORK_UNIT,
}

_LEVELS = {level.value: level for level in Level}
_MODES = {mode.value: mode for mode in Mode}

_day = functools.lru_cache(maxsize=65_536)(date.fromisoformat)
"""Parse ISO days once: thousands of assignments share a few dates, so they share objects too."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one big batch (bulk call, replay, snapshot).

    A 100,000-row batch allocates millions of containers, and each time the heap grows by a
    quarter the collector rescans all of it, which makes a big bulk call much costlier.
    The graph's dicts and rows make no reference cycles, so there is nothing to find meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _id(node_id: str | None) -> Any:
    """Intern an id: it repeats in every edge and child row, and should be one string."""
    return sys.intern(node_id) if node_id is not None else None


@dataclass
class Survey:
    """What a scope holds (see `GraphState.survey`)."""

    units: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    with_central: set[str] = field(default_factory=set)
    """Building groups with at least one central household."""
    registered: set[str] = field(default_factory=set)
    """Cadres registered with a community in the scope."""
    covering: set[str] = field(default_factory=set)
    """Cadres covering at least one household in the scope."""
    central: int = 0
    """Central households in the scope."""
    assignments: int = 0
    """Cadre-household pairs whose household is in the scope."""


class GraphState:
    """The graph and the points ledger; `apply` is the one way to change them.

    Apply functions trust their input: the store validated it before journaling it, and
    replay feeds back exactly what was journaled. Upsert rows name each id at most once.
    """

    def __init__(self) -> None:
        self.graph = nx.DiGraph()
        # networkx's own dict-of-dicts (see "Subclasses (Advanced)" in nx.Graph), read
        # directly: its views wrap every lookup in an object, which dominates 100k-row batches.
        # Every write still goes through the networkx API.
        self.nodes: dict[str, Attrs] = self.graph._node
        self.succ: dict[str, dict[str, Attrs]] = self.graph._succ
        self.pred: dict[str, dict[str, Attrs]] = self.graph._pred
        self.streets: set[str] = set()
        self.points: dict[str, tuple[str, date, int, str]] = {}
        self.member_points: dict[str, set[str]] = {}
        self.cover_totals: Counter[str] = Counter()
        """How many households each cadre covers."""
        self.year_points: dict[str, dict[int, int]] = {}
        """Each cadre's points summed per year."""
        self.rollups = Rollups(self.nodes, self.succ, self.pred, self.streets)
        self.history: dict[HistoryKey, Row] = {}
        """Ended covers as rows `[member, household, mode, since, ended, reason, to]`."""
        self.history_by_household: dict[str, set[HistoryKey]] = {}
        self.history_by_member: dict[str, set[HistoryKey]] = {}
        self.audit: dict[str, Row] = {}
        """Audit entries as rows, by id; ids sort by time (`new_audit_id`)."""
        self.audit_ids: list[str] = []
        self.audit_by_subject: dict[str, list[str]] = {}
        """Both in id order, for paging newest first."""
        self.service = ServiceBook()
        """Service requests and their steps (三(三)4)."""
        self.supply = SupplyBook()
        """Supply offers (供给清单, 三(三)4)."""
        self._handlers: dict[str, Callable[[JsonObject], None]] = {
            "upsert_units": self._upsert_units,
            "upsert_households": self._upsert_households,
            "upsert_work_units": self._upsert_work_units,
            "upsert_members": self._upsert_members,
            "assign": self._assign,
            "record_points": self._record_points,
            "unassign": self._unassign,
            "transfer": self._transfer,
            "delete": self._delete,
            "clear": self._clear,
            "record_audit": self._record_audit,
            "record_history": self._record_history,
            "service_step": self._service_step,
            "service_load": self._service_load,
            "service_offer": self._service_offer,
            "offer_load": self._offer_load,
        }

    # -- lookups ---------------------------------------------------------------------------

    def kind(self, node_id: str) -> NodeKind | None:
        """What kind of node an id names, or None."""
        attrs = self.nodes.get(node_id)
        if attrs is not None:
            kind: NodeKind = attrs["k"]
            return kind
        return NodeKind.POINTS if node_id in self.points else None

    def what(self, node_id: str) -> What | None:
        """What an id names (a unit with its level), for the write rules and their messages."""
        attrs = self.nodes.get(node_id)
        if attrs is None:
            return A_POINTS_ENTRY if node_id in self.points else None
        kind: NodeKind = attrs["k"]
        return unit_at(attrs["level"]) if kind is NodeKind.UNIT else _WHAT_OF_KIND[kind]

    def parent_of(self, node_id: str) -> str | None:
        """The parent of a unit or household; None for a street or anything else."""
        attrs = self.nodes.get(node_id)
        return attrs.get("parent") if attrs is not None else None

    def covering(self, household_id: str) -> dict[str, Attrs]:
        """The cadres covering a household, with each assignment's edge data."""
        return {m: data for m, data in self.pred[household_id].items() if "mode" in data}

    def covered(self, member_id: str) -> dict[str, Attrs]:
        """The households a cadre covers, with each assignment's edge data."""
        return {h: data for h, data in self.succ[member_id].items() if "mode" in data}

    def registered(self, community_id: str) -> list[str]:
        """The cadres registered with a community: its in-edges other than its parent's."""
        parent = self.nodes[community_id]["parent"]
        return [m for m in self.pred[community_id] if m != parent]

    def survey(self, root_ids: Iterable[str]) -> Survey:
        """One walk of the subtrees under the roots, gathering what counts and gaps need.

        Tight on purpose (locals, no calls per household): for the whole city it visits every
        household, 130,000 at scale 1.
        """
        nodes, succ, pred = self.nodes, self.succ, self.pred
        found = Survey()
        units, households, uncovered = found.units, found.households, found.uncovered
        covering, with_central = found.covering, found.with_central
        assignments = central = 0
        stack = list(root_ids)
        while stack:
            node_id = stack.pop()
            attrs = nodes[node_id]
            if attrs["k"] == NodeKind.UNIT:
                units.append(node_id)
                stack.extend(succ[node_id])
                if attrs["level"] is Level.COMMUNITY:
                    found.registered.update(self.registered(node_id))
                continue
            households.append(node_id)
            if attrs["central"]:
                central += 1
                with_central.add(attrs["parent"])
            in_edges = pred[node_id]  # the parent's, then one per covering cadre
            if len(in_edges) == 1:
                uncovered.append(node_id)
            else:
                covering.update(in_edges)
                assignments += len(in_edges) - 1
        covering.difference_update([m for m in covering if nodes[m]["k"] != NodeKind.MEMBER])
        found.assignments, found.central = assignments, central
        return found

    def subtree(self, root_ids: Iterable[str]) -> Iterator[str]:
        """Every unit and household at or below the roots (a unit's out-edges are children)."""
        stack = list(root_ids)
        while stack:
            node_id = stack.pop()
            yield node_id
            stack.extend(self.succ[node_id])

    # -- rows ------------------------------------------------------------------------------

    def unit_row(self, unit_id: str) -> Row:
        a = self.nodes[unit_id]
        return [unit_id, a["name"], a["level"]._value_, a["parent"]]

    def household_row(self, household_id: str) -> Row:
        a = self.nodes[household_id]
        return [household_id, a["name"], a["parent"], a["address"], a["phone"], a["central"]]

    def member_row(self, member_id: str) -> Row:
        a = self.nodes[member_id]
        return [member_id, a["name"], a["phone"], a["work_unit"], a["community"]]

    def work_unit_row(self, work_unit_id: str) -> Row:
        return [work_unit_id, self.nodes[work_unit_id]["name"]]

    def assignment_row(self, member_id: str, household_id: str) -> Row | None:
        data = self.succ.get(member_id, {}).get(household_id)
        if data is None or "mode" not in data:
            return None
        return [member_id, household_id, data["mode"]._value_, data["since"].isoformat()]

    def points_row(self, entry_id: str) -> Row:
        member_id, day, points, reason = self.points[entry_id]
        return [entry_id, member_id, day.isoformat(), points, reason]

    # -- apply -----------------------------------------------------------------------------

    def apply(self, record: Record) -> None:
        handler = self._handlers.get(record.op)
        if handler is None:
            raise JournalCorruptError(
                f"journal record {record.seq} has op {record.op!r}, unknown to this version"
            )
        handler(record.args)

    def _upsert_units(self, args: JsonObject) -> None:
        self._put_tree_nodes(
            (
                _id(unit_id),
                {"k": NodeKind.UNIT, "name": name, "level": _LEVELS[level], "parent": _id(p)},
            )
            for unit_id, name, level, p in args["rows"]
        )

    def _upsert_households(self, args: JsonObject) -> None:
        self._put_tree_nodes(
            (
                _id(household_id),
                {
                    "k": NodeKind.HOUSEHOLD,
                    "name": name,
                    "parent": _id(parent),
                    "address": address,
                    "phone": phone,
                    "central": central,
                },
            )
            for household_id, name, parent, address, phone, central in args["rows"]
        )

    def _put_tree_nodes(self, entries: Iterable[tuple[str, Attrs]]) -> None:
        """Add units or households, or update them and hang them under a new parent.

        Nodes are added before any edge, so a row may name a parent added by a later row.
        """
        added: list[tuple[str, Attrs]] = []
        moved: list[tuple[str, str | None]] = []
        recounted: list[str] = []
        for node_id, attrs in entries:
            old = self.nodes.get(node_id)
            if old is None:
                added.append((node_id, attrs))
                continue
            if old["parent"] != attrs["parent"]:
                self.rollups.touch(old["parent"])
                self._unhang(old["parent"], node_id)
                moved.append((node_id, attrs["parent"]))
            elif old.get("central") != attrs.get("central"):
                recounted.append(node_id)
            old.update(attrs)
        self.graph.add_nodes_from(added)
        self.graph.add_edges_from((a["parent"], n) for n, a in added if a["parent"] is not None)
        self.streets.update(n for n, a in added if a["parent"] is None)
        for node_id, parent in moved:
            self._hang(parent, node_id)
        for node_id in [*(n for n, _ in added), *recounted]:
            self.rollups.touch(node_id)
        for node_id, _ in moved:
            self.rollups.touch(node_id, moved=True)

    def _hang(self, parent: str | None, node_id: str) -> None:
        if parent is None:
            self.streets.add(node_id)
        else:
            self.graph.add_edge(parent, node_id)

    def _unhang(self, parent: str | None, node_id: str) -> None:
        if parent is None:
            self.streets.discard(node_id)
        else:
            self.graph.remove_edge(parent, node_id)

    def _upsert_work_units(self, args: JsonObject) -> None:
        self.graph.add_nodes_from(
            (_id(work_unit_id), {"k": NodeKind.WORK_UNIT, "name": name})
            for work_unit_id, name in args["rows"]
        )

    def _upsert_members(self, args: JsonObject) -> None:
        """Add or update cadres, pointing their registration edges where the rows say."""
        added: list[tuple[str, Attrs]] = []
        links: list[tuple[str, str]] = []
        registered_with: list[str | None] = []
        for member_id, name, phone, work_unit, community in args["rows"]:
            member_id = _id(member_id)
            attrs = {
                "k": NodeKind.MEMBER,
                "name": name,
                "phone": phone,
                "work_unit": _id(work_unit),
                "community": _id(community),
            }
            old = self.nodes.get(member_id)
            if old is None:
                added.append((member_id, attrs))
                registered_with.append(attrs["community"])
            else:
                if old["community"] != attrs["community"]:
                    registered_with += [old["community"], attrs["community"]]
                self._drop_stale_links(member_id, old, attrs)
                old.update(attrs)
            links.extend((member_id, t) for t in (work_unit, community) if t is not None)
        self.graph.add_nodes_from(added)
        self.graph.add_edges_from(links)
        for community in registered_with:
            self.rollups.touch(community)

    def _drop_stale_links(self, member_id: str, old: Attrs, new: Attrs) -> None:
        for link in ("work_unit", "community"):
            if old[link] is not None and old[link] != new[link]:
                self.graph.remove_edge(member_id, old[link])

    def _assign(self, args: JsonObject) -> None:
        rows = [(_id(m), _id(h), _MODES[mode], _day(since)) for m, h, mode, since in args["rows"]]
        for member_id, household_id, _, _ in rows:
            if household_id not in self.succ.get(member_id, ()):
                self.cover_totals[member_id] += 1
        self.graph.add_edges_from(
            (m, h, {"mode": mode, "since": since}) for m, h, mode, since in rows
        )
        for _, household_id, _, _ in rows:
            self.rollups.touch(household_id)

    def _record_points(self, args: JsonObject) -> None:
        for entry_id, member_id, day, points, reason in args["rows"]:
            entry_id, member_id = _id(entry_id), _id(member_id)
            old = self.points.get(entry_id)
            if old is not None:
                self.member_points[old[0]].discard(entry_id)
                self.year_points[old[0]][old[1].year] -= old[2]
            self.points[entry_id] = (member_id, _day(day), points, reason)
            self.member_points.setdefault(member_id, set()).add(entry_id)
            sums = self.year_points.setdefault(member_id, {})
            sums[_day(day).year] = sums.get(_day(day).year, 0) + points

    def _end_cover(self, member: str, household: str, ended: str, reason: str, to: Any) -> None:
        """Keep a current cover in the history as ended (the edge itself is the caller's)."""
        data = self.succ[member][household]
        row = [member, household, data["mode"]._value_, data["since"].isoformat(), ended, reason]
        self._keep_history([[*row, to]])

    def _keep_history(self, rows: Iterable[Row]) -> None:
        for row in rows:
            member, household = _id(row[0]), _id(row[1])
            key: HistoryKey = (member, household, row[3], row[4])
            self.history[key] = [member, household, *row[2:]]
            self.history_by_household.setdefault(household, set()).add(key)
            self.history_by_member.setdefault(member, set()).add(key)

    def _record_history(self, args: JsonObject) -> None:
        self._keep_history(args["rows"])

    def _unassign(self, args: JsonObject) -> None:
        if "ended" in args:  # records journaled before the history was kept have none
            self._end_cover(args["member"], args["household"], args["ended"], "unassigned", None)
        self.graph.remove_edge(args["member"], args["household"])
        self.cover_totals[args["member"]] -= 1
        self.rollups.touch(args["household"])

    def _transfer(self, args: JsonObject) -> None:
        """Drop the old cover; add the new one unless that cadre covers the household already."""
        household, to_member = args["household"], _id(args["to"])
        self._end_cover(args["from"], household, args["since"], "transferred", to_member)
        self.graph.remove_edge(args["from"], household)
        self.cover_totals[args["from"]] -= 1
        if household not in self.succ[to_member]:
            self.graph.add_edge(
                to_member, household, mode=_MODES[args["mode"]], since=_day(args["since"])
            )
            self.cover_totals[to_member] += 1
        self.rollups.touch(household)

    def _delete(self, args: JsonObject) -> None:
        """Remove a subtree with its edges; its communities' cadres lose their registration."""
        root = args["id"]
        self.rollups.touch(self.nodes[root]["parent"])
        self._unhang(self.nodes[root]["parent"], root)
        doomed = list(self.subtree([root]))
        for node_id in doomed:
            attrs = self.nodes[node_id]
            if attrs.get("level") is Level.COMMUNITY:
                for member_id in self.registered(node_id):
                    self.nodes[member_id]["community"] = None
            if attrs["k"] is NodeKind.HOUSEHOLD:
                covering = self.covering(node_id)
                if "ended" in args:  # records journaled before the history was kept have none
                    for member_id in covering:
                        self._end_cover(
                            member_id, node_id, args["ended"], "household_removed", None
                        )
                self.cover_totals.subtract(covering.keys())
        self.rollups.forget([n for n in doomed if self.nodes[n]["k"] is NodeKind.UNIT])
        self.graph.remove_nodes_from(doomed)

    def _service_step(self, args: JsonObject) -> None:
        """A request as it now stands, the step that made it so, and the points a
        verification awarded (one journal record: all three or none)."""
        self.service.put(args["request"], args["step"])
        if args.get("points"):
            self._record_points({"rows": [args["points"]]})

    def _service_load(self, args: JsonObject) -> None:
        """Requests with their whole timelines, from a ledger (each replaces what was kept)."""
        for request, steps in args["rows"]:
            self.service.load(request, steps)

    def _service_offer(self, args: JsonObject) -> None:
        """An offer as it now stands (recorded or withdrawn)."""
        self.supply.put(args["offer"])

    def _offer_load(self, args: JsonObject) -> None:
        """Offers as they stand, from a ledger (each replaces what was kept)."""
        for row in args["rows"]:
            self.supply.put(row)

    def _clear(self, args: JsonObject) -> None:
        self.service.clear()
        self.supply.clear()
        self.graph.clear()
        self.streets.clear()
        self.points.clear()
        self.member_points.clear()
        self.cover_totals.clear()
        self.year_points.clear()
        self.rollups.clear()
        self.history.clear()
        self.history_by_household.clear()
        self.history_by_member.clear()
        self.audit.clear()
        self.audit_ids.clear()
        self.audit_by_subject.clear()

    def _record_audit(self, args: JsonObject) -> None:
        """Keep audit rows `[id, at, subject, role, action, target_ids, arguments, before,
        after]`; ids mostly arrive in order, so `insort` appends."""
        for row in args["rows"]:
            entry_id, subject = row[0], row[2]
            self.audit[entry_id] = row
            insort(self.audit_ids, entry_id)
            insort(self.audit_by_subject.setdefault(subject, []), entry_id)

    # -- snapshot --------------------------------------------------------------------------

    def export(self) -> dict[str, Iterable[Row]]:
        """The whole state as named sections of rows, produced lazily as the snapshot is written.

        Sections come in the order `restore` needs them; units are sorted parents first.
        """
        units = sorted(
            (n for n, a in self.nodes.items() if a["k"] == NodeKind.UNIT),
            key=lambda n: self.nodes[n]["level"]._value_,
        )
        return {
            "units": map(self.unit_row, units),
            "households": map(self.household_row, self._ids_of(NodeKind.HOUSEHOLD)),
            "work_units": map(self.work_unit_row, self._ids_of(NodeKind.WORK_UNIT)),
            "members": map(self.member_row, self._ids_of(NodeKind.MEMBER)),
            "assignments": (
                [m, h, data["mode"]._value_, data["since"].isoformat()]
                for m in self._ids_of(NodeKind.MEMBER)
                for h, data in self.succ[m].items()
                if "mode" in data
            ),
            "points": map(self.points_row, self.points),
            "history": self.history.values(),
            "audit": map(self.audit.__getitem__, self.audit_ids),
            "service_requests": self.service.export_requests(),
            "service_steps": self.service.export_steps(),
            "service_offers": self.supply.export(),
        }

    def _ids_of(self, kind: NodeKind) -> Iterator[str]:
        return (node_id for node_id, attrs in self.nodes.items() if attrs["k"] == kind)

    def restore(self, state: JsonObject) -> None:
        """Load a snapshot written from `export`, through the same apply functions."""
        self._upsert_units({"rows": state["units"]})
        self._upsert_households({"rows": state["households"]})
        self._upsert_work_units({"rows": state["work_units"]})
        self._upsert_members({"rows": state["members"]})
        self._assign({"rows": state["assignments"]})
        self._record_points({"rows": state["points"]})
        self._keep_history(state.get("history", ()))  # snapshots before the history have none
        self._record_audit({"rows": state["audit"]})
        self.service.restore(state.get("service_requests", ()), state.get("service_steps", ()))
        self.supply.restore(state.get("service_offers", ()))  # older snapshots have none
