"""The GraphQL schema, assembled from its roots; `schema/orggraph.graphql` is its SDL."""

from __future__ import annotations

import strawberry

from orggraph.api import gap_types, types
from orggraph.api.errors import DomainErrorCodes
from orggraph.api.limits import Limits, limit_extensions
from orggraph.api.mutation import Mutation
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
]


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The schema with the abuse limits in force (see limits.py)."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=_CONCRETE_TYPES,
        extensions=[*limit_extensions(limits or Limits()), lambda: DomainErrorCodes()],
    )


schema = build_schema()
"""The schema with default limits: what the SDL file records."""
