"""The GraphQL schema (the minimal first cut: service info and the streets)."""

from __future__ import annotations

import strawberry

from orggraph import __version__
from orggraph.api.context import Info
from orggraph.domain.entities import Unit


@strawberry.type(description="A street working committee (街道大工委), the top of the chain.")
class Street:
    id: strawberry.ID = strawberry.field(description="Stable external id.")
    name: str = strawberry.field(description="Name, as in the ledger.")


@strawberry.type
class Query:
    @strawberry.field(description="The orggraph version serving this API.")
    def version(self) -> str:
        return __version__

    @strawberry.field(description="Which store answers: `memory` (embedded) or `neo4j`.")
    def store(self, info: Info) -> str:
        return info.context.store.name

    @strawberry.field(description="The street working committees (街道大工委), ordered by id.")
    async def streets(self, info: Info) -> list[Street]:
        page = await info.context.store.children(None, first=500)
        return [
            Street(id=strawberry.ID(unit.id), name=unit.name)
            for unit in page.items
            if isinstance(unit, Unit)
        ]


schema = strawberry.Schema(query=Query)
