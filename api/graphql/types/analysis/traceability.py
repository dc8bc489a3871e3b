"""Traceability gaps: where the chain from work to customer breaks."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.inputs import ANALYSIS_WINDOW
from api.graphql.types.analysis.nodes import CommitRef, WorkItemRef
from graph.analysis import stream as stream_analysis
from graph.model import Label


@strawberry.type(
    description="Where the chain from work to customer breaks in a value stream's product "
    "(deployments to one environment, production by default)." + ANALYSIS_WINDOW
)
class TraceabilityGaps:
    commit_ids: strawberry.Private[list[str]]
    undeployed_ids: strawberry.Private[list[str]]
    no_feedback_ids: strawberry.Private[list[str]]

    @strawberry.field(
        description="Commits shipped by deployments finished in the window that implement no "
        "work item (neither themselves nor through a pull request)."
    )
    async def commits_without_work_item(self, info: Info) -> list[CommitRef]:
        return await nodes.of_label(info, Label.COMMIT, self.commit_ids)

    @strawberry.field(
        description="Features done in the window none of whose stories (or itself) a "
        "deployed commit implements."
    )
    async def done_features_not_deployed(self, info: Info) -> list[WorkItemRef]:
        return await nodes.work_items(info, self.undeployed_ids)

    @strawberry.field(
        description="Features done in the window and deployed that no feedback is ABOUT."
    )
    async def deployed_features_without_feedback(self, info: Info) -> list[WorkItemRef]:
        return await nodes.work_items(info, self.no_feedback_ids)

    @strawberry.field(description="How many commits are in commitsWithoutWorkItem.")
    def commits_without_work_item_count(self) -> int:
        return len(self.commit_ids)

    @strawberry.field(description="How many features are in doneFeaturesNotDeployed.")
    def done_features_not_deployed_count(self) -> int:
        return len(self.undeployed_ids)

    @strawberry.field(description="How many features are in deployedFeaturesWithoutFeedback.")
    def deployed_features_without_feedback_count(self) -> int:
        return len(self.no_feedback_ids)


async def traceability_gaps(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None, environment: str
) -> TraceabilityGaps:
    """The traceabilityGaps field."""
    window = inputs.window(info, start, end)
    delivery = await inputs.delivery(info, value_stream, window, environment)
    gaps = await info.context.run(stream_analysis.traceability_gaps_of, delivery)
    return TraceabilityGaps(
        commit_ids=list(gaps.commits_without_work_item),
        undeployed_ids=list(gaps.done_features_not_deployed),
        no_feedback_ids=list(gaps.deployed_features_without_feedback),
    )
