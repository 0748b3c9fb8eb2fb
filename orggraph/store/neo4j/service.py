"""The Neo4j store's service desk (`ServiceDesk`): requests as ServiceRequest nodes under their
households, steps as ServiceStep nodes (schema/migrations/006_service_requests.cypher).

Every transition is one write transaction of two queries: `service_facts` raises the data
version first (`Connection.write_bumping`), which locks the version node until commit, so two
transitions of one request (two cadres accepting, a dispatch and a cancel) run one after the
other, and the second reads what the first wrote and is refused by the domain's rules; then
`service_write` keeps what `advance` decided, with the transition's audit entry. Nothing is
read back: the answer is the request as decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from orggraph.domain.audit import AuditEntry
from orggraph.domain.entities import Node, Page, Unit
from orggraph.domain.errors import DuplicateIdError, UnknownIdError
from orggraph.domain.levels import Level
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    STAGE_OF,
    AssigneeKind,
    Facts,
    ServiceAction,
    ServiceCommand,
    ServiceFilter,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    ServiceStep,
    Stage,
    advance,
    order,
    service_points_id,
    service_points_reason,
)
from orggraph.store.cursors import parse_id_cursor
from orggraph.store.neo4j import records
from orggraph.store.neo4j.connection import Connection
from orggraph.store.neo4j.offers import offer_from
from orggraph.store.neo4j.summaries import SummaryCache
from orggraph.store.service_gaps import ServiceGaps
from orggraph.store.service_pages import named_ids
from orggraph.store.values import (
    DEFAULT_PAGE_SIZE,
    AuditOf,
    ServicePage,
    Transition,
    clamp_page_size,
)

Props = Mapping[str, Any]


class Neo4jServiceDesk(ServiceGaps):
    """Mixed into `Neo4jStore`, whose connection and summary cache it uses."""

    db: Connection
    _summaries: SummaryCache

    async def order_service(self, request: ServiceRequest) -> ServiceRequest:
        step = order(request)
        await self.db.write_bumping(self._order, request, step)
        return request

    async def _order(
        self, tx: AsyncManagedTransaction, request: ServiceRequest, step: ServiceStep
    ) -> None:
        found = await self._facts(tx, request.id, household_id=request.household_id)
        if not found["household_found"]:
            raise UnknownIdError([request.household_id], "household")
        if found["request"] is not None:
            raise DuplicateIdError([request.id], "a service request")
        await self.db.run(
            tx,
            "service_write",
            request=_request_props(request),
            step=_step_props(step),
            points=None,
            audit=None,
        )

    async def advance_service(
        self, command: ServiceCommand, audit: AuditOf | None = None
    ) -> ServiceRequest:
        return await self.db.write_bumping(self._advance, command, audit)

    async def _advance(
        self, tx: AsyncManagedTransaction, command: ServiceCommand, audit: AuditOf | None
    ) -> ServiceRequest:
        points_id = service_points_id(command.request_id)
        found = await self._facts(
            tx,
            command.request_id,
            assignee_id=command.assignee_id,
            member_id=command.member_id,
            unit_id=command.unit_id,
            points_id=points_id if command.action is ServiceAction.VERIFY else None,
            offer_id=command.offer_id,
        )
        if found["request"] is None:
            raise UnknownIdError([command.request_id], "service request")
        if command.assignee_id is not None and found["assignee_kind"] is None:
            raise UnknownIdError([command.assignee_id], "cadre or work unit")
        if command.member_id is not None and not found["member_found"]:
            raise UnknownIdError([command.member_id], "member")
        if command.unit_id is not None and not found["unit_found"]:
            raise UnknownIdError([command.unit_id], "unit")
        if command.offer_id is not None and found["offer"] is None:
            raise UnknownIdError([command.offer_id], "service offer")
        request = request_from(found["request"])
        facts = Facts(
            tuple(_unit(u) for u in found["ancestors"]),
            AssigneeKind(found["assignee_kind"]) if found["assignee_kind"] else None,
            found["member_work_unit"],
            offer_from(found["offer"]) if found["offer"] is not None else None,
        )
        moved, step = advance(request, command, facts)
        points = None
        if step.points and step.member_id is not None:
            if found["points_taken"]:
                raise DuplicateIdError([points_id], "the points entry of this service")
            points = {
                "id": points_id,
                "member_id": step.member_id,
                "day": step.at.date().isoformat(),
                "points": step.points,
                "reason": service_points_reason(request),
            }
        entry: AuditEntry | None = None
        if audit is not None:
            last = found["last_step"]
            entry = audit(Transition(request, step_from(last) if last else None, moved, step))
        await self.db.run(
            tx,
            "service_write",
            request=_request_props(moved),
            step=_step_props(step),
            points=points,
            audit=records.audit_params(entry) if entry is not None else None,
        )
        return moved

    async def _facts(
        self,
        tx: AsyncManagedTransaction,
        request_id: str,
        *,
        household_id: str | None = None,
        assignee_id: str | None = None,
        member_id: str | None = None,
        unit_id: str | None = None,
        points_id: str | None = None,
        offer_id: str | None = None,
    ) -> Props:
        rows = await self.db.run(
            tx,
            "service_facts",
            request_id=request_id,
            household_id=household_id,
            assignee_id=assignee_id,
            member_id=member_id,
            unit_id=unit_id,
            points_id=points_id,
            offer_id=offer_id,
        )
        found: Props = rows[0]
        return found

    async def service_requests_many(
        self, request_ids: Sequence[str]
    ) -> list[ServiceRequest | None]:
        if not request_ids:
            return []
        found = await self.db.found("service_requests_many", ids=sorted(set(request_ids)))
        by_id = {props["id"]: request_from(props) for props in found}
        return [by_id.get(i) for i in request_ids]

    async def service_steps_many(
        self, request_ids: Sequence[str]
    ) -> list[list[ServiceStep] | None]:
        if not request_ids:
            return []
        found = await self.db.found("service_steps_many", ids=sorted(set(request_ids)))
        by_id = {row["id"]: [step_from(s) for s in row["steps"]] for row in found}
        return [by_id.get(i) for i in request_ids]

    async def service_requests(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        page, _ = await self._listing(scope_id, keep, policy, today, first, after, False)
        return page

    async def service_page(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> ServicePage:
        """The page and its nodes in one query (`service_requests.cypher`, `$with_nodes`),
        kept per data version as the figures are: dashboards ask for the same open requests
        over and over, and every transition raises the version."""

        async def read() -> ServicePage:
            page, found = await self._listing(scope_id, keep, policy, today, first, after, True)
            nodes: dict[str, Node | None] = dict.fromkeys(named_ids(page.items))
            nodes.update((props["id"], records.node_from(props)) for props in found)
            return ServicePage(page, nodes)

        key = ("service_page", scope_id, keep, policy, today, first, after)
        return await self._summaries.get(key, read)

    async def _listing(
        self,
        scope_id: str | None,
        keep: ServiceFilter,
        policy: Policy,
        today: date,
        first: int,
        after: str | None,
        with_nodes: bool,
    ) -> tuple[Page[ServiceRequest], list[Props]]:
        rows = await self.db.query(
            "service_requests",
            scope_id=scope_id,
            states=[s.value for s in keep.states],
            kinds=[k.value for k in keep.kinds],
            cadre_id=keep.cadre_id,
            work_unit_id=keep.work_unit_id,
            overdue=keep.overdue,
            today=today.isoformat(),
            limits=_limits(policy),
            stage_of={state.value: stage.value for state, stage in STAGE_OF.items()},
            after=parse_id_cursor(after, "service requests") if after is not None else None,
            first=clamp_page_size(first),
            with_nodes=with_nodes,
        )
        row = rows[0]
        if not row["scope_found"]:
            raise UnknownIdError([str(scope_id)], "unit or household")
        items = [request_from(props) for props in row["page"]]
        page = Page(
            items, bool(row["has_next"]), int(row["total"]), items[-1].id if items else after
        )
        return page, row["nodes"]


def _limits(policy: Policy) -> dict[str, dict[str, int]]:
    return {
        kind.value: {stage.value: limits.days(stage) for stage in Stage}
        for kind, limits in policy.limits().items()
    }


def _unit(props: Props) -> Unit:
    return Unit(props["id"], props["name"], Level(props["level"]), props["parent_id"])


def _native(value: Any) -> datetime:
    """A Neo4j DateTime, or the ISO text a listing answers instead, as a Python datetime
    (with its time zone)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    native: datetime = value.to_native()
    return native


def _enum_value(value: Any) -> Any:
    return value.value if value is not None else None


def _request_props(r: ServiceRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "household_id": r.household_id,
        "kind": r.kind.value,
        "text": r.text,
        "recorded_by": r.recorded_by,
        "recorded_at": r.recorded_at.isoformat(),
        "state": r.state.value,
        "since": r.entered.isoformat(),
        "assignee_id": r.assignee_id,
        "assignee_kind": _enum_value(r.assignee_kind),
        "cadre_id": r.cadre_id,
        "dispatched_by": r.dispatched_by,
        "steps": r.steps,
        "offer_id": r.offer_id,
    }


def _step_props(s: ServiceStep) -> dict[str, Any]:
    return {
        "seq": s.seq,
        "action": s.action.value,
        "from_state": _enum_value(s.from_state),
        "to_state": s.to_state.value,
        "by": s.by,
        "at": s.at.isoformat(),
        "reason": s.reason,
        "unit_id": s.unit_id,
        "assignee_id": s.assignee_id,
        "assignee_kind": _enum_value(s.assignee_kind),
        "member_id": s.member_id,
        "points": s.points,
        "offer_id": s.offer_id,
    }


def request_from(props: Props) -> ServiceRequest:
    kind = props.get("assignee_kind")
    return ServiceRequest(
        id=props["id"],
        household_id=props["household_id"],
        kind=ServiceKind(props["kind"]),
        text=props["text"],
        recorded_by=props["recorded_by"],
        recorded_at=_native(props["recorded_at"]),
        state=ServiceState(props["state"]),
        since=_native(props["since"]),
        assignee_id=props.get("assignee_id"),
        assignee_kind=AssigneeKind(kind) if kind is not None else None,
        cadre_id=props.get("cadre_id"),
        dispatched_by=props.get("dispatched_by"),
        steps=int(props["steps"]),
        offer_id=props.get("offer_id"),
    )


def step_from(props: Props) -> ServiceStep:
    from_state = props.get("from_state")
    kind = props.get("assignee_kind")
    return ServiceStep(
        request_id=props["request_id"],
        seq=int(props["seq"]),
        action=ServiceAction(props["action"]),
        from_state=ServiceState(from_state) if from_state is not None else None,
        to_state=ServiceState(props["to_state"]),
        by=props["by"],
        at=_native(props["at"]),
        reason=props.get("reason") or "",
        unit_id=props.get("unit_id"),
        assignee_id=props.get("assignee_id"),
        assignee_kind=AssigneeKind(kind) if kind is not None else None,
        member_id=props.get("member_id"),
        points=int(props.get("points") or 0),
        offer_id=props.get("offer_id"),
    )
