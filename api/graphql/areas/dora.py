"""DORA's four keys for a set of repositories (a product's are on `Product.dora`)."""

import strawberry

from api.graphql.context import Info
from api.graphql.types.dora import (
    DoraMetrics,
    EnvironmentArg,
    FromArg,
    ProductionPatternArg,
    ToArg,
    repositories_dora,
)
from graph.metrics.dora import PRODUCTION


@strawberry.type
class Query:
    @strawberry.field(
        description="DORA's four keys for the deployments whose head commit is in one of the "
        "repositories (by id), in one environment over [from, to); incidents count when "
        "attributed (CAUSED_BY) to those deployments. Definitions on the result types."
    )
    async def dora(
        self,
        info: Info,
        repositories: list[strawberry.ID],
        from_: FromArg = None,
        to: ToArg = None,
        environment: EnvironmentArg = PRODUCTION,
        production_pattern: ProductionPatternArg = None,
    ) -> DoraMetrics:
        ids = [str(r) for r in repositories]
        return await repositories_dora(info, ids, from_, to, environment, production_pattern)
