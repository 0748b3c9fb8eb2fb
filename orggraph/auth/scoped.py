"""A `GraphStore` seen through one caller's scope: object-level authorisation in one place.

Every API request (and every report run for a caller) talks to a `ScopedStore`, never to the
raw store, so no resolver can forget a check. The rules:

- A unit or household is inside the scope when it is the scope's unit or lies below it.
- A cadre is inside when registered with a community inside the scope, or covering at least
  one household inside it. Work units belong to no tree and are visible to every caller.
- Anything outside behaves exactly as an unknown id: reads give None / [] / empty figures,
  scoped reads and writes raise UnknownIdError naming the id as asked.
- `parent` and `ancestors` stop at the scope's unit; a cadre's households are only those
  inside the scope.
- Every single write that succeeds is audited: who, when, the arguments, and the touched
  nodes (with a household's cadres) before and after.
- `dashboard` callers only read, and see personal fields masked (resident names, addresses,
  phone numbers); writing is ForbiddenError. Bulk writes and `clear` are for admins only.

Visibility costs at most four batched reads per call and is cached for the request.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from orggraph.auth.tokens import Principal, Role
from orggraph.domain.audit import AuditEntry, new_audit_id
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
from orggraph.domain.errors import DuplicateIdError, ForbiddenError, UnknownIdError
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.base import (
    DEFAULT_PAGE_SIZE,
    Changes,
    ChildrenRequest,
    CoverageSummary,
    GraphStore,
)

MASK = "***"

T = TypeVar("T")


class ScopedStore:
    """The store as one principal may see and change it."""

    def __init__(self, inner: GraphStore, principal: Principal) -> None:
        self.inner = inner
        self.principal = principal
        self.name = inner.name
        self._visible: dict[str, bool] = {}

    # -- visibility ------------------------------------------------------------------------

    @property
    def _scope(self) -> str | None:
        return None if self.principal.role is Role.ADMIN else self.principal.scope_id

    async def visible_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` the caller may see (unknown ids are never visible to an organiser).

        An admin sees everything, and the store itself answers unknown ids with None, [] or
        UnknownIdError, so an admin's reads cost no extra round trip.
        """
        scope = self._scope
        if scope is None:
            return set(ids)
        wanted = [i for i in dict.fromkeys(ids) if i not in self._visible]
        if wanted:
            await self._resolve(scope, wanted, await self.inner.get_nodes(wanted))
        return {i for i in ids if self._visible.get(i)}

    async def _resolve(self, scope: str, ids: list[str], nodes: list[Node | None]) -> None:
        """Decide visibility for freshly fetched nodes: tree nodes by their place, cadres by
        their community, else by whether they cover a household inside the scope."""
        tree_ids = [n.id for n in nodes if isinstance(n, Unit | Household)]
        members = [n for n in nodes if isinstance(n, Member)]
        communities = [m.community_id for m in members if m.community_id]
        inside = await self._inside_tree(scope, [*tree_ids, *communities])
        for node_id, node in zip(ids, nodes, strict=True):
            self._visible[node_id] = isinstance(node, WorkUnit) or node_id in inside
        pending: list[Member] = []
        for member in members:
            registered_inside = member.community_id in inside
            self._visible[member.id] = registered_inside
            if not registered_inside:
                pending.append(member)
        if pending:
            covered = await self.inner.member_households_many([m.id for m in pending])
            household_ids = [c.household.id for rows in covered for c in rows]
            inside_households = await self._inside_tree(scope, household_ids)
            for member, rows in zip(pending, covered, strict=True):
                self._visible[member.id] = any(c.household.id in inside_households for c in rows)

    async def _inside_tree(self, scope: str, ids: Sequence[str]) -> set[str]:
        """The units and households among `ids` at or below the scope's unit."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return set()
        chains = await self.inner.ancestors_many(unique)
        return {
            node_id
            for node_id, chain in zip(unique, chains, strict=True)
            if node_id == scope or any(unit.id == scope for unit in chain)
        }

    async def _require_visible(self, *ids: str | None) -> None:
        wanted = [i for i in ids if i is not None]
        hidden = set(wanted) - await self.visible_ids(wanted)
        if hidden:
            raise UnknownIdError(hidden)

    async def _scope_for(self, scope_id: str | None) -> str | None:
        """A scope argument as the caller may use it: null means the caller's own unit."""
        if scope_id is None:
            return self._scope
        await self._require_visible(scope_id)
        return scope_id

    def _require_writer(self) -> None:
        if not self.principal.role.can_write:
            raise ForbiddenError(f"role {self.principal.role.value} may not change anything")

    def _require_admin(self, action: str) -> None:
        if self.principal.role is not Role.ADMIN:
            raise ForbiddenError(f"only an admin may {action}")

    # -- audit -----------------------------------------------------------------------------

    async def _audited(
        self,
        action: str,
        target_ids: Sequence[str],
        arguments: Any,
        write: Callable[[], Awaitable[T]],
    ) -> T:
        """Run a write and record it; a write that fails is not recorded (it changed nothing)."""
        before = await self._snapshot(target_ids)
        result = await write()
        after = await self._snapshot(target_ids)
        at = datetime.now(UTC)
        await self.inner.record_audit(
            AuditEntry(
                id=new_audit_id(at),
                at=at,
                subject=self.principal.subject,
                role=self.principal.role.value,
                action=action,
                target_ids=tuple(target_ids),
                arguments=_json(arguments),
                before=before,
                after=after,
            )
        )
        return result

    async def _snapshot(self, ids: Sequence[str]) -> str:
        nodes = await self.inner.get_nodes(ids)
        households = [n.id for n in nodes if isinstance(n, Household)]
        cadres = await self.inner.household_members_many(households) if households else []
        return _json(
            {
                "nodes": {i: n for i, n in zip(ids, nodes, strict=True)},
                "cadres": {
                    h: [[c.member.id, c.mode.value, c.since] for c in rows]
                    for h, rows in zip(households, cadres, strict=True)
                },
            }
        )

    # -- masking ---------------------------------------------------------------------------

    def _mask(self, node: T) -> T:
        if self.principal.role.sees_personal_data:
            return node
        if isinstance(node, Household):
            return dataclasses.replace(node, name=MASK, address=MASK, phone=MASK)
        if isinstance(node, Member):
            return dataclasses.replace(node, phone=MASK)
        return node

    def _mask_coverage(self, row: Coverage) -> Coverage:
        return Coverage(self._mask(row.member), self._mask(row.household), row.mode, row.since)

    # -- lifecycle -------------------------------------------------------------------------

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        """The scoped view borrows the store; the app closes the real one."""

    async def clear(self) -> None:
        self._require_admin("clear the store")
        await self.inner.clear()

    def bulk_load(self) -> AbstractAsyncContextManager[None]:
        """The store's own: it changes how fast writes are, not what anyone may see or do."""
        return self.inner.bulk_load()

    # -- reads -----------------------------------------------------------------------------

    async def get_node(self, node_id: str) -> Node | None:
        return (await self.get_nodes([node_id]))[0]

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        visible = await self.visible_ids(node_ids)
        nodes = await self.inner.get_nodes(node_ids)
        return [
            self._mask(node) if node is not None and node.id in visible else None for node in nodes
        ]

    async def ancestors(self, node_id: str) -> list[Unit]:
        await self._require_visible(node_id)
        return (await self.ancestors_many([node_id]))[0]

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit]]:
        visible = await self.visible_ids(node_ids)
        chains = await self.inner.ancestors_many(node_ids)
        return [
            self._trim(chain) if node_id in visible else []
            for node_id, chain in zip(node_ids, chains, strict=True)
        ]

    def _trim(self, chain: list[Unit]) -> list[Unit]:
        """Ancestors from the scope's unit down: nothing above the caller's unit shows."""
        scope = self._scope
        if scope is None:
            return chain
        for index, unit in enumerate(chain):
            if unit.id == scope:
                return chain[index:]
        return []

    async def children(
        self, parent_id: str | None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[Unit | Household]:
        if parent_id is not None:
            await self._require_visible(parent_id)
        return (await self.children_many([ChildrenRequest(parent_id, first, after)]))[0]

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household]]:
        parents = [r.parent_id for r in requests if r.parent_id is not None]
        visible = await self.visible_ids(parents)
        allowed = [
            r
            for r in requests
            if (r.parent_id is None and self._scope is None) or r.parent_id in visible
        ]
        pages = iter(await self.inner.children_many(allowed)) if allowed else iter([])
        empty: Page[Unit | Household] = Page([], False, 0, None)
        result: list[Page[Unit | Household]] = []
        for request in requests:
            if request in allowed:
                page = next(pages)
                result.append(dataclasses.replace(page, items=[self._mask(i) for i in page.items]))
            else:
                result.append(empty)
        return result

    async def counts(self, scope_id: str | None = None) -> Counts:
        return await self.inner.counts(await self._scope_for(scope_id))

    async def counts_many(self, scope_ids: Sequence[str]) -> list[Counts]:
        visible = await self.visible_ids(scope_ids)
        found = await self.inner.counts_many(scope_ids)
        return [c if i in visible else Counts() for i, c in zip(scope_ids, found, strict=True)]

    async def member_households(self, member_id: str) -> list[Coverage]:
        await self._require_visible(member_id)
        return (await self.member_households_many([member_id]))[0]

    async def member_households_many(self, member_ids: Sequence[str]) -> list[list[Coverage]]:
        visible = await self.visible_ids(member_ids)
        found = await self.inner.member_households_many(member_ids)
        households = [c.household.id for rows in found for c in rows]
        inside = await self.visible_ids(households)
        return [
            [self._mask_coverage(c) for c in rows if c.household.id in inside]
            if member_id in visible
            else []
            for member_id, rows in zip(member_ids, found, strict=True)
        ]

    async def household_members(self, household_id: str) -> list[Coverage]:
        await self._require_visible(household_id)
        return (await self.household_members_many([household_id]))[0]

    async def household_members_many(self, household_ids: Sequence[str]) -> list[list[Coverage]]:
        visible = await self.visible_ids(household_ids)
        found = await self.inner.household_members_many(household_ids)
        return [
            [self._mask_coverage(c) for c in rows] if household_id in visible else []
            for household_id, rows in zip(household_ids, found, strict=True)
        ]

    async def member_points(self, member_id: str, year: int) -> list[PointsEntry]:
        await self._require_visible(member_id)
        return await self.inner.member_points(member_id, year)

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry]]:
        visible = await self.visible_ids(member_ids)
        found = await self.inner.member_points_many(member_ids, year)
        return [rows if i in visible else [] for i, rows in zip(member_ids, found, strict=True)]

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
    ) -> Page[Unit | Household | Member]:
        page = await self.inner.search(text, level, first, after, await self._scope_for(scope_id))
        return dataclasses.replace(page, items=[self._mask(item) for item in page.items])

    async def coverage_summary(self, scope_id: str | None = None) -> CoverageSummary:
        summary = await self.inner.coverage_summary(await self._scope_for(scope_id))
        rows = [dataclasses.replace(row, node=self._mask(row.node)) for row in summary.rows]
        return dataclasses.replace(summary, rows=rows)

    async def gaps(
        self,
        scope_id: str | None,
        kinds: Sequence[GapKind],
        policy: Policy,
        year: int,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[Gap]:
        scope = await self._scope_for(scope_id)
        page = await self.inner.gaps(scope, kinds, policy, year, first, after)
        if self.principal.role.sees_personal_data:
            return page
        masked = [
            dataclasses.replace(gap, subject_name=MASK)
            if gap.kind is GapKind.UNCOVERED_HOUSEHOLD
            else gap
            for gap in page.items
        ]
        return dataclasses.replace(page, items=masked)

    async def gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        return await self.inner.gap_counts(await self._scope_for(scope_id), policy, year)

    # -- single writes ---------------------------------------------------------------------

    async def create_unit(self, unit: Unit) -> Unit:
        self._require_writer()
        if unit.parent_id is None:
            self._require_admin("create a street")
        await self._require_visible(unit.parent_id)
        return await self._audited(
            "create_unit", [unit.id], unit, lambda: self.inner.create_unit(unit)
        )

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        self._require_writer()
        await self._require_visible(unit_id)
        return await self._audited(
            "rename_unit", [unit_id], {"name": name}, lambda: self.inner.rename_unit(unit_id, name)
        )

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        self._require_writer()
        self._refuse_own_unit(unit_id, "move")
        await self._require_visible(unit_id, new_parent_id)
        return await self._audited(
            "move_unit",
            [unit_id],
            {"parent_id": new_parent_id},
            lambda: self.inner.move_unit(unit_id, new_parent_id),
        )

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        self._require_writer()
        self._refuse_own_unit(unit_id, "delete")
        await self._require_visible(unit_id)
        return await self._audited(
            "delete_unit",
            [unit_id],
            {"cascade": cascade},
            lambda: self.inner.delete_unit(unit_id, cascade),
        )

    def _refuse_own_unit(self, unit_id: str, action: str) -> None:
        if self._scope is not None and unit_id == self._scope:
            raise ForbiddenError(f"an organiser may not {action} their own unit {unit_id}")

    async def upsert_household(self, household: Household) -> Household:
        self._require_writer()
        await self._require_visible(household.parent_id)
        await self._refuse_hidden_existing(household.id)
        return await self._audited(
            "upsert_household",
            [household.id],
            household,
            lambda: self.inner.upsert_household(household),
        )

    async def upsert_member(self, member: Member) -> Member:
        self._require_writer()
        if member.community_id is None and self._scope is not None:
            raise ForbiddenError(
                f"member {member.id} needs a community inside your scope", [member.id]
            )
        await self._require_visible(member.community_id)
        await self._refuse_hidden_existing(member.id)
        return await self._audited(
            "upsert_member", [member.id], member, lambda: self.inner.upsert_member(member)
        )

    async def _refuse_hidden_existing(self, node_id: str) -> None:
        """An upsert must not overwrite something outside the scope; ids are global, so
        the clash itself cannot be hidden and is reported as a taken id."""
        if node_id in await self.visible_ids([node_id]):
            return
        if (await self.inner.get_nodes([node_id]))[0] is not None:
            raise DuplicateIdError([node_id])

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        self._require_writer()
        return await self._audited(
            "upsert_work_unit",
            [work_unit.id],
            work_unit,
            lambda: self.inner.upsert_work_unit(work_unit),
        )

    async def assign(self, assignment: Assignment) -> Assignment:
        self._require_writer()
        await self._require_visible(assignment.member_id, assignment.household_id)
        return await self._audited(
            "assign",
            [assignment.household_id, assignment.member_id],
            assignment,
            lambda: self.inner.assign(assignment),
        )

    async def unassign(self, member_id: str, household_id: str) -> None:
        self._require_writer()
        await self._require_visible(member_id, household_id)
        await self._audited(
            "unassign",
            [household_id, member_id],
            {"member_id": member_id, "household_id": household_id},
            lambda: self.inner.unassign(member_id, household_id),
        )

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        self._require_writer()
        await self._require_visible(household_id, from_member_id, to_member_id)
        return await self._audited(
            "transfer",
            [household_id, from_member_id, to_member_id],
            {"from": from_member_id, "to": to_member_id, "since": since, "mode": mode},
            lambda: self.inner.transfer(household_id, from_member_id, to_member_id, since, mode),
        )

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        self._require_writer()
        await self._require_visible(entry.member_id)
        return await self._audited(
            "record_points", [entry.member_id], entry, lambda: self.inner.record_points(entry)
        )

    # -- bulk writes: the importer's, for admins ------------------------------------------

    async def upsert_units(self, units: Sequence[Unit]) -> Changes:
        self._require_admin("write in bulk")
        return await self.inner.upsert_units(units)

    async def upsert_households(self, households: Sequence[Household]) -> Changes:
        self._require_admin("write in bulk")
        return await self.inner.upsert_households(households)

    async def upsert_members(self, members: Sequence[Member]) -> Changes:
        self._require_admin("write in bulk")
        return await self.inner.upsert_members(members)

    async def upsert_work_units(self, work_units: Sequence[WorkUnit]) -> Changes:
        self._require_admin("write in bulk")
        return await self.inner.upsert_work_units(work_units)

    async def assign_many(self, assignments: Sequence[Assignment]) -> Changes:
        self._require_admin("write in bulk")
        return await self.inner.assign_many(assignments)

    async def record_points_many(self, entries: Sequence[PointsEntry]) -> Changes:
        self._require_admin("write in bulk")
        return await self.inner.record_points_many(entries)

    # -- audit trail: admins read it ------------------------------------------------------

    async def record_audit(self, entry: AuditEntry) -> None:
        self._require_admin("write audit entries")
        await self.inner.record_audit(entry)

    async def audit_entries(
        self, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, subject: str | None = None
    ) -> Page[AuditEntry]:
        self._require_admin("read the audit log")
        return await self.inner.audit_entries(first, after, subject)


def _json(value: Any) -> str:
    """Stable JSON of domain values (dataclasses, enums, dates) for the audit trail."""
    return json.dumps(value, default=_plain, ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums: Level, Mode
        return value.value
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")
