"""The GraphQL schema, composed from the areas' Query and Mutation classes."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.tools import merge_types

from api.areas import browse, dora, influence, ingest, trace
from api.types.convert import TYPES
from graph.errors import GraphError

Query = merge_types("Query", (browse.Query, trace.Query, dora.Query))
Mutation = merge_types("Mutation", (ingest.Mutation, influence.Mutation))


def _should_mask(error: GraphQLError) -> bool:
    # Query errors (syntax, validation) and domain errors carry messages written for
    # users; anything else may leak internals (Cypher text, stack frames) and is
    # replaced by a generic message; strawberry logs the original.
    original = error.original_error
    return original is not None and not isinstance(original, GraphError)


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=list(TYPES.values()),
    extensions=[lambda: MaskErrors(should_mask_error=_should_mask)],
)
