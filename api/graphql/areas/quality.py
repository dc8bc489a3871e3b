"""The data-quality report: why a number is empty or doubtful."""

import strawberry

from api.graphql.context import Info
from api.graphql.types.dora import ProductionPatternArg
from api.graphql.types.dora import production_pattern as _pattern
from api.graphql.types.quality import DataQuality
from graph.read.quality import data_quality


@strawberry.type
class Query:
    @strawberry.field(
        description="What makes the flow and DORA numbers empty or doubtful over the whole "
        "graph: unmapped tool states, items without a product or stream, deployments without "
        "commits, pull requests without a merge commit, contradictory timestamps, pending "
        "references, environments never read as production, discarded items."
    )
    async def data_quality(
        self, info: Info, production_pattern: ProductionPatternArg = None
    ) -> DataQuality:
        pattern = _pattern(info, production_pattern)
        return DataQuality.from_domain(await data_quality(info.context.store, pattern))
