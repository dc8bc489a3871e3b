"""GraphQL types of DORA's four keys; the descriptions carry the definitions."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import page_size, selects
from graph.metrics import dora, dora_queries
from graph.metrics.flow import Window
from graph.model import Label

if TYPE_CHECKING:
    from api.graphql.types.delivery import Deployment, PullRequest

PullRequestRef = Annotated["PullRequest", strawberry.lazy("api.graphql.types.delivery")]
DeploymentRef = Annotated["Deployment", strawberry.lazy("api.graphql.types.delivery")]

# The domain enum itself, registered with GraphQL.
strawberry.enum(
    dora.DoraLevel,
    name="DoraLevel",
    description="A DORA 2023 performance level: ELITE, HIGH, MEDIUM or LOW (bands in "
    "docs/metrics.md, DORA).",
)

FromArg = Annotated[
    datetime | None,
    strawberry.argument(
        name="from", description="Start of the window, inclusive (default: 90 days before `to`)."
    ),
]
ToArg = Annotated[
    datetime | None, strawberry.argument(description="End of the window, exclusive (default: now).")
]
EnvironmentArg = Annotated[
    str,
    strawberry.argument(
        description="Deployment environment, matched in any case (default: production: every "
        "environment whose whole name matches the production pattern, DevLake's (?i)prod.*)."
    ),
]
ProductionPatternArg = Annotated[
    str | None,
    strawberry.argument(
        description="The environment names that are production, a regular expression the "
        "whole name matches, in any case (default: the organisation's VSG_PRODUCTION_PATTERN, "
        "itself by default (?i)prod.*, DevLake's). Only read when the environment is "
        "production."
    ),
]
#: Changes listed unless `first` says otherwise.
CHANGES = 100


@strawberry.type(
    description="Deployment frequency: successful deployments that finished in the window, "
    "per day; the level comes from the median number of deployment days (UTC dates with a "
    "successful deployment) per week and per month, over whole 7- and 30-day periods "
    "counted back from the window's end: elite if >= 3 days a week, high if >= 1 day a "
    "week, medium if >= 1 day a month, else low."
)
class DeploymentFrequency:
    deployments: int = strawberry.field(
        description="Successful deployments that finished in the window."
    )
    per_day: float | None = strawberry.field(
        description="Deployments ÷ days in the window; null when there are none."
    )
    median_days_per_week: float | None = strawberry.field(
        description="Median number of deployment days per 7-day period; null when none."
    )
    median_days_per_month: float | None = strawberry.field(
        description="Median number of deployment days per 30-day period; null when none."
    )
    level: dora.DoraLevel | None = strawberry.field(description="DORA level; null without data.")


@strawberry.type(
    description="One change's lead time: from the earliest of its first commit and its pull "
    "request's opening to the end of the first successful deployment that shipped it (by "
    "the commit graph or by the deployment's commit list), never before its merge; with "
    "the steps coding (start -> opened), pickup (opened -> first review before the merge), "
    "review (first review, else opening -> merged) and deploy (merged -> end), in hours."
)
class Change:
    pull_request_id: strawberry.Private[str | None]
    deployment_id: strawberry.Private[str]
    key: str = strawberry.field(description="pr:<id> for a pull request, commit:<id> otherwise.")
    commit: str = strawberry.field(description="The commit shipped (a PR's merge commit).")
    title: str | None = strawberry.field(description="The PR's title, else the commit message.")
    first_commit_at: datetime = strawberry.field(description="Earliest authoredAt of its commits.")
    opened_at: datetime | None = strawberry.field(description="When the PR was opened.")
    first_review_at: datetime | None = strawberry.field(
        description="Its first review submitted before the merge (not before the opening)."
    )
    merged_at: datetime | None = strawberry.field(description="When the PR was merged.")
    deployed_at: datetime = strawberry.field(
        description="finishedAt of the first successful deployment that shipped it."
    )
    start: datetime = strawberry.field(description="Where its lead time starts.")
    end: datetime = strawberry.field(
        description="Where it ends: deployedAt, or the merge if later."
    )
    hours: float = strawberry.field(description="Lead time, end - start.")
    coding_hours: float | None = strawberry.field(description="start -> opened.")
    pickup_hours: float | None = strawberry.field(description="opened -> first review.")
    review_hours: float | None = strawberry.field(description="first review (or opened) -> merged.")
    deploy_hours: float | None = strawberry.field(description="merged -> end.")
    excluded: bool = strawberry.field(
        description="Left out of the median: first shipped by its repository's first tracked "
        "deployment through the commit graph (not named in its commit list)."
    )
    listed: bool = strawberry.field(description="The deployment's commit list names it.")
    findings: list[str] = strawberry.field(
        description="Timestamp contradictions found on it (data quality)."
    )

    @strawberry.field(description="The pull request, if the change is one.")
    async def pull_request(self, info: Info) -> PullRequestRef | None:
        from api.graphql.types.delivery import PullRequest

        if self.pull_request_id is None:
            return None
        node = await info.context.loaders.node(Label.PULL_REQUEST).load(self.pull_request_id)
        return PullRequest.from_domain(node) if node else None

    @strawberry.field(description="The deployment that first shipped it.")
    async def deployment(self, info: Info) -> DeploymentRef | None:
        from api.graphql.types.delivery import Deployment

        node = await info.context.loaders.node(Label.DEPLOYMENT).load(self.deployment_id)
        return Deployment.from_domain(node) if node else None

    @classmethod
    def from_domain(cls, c: dora.Change) -> "Change":
        """Map a measured change."""
        return cls(
            pull_request_id=c.pull_request,
            deployment_id=c.deployment,
            key=c.key,
            commit=c.commit,
            title=c.title,
            first_commit_at=c.first_commit_at,
            opened_at=c.opened_at,
            first_review_at=c.first_review_at,
            merged_at=c.merged_at,
            deployed_at=c.deployed_at,
            start=c.start,
            end=c.end,
            hours=c.hours,
            coding_hours=c.coding_hours,
            pickup_hours=c.pickup_hours,
            review_hours=c.review_hours,
            deploy_hours=c.deploy_hours,
            excluded=c.excluded,
            listed=c.listed,
            findings=[f.value for f in c.findings],
        )


@strawberry.type(description="How often a timestamp rule fired on the window's changes.")
class FindingCount:
    finding: str = strawberry.field(description="The rule.")
    count: int = strawberry.field(description="Changes it fired on.")


@strawberry.type(
    description="Lead time for changes: per pull request, the earliest of its first commit's "
    "authoredAt and its opening to finishedAt of the first successful deployment that "
    "shipped its merge commit (SHIPPED, or named in the deployment's commit list), never "
    "before the merge (per commit for shipped commits in no pull request), over changes "
    "whose first deployment finished in the window; changes first shipped by a "
    "repository's first tracked deployment through the commit graph are excluded (their "
    "history predates tracking). Level by the median: "
    "elite < 1 day, high < 1 week, medium < 30 days, else low."
)
class LeadTime:
    changes: int = strawberry.field(description="Changes counted.")
    excluded: int = strawberry.field(
        description="Changes left out: first shipped by a repository's first tracked deployment."
    )
    median_hours: float | None = strawberry.field(description="Median, hours; null if none.")
    p85_hours: float | None = strawberry.field(
        description="85th percentile (linear between closest ranks), hours; null if none."
    )
    level: dora.DoraLevel | None = strawberry.field(description="DORA level; null without data.")
    findings: list[FindingCount] = strawberry.field(
        description="Timestamp contradictions among the window's changes (data quality)."
    )
    measured: strawberry.Private[tuple[dora.Change, ...]]

    @strawberry.field(
        description="Each change first shipped in the window (counted and excluded), latest "
        "deployment first: the `first` of them (default 100, at most the page limit)."
    )
    def per_change(self, first: int = CHANGES) -> list[Change]:
        return [Change.from_domain(c) for c in self.measured[: page_size(first)]]


@strawberry.type(
    description="Change failure rate: successful deployments finished in the window with at "
    "least one incident CAUSED_BY them (explicit, or inferred: the latest successful "
    "deployment of the product and environment that finished strictly before the incident "
    "was created) ÷ successful deployments. Level: elite <= 5 %, high <= 10 %, medium "
    "<= 15 %, else low."
)
class ChangeFailureRate:
    deployments: int = strawberry.field(description="Successful deployments in the window.")
    failed: int = strawberry.field(description="Of those, deployments with an incident.")
    rate: float | None = strawberry.field(
        description="failed ÷ deployments, 0 to 1; null with no deployment."
    )
    level: dora.DoraLevel | None = strawberry.field(description="DORA level; null without data.")


@strawberry.type(
    description="Time to restore: median of resolvedAt - createdAt over incidents resolved "
    "in the window (for a product: incidents affecting it in the environment; for "
    "repositories: incidents attributed to their deployments). Level: elite < 1 hour, "
    "high < 1 day, medium < 1 week, else low."
)
class TimeToRestore:
    incidents: int = strawberry.field(description="Incidents resolved in the window.")
    unresolved: int = strawberry.field(
        description="Incidents created in the window and not resolved before its end."
    )
    median_hours: float | None = strawberry.field(description="Median, hours; null if none.")
    level: dora.DoraLevel | None = strawberry.field(description="DORA level; null without data.")


@strawberry.type(
    description="DORA's four keys for one environment over the window [from, to), UTC."
)
class DoraMetrics:
    from_: datetime = strawberry.field(name="from", description="Window start, inclusive.")
    to: datetime = strawberry.field(description="Window end, exclusive.")
    environment: str = strawberry.field(description="The deployment environment measured.")
    deployment_frequency: DeploymentFrequency = strawberry.field(
        description="How often successful deployments finish."
    )
    lead_time: LeadTime = strawberry.field(description="From first commit to deployment.")
    change_failure_rate: ChangeFailureRate = strawberry.field(
        description="Share of deployments that caused an incident."
    )
    time_to_restore: TimeToRestore = strawberry.field(
        description="How long incidents take to resolve."
    )

    @classmethod
    def from_domain(cls, value: dora.Dora) -> "DoraMetrics":
        """The GraphQL value of a domain result."""
        f, lt = value.deployment_frequency, value.lead_time
        cfr, ttr = value.change_failure_rate, value.time_to_restore
        return cls(
            from_=value.window.start,
            to=value.window.end,
            environment=value.environment,
            deployment_frequency=DeploymentFrequency(
                deployments=f.deployments,
                per_day=f.per_day,
                median_days_per_week=f.median_days_per_week,
                median_days_per_month=f.median_days_per_month,
                level=f.level,
            ),
            lead_time=LeadTime(
                changes=lt.changes,
                excluded=lt.excluded,
                median_hours=lt.median_hours,
                p85_hours=lt.p85_hours,
                level=lt.level,
                findings=[
                    FindingCount(finding=f.value, count=n) for f, n in (lt.findings or {}).items()
                ],
                measured=lt.per_change,
            ),
            change_failure_rate=ChangeFailureRate(
                deployments=cfr.deployments, failed=cfr.failed, rate=cfr.rate, level=cfr.level
            ),
            time_to_restore=TimeToRestore(
                incidents=ttr.incidents,
                unresolved=ttr.unresolved,
                median_hours=ttr.median_hours,
                level=ttr.level,
            ),
        )


def production_pattern(info: Info, given: str | None) -> str:
    """The production pattern of a request: the argument, else the organisation's setting."""
    return given if given is not None else info.context.settings.production_pattern


def window(start: datetime | None, end: datetime | None) -> Window:
    """The window of the arguments, with the defaults applied."""
    return Window.of(start, end, datetime.now(UTC))


async def product_dora(
    info: Info,
    product: str,
    start: datetime | None,
    end: datetime | None,
    environment: str,
    pattern: str | None = None,
) -> DoraMetrics:
    """Resolve `Product.dora`."""
    found = await dora_queries.product_dora(
        info.context.store,
        product,
        window(start, end),
        environment,
        production_pattern(info, pattern),
        details=details_selected(info),
    )
    return DoraMetrics.from_domain(found)


def details_selected(info: Info) -> bool:
    """Whether the request asks for what only a lead time's changes give: the changes
    themselves or the findings counted over them. Without either, the changes are read
    without titles and reviews (graph.metrics.dora_queries.product_dora)."""
    return any(selects(info, "leadTime", field) for field in ("perChange", "findings"))


async def repositories_dora(
    info: Info,
    repositories: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    environment: str,
    pattern: str | None = None,
) -> DoraMetrics:
    """Resolve the top-level `dora(repositories: ...)`."""
    found = await dora_queries.repositories_dora(
        info.context.store,
        repositories,
        window(start, end),
        environment,
        production_pattern(info, pattern),
        details=details_selected(info),
    )
    return DoraMetrics.from_domain(found)


async def pull_request_lead_time(
    info: Info, pull_request: str, environment: str, pattern: str | None
) -> Change | None:
    """Resolve `PullRequest.leadTime`: batched over the request's pull requests."""
    loader = info.context.loaders.lead_times(environment, production_pattern(info, pattern))
    found = await loader.load(pull_request)
    return Change.from_domain(found) if found is not None else None
