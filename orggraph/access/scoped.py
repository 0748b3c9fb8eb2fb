"""A store seen through one caller's scope: object-level authorisation in one place.

Every API request (and every report run for a caller) talks to a `ScopedStore`, never to the
raw store, so no resolver can forget a check. It offers `OrgView` and nothing more: reads,
single writes and the audit log. The rules:

- What lies inside the scope is `visibility`'s; anything outside behaves exactly as an unknown
  id: batched reads answer None, single reads and writes raise UnknownIdError.
- `parent` and `ancestors` stop at the scope's unit; a cadre's households are only those
  inside the scope.
- `dashboard` callers only read, and see personal fields masked (`masking`); writing is
  ForbiddenError (`permissions`). Every single write that succeeds is audited (`audit`).
- The service loop's requests follow their households (`orggraph.access.service`), its offers
  the places they serve (`orggraph.access.supply`); a
  `cadre` token sees itself and the households it serves (`orggraph.access.cadre_view`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from orggraph.access import permissions
from orggraph.access.audit import AuditRecorder
from orggraph.access.cadre_view import CadreVisibility
from orggraph.access.masking import mask_coverage, mask_gap, mask_node
from orggraph.access.supply import ScopedSupplyDesk
from orggraph.access.visibility import Visibility
from orggraph.auth.tokens import Principal, Role
from orggraph.domain.audit import AuditEntry
from orggraph.domain.cadres import CoverRecord, Roster, RosterRequest
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
from orggraph.domain.errors import DuplicateIdError, ForbiddenError
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore
from orggraph.store.single import SingleReads
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    ChildrenRequest,
    CoverageSummary,
    Subtree,
    SubtreeRequest,
)

T = TypeVar("T")

NO_OWN_UNIT = (
    "a cadre's token has no unit of its own: it reads its service requests, its own record "
    "and the households it serves; name one of those"
)


class ScopedStore(ScopedSupplyDesk, SingleReads):
    """The store as one principal may see and change it."""

    def __init__(self, inner: GraphStore, principal: Principal) -> None:
        self.inner = inner
        self.name = inner.name
        self.principal = principal
        scope = None if principal.role is Role.ADMIN else principal.scope_id
        member = principal.member_id
        self.visibility = (
            CadreVisibility(inner, member) if member is not None else Visibility(inner, scope)
        )
        self._recorder = AuditRecorder(inner, principal)
        self._sees_personal_data = principal.role.sees_personal_data

    def _own_scope(self) -> str | None:
        """The caller's own unit (None: the city's); a cadre has none to read."""
        if self.principal.member_id is not None:
            raise ForbiddenError(NO_OWN_UNIT)
        return self.visibility.scope

    async def _scope_for(self, scope_id: str | None) -> str | None:
        """A scope argument as the caller may use it: null means the caller's own unit."""
        if scope_id is None:
            return self._own_scope()
        await self.visibility.require_visible(scope_id)
        return scope_id

    def _mask(self, node: T) -> T:
        return mask_node(node, self._sees_personal_data)

    # -- batched reads (the single forms come from SingleReads) ----------------------------

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        visible = await self.visibility.visible_ids(node_ids)
        nodes = await self.visibility.nodes(node_ids)
        return [self._mask(n) if n is not None and n.id in visible else None for n in nodes]

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit] | None]:
        visible = await self.visibility.visible_ids(node_ids)
        chains = await self.inner.ancestors_many(node_ids)
        return [
            self.visibility.trim(chain) if chain is not None and node_id in visible else None
            for node_id, chain in zip(node_ids, chains, strict=True)
        ]

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household] | None]:
        """The streets (parent None) are an admin's; a scoped caller gets an empty page."""
        parents = [r.parent_id for r in requests if r.parent_id is not None]
        visible = await self.visibility.visible_ids(parents)
        city_wide = self.visibility.scope is None
        allowed = [
            r for r in requests if (r.parent_id is None and city_wide) or r.parent_id in visible
        ]
        pages = iter(await self.inner.children_many(allowed) if allowed else [])
        result: list[Page[Unit | Household] | None] = []
        for request in requests:
            if request in allowed:
                page = next(pages)
                result.append(
                    page and dataclasses.replace(page, items=[self._mask(i) for i in page.items])
                )
            else:
                result.append(Page([], False, 0, None) if request.parent_id is None else None)
        return result

    async def subtrees_many(self, requests: Sequence[SubtreeRequest]) -> list[Subtree | None]:
        """Everything below a visible unit lies inside the scope: only the parents are
        judged, and every child found is masked."""
        visible = await self.visibility.visible_ids([r.parent_id for r in requests])
        allowed = [r for r in requests if r.parent_id in visible]
        found = iter(await self.inner.subtrees_many(allowed) if allowed else [])
        result: list[Subtree | None] = []
        for request in requests:
            tree = next(found) if request.parent_id in visible else None
            if tree is not None:
                pages = {
                    key: dataclasses.replace(page, items=[self._mask(i) for i in page.items])
                    for key, page in tree.pages.items()
                }
                tree = Subtree(pages, tree.figures)
            result.append(tree)
        return result

    async def counts_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """A scope of None is the caller's own unit."""
        own = self._own_scope() if None in scope_ids else None
        asked = [own if scope_id is None else scope_id for scope_id in scope_ids]
        visible = await self.visibility.visible_ids([i for i in asked if i is not None])
        found = await self.inner.counts_many(asked)
        return [
            counts if scope_id is None or scope_id in visible else None
            for scope_id, counts in zip(asked, found, strict=True)
        ]

    async def member_households_many(
        self, member_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        visible = await self.visibility.visible_ids(member_ids)
        found = await self.inner.member_households_many(member_ids)
        households = [c.household.id for rows in found for c in rows or []]
        inside = await self.visibility.visible_ids(households)
        return [
            [mask_coverage(c, self._sees_personal_data) for c in rows if c.household.id in inside]
            if rows is not None and member_id in visible
            else None
            for member_id, rows in zip(member_ids, found, strict=True)
        ]

    async def household_members_many(
        self, household_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        """Every cadre covering a visible household is inside the scope (they cover inside
        it), except for a cadre's token, which sees no other cadre: those rows are left out."""
        visible = await self.visibility.visible_ids(household_ids)
        found = await self.inner.household_members_many(household_ids)
        covering = [c.member.id for rows in found for c in rows or []]
        if self.principal.member_id is None:
            members = set(covering)
        else:
            members = await self.visibility.visible_ids(covering)
        return [
            [mask_coverage(c, self._sees_personal_data) for c in rows if c.member.id in members]
            if rows is not None and household_id in visible
            else None
            for household_id, rows in zip(household_ids, found, strict=True)
        ]

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry] | None]:
        visible = await self.visibility.visible_ids(member_ids)
        found = await self.inner.member_points_many(member_ids, year)
        return [rows if i in visible else None for i, rows in zip(member_ids, found, strict=True)]

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
        households: bool = True,
    ) -> Page[Unit | Household | Member]:
        """A caller who may not see residents' names searches without households: a masked
        name must not be matched, counted or paged by its real value."""
        scope = await self._scope_for(scope_id)
        households = households and self._sees_personal_data
        page = await self.inner.search(text, level, first, after, scope, households)
        return dataclasses.replace(page, items=[self._mask(item) for item in page.items])

    async def latest_points_year(self) -> int | None:
        """The store's, as for everyone: the default year is one rule, not per scope."""
        return await self.inner.latest_points_year()

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
        masked = [mask_gap(gap, self._sees_personal_data) for gap in page.items]
        return dataclasses.replace(page, items=masked)

    async def gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        return await self.inner.gap_counts(await self._scope_for(scope_id), policy, year)

    async def rosters_many(self, requests: Sequence[RosterRequest]) -> list[Roster | None]:
        """A scope of None is the caller's own unit; the communities a cadre covers in are
        only those inside the scope."""
        own = self._own_scope() if any(r.scope_id is None for r in requests) else None
        asked = [
            dataclasses.replace(r, scope_id=own) if r.scope_id is None else r for r in requests
        ]
        visible = await self.visibility.visible_ids([r.scope_id for r in asked if r.scope_id])
        allowed = [r for r in asked if r.scope_id is None or r.scope_id in visible]
        found = iter(await self.inner.rosters_many(allowed) if allowed else [])
        rosters = [next(found) if r in allowed else None for r in asked]
        communities = [c for r in rosters if r for e in r.page.items for c in e.cover_communities]
        inside = await self.visibility.visible_ids(communities)
        return [
            None
            if roster is None
            else dataclasses.replace(
                roster,
                page=dataclasses.replace(
                    roster.page,
                    items=[
                        dataclasses.replace(
                            entry,
                            member=self._mask(entry.member),
                            cover_communities=tuple(
                                c for c in entry.cover_communities if c in inside
                            ),
                        )
                        for entry in roster.page.items
                    ],
                ),
            )
            for roster in rosters
        ]

    async def work_units(
        self, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, search: str | None = None
    ) -> Page[WorkUnit]:
        """Work units belong to no tree: every caller sees them all."""
        return await self.inner.work_units(first, after, search)

    async def household_history_many(
        self, household_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        """A removed household is outside every scope but the city's."""
        visible = await self.visibility.visible_ids(household_ids)
        found = await self.inner.household_history_many(household_ids)
        return [
            rows if household_id in visible else None
            for household_id, rows in zip(household_ids, found, strict=True)
        ]

    async def member_history_many(
        self, member_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        """Only the covers of households inside the scope."""
        visible = await self.visibility.visible_ids(member_ids)
        found = await self.inner.member_history_many(member_ids)
        households = [r.household_id for rows in found for r in rows or []]
        inside = await self.visibility.visible_ids(households)
        return [
            [r for r in rows if r.household_id in inside]
            if rows is not None and member_id in visible
            else None
            for member_id, rows in zip(member_ids, found, strict=True)
        ]

    # -- single writes: gated, checked for visibility, audited ------------------------------

    async def _write(
        self,
        action: str,
        target_ids: Sequence[str],
        arguments: Any,
        write: Callable[[], Awaitable[T]],
    ) -> T:
        """Run an audited write; what the view kept may have changed, so drop it."""
        try:
            return await self._recorder.run(action, target_ids, arguments, write)
        finally:
            self.visibility.forget()

    async def create_unit(self, unit: Unit) -> Unit:
        permissions.require_writer(self.principal)
        if unit.parent_id is None:
            permissions.require_admin(self.principal, "create a street")
        await self.visibility.require_visible(unit.parent_id)
        return await self._write(
            "create_unit", [unit.id], unit, lambda: self.inner.create_unit(unit)
        )

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(unit_id)
        return await self._write(
            "rename_unit", [unit_id], {"name": name}, lambda: self.inner.rename_unit(unit_id, name)
        )

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        permissions.require_writer(self.principal)
        permissions.refuse_own_unit(self.principal, unit_id, "move")
        await self.visibility.require_visible(unit_id, new_parent_id)
        return await self._write(
            "move_unit",
            [unit_id],
            {"parent_id": new_parent_id},
            lambda: self.inner.move_unit(unit_id, new_parent_id),
        )

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        permissions.require_writer(self.principal)
        permissions.refuse_own_unit(self.principal, unit_id, "delete")
        await self.visibility.require_visible(unit_id)
        return await self._write(
            "delete_unit",
            [unit_id],
            {"cascade": cascade},
            lambda: self.inner.delete_unit(unit_id, cascade),
        )

    async def upsert_household(self, household: Household) -> Household:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(household.parent_id)
        await self._refuse_hidden_existing(household.id)
        return await self._write(
            "upsert_household",
            [household.id],
            household,
            lambda: self.inner.upsert_household(household),
        )

    async def upsert_member(self, member: Member) -> Member:
        permissions.require_writer(self.principal)
        if member.community_id is None and self.visibility.scope is not None:
            raise ForbiddenError(
                f"member {member.id} needs a community inside your scope", [member.id]
            )
        await self.visibility.require_visible(member.community_id)
        await self._refuse_hidden_existing(member.id)
        return await self._write(
            "upsert_member", [member.id], member, lambda: self.inner.upsert_member(member)
        )

    async def _refuse_hidden_existing(self, node_id: str) -> None:
        """An upsert must not overwrite something outside the scope; ids are global, so
        the clash itself cannot be hidden and is reported as a taken id."""
        if node_id in await self.visibility.visible_ids([node_id]):
            return
        if (await self.visibility.nodes([node_id]))[0] is not None:
            raise DuplicateIdError([node_id])

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        permissions.require_writer(self.principal)
        return await self._write(
            "upsert_work_unit",
            [work_unit.id],
            work_unit,
            lambda: self.inner.upsert_work_unit(work_unit),
        )

    async def assign(self, assignment: Assignment) -> Assignment:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(assignment.member_id, assignment.household_id)
        return await self._write(
            "assign",
            [assignment.household_id, assignment.member_id],
            assignment,
            lambda: self.inner.assign(assignment),
        )

    async def unassign(self, member_id: str, household_id: str, ended: date | None = None) -> None:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(member_id, household_id)
        await self._write(
            "unassign",
            [household_id, member_id],
            {"member_id": member_id, "household_id": household_id, "ended": ended},
            lambda: self.inner.unassign(member_id, household_id, ended),
        )

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(household_id, from_member_id, to_member_id)
        return await self._write(
            "transfer",
            [household_id, from_member_id, to_member_id],
            {"from": from_member_id, "to": to_member_id, "since": since, "mode": mode},
            lambda: self.inner.transfer(household_id, from_member_id, to_member_id, since, mode),
        )

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        permissions.require_writer(self.principal)
        await self.visibility.require_visible(entry.member_id)
        return await self._write(
            "record_points", [entry.member_id], entry, lambda: self.inner.record_points(entry)
        )

    # -- the audit log: admins read it ------------------------------------------------------

    async def audit_entries(
        self, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, subject: str | None = None
    ) -> Page[AuditEntry]:
        permissions.require_admin(self.principal, "read the audit log")
        return await self.inner.audit_entries(first, after, subject)
