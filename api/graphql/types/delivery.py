"""GraphQL types of delivery: repositories, commits, pull requests, builds, deployments,
releases."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import Node
from api.graphql.types.dora import (
    Change,
    EnvironmentArg,
    ProductionPatternArg,
    pull_request_lead_time,
)
from api.graphql.types.organisation import Named, Product
from api.graphql.types.resolve import follow_many, follow_one, text
from graph.metrics.dora import PRODUCTION
from graph.model import Traversal

if TYPE_CHECKING:
    from api.graphql.types.outcomes import Incident
    from api.graphql.types.work import WorkItem

WorkItemRef = Annotated["WorkItem", strawberry.lazy("api.graphql.types.work")]
IncidentRef = Annotated["Incident", strawberry.lazy("api.graphql.types.outcomes")]


@strawberry.type(description="A source-code repository of a product.")
class Repository(Named):
    @strawberry.field(description="The product whose code the repository holds.")
    async def product(self, info: Info) -> Product | None:
        return await follow_one(info, Traversal.REPOSITORY_PRODUCT, self, Product)


@strawberry.type(description="A commit, with its parents in the commit graph.")
class Commit(Node):
    @strawberry.field(description="Commit message (first line is the summary).")
    def message(self) -> str:
        return text(self.domain, "message") or ""

    @strawberry.field(description="When it was authored (UTC).")
    def authored_at(self) -> datetime | None:
        return self.domain.time("authoredAt")

    @strawberry.field(description="Author as the source tool names them.")
    def author(self) -> str | None:
        return text(self.domain, "author")

    @strawberry.field(description="The repository (IN_REPO).")
    async def repository(self, info: Info) -> Repository | None:
        return await follow_one(info, Traversal.COMMIT_REPOSITORY, self, Repository)

    @strawberry.field(description="Parent commits (PARENT).")
    async def parents(self, info: Info) -> list["Commit"]:
        return await follow_many(info, Traversal.COMMIT_PARENTS, self)

    @strawberry.field(description="Work items the commit implements (IMPLEMENTS).")
    async def work_items(self, info: Info) -> list[WorkItemRef]:
        return await follow_many(info, Traversal.COMMIT_WORK_ITEMS, self)


@strawberry.type(description="A pull (merge) request: commits reviewed and merged together.")
class PullRequest(Node):
    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self.domain.name

    @strawberry.field(description="When it was opened (UTC).")
    def created_at(self) -> datetime | None:
        return self.domain.time("createdAt")

    @strawberry.field(description="When it was merged (UTC); null if not merged.")
    def merged_at(self) -> datetime | None:
        return self.domain.time("mergedAt")

    @strawberry.field(description="Source branch name.")
    def branch(self) -> str | None:
        return text(self.domain, "branch")

    @strawberry.field(description="The repository (IN_REPO).")
    async def repository(self, info: Info) -> Repository | None:
        return await follow_one(info, Traversal.PULL_REQUEST_REPOSITORY, self, Repository)

    @strawberry.field(description="Commits in the pull request (CONTAINS), oldest first.")
    async def commits(self, info: Info) -> list[Commit]:
        return await follow_many(info, Traversal.PULL_REQUEST_COMMITS, self)

    @strawberry.field(description="The commit the merge produced (MERGED_AS).")
    async def merge_commit(self, info: Info) -> Commit | None:
        return await follow_one(info, Traversal.PULL_REQUEST_MERGE_COMMIT, self, Commit)

    @strawberry.field(description="Work items the pull request implements (IMPLEMENTS).")
    async def work_items(self, info: Info) -> list[WorkItemRef]:
        return await follow_many(info, Traversal.PULL_REQUEST_WORK_ITEMS, self)

    @strawberry.field(
        description="Its DORA lead time for changes, whatever the window, as "
        "`dora(repositories: [its repository])` measures it: from the earliest of its first "
        "commit and its opening to the end of the first successful deployment to the "
        "environment that shipped its merge commit (SHIPPED, or named in the commit list of "
        "a deployment of its repository), with the steps coding, pickup, review and deploy "
        "(definitions on Change). Null until it is merged and so shipped."
    )
    async def lead_time(
        self,
        info: Info,
        environment: EnvironmentArg = PRODUCTION,
        production_pattern: ProductionPatternArg = None,
    ) -> Change | None:
        return await pull_request_lead_time(info, self.domain.id, environment, production_pattern)


@strawberry.type(description="A CI build of a commit.")
class Build(Node):
    @strawberry.field(description="Outcome as the CI tool reports it, e.g. success or failure.")
    def status(self) -> str:
        return text(self.domain, "status") or ""

    @strawberry.field(description="When it started (UTC).")
    def started_at(self) -> datetime | None:
        return self.domain.time("startedAt")

    @strawberry.field(description="When it finished (UTC).")
    def finished_at(self) -> datetime | None:
        return self.domain.time("finishedAt")

    @strawberry.field(description="The commit built (BUILT).")
    async def commit(self, info: Info) -> Commit | None:
        return await follow_one(info, Traversal.BUILD_COMMIT, self, Commit)


@strawberry.type(description="A deployment of a commit to an environment.")
class Deployment(Node):
    @strawberry.field(description="Environment, e.g. staging or production.")
    def environment(self) -> str:
        return text(self.domain, "environment") or ""

    @strawberry.field(description="success, failure or in_progress.")
    def status(self) -> str:
        return text(self.domain, "status") or ""

    @strawberry.field(description="When it started (UTC).")
    def started_at(self) -> datetime | None:
        return self.domain.time("startedAt")

    @strawberry.field(description="When it finished (UTC).")
    def finished_at(self) -> datetime | None:
        return self.domain.time("finishedAt")

    @strawberry.field(description="The head commit deployed (DEPLOYED).")
    async def commit(self, info: Info) -> Commit | None:
        return await follow_one(info, Traversal.DEPLOYMENT_COMMIT, self, Commit)

    @strawberry.field(description="The product deployed (FOR_PRODUCT).")
    async def product(self, info: Info) -> Product | None:
        return await follow_one(info, Traversal.DEPLOYMENT_PRODUCT, self, Product)

    @strawberry.field(description="Incidents caused by this deployment (CAUSED_BY).")
    async def incidents(self, info: Info) -> list[IncidentRef]:
        return await follow_many(info, Traversal.DEPLOYMENT_INCIDENTS, self)


@strawberry.type(description="A release: deployments and work items delivered together.")
class Release(Named):
    @strawberry.field(description="Version label.")
    def version(self) -> str | None:
        return text(self.domain, "version")

    @strawberry.field(description="When it was released (UTC).")
    def released_at(self) -> datetime | None:
        return self.domain.time("releasedAt")

    @strawberry.field(description="Deployments in the release (INCLUDES).")
    async def deployments(self, info: Info) -> list[Deployment]:
        return await follow_many(info, Traversal.RELEASE_DEPLOYMENTS, self)

    @strawberry.field(description="Work items the release delivers (DELIVERS).")
    async def work_items(self, info: Info) -> list[WorkItemRef]:
        return await follow_many(info, Traversal.RELEASE_WORK_ITEMS, self)
