"""Traceability gaps: where the chain from work to customer breaks.

Each gap is counted whole and listed a page at a time: a large stream has thousands of
done features without feedback, and listing each one is a node read per entry and a
long answer (2,566 entries, 234 KiB, on the 1M demo's largest stream, for a page that
shows 30). The lists are in key order; `after` (the key of the last entry shown) pages
on.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.inputs import ANALYSIS_WINDOW
from api.graphql.types.analysis.nodes import CommitRef, WorkItemRef
from api.graphql.types.base import MAX_PAGE, page_size
from graph.analysis import stream as stream_analysis
from graph.model import Label

#: Entries a gap lists without `first`.
GAPS_PAGE = 20

FirstArg = Annotated[
    int,
    strawberry.argument(
        description=f"How many to list (default {GAPS_PAGE}, at most {MAX_PAGE}, the page "
        "limit); the count field says how many there are in all."
    ),
]
AfterArg = Annotated[
    str | None,
    strawberry.argument(
        description="The key of the last entry of the previous page: the list goes on after "
        "it (null: from the first)."
    ),
]


def page(keys: list[str], first: int, after: str | None) -> list[str]:
    """The `first` of `keys` (sorted) that come after `after`."""
    start = 0 if after is None else bisect_right(keys, after)
    return keys[start : start + page_size(first)]


@strawberry.type(
    description="Where the chain from work to customer breaks in a value stream's product "
    "(deployments to one environment, production by default). Each list gives a page, in "
    "key order, and its count field the exact number in all." + ANALYSIS_WINDOW
)
class TraceabilityGaps:
    commit_ids: strawberry.Private[list[str]]
    undeployed_ids: strawberry.Private[list[str]]
    no_feedback_ids: strawberry.Private[list[str]]

    @strawberry.field(
        description="Commits shipped by deployments finished in the window that implement no "
        "work item (neither themselves nor through a pull request): a page of them."
    )
    async def commits_without_work_item(
        self, info: Info, first: FirstArg = GAPS_PAGE, after: AfterArg = None
    ) -> list[CommitRef]:
        return await nodes.of_label(info, Label.COMMIT, page(self.commit_ids, first, after))

    @strawberry.field(
        description="Features done in the window none of whose stories (or itself) a "
        "deployed commit implements: a page of them."
    )
    async def done_features_not_deployed(
        self, info: Info, first: FirstArg = GAPS_PAGE, after: AfterArg = None
    ) -> list[WorkItemRef]:
        return await nodes.work_items(info, page(self.undeployed_ids, first, after))

    @strawberry.field(
        description="Features done in the window and deployed that no feedback is ABOUT: a "
        "page of them."
    )
    async def deployed_features_without_feedback(
        self, info: Info, first: FirstArg = GAPS_PAGE, after: AfterArg = None
    ) -> list[WorkItemRef]:
        return await nodes.work_items(info, page(self.no_feedback_ids, first, after))

    @strawberry.field(description="How many commits commitsWithoutWorkItem has in all.")
    def commits_without_work_item_count(self) -> int:
        return len(self.commit_ids)

    @strawberry.field(description="How many features doneFeaturesNotDeployed has in all.")
    def done_features_not_deployed_count(self) -> int:
        return len(self.undeployed_ids)

    @strawberry.field(description="How many features deployedFeaturesWithoutFeedback has in all.")
    def deployed_features_without_feedback_count(self) -> int:
        return len(self.no_feedback_ids)


async def traceability_gaps(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None, environment: str
) -> TraceabilityGaps:
    """The traceabilityGaps field."""
    delivery = await inputs.delivery(
        info, value_stream, inputs.window(info, start, end), environment
    )
    gaps = await info.context.run(stream_analysis.traceability_gaps_of, delivery)
    return TraceabilityGaps(
        commit_ids=list(gaps.commits_without_work_item),
        undeployed_ids=list(gaps.done_features_not_deployed),
        no_feedback_ids=list(gaps.deployed_features_without_feedback),
    )
