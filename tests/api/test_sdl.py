"""The published SDL file is the schema the code serves, and every part of it is described."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from orggraph.api.schema import schema
from orggraph.api.sdl import SDL_PATH, current_sdl


def test_sdl_file_matches_the_code() -> None:
    assert SDL_PATH.exists(), f"{SDL_PATH} is missing: run `orggraph schema sdl`"
    assert SDL_PATH.read_text(encoding="utf-8") == current_sdl(), (
        "schema/orggraph.graphql differs from the code: run `orggraph schema sdl`"
    )


def test_every_type_and_field_has_a_description() -> None:
    missing: list[str] = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(
            graphql_type,
            GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType | GraphQLEnumType,
        ):
            continue
        if name not in ("Query", "Mutation") and not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value}"
                for value, definition in graphql_type.values.items()
                if not definition.description
            ]
            continue
        missing += [
            f"{name}.{field}"
            for field, definition in graphql_type.fields.items()
            if not definition.description
        ]
    assert missing == []
