"""What both stores decide when a ledger's offers are loaded (`ServiceBulk.load_offers_many`).

What an offer may be is `ServiceOffer`'s to say, and what a row may change of a stored offer
`orggraph.domain.supply.check_replaces`'s; here is only what a load counts: an offer stored
as given is unchanged, one stored otherwise is updated, a new one created.
"""

from __future__ import annotations

from collections.abc import Sequence

from orggraph.domain.errors import InvalidValueError
from orggraph.domain.supply import ServiceOffer, check_replaces
from orggraph.store.service_load import CREATED, UNCHANGED, UPDATED, tallied

__all__ = ["CREATED", "UNCHANGED", "UPDATED", "change_of", "checked", "tallied"]


def checked(offers: Sequence[ServiceOffer]) -> None:
    """No offer comes twice in one load."""
    seen: set[str] = set()
    for offer in offers:
        if offer.id in seen:
            raise InvalidValueError(f"service offer {offer.id} comes twice in one load", [offer.id])
        seen.add(offer.id)


def change_of(offer: ServiceOffer, stored: ServiceOffer | None) -> str:
    """`created`, `updated` or `unchanged`; what `check_replaces` raises for a change it
    refuses (another offerer or place, a withdrawn offer opened again)."""
    if stored is None:
        return CREATED
    if stored == offer:
        return UNCHANGED
    check_replaces(stored, offer)
    return UPDATED
