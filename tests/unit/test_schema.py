"""The GraphQL schema documents itself: every type, field and argument has a description."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from api.schema import schema


def test_every_type_and_field_has_a_description() -> None:
    missing: list[str] = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {
            "String",
            "Int",
            "Float",
            "Boolean",
            "ID",
            "DateTime",
            "JSON",
        }:
            continue
        if name not in {"Query", "Mutation"} and not graphql_type.description:
            missing.append(name)
        if isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
        elif isinstance(graphql_type, GraphQLEnumType | GraphQLUnionType):
            continue
    assert missing == []
