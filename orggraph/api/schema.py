"""The GraphQL schema, assembled from its roots; `schema/orggraph.graphql` is its SDL."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError

from orggraph.api import gap_types, types
from orggraph.api.errors import DomainErrorCodes, label_parse_failure, log_client_error
from orggraph.api.limits import Limits, limit_extensions
from orggraph.api.mutation import Mutation
from orggraph.api.observe import OperationMetrics
from orggraph.api.query import Query

_CONCRETE_TYPES = [
    types.StreetCommittee,
    types.CommunityCommittee,
    types.ResidentialBranch,
    types.BuildingGroup,
    types.Household,
    types.Member,
    types.WorkUnit,
    gap_types.UncoveredHouseholdGap,
    gap_types.CadreOutsideBandGap,
    gap_types.CadreCoveringNoneGap,
    gap_types.CadreUnderPointsGap,
    gap_types.BuildingWithoutCentralGap,
    gap_types.UnitWithoutChildrenGap,
    gap_types.ServiceOverdueGap,
]


class _Schema(strawberry.Schema):
    """strawberry logs every error of every response at ERROR level, so a dashboard's typo, an
    unknown id or a refused alias bomb read in the logs like an outage, and an unexpected
    error was logged twice. Here unexpected errors are logged once, with their traceback, by
    DomainErrorCodes; the client's own errors get one INFO line each."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unparsed = execution_context is not None and execution_context.graphql_document is None
        for error in errors:
            if unparsed:
                label_parse_failure(error)
            log_client_error(error)


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The schema with the abuse limits in force (see limits.py)."""
    chosen = limits or Limits()
    return _Schema(
        query=Query,
        mutation=Mutation,
        types=_CONCRETE_TYPES,
        extensions=[
            *limit_extensions(chosen),
            OperationMetrics,
            lambda: DomainErrorCodes(hide_suggestions=not chosen.introspection),
        ],
    )


schema = build_schema()
"""The schema with default limits: what the SDL file records."""
