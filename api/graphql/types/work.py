"""The GraphQL type of work items (initiatives, epics, features, stories, defects...)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import Node
from api.graphql.types.delivery import Commit, PullRequest
from api.graphql.types.organisation import Product, Team
from api.graphql.types.resolve import number, one_related, related, related_nodes, text
from api.graphql.types.stream import Stage, StageVisit
from graph.model import WorkItemKind as DomainKind

if TYPE_CHECKING:
    from api.graphql.types.outcomes import Feedback

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
        node = await one_related(info, "work_item_parent", self.domain.id)
        return WorkItem.from_domain(node) if node else None

    @strawberry.field(description="Items this one is broken down into (PARENT_OF).")
    async def children(self, info: Info) -> list["WorkItem"]:
        nodes = await related_nodes(info, "work_item_children", self.domain.id)
        return [WorkItem.from_domain(n) for n in nodes]

    @strawberry.field(description="The product the item is for (FOR_PRODUCT).")
    async def product(self, info: Info) -> Product | None:
        node = await one_related(info, "work_item_product", self.domain.id)
        return Product.from_domain(node) if node else None

    @strawberry.field(description="The team that owns the item (OWNS).")
    async def team(self, info: Info) -> Team | None:
        node = await one_related(info, "work_item_team", self.domain.id)
        return Team.from_domain(node) if node else None

    @strawberry.field(description="Stays in value-stream stages, oldest first (IN_STAGE).")
    async def stage_history(self, info: Info) -> list[StageVisit]:
        found = await related(info, "work_item_visits", self.domain.id)
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
        nodes = await related_nodes(info, "work_item_blocked_by", self.domain.id)
        return [WorkItem.from_domain(n) for n in nodes]

    @strawberry.field(description="Commits implementing the item (IMPLEMENTS).")
    async def commits(self, info: Info) -> list[Commit]:
        nodes = await related_nodes(info, "work_item_commits", self.domain.id)
        return [Commit.from_domain(n) for n in nodes]

    @strawberry.field(description="Pull requests implementing the item (IMPLEMENTS).")
    async def pull_requests(self, info: Info) -> list[PullRequest]:
        nodes = await related_nodes(info, "work_item_pull_requests", self.domain.id)
        return [PullRequest.from_domain(n) for n in nodes]

    @strawberry.field(
        description="Customer feedback about the item (ABOUT), or that it was raised from "
        "(RAISED_FROM, raiseBacklogItem)."
    )
    async def feedback(self, info: Info) -> list[FeedbackRef]:
        from api.graphql.types.outcomes import Feedback

        nodes = await related_nodes(info, "work_item_feedback", self.domain.id)
        return [Feedback.from_domain(n) for n in nodes]
