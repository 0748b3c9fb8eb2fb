"""Domain errors reach clients with a stable `code` and the ids involved in `extensions`.

Resolvers just let `OrgGraphError` propagate; this extension labels it on the way out, so
`{"message": "unknown node id: X", "extensions": {"code": "UNKNOWN_ID", "ids": ["X"]}}` is
what a dashboard sees, whichever store raised it.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from orggraph.domain.errors import OrgGraphError


class DomainErrorCodes(SchemaExtension):
    """Adds `code` and `ids` to every error caused by an `OrgGraphError`."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            cause = error.original_error
            if isinstance(cause, OrgGraphError):
                error.extensions = {
                    **(error.extensions or {}),
                    "code": cause.code,
                    "ids": list(cause.ids),
                }
