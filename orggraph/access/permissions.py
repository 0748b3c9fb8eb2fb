"""Which roles may change the graph, and the few changes kept for admins."""

from __future__ import annotations

from orggraph.auth.tokens import Principal, Role
from orggraph.domain.errors import ForbiddenError


def require_writer(principal: Principal) -> None:
    """Dashboards only read; a cadre moves only the service requests it holds (and keeps its
    own offers, `orggraph.access.supply`)."""
    if principal.role is Role.CADRE:
        raise ForbiddenError(
            "role cadre may only accept, decline and complete the service requests it holds, "
            "and record and withdraw its own offers"
        )
    if not principal.role.can_write:
        raise ForbiddenError(f"role {principal.role.value} may not change anything")


def require_admin(principal: Principal, action: str) -> None:
    if principal.role is not Role.ADMIN:
        raise ForbiddenError(f"only an admin may {action}")


def refuse_own_unit(principal: Principal, unit_id: str, action: str) -> None:
    """An organiser answers for their unit and may not move or delete it."""
    if principal.role is not Role.ADMIN and unit_id == principal.scope_id:
        raise ForbiddenError(f"an organiser may not {action} their own unit {unit_id}")
