"""Errors reach clients with a stable `code` in `extensions`, and nothing internal leaks.

- A domain error (`OrgGraphError`) keeps its message and gains `code` and `ids`, so
  `{"message": "unknown node id: X", "extensions": {"code": "UNKNOWN_ID", "ids": ["X"]}}` is
  what a dashboard sees, whichever store raised it.
- Any other exception inside a resolver is a bug or an outage: it is logged with its
  traceback and the client gets `internal error` with code `INTERNAL`, never the exception's
  text (which could quote Cypher, paths or data).
- Validation and syntax errors (no original exception) pass through unchanged.

Logging: an unexpected error is logged once, at ERROR with its traceback (here); an error the
client caused (a typo, an unknown id, a refused query) is one INFO line (`log_client_error`,
called by the schema in place of strawberry's ERROR line for every error).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from orggraph.domain.errors import OrgGraphError

log = logging.getLogger("orggraph.api")


class DomainErrorCodes(SchemaExtension):
    """Labels domain errors and masks unexpected ones (see the module docstring)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [_labelled(error) for error in result.errors]


def _labelled(error: GraphQLError) -> GraphQLError:
    cause = error.original_error
    if cause is None or isinstance(cause, GraphQLError):
        return error
    if isinstance(cause, OrgGraphError):
        error.extensions = {**(error.extensions or {}), "code": cause.code, "ids": list(cause.ids)}
        return error
    log.error("internal error at %s", error.path, exc_info=cause)
    return GraphQLError(
        "internal error",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL"},
    )


def log_client_error(error: GraphQLError) -> None:
    """One INFO line for an error the client caused; unexpected ones are logged above."""
    cause = error.original_error
    if isinstance(cause, OrgGraphError):
        code = cause.code
    elif cause is None or isinstance(cause, GraphQLError):
        code = (error.extensions or {}).get("code", "INVALID")
    else:
        return
    if code != "INTERNAL":
        log.info("answered with an error (%s): %s", code, error.message)
