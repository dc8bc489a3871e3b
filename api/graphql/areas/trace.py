"""Tracing a work item from the portfolio to the customer."""

import strawberry

from api.graphql.context import Info
from api.graphql.types.trace import Trace
from graph.read import trace as tracing


@strawberry.type
class Query:
    @strawberry.field(
        description="Follow a work item (by key, e.g. PAY-123) from its business line and "
        "portfolio ancestors through its descendants, code, builds, deployments and releases "
        "to incidents and customer feedback, with milestones and the time between them. "
        "Null if there is no such work item."
    )
    async def trace(self, info: Info, work_item_id: strawberry.ID) -> Trace | None:
        found = await tracing.trace(info.context.store, str(work_item_id))
        return Trace.from_domain(found) if found else None
