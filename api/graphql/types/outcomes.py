"""GraphQL types of outcomes: incidents and customer feedback."""

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import Node
from api.graphql.types.delivery import Deployment
from api.graphql.types.organisation import Product
from api.graphql.types.resolve import follow_many, number, related, text
from api.graphql.types.work import WorkItem
from graph.model import Traversal


@strawberry.type(description="A deployment an incident is attributed to.")
class IncidentCause:
    deployment: Deployment = strawberry.field(description="The deployment.")
    inferred: bool = strawberry.field(
        description="True when attributed by rule (latest earlier successful deployment), "
        "false when the incident record named it."
    )


@strawberry.type(description="A production incident.")
class Incident(Node):
    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self.domain.name

    @strawberry.field(description="Severity as the incident tool gives it, e.g. SEV1.")
    def severity(self) -> str:
        return text(self.domain, "severity") or ""

    @strawberry.field(description="When it was opened (UTC).")
    def created_at(self) -> datetime | None:
        return self.domain.time("createdAt")

    @strawberry.field(description="When it was resolved (UTC); null while open.")
    def resolved_at(self) -> datetime | None:
        return self.domain.time("resolvedAt")

    @strawberry.field(description="Deployments the incident is attributed to (CAUSED_BY).")
    async def caused_by(self, info: Info) -> list[IncidentCause]:
        found = await related(info, Traversal.INCIDENT_DEPLOYMENTS, self)
        return [
            IncidentCause(
                deployment=Deployment.from_domain(r.node), inferred=bool(r.rel.get("inferred"))
            )
            for r in found
        ]

    @strawberry.field(description="Products affected (AFFECTS).")
    async def products(self, info: Info) -> list[Product]:
        return await follow_many(info, Traversal.INCIDENT_PRODUCTS, self)


@strawberry.type(description="Customer feedback: a ticket, survey answer or review.")
class Feedback(Node):
    @strawberry.field(description="Title or first line.")
    def title(self) -> str:
        return self.domain.name

    @strawberry.field(description="Where it came from, e.g. support, nps, app-store.")
    def channel(self) -> str:
        return text(self.domain, "channel") or ""

    @strawberry.field(description="positive, neutral or negative.")
    def sentiment(self) -> str | None:
        return text(self.domain, "sentiment")

    @strawberry.field(description="Score as the channel gives it (e.g. NPS 0-10).")
    def score(self) -> float | None:
        return number(self.domain, "score")

    @strawberry.field(description="When it was given (UTC).")
    def created_at(self) -> datetime | None:
        return self.domain.time("createdAt")

    @strawberry.field(description="Work items it is about (ABOUT).")
    async def work_items(self, info: Info) -> list[WorkItem]:
        return await follow_many(info, Traversal.FEEDBACK_WORK_ITEMS, self)

    @strawberry.field(description="Products it is about (ABOUT).")
    async def products(self, info: Info) -> list[Product]:
        return await follow_many(info, Traversal.FEEDBACK_PRODUCTS, self)

    @strawberry.field(
        description="Work items raised because of it: those it led to (LED_TO) and those "
        "raised from it as evidence (RAISED_FROM, raiseBacklogItem)."
    )
    async def led_to(self, info: Info) -> list[WorkItem]:
        return await follow_many(info, Traversal.FEEDBACK_LED_TO, self)
