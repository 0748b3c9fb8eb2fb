"""The Mutation root: what organisers change. Each mutation is one store write, so a failed
mutation changes nothing; domain errors come back with `extensions.code` (see errors.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from orggraph.api.context import Info
from orggraph.api.service_roots import ServiceMutation
from orggraph.api.supply_roots import SupplyMutation
from orggraph.api.types import (
    AssignmentMode,
    Household,
    Level,
    Member,
    OrgNode,
    PointsEntry,
    WorkUnit,
    household_of,
    mode_of,
    org_node,
)
from orggraph.domain import entities
from orggraph.domain.errors import UnknownIdError


@strawberry.input(description="A new street, community, branch or building group.")
class CreateUnitInput:
    id: strawberry.ID = strawberry.field(description="New, unique id.")
    name: str = strawberry.field(description="Name.")
    level: Level = strawberry.field(description="Level (not HOUSEHOLD: use upsertHousehold).")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Parent of the level directly above; null for a street."
    )


@strawberry.input(description="A household to add, or the new fields of an existing one.")
class HouseholdInput:
    id: strawberry.ID = strawberry.field(description="Household id.")
    name: str = strawberry.field(description="Householder's name.")
    parent_id: strawberry.ID = strawberry.field(description="Its building group.")
    address: str = strawberry.field(default="", description="Address.")
    phone: str = strawberry.field(default="", description="Phone number.")
    central: bool = strawberry.field(default=False, description="Central household (党员中心户).")


@strawberry.input(description="A cadre to add, or the new fields of an existing one.")
class MemberInput:
    id: strawberry.ID = strawberry.field(description="Member id.")
    name: str = strawberry.field(description="Name.")
    phone: str = strawberry.field(default="", description="Phone number.")
    work_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Dispatching work unit."
    )
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="Community the cadre reported to."
    )


@strawberry.input(description="A cadre to cover a household.")
class AssignInput:
    member_id: strawberry.ID = strawberry.field(description="The cadre.")
    household_id: strawberry.ID = strawberry.field(description="The household.")
    mode: AssignmentMode = strawberry.field(description="How the cover came about.")
    since: date = strawberry.field(description="Start date.")


@strawberry.input(description="A dated points entry for a cadre.")
class PointsInput:
    id: strawberry.ID = strawberry.field(description="Entry id (re-using one replaces it).")
    member_id: strawberry.ID = strawberry.field(description="The cadre.")
    day: date = strawberry.field(description="Date earned.")
    points: int = strawberry.field(description="Points (negative for a penalty).")
    reason: str = strawberry.field(default="", description="What for.")


@strawberry.type(description="A cadre covering a household.")
class Assignment:
    member: Member = strawberry.field(description="The cadre.")
    household: Household = strawberry.field(description="The household.")
    mode: AssignmentMode = strawberry.field(description="How.")
    since: date = strawberry.field(description="Since when.")


@strawberry.type(description="What a delete removed.")
class DeleteResult:
    deleted_count: int = strawberry.field(description="Units and households removed.")


IdArg = Annotated[strawberry.ID, strawberry.argument(description="Id of the unit.")]


@strawberry.type
class Mutation(ServiceMutation, SupplyMutation):
    @strawberry.mutation(description="Add a street, community, branch or building group.")
    async def create_unit(self, info: Info, input: CreateUnitInput) -> OrgNode:
        unit = entities.Unit(
            str(input.id),
            input.name,
            input.level.domain(),
            str(input.parent_id) if input.parent_id is not None else None,
        )
        return org_node(await info.context.store.create_unit(unit))

    @strawberry.mutation(description="Rename a unit.")
    async def rename_unit(self, info: Info, id: IdArg, name: str) -> OrgNode:
        return org_node(await info.context.store.rename_unit(str(id), name))

    @strawberry.mutation(description="Hang a unit, with its subtree, under another parent.")
    async def move_unit(self, info: Info, id: IdArg, parent_id: strawberry.ID) -> OrgNode:
        return org_node(await info.context.store.move_unit(str(id), str(parent_id)))

    @strawberry.mutation(
        description="Delete a unit or household; a unit with children only with cascade: true."
    )
    async def delete_unit(self, info: Info, id: IdArg, cascade: bool = False) -> DeleteResult:
        return DeleteResult(deleted_count=await info.context.store.delete_unit(str(id), cascade))

    @strawberry.mutation(description="Add a household or update its fields.")
    async def upsert_household(self, info: Info, input: HouseholdInput) -> Household:
        household = entities.Household(
            str(input.id),
            input.name,
            str(input.parent_id),
            input.address,
            input.phone,
            input.central,
        )
        return household_of(await info.context.store.upsert_household(household))

    @strawberry.mutation(description="Add a cadre or update their fields.")
    async def upsert_member(self, info: Info, input: MemberInput) -> Member:
        member = entities.Member(
            str(input.id),
            input.name,
            input.phone,
            str(input.work_unit_id) if input.work_unit_id is not None else None,
            str(input.community_id) if input.community_id is not None else None,
        )
        return Member.of(await info.context.store.upsert_member(member))

    @strawberry.mutation(description="Add a work unit or rename it.")
    async def upsert_work_unit(self, info: Info, id: strawberry.ID, name: str) -> WorkUnit:
        saved = await info.context.store.upsert_work_unit(entities.WorkUnit(str(id), name))
        return WorkUnit(id=strawberry.ID(saved.id), name=saved.name)

    @strawberry.mutation(description="Make a cadre cover a household (包联).")
    async def assign_household(self, info: Info, input: AssignInput) -> Assignment:
        saved = await info.context.store.assign(
            entities.Assignment(
                str(input.member_id),
                str(input.household_id),
                entities.Mode(input.mode.value),
                input.since,
            )
        )
        return await _assignment(info, saved)

    @strawberry.mutation(
        description="End a cadre's cover of a household; the history keeps it (包保台账)."
    )
    async def unassign_household(
        self,
        info: Info,
        member_id: strawberry.ID,
        household_id: strawberry.ID,
        ended: Annotated[
            date | None,
            strawberry.argument(description="Date the cover ends (default: today)."),
        ] = None,
    ) -> bool:
        await info.context.store.unassign(str(member_id), str(household_id), ended)
        return True

    @strawberry.mutation(
        description="Move a household from one cadre to another in one step: the old cover "
        "ends on `since` (kept in the history as transferred) and the new one starts then."
    )
    async def transfer_household(
        self,
        info: Info,
        household_id: strawberry.ID,
        from_member_id: strawberry.ID,
        to_member_id: strawberry.ID,
        since: date,
        mode: AssignmentMode | None = None,
    ) -> Assignment:
        saved = await info.context.store.transfer(
            str(household_id),
            str(from_member_id),
            str(to_member_id),
            since,
            entities.Mode(mode.value) if mode is not None else None,
        )
        return await _assignment(info, saved)

    @strawberry.mutation(description="Record (or replace) a dated points entry (积分).")
    async def record_points(self, info: Info, input: PointsInput) -> PointsEntry:
        saved = await info.context.store.record_points(
            entities.PointsEntry(
                str(input.id), str(input.member_id), input.day, input.points, input.reason
            )
        )
        return PointsEntry(
            id=strawberry.ID(saved.id), day=saved.day, points=saved.points, reason=saved.reason
        )


async def _assignment(info: Info, saved: entities.Assignment) -> Assignment:
    """The API view of a stored assignment: both parties read back in one batch.

    A concurrent delete can remove a party between the write and this read; the caller then
    learns which id is gone now (UNKNOWN_ID), as a later read of it would answer.
    """
    member, household = await info.context.store.get_nodes([saved.member_id, saved.household_id])
    if not isinstance(member, entities.Member):
        raise UnknownIdError([saved.member_id], "member")
    if not isinstance(household, entities.Household):
        raise UnknownIdError([saved.household_id], "household")
    return Assignment(
        member=Member.of(member),
        household=household_of(household),
        mode=mode_of(saved.mode),
        since=saved.since,
    )
