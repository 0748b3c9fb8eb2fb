"""Supply offers in a ledger: each row's offerer and place resolved, and checked against the
offer the store holds under its id.

A row names its offerer by id: a cadre or a work unit, in the ledger or the store, which
settles the offer's `offered_by_kind`; its place (empty for the whole city) must be a unit.
The offer itself was checked by `ServiceOffer` when the row was read; what a row may change
of a stored offer is `orggraph.domain.supply.check_replaces`'s to say. The offers planned
here (and the stored ones the steps match) are what the service replay's dispatches see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from orggraph.domain.entities import Member, Node, Unit, WorkUnit
from orggraph.domain.errors import DuplicateIdError, OrgGraphError
from orggraph.domain.kinds import what_of
from orggraph.domain.service import AssigneeKind
from orggraph.domain.supply import ServiceOffer, check_replaces
from orggraph.ledger.model import Location, ParsedLedger, Problem
from orggraph.store.protocols import SupplyDesk

READ_BATCH = 1_000

Report = Callable[[Location, str, str], None]
"""Records a problem at a row's column."""


@dataclass
class OfferPlan:
    """The ledger's offers, settled; every offer a step may match (the ledger's, else the
    store's) by id; the problems."""

    offers: list[ServiceOffer] = field(default_factory=list)
    known: dict[str, ServiceOffer] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _kind_of(node: Node | None) -> AssigneeKind | None:
    if isinstance(node, Member):
        return AssigneeKind.MEMBER
    if isinstance(node, WorkUnit):
        return AssigneeKind.WORK_UNIT
    return None


def _nodes(parsed: ParsedLedger, stored: dict[str, Node]) -> dict[str, Node]:
    nodes: dict[str, Node] = dict(stored)
    for rows in (parsed.units, parsed.households, parsed.work_units, parsed.members):
        nodes.update((row.value.id, row.value) for row in rows)
    return nodes


async def plan_offers(
    parsed: ParsedLedger, stored: dict[str, Node], store: SupplyDesk
) -> OfferPlan:
    """Settle and check every offer row; read the stored offers the rows and steps name."""
    plan = OfferPlan()
    matched = {r.value.command.offer_id for r in parsed.steps if r.value.command.offer_id}
    if not parsed.offers and not matched:
        return plan

    def problem(where: Location, column: str, message: str) -> None:
        plan.problems.append(Problem(parsed.cell(where, column), message))

    nodes = _nodes(parsed, stored)
    first: dict[str, Location] = {}
    rows: list[tuple[Location, ServiceOffer]] = []
    for row in parsed.offers:
        offer = row.value.offer
        if offer.id in first:
            problem(
                row.where,
                "id",
                f"duplicate service offer {offer.id}: already at {first[offer.id]}",
            )
            continue
        first[offer.id] = row.where
        kind = _kind_of(nodes.get(offer.offered_by))
        if kind is None and offer.offered_by not in parsed.broken_ids:
            problem(
                row.where,
                "offered_by",
                f"unknown cadre or work unit {offer.offered_by}: not in the ledger nor in the "
                "store",
            )
        place = nodes.get(offer.serves_id) if offer.serves_id is not None else None
        if offer.serves_id is not None and offer.serves_id not in parsed.broken_ids:
            if place is None:
                problem(
                    row.where,
                    "serves_id",
                    f"unknown unit {offer.serves_id}: not in the ledger nor in the store",
                )
            elif not isinstance(place, Unit):
                problem(
                    row.where, "serves_id", f"{offer.serves_id} is {_a(what_of(place))}, not a unit"
                )
        if kind is not None:
            rows.append((row.where, row.value.settled(kind)))
    wanted = sorted(set(first) | matched)
    kept: dict[str, ServiceOffer] = {}
    for start in range(0, len(wanted), READ_BATCH):
        chunk = wanted[start : start + READ_BATCH]
        kept.update((o.id, o) for o in await store.service_offers_many(chunk) if o is not None)
    for where, offer in rows:
        stored_offer = kept.get(offer.id)
        if stored_offer is not None and stored_offer != offer:
            _against_the_store(problem, where, stored_offer, offer)
        plan.offers.append(offer)
    plan.known = {**kept, **{offer.id: offer for offer in plan.offers}}
    plan.problems += _unknown_offers(parsed, set(first) | set(kept))
    return plan


def _a(what: object) -> str:
    text = str(what)
    return f"an {text}" if text[0] in "aeiou" else f"a {text}"


def _against_the_store(
    problem: Report, where: Location, stored: ServiceOffer, offer: ServiceOffer
) -> None:
    """A stored offer may change only as `check_replaces` allows."""
    try:
        check_replaces(stored, offer)
    except OrgGraphError as exc:
        column = (
            "state"
            if not isinstance(exc, DuplicateIdError)
            else "offered_by"
            if stored.offered_by != offer.offered_by
            else "serves_id"
        )
        problem(where, column, exc.message)


def _unknown_offers(parsed: ParsedLedger, have: set[str]) -> list[Problem]:
    """Steps matching an offer neither the ledger nor the store holds."""
    return [
        Problem(
            parsed.cell(row.where, "offer_id"),
            f"unknown service offer {row.value.command.offer_id}: not in the ledger nor in "
            "the store",
        )
        for row in parsed.steps
        if row.value.command.offer_id is not None and row.value.command.offer_id not in have
    ]
