"""The GraphQL schema, assembled from its roots; `schema/orggraph.graphql` is its SDL."""

from __future__ import annotations

import strawberry

from orggraph.api import gap_types, types
from orggraph.api.errors import DomainErrorCodes
from orggraph.api.mutation import Mutation
from orggraph.api.query import Query

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=[
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
    ],
    extensions=[DomainErrorCodes],
)
