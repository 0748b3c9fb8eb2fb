"""The Neo4j store's `load_service_many`: a ledger's requests with their timelines.

Each batch of up to `LOAD_ROWS` requests is checked and written in one transaction, so it is
all-or-nothing. A batch of requests none of which is stored (an import's usual case) goes to
`create_service_many` (plain CREATEs) in a transaction that raises the data version at its
end (`write`), so the importer's two batches in flight are written side by side, as the other
sheets are; what could race such a batch is caught without the version lock: a request
created by someone else meanwhile breaks the unique id (DuplicateIdError), a node that went
away leaves a row unwritten (counted), a deadlock is the server's TransientError. Any of those,
or a batch that holds a stored request, is written again in a transaction that takes the data
version first (`write_in_turn`): it runs after any live transition of the same requests, never
beside it, and its check reads what the one before it wrote; stored requests that gain steps
go to `load_service_many`. The check reads what the ids name (`lookup_kinds`), the offers
the dispatches matched and the stored requests with their steps. A call of more than one
batch is checked in full before its first batch is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import TransientError

from orggraph.domain.errors import DuplicateIdError, UnknownIdError
from orggraph.domain.service import AssigneeKind
from orggraph.domain.service_history import ServiceHistory
from orggraph.store import service_load
from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.service import _request_props, _step_props, request_from, step_from
from orggraph.store.values import Changes

LOAD_ROWS = 1_000
"""Requests per transaction: with their steps some 6,000 nodes. Two such batches in flight
fit the transaction memory of Neo4j's default 512 MB heap; 5,000 did not."""

_LABEL_OF = {AssigneeKind.MEMBER: "Member", AssigneeKind.WORK_UNIT: "WorkUnit"}


def _row(history: ServiceHistory) -> dict[str, Any]:
    return {
        "request": _request_props(history.request),
        "steps": [_step_props(step) for step in history.steps],
    }


def _labels(entry: dict[str, Any]) -> set[str]:
    """A `lookup_kinds` entry's labels, `Unit` for a unit of any level."""
    labels = set(entry["labels"])
    if entry.get("level") is not None and "Household" not in labels:
        labels.add("Unit")
    return labels


class _NotAllNew(Exception):
    """The fast path's batch holds a stored request, or lost a row to a concurrent write: it
    is rolled back and written in turn."""


class Neo4jServiceLoad:
    """Mixed into `Neo4jStore`, whose connection it uses."""

    db: Connection

    async def load_service_many(self, histories: Sequence[ServiceHistory]) -> Changes:
        service_load.checked(histories)
        batches = [
            list(histories[start : start + LOAD_ROWS])
            for start in range(0, len(histories), LOAD_ROWS)
        ]
        if len(batches) > 1:
            for batch in batches:
                await self.db.read(self._check, batch)
        total = Changes()
        for batch in batches:
            try:
                total += await self.db.write(self._create_new, batch)
            except (_NotAllNew, DuplicateIdError, TransientError):
                total += await self.db.write_in_turn(self._check_and_write, batch)
        return total

    async def _create_new(
        self, tx: AsyncManagedTransaction, histories: list[ServiceHistory]
    ) -> Changes:
        """Create a batch of requests none of which is stored; `_NotAllNew` otherwise."""
        changes = await self._check(tx, histories)
        if any(change != service_load.CREATED for change in changes.values()):
            raise _NotAllNew()
        written = await self.db.run(tx, "create_service_many", rows=[_row(h) for h in histories])
        if written[0]["rows"] != len(histories):
            raise _NotAllNew()
        return Changes(created=len(histories))

    async def _check(
        self, tx: AsyncManagedTransaction, histories: list[ServiceHistory]
    ) -> dict[str, str]:
        """Each request's change; UnknownIdError or DuplicateIdError as the protocol says."""
        wanted: dict[str, str] = {}
        for h in histories:
            wanted[h.request.household_id] = "Household"
            wanted.update((i, "Unit") for i in service_load.unit_ids(h))
            wanted.update((i, "Member") for i in service_load.member_ids(h))
            for step in h.steps:
                if step.assignee_id is not None and step.assignee_kind is not None:
                    wanted[step.assignee_id] = _LABEL_OF[step.assignee_kind]
        found = (await self.db.run(tx, "lookup_kinds", ids=sorted(wanted)))[0]["found"]
        labels = {entry["id"]: _labels(entry) for entry in found}
        for node_id, label in sorted(wanted.items()):
            if label not in labels.get(node_id, set()):
                what = {"Household": "household", "Unit": "unit", "Member": "member"}
                raise UnknownIdError([node_id], what.get(label, "cadre or work unit"))
        offers = sorted({i for h in histories for i in service_load.offer_ids(h)})
        if offers:
            kept = (await self.db.run(tx, "service_offers_many", ids=offers))[0]["found"]
            missing = sorted(set(offers) - {offer["id"] for offer in kept})
            if missing:
                raise UnknownIdError(missing[:1], "service offer")
        ids = [h.id for h in histories]
        requests = (await self.db.run(tx, "service_requests_many", ids=ids))[0]["found"]
        steps = (await self.db.run(tx, "service_steps_many", ids=ids))[0]["found"]
        stored = {props["id"]: request_from(props) for props in requests}
        timelines = {row["id"]: [step_from(s) for s in row["steps"]] for row in steps}
        return {
            h.id: service_load.change_of(h, stored.get(h.id), timelines.get(h.id))
            for h in histories
        }

    async def _check_and_write(
        self, tx: AsyncManagedTransaction, histories: list[ServiceHistory]
    ) -> Changes:
        changes = await self._check(tx, histories)
        new = [_row(h) for h in histories if changes[h.id] == service_load.CREATED]
        grown = [_row(h) for h in histories if changes[h.id] == service_load.UPDATED]
        if new:
            await self.db.run(tx, "create_service_many", rows=new)
        if grown:
            await self.db.run(tx, "load_service_many", rows=grown)
        return service_load.tallied(changes.values())
