"""The audit trail of the API's writes: who, when, the arguments, the touched nodes (with a
household's cadres) before and after. A write that fails is not recorded: it changed nothing."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from orggraph.auth.tokens import Principal
from orggraph.domain.audit import AuditEntry, new_audit_id
from orggraph.domain.entities import Household
from orggraph.store.protocols import AuditTrail, BatchedReads
from orggraph.store.values import AuditOf, Transition

T = TypeVar("T")


class AuditedStore(AuditTrail, BatchedReads, Protocol):
    """What the recorder needs: the trail to write, and reads for the snapshots."""


class AuditRecorder:
    """Runs one principal's writes and records each that succeeds."""

    def __init__(self, store: AuditedStore, principal: Principal) -> None:
        self._store = store
        self._principal = principal

    async def run(
        self,
        action: str,
        target_ids: Sequence[str],
        arguments: Any,
        write: Callable[[], Awaitable[T]],
        snapshot: Callable[[], Awaitable[Any]] | None = None,
    ) -> T:
        """Run `write` and record it; `snapshot` reads what the write changes when that is
        not the target nodes (a service request's state and steps)."""
        before = _json(await snapshot()) if snapshot else await self._snapshot(target_ids)
        result = await write()
        after = _json(await snapshot()) if snapshot else await self._snapshot(target_ids)
        await self._store.record_audit(self._entry(action, target_ids, arguments, before, after))
        return result

    def transition(self, action: str, arguments: Any) -> AuditOf:
        """The entry of a service transition, made by the store inside its write from what it
        read and decided (the request and its last step before and after), so the trail
        costs no read and no transaction of its own."""

        def entry(t: Transition) -> AuditEntry:
            return self._entry(
                action,
                [t.after.id, t.after.household_id],
                arguments,
                _json({"request": t.before, "last_step": t.last_step}),
                _json({"request": t.after, "last_step": t.step}),
            )

        return entry

    def _entry(
        self, action: str, target_ids: Sequence[str], arguments: Any, before: str, after: str
    ) -> AuditEntry:
        at = datetime.now(UTC)
        return AuditEntry(
            id=new_audit_id(at),
            at=at,
            subject=self._principal.subject,
            role=self._principal.role.value,
            action=action,
            target_ids=tuple(target_ids),
            arguments=_json(arguments),
            before=before,
            after=after,
        )

    async def _snapshot(self, ids: Sequence[str]) -> str:
        nodes = await self._store.get_nodes(ids)
        households = [n.id for n in nodes if isinstance(n, Household)]
        cadres = await self._store.household_members_many(households) if households else []
        return _json(
            {
                "nodes": {i: n for i, n in zip(ids, nodes, strict=True)},
                "cadres": {
                    h: [[c.member.id, c.mode.value, c.since] for c in rows or []]
                    for h, rows in zip(households, cadres, strict=True)
                },
            }
        )


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
