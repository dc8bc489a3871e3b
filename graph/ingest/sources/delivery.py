"""What GitHub and GitLab have in common, and how it maps onto the graph: pure.

`github.py` and `gitlab.py` read their vendor's payloads into the neutral values below
(a `Delivery`); `records` turns a delivery into ingest records with one mapping:

| vendor thing            | node         | relationships                                        |
|-------------------------|--------------|------------------------------------------------------|
| the instance            | Tool         | (`source` of every node)                             |
| repository / project    | Repository   | FOR_PRODUCT the mapped product                       |
| commit                  | Commit       | IN_REPO, PARENT each parent, IMPLEMENTS keys         |
| pull / merge request    | PullRequest  | IN_REPO, CONTAINS its commits, MERGED_AS, IMPLEMENTS |
| deployment (+ statuses) | Deployment   | DEPLOYED its head commit, FOR_PRODUCT                |
| release                 | Release      | INCLUDES deployments of its commit, FOR_PRODUCT      |

A relationship to a node that is neither in the delivery nor certain to be in the graph
(a parent commit older than the export, the merge commit of a pull request whose
history was not exported) is left out in `LinkPolicy.IN_BATCH`; in `LinkPolicy.ANY` it
is kept, and ingest keeps it waiting until that node arrives (file imports, webhooks
and live sync all convert so).
Keys become `IMPLEMENTS {inferred: true}` in both: the work items live in the planning
tool, never in a git export.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from graph.ingest.sources.keys import keys_in_branch, keys_in_text
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Conversion
from graph.model import DeploymentStatus


class LinkPolicy(StrEnum):
    """Which relationships to nodes outside the delivery a conversion keeps."""

    IN_BATCH = "in-batch"
    ANY = "any"


@dataclass(frozen=True)
class Repo:
    """A repository (GitHub) or project (GitLab): its graph id and `owner/name` path."""

    id: str
    path: str
    url: str | None


@dataclass(frozen=True)
class GitCommit:
    """One commit; `at` is where in the payload it came from."""

    at: str
    sha: str
    message: str
    authored_at: datetime
    author: str | None
    parents: tuple[str, ...]
    url: str | None


@dataclass(frozen=True)
class GitChange:
    """A pull request (GitHub) or merge request (GitLab)."""

    at: str
    id: str
    number: int
    title: str
    branch: str | None
    created_at: datetime
    merged_at: datetime | None
    author: str | None
    commits: tuple[str, ...]
    merged_as: str | None
    url: str | None


@dataclass(frozen=True)
class GitReview:
    """A review of a pull request (GitHub) or an approval of a merge request (GitLab)."""

    at: str
    #: The GitChange id it reviews.
    change: str
    reviewer: str
    submitted_at: datetime
    #: As the tool says it, lower case: approved, changes_requested, commented...
    state: str | None


@dataclass(frozen=True)
class GitDeployment:
    """A deployment of one head commit to one environment."""

    at: str
    id: str
    name: str | None
    environment: str
    sha: str | None
    status: DeploymentStatus
    started_at: datetime
    finished_at: datetime | None
    url: str | None


@dataclass(frozen=True)
class GitRelease:
    """A published release of a tag; `sha` is its commit when the payload says."""

    at: str
    id: str
    name: str
    tag: str
    released_at: datetime
    sha: str | None
    url: str | None


@dataclass
class Delivery:
    """Everything one payload told about one repository."""

    repo: Repo
    commits: list[GitCommit] = field(default_factory=list)
    changes: list[GitChange] = field(default_factory=list)
    reviews: list[GitReview] = field(default_factory=list)
    deployments: list[GitDeployment] = field(default_factory=list)
    releases: list[GitRelease] = field(default_factory=list)


def host_of(url: str | None, default: str) -> str:
    """The host of a web URL (`https://github.com/acme/x` -> `github.com`)."""
    if url and "://" in url:
        host = url.split("://", 1)[1].split("/", 1)[0]
        if host:
            return host.lower()
    return default


def product_of(mapping: SourceMapping, repo_path: str) -> str | None:
    """The product a repository is for: from `repositories`, else `defaultProduct`."""
    return mapping.repositories.get(repo_path) or mapping.default_product


def projects_of(mapping: SourceMapping) -> tuple[str, ...] | None:
    """The Jira project keys issue keys are restricted to (None: any upper-case key)."""
    return tuple(mapping.projects) or None


def add_tool(conv: Conversion, name: str, url: str | None) -> None:
    """The Tool node of the instance the payload came from."""
    conv.node("tool", "Tool", conv.tool, name=name, kind="source_control", url=url)


def _implements(conv: Conversion, at: str, start: tuple[str, str], keys: Iterable[str]) -> None:
    for key in keys:
        conv.rel(at, "IMPLEMENTS", start, ("WorkItem", key), inferred=True)


def records(
    conv: Conversion,
    delivery: Delivery,
    mapping: SourceMapping,
    *,
    links: LinkPolicy = LinkPolicy.IN_BATCH,
    repository_node: bool = True,
) -> None:
    """Add the records of one delivery to `conv` (the Tool node is the caller's)."""
    repo = delivery.repo
    repo_ref = ("Repository", repo.id)
    product = product_of(mapping, repo.path)
    projects = projects_of(mapping)
    if repository_node:
        conv.node("repository", "Repository", repo.id, name=repo.path, url=repo.url)
        if product is not None:
            conv.rel("repository", "FOR_PRODUCT", repo_ref, ("Product", product))

    # One record per commit even when it is listed twice (history and a pull's commits).
    commits = {c.sha: c for c in delivery.commits}
    known = set(commits)

    def linkable(sha: str | None) -> bool:
        return sha is not None and (links is LinkPolicy.ANY or sha in known)

    for commit in commits.values():
        ref = ("Commit", commit.sha)
        conv.node(
            commit.at,
            "Commit",
            commit.sha,
            message=commit.message,
            authoredAt=commit.authored_at,
            author=commit.author,
            sha=commit.sha,
            url=commit.url,
        )
        conv.rel(commit.at, "IN_REPO", ref, repo_ref)
        for parent in commit.parents:
            if linkable(parent):
                conv.rel(commit.at, "PARENT", ref, ("Commit", parent))
        _implements(conv, commit.at, ref, keys_in_text(commit.message, projects))

    for change in delivery.changes:
        ref = ("PullRequest", change.id)
        conv.node(
            change.at,
            "PullRequest",
            change.id,
            title=change.title,
            createdAt=change.created_at,
            mergedAt=change.merged_at,
            branch=change.branch,
            author=change.author,
            number=change.number,
            url=change.url,
        )
        conv.rel(change.at, "IN_REPO", ref, repo_ref)
        # A force-push drops commits from the pull's list, never from the graph: what an
        # earlier import linked stays linked (upserts add, they never remove).
        for sha in dict.fromkeys(change.commits):
            if linkable(sha):
                conv.rel(change.at, "CONTAINS", ref, ("Commit", sha))
        if change.merged_at is not None and linkable(change.merged_as):
            assert change.merged_as is not None
            conv.rel(change.at, "MERGED_AS", ref, ("Commit", change.merged_as))
        keys = [*keys_in_text(change.title, projects)]
        if change.branch:
            keys += [k for k in keys_in_branch(change.branch, projects) if k not in keys]
        _implements(conv, change.at, ref, keys)

    # A reviewer is a Person of this tool (`<tool>:<login>`), named by the login; the
    # lead time's pickup and review steps read REVIEWED (docs/metrics.md).
    for review in delivery.reviews:
        person = ("Person", f"{conv.tool}:{review.reviewer}")
        conv.node(review.at, "Person", person[1], name=review.reviewer)
        conv.rel(review.at, "REVIEWED", person, ("PullRequest", review.change),
                 submittedAt=review.submitted_at, state=review.state)  # fmt: skip

    deployed: dict[str, list[str]] = {}
    for deployment in delivery.deployments:
        ref = ("Deployment", deployment.id)
        conv.node(
            deployment.at,
            "Deployment",
            deployment.id,
            name=deployment.name,
            environment=deployment.environment,
            status=deployment.status.value,
            startedAt=deployment.started_at,
            finishedAt=deployment.finished_at,
            url=deployment.url,
        )
        if linkable(deployment.sha):
            assert deployment.sha is not None
            conv.rel(deployment.at, "DEPLOYED", ref, ("Commit", deployment.sha))
        if deployment.sha is not None:
            deployed.setdefault(deployment.sha, []).append(deployment.id)
        if product is not None:
            conv.rel(deployment.at, "FOR_PRODUCT", ref, ("Product", product))

    for release in delivery.releases:
        ref = ("Release", release.id)
        conv.node(
            release.at,
            "Release",
            release.id,
            name=release.name,
            releasedAt=release.released_at,
            version=release.tag,
            url=release.url,
        )
        # Its repository, through which a product given later reaches it (a release
        # delivered before its repository was mapped: graph/ingest/deployment_products.py).
        conv.rel(release.at, "IN_REPO", ref, repo_ref)
        if product is not None:
            conv.rel(release.at, "FOR_PRODUCT", ref, ("Product", product))
        for deployment_id in deployed.get(release.sha or "", []):
            conv.rel(release.at, "INCLUDES", ref, ("Deployment", deployment_id))
