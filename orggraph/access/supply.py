"""The supply list and the service list seen through one caller (三(三)4).

- An offer is visible to an organiser (or dashboard) when it serves a place in their scope:
  the whole city, a unit at or below their unit, or a unit above it. A `cadre` token sees its
  own offers and its work unit's. Outside means unknown (UnknownIdError, None in reads).
- Recording: an admin records any offer (`serves` null: the whole city); an organiser records
  offers of a cadre or work unit they can see, serving their unit or one below it; a `cadre`
  token records only its own offers, serving its community.
- Withdrawing: an admin any offer; an organiser the offers serving a unit of their scope (one
  serving the whole city or a unit above theirs is the higher organiser's); a cadre its own.
- Dashboards read an offer's text and withdrawal reason masked, as a request's text.
- The service list follows the requests' rules (`orggraph.access.service`): a cadre lists the
  services it did.
- Every write that succeeds is in the audit trail, with the offer before and after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from orggraph.access import permissions
from orggraph.access.masking import MASK
from orggraph.access.service import ScopedServiceDesk
from orggraph.auth.tokens import Role
from orggraph.domain.entities import Member, Page
from orggraph.domain.errors import ForbiddenError, UnknownIdError
from orggraph.domain.service import AssigneeKind, ServiceRequest
from orggraph.domain.service_list import ServiceListFilter
from orggraph.domain.supply import OfferFilter, ServiceOffer
from orggraph.store.values import DEFAULT_PAGE_SIZE


def mask_offer(offer: ServiceOffer, sees_personal_data: bool) -> ServiceOffer:
    """An offer's words may carry a phone number or a name: dashboards see them masked."""
    if sees_personal_data:
        return offer
    reason = MASK if offer.withdrawn_reason else ""
    return dataclasses.replace(offer, text=MASK, withdrawn_reason=reason)


class ScopedSupplyDesk(ScopedServiceDesk):
    """Mixed into `ScopedStore`; offers follow the requests' desk (its listing scope, a
    cadre's work unit), whose store, principal, visibility and recorder it uses."""

    # -- reads --------------------------------------------------------------------------------

    async def service_offers_many(self, offer_ids: Sequence[str]) -> list[ServiceOffer | None]:
        found = await self.inner.service_offers_many(offer_ids)
        seen = await self._offers_seen(found)
        return [
            mask_offer(o, self._sees_personal_data) if o is not None and o.id in seen else None
            for o in found
        ]

    async def service_offers(
        self,
        scope_id: str | None,
        keep: OfferFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceOffer]:
        """A cadre lists its own offers (or its work unit's, named as `offered_by`) across the
        city, or serving a household it serves; everyone else the offers serving a scope
        inside theirs (null: their own unit)."""
        member = self.principal.member_id
        if member is not None and (
            keep.offered_by is None or keep.offered_by != await self._work_unit_of(member)
        ):
            keep = dataclasses.replace(keep, offered_by=member)
        scope = await self._listing_scope(scope_id)
        page = await self.inner.service_offers(scope, keep, first, after)
        items = [mask_offer(o, self._sees_personal_data) for o in page.items]
        return dataclasses.replace(page, items=items)

    async def service_list(
        self,
        scope_id: str | None,
        keep: ServiceListFilter,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ServiceRequest]:
        """A cadre lists the services it did (across the city); everyone else the verified
        requests of a scope inside theirs (null: their own unit)."""
        member = self.principal.member_id
        if member is not None:
            keep = dataclasses.replace(keep, cadre_id=member)
        scope = await self._listing_scope(scope_id)
        if member is None:
            await self.visibility.require_visible(keep.cadre_id)
        page = await self.inner.service_list(scope, keep, first, after)
        items = [
            r if self._sees_personal_data else dataclasses.replace(r, text=MASK) for r in page.items
        ]
        return dataclasses.replace(page, items=items)

    async def _offers_seen(self, offers: Sequence[ServiceOffer | None]) -> set[str]:
        """Which of the offers the caller may see."""
        known = [o for o in offers if o is not None]
        if self.principal.role is Role.ADMIN:
            return {o.id for o in known}
        member = self.principal.member_id
        if member is not None:
            own = {member, await self._work_unit_of(member)}
            return {o.id for o in known if o.offered_by in own}
        above = await self._above_scope()
        places = [o.serves_id for o in known if o.serves_id is not None]
        inside = await self.visibility.visible_ids(places) | above
        return {o.id for o in known if o.serves_id is None or o.serves_id in inside}

    async def _above_scope(self) -> set[str]:
        """The units above the caller's own: offers serving them serve the caller's places."""
        scope = self.visibility.scope
        if scope is None:
            return set()
        (chain,) = await self.inner.ancestors_many([scope])
        return {unit.id for unit in chain or []}

    # -- writes -------------------------------------------------------------------------------

    async def record_offer(self, offer: ServiceOffer) -> ServiceOffer:
        """The offer as this caller may record it (their subject as recorder; a cadre's for
        itself, serving its community when `serves_id` is None; an organiser's inside their
        scope), then recorded."""
        offer = dataclasses.replace(offer, recorded_by=self.principal.subject)
        offer = await self._as_recorder(offer)
        return await self._recorder.run(
            "record_offer",
            _targets(offer),
            offer,
            lambda: self.inner.record_offer(offer),
            lambda: self._offer_trail(offer.id),
        )

    async def _as_recorder(self, offer: ServiceOffer) -> ServiceOffer:
        principal = self.principal
        member = principal.member_id
        if member is not None:
            if offer.offered_by != member or offer.offered_by_kind is not AssigneeKind.MEMBER:
                raise ForbiddenError(
                    f"a cadre's token records its own offers (as {member}), not "
                    f"{offer.offered_by}'s",
                    [offer.offered_by],
                )
            (found,) = await self.inner.get_nodes([member])
            community = found.community_id if isinstance(found, Member) else None
            if community is None:
                raise ForbiddenError(
                    f"cadre {member} is registered with no community; an organiser records "
                    "its offers",
                    [member],
                )
            if offer.serves_id not in (None, community):
                raise ForbiddenError(
                    f"a cadre's offer serves its community {community}, not {offer.serves_id}",
                    [offer.id],
                )
            return dataclasses.replace(offer, serves_id=community)
        permissions.require_writer(principal)
        if principal.role is Role.ADMIN:
            return offer
        if offer.serves_id is None:
            raise ForbiddenError(
                "only an admin records an offer serving the whole city; an organiser's offer "
                "serves their unit or one below it",
                [offer.id],
            )
        await self.visibility.require_visible(offer.serves_id, offer.offered_by)
        return offer

    async def withdraw_offer(
        self, offer_id: str, by: str, at: datetime, reason: str = ""
    ) -> ServiceOffer:
        (offer,) = await self.service_offers_many([offer_id])
        if offer is None and self.principal.role is not Role.ADMIN:
            raise UnknownIdError([offer_id], "service offer")
        if offer is not None:
            await self._require_withdrawer(offer)
        subject = self.principal.subject
        return await self._recorder.run(
            "withdraw_offer",
            _targets(offer) if offer is not None else [offer_id],
            {"id": offer_id, "reason": reason},
            lambda: self.inner.withdraw_offer(offer_id, subject, at, reason),
            lambda: self._offer_trail(offer_id),
        )

    async def _require_withdrawer(self, offer: ServiceOffer) -> None:
        principal = self.principal
        if principal.member_id is not None:
            if offer.offered_by != principal.member_id:
                raise ForbiddenError(
                    f"a cadre's token withdraws its own offers; {offer.id} is {offer.offered_by}'s",
                    [offer.id],
                )
            return
        permissions.require_writer(principal)
        if principal.role is Role.ADMIN:
            return
        serves = offer.serves_id
        if serves is None or serves not in await self.visibility.visible_ids([serves]):
            where = "the whole city" if serves is None else f"{serves}, above your unit"
            raise ForbiddenError(
                f"service offer {offer.id} serves {where}; its organiser withdraws it",
                [offer.id],
            )

    async def _offer_trail(self, offer_id: str) -> dict[str, Any]:
        (offer,) = await self.inner.service_offers_many([offer_id])
        return {"offer": offer}


def _targets(offer: ServiceOffer) -> list[str]:
    return [offer.id, offer.offered_by, *([offer.serves_id] if offer.serves_id else [])]
