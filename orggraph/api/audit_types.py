"""The audit log as the API shows it to admins."""

from __future__ import annotations

from datetime import datetime

import strawberry

from orggraph.api.types import PageInfo
from orggraph.domain import audit, entities


@strawberry.type(description="One recorded change: who, when, what, before and after.")
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="Entry id (sorts by time).")
    at: datetime = strawberry.field(description="When the change was made (UTC).")
    subject: str = strawberry.field(description="Who made it (the token's subject).")
    role: str = strawberry.field(description="The role they acted in.")
    action: str = strawberry.field(description="What was done, e.g. create_unit, assign.")
    target_ids: list[str] = strawberry.field(description="Ids of the nodes it touched.")
    arguments: str = strawberry.field(description="The change as asked, as JSON.")
    before: str = strawberry.field(description="The touched nodes before, as JSON.")
    after: str = strawberry.field(description="The touched nodes after, as JSON.")

    @classmethod
    def of(cls, entry: audit.AuditEntry) -> AuditEntry:
        return cls(
            id=strawberry.ID(entry.id),
            at=entry.at,
            subject=entry.subject,
            role=entry.role,
            action=entry.action,
            target_ids=list(entry.target_ids),
            arguments=entry.arguments,
            before=entry.before,
            after=entry.after,
        )


@strawberry.type(description="A page of the audit log, newest first.")
class AuditConnection:
    nodes: list[AuditEntry] = strawberry.field(description="The page's entries.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many entries in all.")

    @classmethod
    def of(cls, page: entities.Page[audit.AuditEntry]) -> AuditConnection:
        return cls(
            nodes=[AuditEntry.of(entry) for entry in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )
