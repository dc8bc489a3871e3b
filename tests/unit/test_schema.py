"""The GraphQL schema documents itself: every type, field and argument has a description."""

from __future__ import annotations

import re

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    parse,
    validate,
)

from api.graphql.schema import schema
from graph.settings import REPO_ROOT


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


def test_the_ide_and_readme_example_queries_are_valid() -> None:
    # The first query a newcomer sees (GraphiQL's default) and the README's examples
    # must keep matching the schema as it changes.
    page = (REPO_ROOT / "api/web/graphiql.html").read_text(encoding="utf-8")
    ide_query = re.search(r"const defaultQuery = `(.*?)`;", page, re.DOTALL)
    assert ide_query is not None
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    readme_queries = re.findall(r"```graphql\n(.*?)```", readme, re.DOTALL)
    assert readme_queries
    for query in [ide_query.group(1), *readme_queries]:
        assert validate(schema._schema, parse(query)) == [], query
