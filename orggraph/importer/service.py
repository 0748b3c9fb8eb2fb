"""Service requests in a ledger: each request's steps replayed through the domain's rules.

A ledger's `service_requests` rows are requests as ordered and its `service_steps` rows what
was done to them since. Each request is ordered and then advanced step by step with
`orggraph.domain.service_history.replay`, over the facts the ledger and the store give (the
household's units, what an assignee is, a cadre's work unit), so a timeline the live service
would refuse (accepting before a dispatch, a step before the one before it, a verification by
a unit that is not the household's community, a dispatch matched to another cadre's offer) is
refused here too, naming its row. A dispatch's matched offer is the one the ledger's offers
sheet holds (else the store's), as it stood at the dispatch (`orggraph.domain.supply.as_of`).

Besides: a request's steps are numbered 2, 3, ... without a gap; a state written in a row is
the state the replay reaches; a request the store holds may only gain steps (one that has
moved on since the ledger was exported is refused, not rolled back); and the points a
verification awards are the points entry `service_points_id` the import writes (a points row
with that id must say the same).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from orggraph.domain.entities import Household, Member, Node, PointsEntry, Unit, WorkUnit
from orggraph.domain.errors import ForbiddenError, OrgGraphError
from orggraph.domain.service import (
    AssigneeKind,
    Facts,
    IllegalTransitionError,
    ServiceCommand,
)
from orggraph.domain.service_history import ServiceHistory, replay, service_points
from orggraph.domain.supply import ServiceOffer, as_of
from orggraph.ledger.model import Location, ParsedLedger, Problem, RequestRow, Row, StepRow
from orggraph.store.protocols import ImportTarget

READ_BATCH = 1_000


@dataclass
class ServicePlan:
    """The replayed histories and the points entries their verifications award."""

    histories: list[ServiceHistory] = field(default_factory=list)
    points: list[PointsEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Graph:
    """What the ledger and the store say of the ids a timeline names."""

    def __init__(
        self, parsed: ParsedLedger, stored: dict[str, Node], offers: Mapping[str, ServiceOffer]
    ) -> None:
        self.offers = offers
        """Every offer a dispatch may match: the ledger's as it will be stored, else the
        store's."""
        self.nodes: dict[str, Node] = dict(stored)
        for rows in (parsed.units, parsed.households, parsed.work_units, parsed.members):
            self.nodes.update((row.value.id, row.value) for row in rows)
        self.above: dict[str, tuple[Unit, ...]] = {}

    async def load_chains(self, store: ImportTarget, household_ids: Sequence[str]) -> None:
        """The units above each household, walking the ledger's units and the store's."""
        boundary: set[str] = set()
        for household_id in household_ids:
            node = self.nodes.get(household_id)
            parent = node.parent_id if isinstance(node, Household) else None
            while parent is not None and isinstance(self.nodes.get(parent), Unit):
                unit = self.nodes[parent]
                assert isinstance(unit, Unit)
                parent = unit.parent_id
            if parent is not None:
                boundary.add(parent)
        wanted = sorted(boundary)
        stored_chains: dict[str, tuple[Unit, ...]] = {}
        for start in range(0, len(wanted), READ_BATCH):
            chunk = wanted[start : start + READ_BATCH]
            tops = await store.get_nodes(chunk)
            for unit_id, top, chain in zip(
                chunk, tops, await store.ancestors_many(chunk), strict=True
            ):
                if isinstance(top, Unit):
                    stored_chains[unit_id] = (*(chain or []), top)
        for household_id in household_ids:
            node = self.nodes.get(household_id)
            units: list[Unit] = []
            parent = node.parent_id if isinstance(node, Household) else None
            while parent is not None:
                above = self.nodes.get(parent)
                if not isinstance(above, Unit):
                    units.extend(reversed(stored_chains.get(parent, ())))
                    break
                units.append(above)
                parent = above.parent_id
            self.above[household_id] = tuple(reversed(units))

    def facts(self, household_id: str, command: ServiceCommand) -> Facts:
        assignee = self.nodes.get(command.assignee_id) if command.assignee_id else None
        kind = (
            AssigneeKind.MEMBER
            if isinstance(assignee, Member)
            else AssigneeKind.WORK_UNIT
            if isinstance(assignee, WorkUnit)
            else None
        )
        member = self.nodes.get(command.member_id) if command.member_id else None
        work_unit = member.work_unit_id if isinstance(member, Member) else None
        offer = self.offers.get(command.offer_id) if command.offer_id else None
        if offer is not None:  # as the live dispatch saw it
            offer = as_of(offer, command.at, command.request_id)
        return Facts(self.above.get(household_id, ()), kind, work_unit, offer)


def _column_of(error: OrgGraphError) -> str:
    """The step column an error of `advance` is about."""
    message = str(error)
    if isinstance(error, IllegalTransitionError):
        return "action"
    if isinstance(error, ForbiddenError) or "acting cadre" in message:
        return "member_id"
    for words, column in (
        ("service offer", "offer_id"),
        ("a step cannot come before", "at"),
        ("needs a reason", "reason"),
        ("needs a cadre or a work unit", "assignee_id"),
        ("points for", "points"),
        ("unit", "unit_id"),
    ):
        if words in message:
            return column
    return "action"


class _Replayer:
    def __init__(self, parsed: ParsedLedger, graph: _Graph) -> None:
        self.parsed = parsed
        self.graph = graph
        self.plan = ServicePlan()

    def problem(self, where: Location, column: str, message: str) -> None:
        self.plan.problems.append(Problem(self.parsed.cell(where, column), message))

    def requests(self) -> dict[str, Row[RequestRow]]:
        first: dict[str, Row[RequestRow]] = {}
        for row in self.parsed.requests:
            request = row.value.request
            if request.id in first:
                self.problem(
                    row.where,
                    "id",
                    f"duplicate service request {request.id}: already at {first[request.id].where}",
                )
                continue
            first[request.id] = row
            node = self.graph.nodes.get(request.household_id)
            if not isinstance(node, Household) and request.household_id not in (
                self.parsed.broken_ids
            ):
                found = "not in the ledger nor in the store" if node is None else "not a household"
                self.problem(
                    row.where,
                    "household_id",
                    f"unknown household {request.household_id} of service request "
                    f"{request.id}: {found}",
                )
        return first

    def steps(self, requests: dict[str, Row[RequestRow]]) -> dict[str, list[Row[StepRow]]]:
        """Each request's step rows by seq; a step of no request, a repeated or missing
        number is a problem."""
        by_request: dict[str, list[Row[StepRow]]] = {}
        for row in self.parsed.steps:
            request_id = row.value.command.request_id
            if request_id not in requests:
                if request_id not in self.parsed.broken_ids:
                    self.problem(
                        row.where,
                        "request_id",
                        f"step {row.value.seq} of unknown service request {request_id}: "
                        "the ledger has no request row with that id",
                    )
                continue
            by_request.setdefault(request_id, []).append(row)
        for request_id, rows in by_request.items():
            rows.sort(key=lambda r: r.value.seq)
            expected = 2
            for row in rows:
                seq = row.value.seq
                if seq < expected:
                    self.problem(
                        row.where, "seq", f"step {seq} of service request {request_id} repeats"
                    )
                elif seq > expected:
                    self.problem(
                        row.where,
                        "seq",
                        f"step {expected} of service request {request_id} is missing "
                        f"(the next step is {seq})",
                    )
                expected = max(expected, seq) + 1
        return by_request

    def replay(self, row: Row[RequestRow], steps: list[Row[StepRow]]) -> ServiceHistory | None:
        request = row.value.request
        for step_row in steps:
            command = step_row.value.command
            for column, node_id in (
                ("unit_id", command.unit_id),
                ("assignee_id", command.assignee_id),
                ("member_id", command.member_id),
            ):
                if node_id is not None and not self._names_the_right_kind(column, node_id):
                    what = {
                        "unit_id": "unit",
                        "assignee_id": "cadre or work unit",
                        "member_id": "cadre",
                    }[column]
                    self.problem(
                        step_row.where,
                        column,
                        f"unknown {what} {node_id}: not in the ledger nor in the store",
                    )
                    return None
        at: list[Row[StepRow]] = []

        def facts_for(command: ServiceCommand) -> Facts:
            at.append(steps[len(at)])
            return self.graph.facts(request.household_id, command)

        try:
            history = replay(request, [s.value.command for s in steps], facts_for)
        except OrgGraphError as exc:
            where = at[-1].where if at else row.where
            seq = at[-1].value.seq if at else 1
            column = _column_of(exc) if at else "id"
            self.problem(where, column, f"step {seq}: {exc.message}")
            return None
        return self._states_agree(row, steps, history)

    def _names_the_right_kind(self, column: str, node_id: str) -> bool:
        node = self.graph.nodes.get(node_id)
        if node_id in self.parsed.broken_ids:
            return True
        if column == "unit_id":
            return isinstance(node, Unit)
        if column == "assignee_id":
            return isinstance(node, Member | WorkUnit)
        return isinstance(node, Member)

    def _states_agree(
        self, row: Row[RequestRow], steps: list[Row[StepRow]], history: ServiceHistory
    ) -> ServiceHistory | None:
        ok = True
        for step_row, step in zip(steps, history.steps[1:], strict=True):
            said = step_row.value.state
            if said is not None and said is not step.to_state:
                ok = False
                self.problem(
                    step_row.where,
                    "state",
                    f"step {step.seq} of service request {step.request_id} leads to "
                    f"{step.to_state.value}, not {said.value}",
                )
        said = row.value.state
        if said is not None and said is not history.request.state:
            ok = False
            self.problem(
                row.where,
                "state",
                f"service request {history.id} is {history.request.state.value} after its "
                f"steps, not {said.value}",
            )
        return history if ok else None


async def plan_service(
    parsed: ParsedLedger,
    stored: dict[str, Node],
    store: ImportTarget,
    offers: Mapping[str, ServiceOffer],
) -> ServicePlan:
    """Replay every request of the ledger, its dispatches seeing `offers` (the ledger's,
    else the store's); the histories, their points and the problems."""
    if not parsed.requests and not parsed.steps:
        return ServicePlan()
    graph = _Graph(parsed, stored, offers)
    replayer = _Replayer(parsed, graph)
    requests = replayer.requests()
    steps = replayer.steps(requests)
    households = sorted({row.value.request.household_id for row in requests.values()})
    await graph.load_chains(store, households)
    if replayer.plan.problems:
        return replayer.plan
    for request_id, row in requests.items():
        history = replayer.replay(row, steps.get(request_id, []))
        if history is not None:
            replayer.plan.histories.append(history)
    await _against_the_store(replayer, requests, store)
    replayer.plan.points = _points_agree(replayer, parsed)
    return replayer.plan


async def _against_the_store(
    replayer: _Replayer, requests: dict[str, Row[RequestRow]], store: ImportTarget
) -> None:
    """A stored request may only gain steps: its stored timeline must begin the ledger's."""
    histories = replayer.plan.histories
    for start in range(0, len(histories), READ_BATCH):
        chunk = histories[start : start + READ_BATCH]
        kept = await store.service_steps_many([h.id for h in chunk])
        for history, stored in zip(chunk, kept, strict=True):
            if stored is None or tuple(stored) == history.steps[: len(stored)]:
                continue
            replayer.problem(
                requests[history.id].where,
                "id",
                f"service request {history.id} has moved on in the store ({len(stored)} steps) "
                f"since this ledger's {len(history.steps)}: export it again rather than "
                "overwrite what was done",
            )


def _points_agree(replayer: _Replayer, parsed: ParsedLedger) -> list[PointsEntry]:
    """The entries the verifications award that the points sheet does not hold already; a
    points row with one of their ids must say the same."""
    rows = {row.value.id: row for row in parsed.points}
    missing = []
    for entry in service_points(replayer.plan.histories):
        row = rows.get(entry.id)
        if row is None:
            missing.append(entry)
        elif row.value != entry:
            replayer.problem(
                row.where,
                "points",
                f"points entry {entry.id} is what service request "
                f"{entry.id.removesuffix('.pts')} awards: {entry.points} points to "
                f"{entry.member_id} on {entry.day}",
            )
    return missing
