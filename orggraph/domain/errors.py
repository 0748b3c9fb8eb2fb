"""Typed domain errors. Each names the ids involved and carries a stable `code`.

Stores raise only these for bad requests, so the API can turn them into typed results
and the importer into row-level messages, whichever store is behind them.
"""

from __future__ import annotations

from collections.abc import Iterable


class OrgGraphError(Exception):
    """Base of every domain error; `code` is stable and machine-readable."""

    code = "ORGGRAPH_ERROR"

    def __init__(self, message: str, ids: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.ids = tuple(ids)


class UnknownIdError(OrgGraphError):
    """An id that names nothing (of the expected kind)."""

    code = "UNKNOWN_ID"

    def __init__(self, ids: Iterable[str], kind: str = "node") -> None:
        id_list = sorted(set(ids))
        shown = ", ".join(id_list[:20]) + (" ..." if len(id_list) > 20 else "")
        super().__init__(f"unknown {kind} id: {shown}", id_list)
        self.kind = kind


class DuplicateIdError(OrgGraphError):
    """An id that is already taken (ids are unique across every kind of node)."""

    code = "DUPLICATE_ID"

    def __init__(self, ids: Iterable[str], detail: str = "") -> None:
        id_list = sorted(set(ids))
        shown = ", ".join(id_list[:20]) + (" ..." if len(id_list) > 20 else "")
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"id already exists: {shown}{suffix}", id_list)


class WrongParentLevelError(OrgGraphError):
    """A child hung under a parent that is not of the level directly above it."""

    code = "WRONG_PARENT_LEVEL"

    def __init__(self, child_id: str, child_level: str, parent_id: str | None, parent_level: str):
        where = f"{parent_id} ({parent_level})" if parent_id else "no parent"
        super().__init__(
            f"{child_id} ({child_level}) cannot hang under {where}",
            [child_id, *([parent_id] if parent_id else [])],
        )


class CycleError(OrgGraphError):
    """A move that would put a unit under itself or under one of its descendants."""

    code = "CYCLE"

    def __init__(self, unit_id: str, new_parent_id: str) -> None:
        super().__init__(
            f"moving {unit_id} under {new_parent_id} would make a cycle: "
            f"{new_parent_id} is {unit_id} itself or lies below it",
            [unit_id, new_parent_id],
        )


class RefusedDeleteError(OrgGraphError):
    """Deleting a unit that still has children, without asking for a cascade."""

    code = "REFUSED_DELETE"

    def __init__(self, unit_id: str, child_count: int) -> None:
        super().__init__(
            f"{unit_id} has {child_count} child node(s); delete them first or ask for a cascade",
            [unit_id],
        )


class InvalidValueError(OrgGraphError):
    """A value that breaks a rule of the domain (empty name, bad mode, negative count...)."""

    code = "INVALID_VALUE"

    def __init__(self, message: str, ids: Iterable[str] = ()) -> None:
        super().__init__(message, ids)


class NotAssignedError(OrgGraphError):
    """Unassigning or transferring a household from a cadre who does not cover it."""

    code = "NOT_ASSIGNED"

    def __init__(self, member_id: str, household_id: str) -> None:
        super().__init__(
            f"member {member_id} is not assigned to household {household_id}",
            [member_id, household_id],
        )


class ForbiddenError(OrgGraphError):
    """The caller's role may not do this at all (a dashboard writing, an organiser deleting
    the unit they answer for). Ids outside the caller's scope are UnknownIdError instead, so
    nothing tells an outsider that they exist."""

    code = "FORBIDDEN"

    def __init__(self, message: str, ids: Iterable[str] = ()) -> None:
        super().__init__(message, ids)


class QueryTimeoutError(OrgGraphError):
    """A store query ran past the configured limit and was stopped; nothing of it was kept.
    Usually a question too big for one request (a whole-city report through the API), or a
    write waiting on another that holds the same nodes."""

    code = "QUERY_TIMEOUT"
