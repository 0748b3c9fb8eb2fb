"""Errors reach clients with a stable `code` in `extensions`, and nothing internal leaks.

- A domain error (`OrgGraphError`) keeps its message and gains `code` and `ids`, so
  `{"message": "unknown node id: X", "extensions": {"code": "UNKNOWN_ID", "ids": ["X"]}}` is
  what a dashboard sees, whichever store raised it.
- The store being unreachable (StoreUnavailableError) is an outage, not a bug: code
  `STORE_UNAVAILABLE`, one WARNING line, and the app answers HTTP 503 (app.py).
- Any other exception inside a resolver is a bug: it is logged with its
  traceback and the client gets `internal error` with code `INTERNAL`, never the exception's
  text (which could quote Cypher, paths or data).
- Syntax and validation errors (no original exception) gain `GRAPHQL_PARSE_FAILED` or
  `GRAPHQL_VALIDATION_FAILED` (a limit's own code, such as `QUERY_TOO_COSTLY`, is kept), and
  any other error the client caused without a code (a variable of the wrong type) gains
  `BAD_USER_INPUT`, so every error a client sees has a code to branch on.
- A refused document's errors are cut to the first few (MAX_REFUSALS_SHOWN).
- With introspection off, "Did you mean ...?" suggestions are cut from every message: they
  give the schema away one field name at a time to a caller who may not read it.

Logging: an unexpected error is logged once, at ERROR with its traceback (here); an error the
client caused (a typo, an unknown id, a refused query) is one INFO line (`log_client_error`,
called by the schema in place of strawberry's ERROR line for every error).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from orggraph.domain.errors import OrgGraphError
from orggraph.store.values import StoreUnavailableError

log = logging.getLogger("orggraph.api")


PARSE_FAILED_CODE = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED_CODE = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT_CODE = "BAD_USER_INPUT"

MAX_REFUSALS_SHOWN = 5
"""Errors answered for a refused document: a few name the fault, and a document built to
draw hundreds (a directive repeated 500 times) gets a short answer, not a long one."""

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$", re.DOTALL)


class DomainErrorCodes(SchemaExtension):
    """Labels every error with a code and masks unexpected ones (see the module docstring)."""

    def __init__(self, hide_suggestions: bool = False) -> None:
        super().__init__()
        self.hide_suggestions = hide_suggestions
        self._validation_errors: list[GraphQLError] = []

    def on_validate(self) -> Iterator[None]:
        yield
        self._validation_errors = list(self.execution_context.pre_execution_errors or [])

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        errors = result.errors
        if result.data is None and len(errors) > MAX_REFUSALS_SHOWN:
            errors = [
                *errors[: MAX_REFUSALS_SHOWN - 1],
                _more(len(errors) - MAX_REFUSALS_SHOWN + 1),
            ]
        result.errors = [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        cause = error.original_error
        if cause is not None and not isinstance(cause, GraphQLError):
            return _labelled(error, cause)
        if (error.extensions or {}).get("code") and not self.hide_suggestions:
            return error
        return GraphQLError(
            _SUGGESTION.sub("", error.message) if self.hide_suggestions else error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=cause,
            extensions={"code": self._client_code(error), **(error.extensions or {})},
        )

    def _client_code(self, error: GraphQLError) -> str:
        if self.execution_context.graphql_document is None:
            return PARSE_FAILED_CODE
        if any(error is seen for seen in self._validation_errors):
            return VALIDATION_FAILED_CODE
        return BAD_USER_INPUT_CODE


def _more(count: int) -> GraphQLError:
    return GraphQLError(
        f"... and {count} more errors in this document", extensions={"code": VALIDATION_FAILED_CODE}
    )


def label_parse_failure(error: GraphQLError) -> None:
    """Gives a document that did not parse its code. strawberry answers those outside the
    operation hooks, so this is called from the schema's error processing instead."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": PARSE_FAILED_CODE}


STORE_UNAVAILABLE_CODE = "STORE_UNAVAILABLE"
STORE_UNAVAILABLE_MESSAGE = "the store is unavailable (Neo4j down or restarting); try again shortly"


def _labelled(error: GraphQLError, cause: BaseException) -> GraphQLError:
    if isinstance(cause, StoreUnavailableError):
        log.warning("store unavailable at %s: %s", error.path, cause)
        return GraphQLError(
            STORE_UNAVAILABLE_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": STORE_UNAVAILABLE_CODE},
        )
    if isinstance(cause, OrgGraphError):
        details = getattr(cause, "details", {})  # e.g. an illegal transition's two states
        error.extensions = {
            **(error.extensions or {}),
            "code": cause.code,
            "ids": list(cause.ids),
            **details,
        }
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
