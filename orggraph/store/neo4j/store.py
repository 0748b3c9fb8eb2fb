"""The Neo4j store: the system of record, spoken to through named Cypher only.

This module is the protocol: what each read and write asks the database. The rest of the
package holds how: `connection` (driver plumbing and error mapping), `bulk` (how rows are
checked and written), `summaries` (figures cached per data version), `search_index` (when an
import may build the index later), `checks` and `records` (rows in and out), `cypher` and
`migrations` (the named queries and the schema).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from functools import partial
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, Record

from orggraph.domain import rules
from orggraph.domain.audit import AuditEntry
from orggraph.domain.cadres import (
    CadreStanding,
    CoverRecord,
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
    check_name,
)
from orggraph.domain.errors import (
    DuplicateIdError,
    InvalidValueError,
    NotAssignedError,
    RefusedDeleteError,
    UnknownIdError,
)
from orggraph.domain.gaps import COVERAGE_GAP_KINDS, Gap, GapKind
from orggraph.domain.kinds import NodeKind
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.store.cursors import (
    gap_cursor,
    parse_gap_cursor,
    parse_id_cursor,
    parse_search_cursor,
    search_cursor,
)
from orggraph.store.neo4j import checks, records, search_index
from orggraph.store.neo4j.bulk import BATCH_ROWS, BatchWriter, BulkCall
from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.figures import Figures, KeptFigures
from orggraph.store.neo4j.offer_load import Neo4jOfferLoad
from orggraph.store.neo4j.service import Neo4jServiceDesk
from orggraph.store.neo4j.service_load import Neo4jServiceLoad
from orggraph.store.neo4j.summaries import SummaryCache
from orggraph.store.neo4j.supply import Neo4jSupplyDesk
from orggraph.store.rosters import needs_every_standing, page_ids, page_roster, roster_of
from orggraph.store.single import SingleReads
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    MAX_SUBTREE_LEVELS,
    Changes,
    ChildrenRequest,
    CoverageRow,
    CoverageSummary,
    LevelRequest,
    Subtree,
    SubtreeRequest,
    clamp_page_size,
)

StandingsKey = tuple[str | None, int, tuple[str, ...] | None]
"""A standings read: scope (None: the city), year, and the cadres asked (None: all)."""


async def _no_change(tx: AsyncManagedTransaction) -> None:
    """A write transaction's work that changes nothing (only the version raise)."""


class Neo4jStore(Neo4jServiceDesk, Neo4jSupplyDesk, Neo4jServiceLoad, Neo4jOfferLoad, SingleReads):
    """`GraphStore` over a Neo4j 5 database (see `schema/` for the model and every query)."""

    name = "neo4j"

    def __init__(self, connection: Connection, *, batch_rows: int = BATCH_ROWS) -> None:
        self.db = connection
        self._figures = KeptFigures(connection)
        self._batches = BatchWriter(connection, self._figures, batch_rows)
        self._summaries = SummaryCache(connection)

    @classmethod
    async def connect(
        cls,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        transaction_timeout_s: float | None = None,
    ) -> Neo4jStore:
        """A store on a server that answers, or StoreUnavailableError saying why not."""
        return cls(await Connection.open(uri, user, password, database, transaction_timeout_s))

    @property
    def driver(self) -> AsyncDriver:
        """The driver, for migrations and tests that speak Cypher of their own."""
        return self.db.driver

    @property
    def queries_sent(self) -> int:
        """Queries sent since the store was made (the API's tests count round trips)."""
        return self.db.queries_sent

    @property
    def batch_rows(self) -> int:
        """Rows per write transaction (tests make it small to see batches)."""
        return self._batches.batch_rows

    @batch_rows.setter
    def batch_rows(self, rows: int) -> None:
        self._batches.batch_rows = rows

    # -- lifecycle ---------------------------------------------------------------------------

    async def ping(self) -> None:
        await self.db.read_once("ping")

    async def close(self) -> None:
        await self.driver.close()

    async def clear(self) -> None:
        """Delete in batches; `CALL {} IN TRANSACTIONS` only runs in an implicit transaction."""
        await self.db.schema("clear_all")
        await self.db.write(_no_change)  # raises the data version: cached summaries go stale

    @asynccontextmanager
    async def bulk_load(self) -> AsyncIterator[None]:
        """Into an empty database, the search index is built once at the end
        (`search_index.bulk_load`); the figures are made once at the end (`figures`)."""
        await self._figures.mark_stale(True)
        self._figures.deferred = True
        try:
            async with search_index.bulk_load(self.db):
                yield
        finally:
            self._figures.deferred = False
        await self._figures.refresh_all()
        await self._figures.mark_stale(False)

    async def ensure_figures(self) -> None:
        """Make every unit's figures if a bulk load died half way or they were never made."""
        await self._figures.ensure_fresh()

    async def restore_search_index(self) -> None:
        """Create the search index if it is missing and wait until it is online."""
        await search_index.restore(self.db)

    # -- single writes -----------------------------------------------------------------------

    async def create_unit(self, unit: Unit) -> Unit:
        await self._batches.write(
            BulkCall(
                "upsert_units",
                records.split_by_level([records.unit_row(unit)]),
                checks.unit_ids([unit]),
                lambda snapshot: checks.check_units([unit], snapshot, creating=True),
                "create_units",
                touched=[unit.id],
            )
        )
        return unit

    async def rename_unit(self, unit_id: str, name: str) -> Unit:
        name = check_name(name, unit_id)
        found = await self.db.write_in_turn(self.db.run, "rename_unit", unit_id=unit_id, name=name)
        if not found:
            raise UnknownIdError([unit_id], "unit")
        return records.unit_from(found[0]["unit"])

    async def move_unit(self, unit_id: str, new_parent_id: str) -> Unit:
        return await self.db.write_in_turn(self._move_unit, unit_id, new_parent_id)

    async def _move_unit(
        self, tx: AsyncManagedTransaction, unit_id: str, new_parent_id: str
    ) -> Unit:
        snapshot = await self._batches.snapshot(tx, {unit_id, new_parent_id})
        rules.check_move(unit_id, new_parent_id, snapshot)
        old_parent = snapshot.parent_of(unit_id)
        moved = await self.db.run(tx, "move_unit", unit_id=unit_id, parent_id=new_parent_id)
        await self._figures.refresh(tx, [unit_id, *([old_parent] if old_parent else [])])
        return records.unit_from(moved[0]["unit"])

    async def delete_unit(self, unit_id: str, cascade: bool = False) -> int:
        return await self.db.write_in_turn(self._delete_unit, unit_id, cascade)

    async def _delete_unit(self, tx: AsyncManagedTransaction, unit_id: str, cascade: bool) -> int:
        node = (await self._batches.snapshot(tx, {unit_id})).get(unit_id)
        if node is None or node.what.kind not in (NodeKind.UNIT, NodeKind.HOUSEHOLD):
            raise UnknownIdError([unit_id], "unit or household")
        if node.children and not cascade:
            raise RefusedDeleteError(unit_id, node.children)
        deleted = await self.db.run(tx, "delete_subtree", node_id=unit_id, ended=date.today())
        if node.parent_id is not None:
            await self._figures.refresh(tx, [node.parent_id])
        else:
            await self._figures.refresh_city(tx)
        return int(deleted[0]["deleted"])

    async def upsert_household(self, household: Household) -> Household:
        await self.upsert_households([household])
        return household

    async def upsert_member(self, member: Member) -> Member:
        await self.upsert_members([member])
        return member

    async def upsert_work_unit(self, work_unit: WorkUnit) -> WorkUnit:
        await self.upsert_work_units([work_unit])
        return work_unit

    async def assign(self, assignment: Assignment) -> Assignment:
        await self.assign_many([assignment])
        return assignment

    async def unassign(self, member_id: str, household_id: str, ended: date | None = None) -> None:
        """The cover is read after the data version is raised, so two unassigns of one cover
        at once end it (and keep its history) once."""
        await self.db.write_in_turn(self._unassign, member_id, household_id, ended or date.today())

    async def _unassign(
        self, tx: AsyncManagedTransaction, member_id: str, household_id: str, ended: date
    ) -> None:
        since = await self._cover_since(tx, member_id, household_id)
        check_end(member_id, household_id, since, ended)
        await self.db.run(
            tx, "unassign", member_id=member_id, household_id=household_id, ended=ended
        )
        await self._figures.refresh(tx, [household_id])

    async def _cover_since(
        self, tx: AsyncManagedTransaction, member_id: str, household_id: str
    ) -> date:
        """When a cover began: UnknownIdError for either id, then NotAssignedError."""
        found = (await self.db.run(tx, "cover_of", member_id=member_id, household_id=household_id))[
            0
        ]
        if not found["member_found"]:
            raise UnknownIdError([member_id], "member")
        if not found["household_found"]:
            raise UnknownIdError([household_id], "household")
        if found["since"] is None:
            raise NotAssignedError(member_id, household_id)
        return records.native_date(found["since"])

    async def transfer(
        self,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None = None,
    ) -> Assignment:
        return await self.db.write_in_turn(
            self._transfer, household_id, from_member_id, to_member_id, since, mode
        )

    async def _transfer(
        self,
        tx: AsyncManagedTransaction,
        household_id: str,
        from_member_id: str,
        to_member_id: str,
        since: date,
        mode: Mode | None,
    ) -> Assignment:
        snapshot = await self._batches.snapshot(tx, {household_id, from_member_id, to_member_id})
        rules.require(to_member_id, NodeKind.MEMBER, snapshot)
        rules.require(from_member_id, NodeKind.MEMBER, snapshot)
        rules.require(household_id, NodeKind.HOUSEHOLD, snapshot)
        old_since = await self._cover_since(tx, from_member_id, household_id)
        if to_member_id == from_member_id:
            raise InvalidValueError(
                f"cannot transfer {household_id} from {from_member_id} to the same member",
                [household_id, from_member_id],
            )
        check_end(from_member_id, household_id, old_since, since)
        moved = await self.db.run(
            tx,
            "transfer",
            household_id=household_id,
            from_member_id=from_member_id,
            to_member_id=to_member_id,
            since=since,
            mode=mode.value if mode else None,
        )
        await self._figures.refresh(tx, [household_id])
        return Assignment(
            member_id=to_member_id,
            household_id=household_id,
            mode=Mode(moved[0]["mode"]),
            since=records.native_date(moved[0]["since"]),
        )

    async def record_points(self, entry: PointsEntry) -> PointsEntry:
        await self.record_points_many([entry])
        return entry

    # -- bulk writes -------------------------------------------------------------------------

    async def upsert_units(self, units: Sequence[Unit]) -> Changes:
        """Each batch goes level by level, streets first, so parents exist before children."""
        rows = [records.unit_row(unit) for unit in units]
        planned = [
            part for batch in self._batches.plan(rows) for part in records.split_by_level(batch)
        ]
        return await self._batches.write(
            BulkCall(
                "upsert_units",
                planned,
                checks.unit_ids(units),
                lambda snapshot: checks.check_units(units, snapshot),
                "create_units",
                touched=[u.id for u in units],
                moved=[u.id for u in units],
            )
        )

    async def upsert_households(self, households: Sequence[Household]) -> Changes:
        return await self._batches.write(
            BulkCall(
                "upsert_households",
                self._batches.plan([records.household_row(h) for h in households]),
                checks.household_ids(households),
                lambda snapshot: checks.check_households(households, snapshot),
                "create_households",
                fast_query="create_households",
                lookup="lookup_kinds",
                touched=[h.id for h in households],
                moved=[h.id for h in households],
            )
        )

    async def upsert_members(self, members: Sequence[Member]) -> Changes:
        return await self._batches.write(
            BulkCall(
                "upsert_members",
                self._batches.plan([records.member_row(m) for m in members]),
                checks.member_ids(members),
                lambda snapshot: checks.check_members(members, snapshot),
                "create_members",
                lookup="lookup_kinds",
                touched=[m.community_id for m in members if m.community_id],
                moved=[m.id for m in members],
            )
        )

    async def upsert_work_units(self, work_units: Sequence[WorkUnit]) -> Changes:
        return await self._batches.write(
            BulkCall(
                "upsert_work_units",
                self._batches.plan([records.work_unit_row(w) for w in work_units]),
                {w.id for w in work_units},
                lambda snapshot: checks.check_work_units(work_units, snapshot),
                "create_work_units",
                lookup="lookup_kinds",
            )
        )

    async def assign_many(self, assignments: Sequence[Assignment]) -> Changes:
        return await self._batches.write(
            BulkCall(
                "assign_many",
                self._batches.plan(
                    [records.assignment_row(a) for a in assignments], records.PAIR_KEY
                ),
                checks.assignment_ids(assignments),
                lambda snapshot: checks.check_assignments(assignments, snapshot),
                fast_query="assign_many_in_bulk",
                lookup="lookup_kinds",
                touched=[a.household_id for a in assignments],
            )
        )

    async def record_points_many(self, entries: Sequence[PointsEntry]) -> Changes:
        return await self._batches.write(
            BulkCall(
                "record_points_many",
                self._batches.plan([records.points_row(e) for e in entries]),
                checks.points_ids(entries),
                lambda snapshot: checks.check_points(entries, snapshot),
                "create_points",
                fast_query="create_points",
                lookup="lookup_kinds",
            )
        )

    async def record_history_many(self, records_: Sequence[CoverRecord]) -> Changes:
        """Checked and written in one transaction, after the data version is raised."""
        rows = [records.history_row(r) for r in records_]
        if not rows:
            return Changes()
        return await self.db.write_in_turn(self._record_history, list(records_), rows)

    async def _record_history(
        self, tx: AsyncManagedTransaction, wanted: list[CoverRecord], rows: list[dict[str, Any]]
    ) -> Changes:
        ids = {r.member_id for r in wanted} | {r.household_id for r in wanted}
        ids |= {r.to_member_id for r in wanted if r.to_member_id is not None}
        snapshot = await self._batches.snapshot(tx, ids, "lookup_kinds")
        for r in wanted:
            check_ended_cover(r, snapshot)
        unique = list(
            {(r["member_id"], r["household_id"], r["since"], r["ended"]): r for r in rows}.values()
        )
        changes = Changes()
        for start in range(0, len(unique), self.batch_rows):
            found = await self.db.run(
                tx, "record_history_many", rows=unique[start : start + self.batch_rows]
            )
            changes += records.changes_from(found)
        return changes

    # -- batched reads (the single forms come from SingleReads) ----------------------------

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node | None]:
        if not node_ids:
            return []
        found = await self.db.found("get_nodes", ids=sorted(set(node_ids)))
        by_id = {props["id"]: records.node_from(props) for props in found}
        return [by_id.get(node_id) for node_id in node_ids]

    async def ancestors_many(self, node_ids: Sequence[str]) -> list[list[Unit] | None]:
        if not node_ids:
            return []
        found = await self.db.found("ancestors_many", ids=sorted(set(node_ids)))
        chains = {r["id"]: [records.unit_from(a) for a in r["ancestors"]] for r in found}
        return [chains.get(node_id) for node_id in node_ids]

    async def children_many(
        self, requests: Sequence[ChildrenRequest]
    ) -> list[Page[Unit | Household] | None]:
        if not requests:
            return []
        asked = [
            {
                "parent_id": r.parent_id,
                "after": _children_after(r),
                "first": clamp_page_size(r.first),
            }
            for r in requests
        ]
        found = {r["index"]: r for r in await self.db.found("children_many", requests=asked)}
        return [
            records.children_page(found.get(i), r) if i in found or r.parent_id is None else None
            for i, r in enumerate(requests)
        ]

    async def subtrees_many(self, requests: Sequence[SubtreeRequest]) -> list[Subtree | None]:
        """One query for every level and figure (`subtrees_many.cypher`)."""
        if not requests:
            return []
        asked = [
            {
                "parent_id": r.parent_id,
                "levels": [
                    {
                        "first": clamp_page_size(level.first),
                        "after": _level_after(level),
                        "figures": level.figures,
                    }
                    for level in r.levels[:MAX_SUBTREE_LEVELS]
                ],
            }
            for r in requests
        ]
        found = {row["index"]: row for row in await self.db.found("subtrees_many", requests=asked)}
        return [
            records.subtree_from(found[i]["pages"], r) if i in found else None
            for i, r in enumerate(requests)
        ]

    async def counts_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """The city's figures (scope None) and each scope's, as kept (`figures`)."""
        city = (await self._figures.city()).counts() if None in scope_ids else None
        found = await self._figures.many([i for i in scope_ids if i is not None])
        return [
            city if scope_id is None else _counts_of(found.get(scope_id)) for scope_id in scope_ids
        ]

    async def member_households_many(
        self, member_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        if not member_ids:
            return []
        found = await self.db.found("member_households_many", ids=sorted(set(member_ids)))
        by_member = {
            r["member"]["id"]: records.coverages_for_member(
                records.member_from(r["member"]), r["covers"]
            )
            for r in found
        }
        return [by_member.get(member_id) for member_id in member_ids]

    async def household_members_many(
        self, household_ids: Sequence[str]
    ) -> list[list[Coverage] | None]:
        if not household_ids:
            return []
        found = await self.db.found("household_members_many", ids=sorted(set(household_ids)))
        by_household = {
            r["household"]["id"]: records.coverages_for_household(
                records.household_from(r["household"]), r["covers"]
            )
            for r in found
        }
        return [by_household.get(household_id) for household_id in household_ids]

    async def member_points_many(
        self, member_ids: Sequence[str], year: int
    ) -> list[list[PointsEntry] | None]:
        if not member_ids:
            return []
        found = await self.db.found("member_points_many", ids=sorted(set(member_ids)), year=year)
        by_member = {
            r["member_id"]: [records.points_from(e, r["member_id"]) for e in r["entries"]]
            for r in found
        }
        return [by_member.get(member_id) for member_id in member_ids]

    async def search(
        self,
        text: str,
        level: Level | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        scope_id: str | None = None,
        households: bool = True,
    ) -> Page[Unit | Household | Member]:
        needle = text.strip()
        if not needle:
            raise InvalidValueError("search text must not be blank")
        after_group, after_id = parse_search_cursor(after) if after is not None else (None, None)
        size = clamp_page_size(first)
        found = await self.db.query(
            "search",
            text=needle,
            level=level.value if level else None,
            scope_id=scope_id,
            after_group=after_group,
            after_id=after_id,
            first=size,
            households=households,
        )
        if not found:
            raise UnknownIdError([str(scope_id)], "unit or household")
        items = found[0]["items"][:size]
        return Page(
            items=[records.searchable_from(props) for props in items],
            has_next=len(found[0]["items"]) > size,
            total=int(found[0]["total"]),
            end_cursor=search_cursor(items[-1]["grp"], items[-1]["id"]) if items else after,
        )

    async def household_history_many(
        self, household_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        return await self._history(household_ids, "household")

    async def member_history_many(
        self, member_ids: Sequence[str]
    ) -> list[list[CoverRecord] | None]:
        return await self._history(member_ids, "member")

    async def _history(self, ids: Sequence[str], side: str) -> list[list[CoverRecord] | None]:
        if not ids:
            return []
        found = await self.db.found("history_many", ids=sorted(set(ids)), side=side)
        by_id = {
            r["id"]: history_order([records.cover_record_from(c) for c in r["covers"]])
            for r in found
        }
        return [by_id.get(i) for i in ids]

    # -- rosters and work units --------------------------------------------------------------

    async def rosters_many(self, requests: Sequence[RosterRequest]) -> list[Roster | None]:
        """The rule, order and page are `orggraph.store.rosters`'. A filtered or totalled
        roster needs every standing of its scope (one query for all such scopes); an
        unfiltered one pages the scope's cadre ids first and reads the standings of its page
        only, as a hand-written query would. Both are kept per data version."""
        if not requests:
            return []
        every = [r for r in requests if needs_every_standing(r)]
        paged = [r for r in requests if not needs_every_standing(r)]
        standings = await self._standings([(r.scope_id, r.year, None) for r in every])
        pages = await self._pages(paged)
        answers: list[Roster | None] = []
        for request in requests:
            if needs_every_standing(request):
                found = standings.get((request.scope_id, request.year, None))
                count = partial(self._households_covered, request.scope_id)
                answers.append(
                    None
                    if found is None
                    else await roster_of(found, request, self._roster_members, count)
                )
            else:
                answers.append(pages.get(request))
        return answers

    async def _pages(self, requests: Sequence[RosterRequest]) -> dict[RosterRequest, Roster]:
        """Unfiltered rosters: the page of each scope's cadre ids, then their standings."""
        if not requests:
            return {}
        scopes = list(dict.fromkeys(r.scope_id for r in requests))
        candidates = await self._summaries.get(
            ("roster_candidates", tuple(scopes)), lambda: self._candidates(scopes)
        )
        wanted: dict[RosterRequest, tuple[list[str], bool, int]] = {}
        for request in requests:
            ids = candidates.get(request.scope_id)
            if ids is not None:
                wanted[request] = (*page_ids(ids, request), len(ids))
        keys = [(r.scope_id, r.year, tuple(page)) for r, (page, _, _) in wanted.items()]
        standings = await self._standings(keys)
        found: dict[RosterRequest, Roster] = {}
        for (request, (_, has_next, total)), key in zip(wanted.items(), keys, strict=True):
            page = await page_roster(
                standings.get(key, []), request, total, has_next, self._roster_members
            )
            found[request] = Roster(page)
        return found

    async def _candidates(self, scopes: list[str | None]) -> dict[str | None, list[str]]:
        rows = await self.db.query("roster_candidates", scope_ids=scopes)
        return {scopes[row["index"]]: list(row["ids"]) for row in rows}

    async def _standings(
        self, asked: Sequence[StandingsKey]
    ) -> dict[StandingsKey, list[CadreStanding]]:
        """The standings of each (scope, year, ids or None for all), per data version."""
        unique = list(dict.fromkeys(asked))
        if not unique:
            return {}

        async def read() -> dict[StandingsKey, list[CadreStanding]]:
            params = [
                {"scope_id": scope, "year": year, "ids": list(ids) if ids is not None else None}
                for scope, year, ids in unique
            ]
            rows = await self.db.query("roster_standings", requests=params)
            return {
                unique[row["index"]]: [records.standing_from(s) for s in row["standings"]]
                for row in rows
            }

        return await self._summaries.get(("roster_standings", tuple(unique)), read)

    async def _roster_members(
        self, member_ids: list[str]
    ) -> dict[str, tuple[Member, tuple[str, ...]]]:
        found = await self.db.found("roster_members", ids=member_ids)
        return {
            r["member"]["id"]: (records.member_from(r["member"]), tuple(r["communities"]))
            for r in found
        }

    async def _households_covered(self, scope_id: str | None, member_ids: list[str]) -> int:
        found = await self.db.query("roster_households", scope_id=scope_id, ids=member_ids)
        return int(found[0]["households"])

    async def work_units(
        self, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, search: str | None = None
    ) -> Page[WorkUnit]:
        size = clamp_page_size(first)
        cursor = parse_id_cursor(after, "work units") if after is not None else None
        needle = search.strip() if search is not None and search.strip() else None
        found = (await self.db.query("work_units", search=needle, after=cursor, first=size))[0]
        items = [WorkUnit(p["id"], p["name"]) for p in found["page"][:size]]
        return Page(
            items,
            len(found["page"]) > size,
            int(found["total"]),
            items[-1].id if items else after,
        )

    # -- coverage and gaps -------------------------------------------------------------------

    async def latest_points_year(self) -> int | None:
        year: int | None = (await self.db.query("latest_points_year"))[0]["year"]
        return year

    async def coverage_summary(self, scope_id: str | None = None) -> CoverageSummary:
        """The scope's kept figures and its children's, by child id."""
        found = (await self.db.query("figures_children", scope_id=scope_id))[0]
        if not found["found"]:
            raise UnknownIdError([str(scope_id)], "unit or household")
        children = sorted(
            (records.tree_node_from(props) for props in found["children"]), key=lambda n: n.id
        )
        figures = await self._figures.many(
            [child.id for child in children] + ([scope_id] if scope_id is not None else [])
        )
        own = await self._figures.city() if scope_id is None else figures[scope_id]
        rows = [CoverageRow(child, figures[child.id].counts()) for child in children]
        return CoverageSummary(own.counts(), rows)

    async def _coverage_gaps(
        self,
        scope_id: str | None,
        kinds: Sequence[GapKind],
        policy: Policy,
        year: int,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[Gap]:
        """Cached per data version as the finished page (see `coverage_summary`)."""
        after_rank, after_id = parse_gap_cursor(after) if after is not None else (None, None)
        size = clamp_page_size(first)
        params = _gap_params(scope_id, kinds, policy, year, size, after_rank, after_id)

        async def page() -> Page[Gap]:
            found = await self._gaps(params)
            items = [records.gap_from(props, policy, year) for props in found["items"][:size]]
            return Page(
                items=items,
                has_next=len(found["items"]) > size,
                total=int(found["total"]),
                end_cursor=gap_cursor(items[-1]) if items else after,
            )

        return await self._summaries.get(("gaps", *map(repr, params.values())), page)

    async def _coverage_gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """From the scope's kept figures and the standing of its cadres."""
        if scope_id is None:
            figures = await self._figures.city()
        else:
            found = (await self._figures.many([scope_id])).get(scope_id)
            if found is None:
                raise UnknownIdError([scope_id], "unit or household")
            figures = found
        return await self._figures.gap_counts(scope_id, figures, policy, year)

    async def _gaps(self, params: dict[str, Any]) -> Record:
        """The `gaps` row: counts per kind, the total and a page (none for `first` = -1)."""
        found = await self.db.query("gaps", **params)
        if not found:
            raise UnknownIdError([str(params["scope_id"])], "unit or household")
        return found[0]

    # -- recounts, for verifying the kept figures --------------------------------------------

    async def recount_many(self, scope_ids: Sequence[str | None]) -> list[Counts | None]:
        """With the recount queries (`counts_city`, `counts_many`), which walk each subtree."""
        city = (
            records.counts_from(await self.db.query("counts_city")) if None in scope_ids else None
        )
        ids = sorted({scope_id for scope_id in scope_ids if scope_id is not None})
        rows: dict[str, list[dict[str, Any]]] = {}
        for row in await self.db.found("counts_many", ids=ids) if ids else []:
            rows.setdefault(row["scope_id"], []).append(row)
        return [
            city
            if scope_id is None
            else (records.counts_from(rows[scope_id]) if scope_id in rows else None)
            for scope_id in scope_ids
        ]

    async def _coverage_recount_gap_counts(
        self, scope_id: str | None, policy: Policy, year: int
    ) -> dict[GapKind, int]:
        """With the `gaps` query, which finds every gap."""
        kinds = COVERAGE_GAP_KINDS
        found = await self._gaps(_gap_params(scope_id, kinds, policy, year, -1, None, None))
        return {kind: int(found["per_rank"][kind.rank]) for kind in kinds}

    # -- audit -------------------------------------------------------------------------------

    async def record_audit(self, entry: AuditEntry) -> None:
        created = await self.db.write(self.db.run, "record_audit", **records.audit_params(entry))
        if not created[0]["created"]:
            raise DuplicateIdError([entry.id], "an audit entry")

    async def audit_entries(
        self,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        subject: str | None = None,
    ) -> Page[AuditEntry]:
        size = clamp_page_size(first)
        if after is not None:
            parse_id_cursor(after, "audit")
        found = (await self.db.query("audit_entries", subject=subject, after=after, first=size))[0]
        items = [records.audit_from(props) for props in found["page"][:size]]
        return Page(
            items=items,
            has_next=len(found["page"]) > size,
            total=int(found["total"]),
            end_cursor=items[-1].id if items else after,
        )


def _counts_of(figures: Figures | None) -> Counts | None:
    return figures.counts() if figures is not None else None


def _level_after(level: LevelRequest) -> str | None:
    return parse_id_cursor(level.after, "children") if level.after is not None else None


def _children_after(request: ChildrenRequest) -> str | None:
    return parse_id_cursor(request.after, "children") if request.after is not None else None


def _gap_params(
    scope_id: str | None,
    kinds: Sequence[GapKind],
    policy: Policy,
    year: int,
    first: int,
    after_rank: int | None,
    after_id: str | None,
) -> dict[str, Any]:
    """The `gaps` query's parameters (`first` = -1: counts only, no page)."""
    return {
        "scope_id": scope_id,
        "ranks": sorted({kind.rank for kind in kinds}),
        "min_households": policy.min_households,
        "max_households": policy.max_households,
        "min_points": policy.min_yearly_points,
        "year": year,
        "after_rank": after_rank,
        "after_id": after_id,
        "first": first,
    }
