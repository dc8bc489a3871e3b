"""GraphQL types of a trace: a work item's lineage, delivery, outcomes and milestones."""

from collections import defaultdict
from datetime import datetime

import strawberry

from api.graphql.types.delivery import Build, Commit, Deployment, PullRequest, Release
from api.graphql.types.organisation import BusinessLine, Product
from api.graphql.types.outcomes import Feedback, Incident, IncidentCause
from api.graphql.types.work import WorkItem
from graph.read.trace import Trace as DomainTrace


@strawberry.type(description="A point in a work item's life; `at` is null until it happens.")
class Milestone:
    name: str = strawberry.field(
        description="conceived, started, firstCommit, merged, firstProductionDeployment, "
        "released or firstFeedback."
    )
    at: datetime | None = strawberry.field(description="When it happened (UTC), or null.")


@strawberry.type(description="Time between two consecutive milestones that both happened.")
class MilestoneGap:
    start: str = strawberry.field(description="The earlier milestone's name.")
    end: str = strawberry.field(description="The later milestone's name.")
    hours: float = strawberry.field(description="Hours from `start` to `end`.")


@strawberry.type(description="Deployments of a trace to one environment.")
class EnvironmentDeployments:
    environment: str = strawberry.field(description="e.g. staging or production.")
    deployments: list[Deployment] = strawberry.field(description="Oldest first.")


@strawberry.type(description="An incident of a trace and the deployment it is attributed to.")
class TracedIncident:
    incident: Incident = strawberry.field(description="The incident.")
    cause: IncidentCause = strawberry.field(description="The deployment that caused it.")


@strawberry.type(
    description="A work item followed from the portfolio (business line, product, ancestors) "
    "through its breakdown and delivery (commits, pull requests, builds, deployments, "
    "releases) to outcomes (incidents, customer feedback)."
)
class Trace:
    item: WorkItem = strawberry.field(description="The traced work item.")
    business_line: BusinessLine | None = strawberry.field(description="Its business line.")
    product: Product | None = strawberry.field(
        description="Its product (or its nearest ancestor's)."
    )
    ancestors: list[WorkItem] = strawberry.field(
        description="Initiative/epic/feature above it, root first."
    )
    descendants: list[WorkItem] = strawberry.field(
        description="Everything below it, nearest first."
    )
    pull_requests: list[PullRequest] = strawberry.field(
        description="Pull requests implementing it or its descendants."
    )
    commits: list[Commit] = strawberry.field(
        description="Commits implementing it or its descendants, and their merge commits."
    )
    builds: list[Build] = strawberry.field(description="Builds of those commits.")
    deployments: list[EnvironmentDeployments] = strawberry.field(
        description="Deployments that shipped those commits, per environment."
    )
    releases: list[Release] = strawberry.field(
        description="Releases including those deployments or delivering the items."
    )
    incidents: list[TracedIncident] = strawberry.field(
        description="Incidents caused by those deployments."
    )
    feedback: list[Feedback] = strawberry.field(
        description="Customer feedback about it or its descendants, or that it was raised "
        "from (RAISED_FROM)."
    )
    milestones: list[Milestone] = strawberry.field(
        description="conceived, started (first entry into an active or waiting stage of it or "
        "a descendant), firstCommit, merged, firstProductionDeployment, released, "
        "firstFeedback — in that order, each with its time or null."
    )
    durations: list[MilestoneGap] = strawberry.field(
        description="Hours between each milestone reached and the next one reached."
    )

    @classmethod
    def from_domain(cls, trace: DomainTrace) -> "Trace":
        """Map a domain trace."""
        by_environment: dict[str, list[Deployment]] = defaultdict(list)
        deployments: dict[str, Deployment] = {}
        for node in trace.deployments:
            deployments[node.id] = Deployment.from_domain(node)
            by_environment[str(node.get("environment"))].append(deployments[node.id])
        return cls(
            item=WorkItem.from_domain(trace.item),
            business_line=BusinessLine.from_domain(trace.business_line)
            if trace.business_line
            else None,
            product=Product.from_domain(trace.product) if trace.product else None,
            ancestors=[WorkItem.from_domain(n) for n in trace.ancestors],
            descendants=[WorkItem.from_domain(n) for n in trace.descendants],
            pull_requests=[PullRequest.from_domain(n) for n in trace.pull_requests],
            commits=[Commit.from_domain(n) for n in trace.commits],
            builds=[Build.from_domain(n) for n in trace.builds],
            deployments=[
                EnvironmentDeployments(environment=env, deployments=items)
                for env, items in sorted(by_environment.items())
            ],
            releases=[Release.from_domain(n) for n in trace.releases],
            incidents=[
                TracedIncident(
                    incident=Incident.from_domain(c.incident),
                    cause=IncidentCause(
                        deployment=deployments[c.deployment_id], inferred=c.inferred
                    ),
                )
                for c in trace.incidents
            ],
            feedback=[Feedback.from_domain(n) for n in trace.feedback],
            milestones=[Milestone(name=m.name, at=m.at) for m in trace.milestones],
            durations=[MilestoneGap(start=g.start, end=g.end, hours=g.hours) for g in trace.gaps],
        )
