"""The embedded store's supply offers, as rows (see `state` for why rows).

Like the service book, it changes only through its apply function (`put`), which live writes,
journal replay and snapshot restore all call. An offer row is the offer as it stands: recording
and withdrawing both put the whole row, so replaying the journal ends at the last one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from orggraph.domain.service import AssigneeKind
from orggraph.domain.supply import OfferKind, OfferState, ServiceOffer

Row = list[Any]


class SupplyBook:
    """Offers by id (ids sorted, for paging)."""

    def __init__(self) -> None:
        self.offers: dict[str, Row] = {}
        self._sorted: list[str] | None = []

    def ids(self) -> list[str]:
        """Every offer id, sorted (made again after a new offer arrives)."""
        if self._sorted is None:
            self._sorted = sorted(self.offers)
        return self._sorted

    def offer(self, offer_id: str) -> ServiceOffer | None:
        row = self.offers.get(offer_id)
        return offer_from(row) if row is not None else None

    # -- apply -------------------------------------------------------------------------------

    def put(self, row: Row) -> None:
        """Keep an offer as it now stands."""
        if row[0] not in self.offers:
            self._sorted = None
        self.offers[row[0]] = row

    def restore(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.offers[row[0]] = row
        self._sorted = None

    def clear(self) -> None:
        self.offers.clear()
        self._sorted = []

    def export(self) -> Iterator[Row]:
        return iter(self.offers.values())


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def offer_row(o: ServiceOffer) -> Row:
    return [
        o.id,
        o.offered_by,
        o.offered_by_kind.value,
        o.kind.value,
        o.text,
        o.recorded_by,
        o.recorded_at.isoformat(),
        o.serves_id,
        _iso(o.available_from),
        _iso(o.available_until),
        o.schedule,
        o.state.value,
        o.withdrawn_by,
        _iso(o.withdrawn_at),
        o.withdrawn_reason,
    ]


def offer_from(row: Row) -> ServiceOffer:
    (oid, by, by_kind, kind, text, recorded_by, recorded_at, serves, start, end) = row[:10]
    schedule, state, withdrawn_by, withdrawn_at, reason = row[10:15]
    return ServiceOffer(
        id=oid,
        offered_by=by,
        offered_by_kind=AssigneeKind(by_kind),
        kind=OfferKind(kind),
        text=text,
        recorded_by=recorded_by,
        recorded_at=datetime.fromisoformat(recorded_at),
        serves_id=serves,
        available_from=date.fromisoformat(start) if start is not None else None,
        available_until=date.fromisoformat(end) if end is not None else None,
        schedule=schedule,
        state=OfferState(state),
        withdrawn_by=withdrawn_by,
        withdrawn_at=datetime.fromisoformat(withdrawn_at) if withdrawn_at is not None else None,
        withdrawn_reason=reason,
    )
