"""The GraphQL schema, composed from the areas' Query and Mutation classes."""

from collections.abc import Callable
from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from api.graphql.areas import (
    browse,
    dora,
    explore,
    influence,
    ingest,
    quality,
    sources,
    tokens,
    trace,
)
from api.graphql.compose import ComposedReads
from api.graphql.limits import Limits, RequestLimits
from api.graphql.permissions import IntrospectionForAdmins
from api.graphql.types.base import MAX_PAGE
from api.graphql.types.convert import TYPES
from api.graphql.types.scalars import DATETIME
from graph.errors import GraphError
from graph.settings import ConfigError, Settings

Query = merge_types(
    "Query",
    (
        browse.Query,
        trace.Query,
        dora.Query,
        explore.Query,
        tokens.Query,
        quality.Query,
        sources.Query,
    ),
)
#: Distinct query texts whose parse is kept (ParserCache).
PARSED_DOCUMENTS = 256

Mutation = merge_types("Mutation", (ingest.Mutation, influence.Mutation, tokens.Mutation))


def _should_mask(error: GraphQLError) -> bool:
    # Query errors (syntax, validation) and domain errors carry messages written for
    # users; anything else may leak internals (Cypher text, stack frames) and is
    # replaced by a generic message; strawberry logs the original.
    original = error.original_error
    if original is None or isinstance(original, GraphError):
        return False
    # A variable's value its type refuses (found by tests/fuzz): graphql-core reports it
    # before anything runs, as "Variable '$v' got invalid value ...", with the scalar
    # parser's exception as original; the message is about the input, so it is kept.
    return not (error.path is None and error.message.startswith("Variable '$"))


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the request limits, introspection and error masking `settings` ask
    for (SECURITY.md); extensions are built per request, so no state is shared."""
    if settings.graphql_max_page > MAX_PAGE:
        raise ConfigError(f"VSG_GRAPHQL_MAX_PAGE can be at most {MAX_PAGE}")
    limits = Limits(
        max_page=settings.graphql_max_page,
        max_cost=settings.graphql_max_cost,
        max_window_days=settings.graphql_max_window_days,
        max_window_points=settings.graphql_max_window_points,
        max_forecast_work=settings.graphql_max_forecast_work,
    )
    # The depth and alias rules are made once, not per request: the validation cache is
    # keyed by the rule classes, and each limiter makes a new class when constructed.
    rules = [
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        # Dashboards and pages send the same few documents again and again: parse and
        # validate each once (bounded LRUs, keyed by the text and the token limit, then
        # by the parsed document and the rules). Validating the dashboard's document
        # costs more than some of the reads it makes.
        lambda: ParserCache(maxsize=PARSED_DOCUMENTS),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=PARSED_DOCUMENTS),
        # After the cache: pages and cost depend on the variables, so they are checked
        # beside the cached validation, never as a rule of it (api/graphql/limits.py).
        lambda: RequestLimits(limits),
        lambda: MaskErrors(should_mask_error=_should_mask),
        # A top-level list and the relation fields below it in one statement.
        ComposedReads,
    ]
    if not settings.introspection:
        extensions.append(IntrospectionForAdmins)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=list(TYPES.values()),
        extensions=extensions,
        # Plain dates where the CLI and the exports take them (api/graphql/types/scalars.py).
        scalar_overrides={datetime: DATETIME},
    )


#: The schema with the default settings (tests and tools that need no server import it).
schema = build_schema(Settings())
