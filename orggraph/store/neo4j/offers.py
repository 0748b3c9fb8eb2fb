"""Service offers as Neo4j properties and back (times as ISO text in, Neo4j temporals out): the
supply desk writes them and a service transition reads the offer its dispatch names."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from orggraph.domain.service import AssigneeKind
from orggraph.domain.supply import OfferKind, OfferState, ServiceOffer

Props = Mapping[str, Any]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _native(value: Any) -> Any:
    """A Neo4j Date or DateTime as Python's (None stays None)."""
    return value.to_native() if value is not None else None


def offer_props(o: ServiceOffer) -> dict[str, Any]:
    return {
        "id": o.id,
        "offered_by": o.offered_by,
        "offered_by_kind": o.offered_by_kind.value,
        "kind": o.kind.value,
        "text": o.text,
        "recorded_by": o.recorded_by,
        "recorded_at": o.recorded_at.isoformat(),
        "serves_id": o.serves_id,
        "available_from": _iso(o.available_from),
        "available_until": _iso(o.available_until),
        "schedule": o.schedule,
        "state": o.state.value,
        "withdrawn_by": o.withdrawn_by,
        "withdrawn_at": _iso(o.withdrawn_at),
        "withdrawn_reason": o.withdrawn_reason,
    }


def offer_from(props: Props) -> ServiceOffer:
    return ServiceOffer(
        id=props["id"],
        offered_by=props["offered_by"],
        offered_by_kind=AssigneeKind(props["offered_by_kind"]),
        kind=OfferKind(props["kind"]),
        text=props["text"],
        recorded_by=props["recorded_by"],
        recorded_at=_native(props["recorded_at"]),
        serves_id=props.get("serves_id"),
        available_from=_native(props.get("available_from")),
        available_until=_native(props.get("available_until")),
        schedule=props.get("schedule") or "",
        state=OfferState(props["state"]),
        withdrawn_by=props.get("withdrawn_by"),
        withdrawn_at=_native(props.get("withdrawn_at")),
        withdrawn_reason=props.get("withdrawn_reason") or "",
    )
