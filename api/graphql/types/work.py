"""The GraphQL type of work items (initiatives, epics, features, stories, defects...)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import Node
from api.graphql.types.organisation import Product, Team
from api.graphql.types.resolve import follow_many, follow_one, number, related, text
from api.graphql.types.stream import Stage, StageVisit
from graph.model import Traversal
from graph.model import WorkItemKind as DomainKind

if TYPE_CHECKING:
    from api.graphql.types.delivery import Commit, PullRequest
    from api.graphql.types.outcomes import Feedback

CommitRef = Annotated["Commit", strawberry.lazy("api.graphql.types.delivery")]
PullRequestRef = Annotated["PullRequest", strawberry.lazy("api.graphql.types.delivery")]
FeedbackRef = Annotated["Feedback", strawberry.lazy("api.graphql.types.outcomes")]

# The domain enum itself, registered with GraphQL (its values are the label names).
strawberry.enum(DomainKind, name="WorkItemKind", description="What kind of flow item it is.")


@strawberry.type(
    description="A unit of work on a product: Initiative > Epic > Feature > Story, or a "
    "Defect, Risk or Debt. Its stage history is the basis of every flow metric."
)
class WorkItem(Node):
    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self.domain.name

    @strawberry.field(description="Initiative, Epic, Feature, Story, Defect, Risk or Debt.")
    def kind(self) -> DomainKind:
        assert self.domain.kind is not None, "a work item node always carries its kind"
        return self.domain.kind

    @strawberry.field(description="Flow Framework type: feature, defect, risk or debt.")
    def flow_type(self) -> str | None:
        return text(self.domain, "flowType")

    @strawberry.field(description="When the item was created in its tool (UTC).")
    def created_at(self) -> datetime | None:
        return self.domain.time("createdAt")

    @strawberry.field(description="Priority as the tool gives it.")
    def priority(self) -> str | None:
        return text(self.domain, "priority")

    @strawberry.field(description="Size estimate in points.")
    def points(self) -> float | None:
        return number(self.domain, "points")

    @strawberry.field(description="The item this one is part of (PARENT_OF).")
    async def parent(self, info: Info) -> "WorkItem | None":
        return await follow_one(info, Traversal.WORK_ITEM_PARENT, self, WorkItem)

    @strawberry.field(description="Items this one is broken down into (PARENT_OF).")
    async def children(self, info: Info) -> list["WorkItem"]:
        return await follow_many(info, Traversal.WORK_ITEM_CHILDREN, self)

    @strawberry.field(description="The product the item is for (FOR_PRODUCT).")
    async def product(self, info: Info) -> Product | None:
        return await follow_one(info, Traversal.WORK_ITEM_PRODUCT, self, Product)

    @strawberry.field(description="The team that owns the item (OWNS).")
    async def team(self, info: Info) -> Team | None:
        return await follow_one(info, Traversal.WORK_ITEM_TEAM, self, Team)

    @strawberry.field(description="Stays in value-stream stages, oldest first (IN_STAGE).")
    async def stage_history(self, info: Info) -> list[StageVisit]:
        found = await related(info, Traversal.WORK_ITEM_VISITS, self)
        return [
            StageVisit(
                stage=Stage.from_domain(r.node),
                entered_at=r.rel["enteredAt"],
                exited_at=r.rel.get("exitedAt"),
            )
            for r in found
        ]

    @strawberry.field(description="Items that block this one (BLOCKED_BY).")
    async def blocked_by(self, info: Info) -> list["WorkItem"]:
        return await follow_many(info, Traversal.WORK_ITEM_BLOCKED_BY, self)

    @strawberry.field(description="Commits implementing the item (IMPLEMENTS).")
    async def commits(self, info: Info) -> list[CommitRef]:
        return await follow_many(info, Traversal.WORK_ITEM_COMMITS, self)

    @strawberry.field(description="Pull requests implementing the item (IMPLEMENTS).")
    async def pull_requests(self, info: Info) -> list[PullRequestRef]:
        return await follow_many(info, Traversal.WORK_ITEM_PULL_REQUESTS, self)

    @strawberry.field(
        description="Customer feedback about the item (ABOUT), or that it was raised from "
        "(RAISED_FROM, raiseBacklogItem)."
    )
    async def feedback(self, info: Info) -> list[FeedbackRef]:
        return await follow_many(info, Traversal.WORK_ITEM_FEEDBACK, self)
