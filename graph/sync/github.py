"""GitHub live sync: a repository's commits, pulls, deployments and releases over REST.

Walks, each paged by `Link: rel="next"`, in this order:

- commits: `GET /repos/{o}/{r}/commits?since=<cursor>`; cursor: the committer date;
- pulls: `GET /repos/{o}/{r}/pulls?state=all&sort=updated&direction=desc`, and each
  pull's `/commits` and `/reviews` (the reviews the lead time's pickup and review steps
  read, the same records as a `pull_request_review` webhook's); cursor `updated_at`, the
  walk stops at the first older pull (a review updates its pull);
- deployments: `GET /repos/{o}/{r}/deployments`, and each one's `/statuses`; cursor
  `created_at`, and a deployment still in progress holds the cursor at itself;
- releases: `GET /repos/{o}/{r}/releases` (and `/tags` once); cursor `created_at`, a
  draft holds it.

Each page becomes an export object (`{"repository", "commits"|"pulls"|...}`) converted by
the file source (`graph/ingest/sources/github.py`), so a synced repository and an
imported export give the same graph. A release includes the deployments of its commit
that this run fetched (as an export does).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from graph.ingest.sources import github as source
from graph.ingest.sources.delivery import LinkPolicy, host_of
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted
from graph.settings import Settings
from graph.sync.client import ApiClient, Clock, SyncError
from graph.sync.walk import Batch, Order, Walk, all_items, link_pages, stamp_at

API_VERSION = "2022-11-28"


def client(settings: Settings, *, clock: Clock | None = None, attempts: int = 5) -> ApiClient:
    """An API client for `VSG_GITHUB_API_URL` with `VSG_GITHUB_TOKEN`."""
    if not settings.github_token:
        raise SyncError("VSG_GITHUB_TOKEN is not set: create a token that can read the repository")
    return ApiClient(
        settings.github_api_url,
        headers={
            "Authorization": f"Bearer {settings.github_token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "vsgraph-sync",
        },
        check=f"VSG_GITHUB_TOKEN (valid, not expired) for {settings.github_api_url}",
        clock=clock,
        attempts=attempts,
    )


def _holds_deployment(deployment: Any) -> bool:
    """Still in progress: its latest status (other than `inactive`) is not final."""
    statuses = [
        s for s in deployment.get("statuses") or [] if isinstance(s, dict) and s.get("state")
    ]
    statuses = [s for s in statuses if s["state"] != "inactive"]
    if not statuses:
        return True
    latest = max(statuses, key=lambda s: str(s.get("created_at", "")))
    return latest["state"] not in ("success", "failure", "error")


class GitHubSync:
    """The walks of one repository; `repository` is its `GET /repos/{o}/{r}` answer."""

    def __init__(
        self,
        api: ApiClient,
        repository: dict[str, Any],
        mapping: SourceMapping,
        *,
        per_page: int = 100,
        branch: str | None = None,
    ) -> None:
        self.api = api
        self.repository = repository
        self.mapping = mapping
        self.per_page = str(per_page)
        self.branch = branch
        self.path = f"repos/{repository['full_name']}"
        host = host_of(repository.get("html_url"), source.DEFAULT_HOST)
        self.tool = mapping.tool.id or host
        self.scope = f"github:{repository['full_name']}"
        #: Deployments fetched in this run, for the releases' INCLUDES.
        self.deployments: list[Any] = []
        self._tags: list[Any] | None = None

    def _convert(self, export: dict[str, Any]) -> Converted:
        data = json.dumps({"repository": self.repository, **export}).encode()
        return source.convert(data, self.mapping, links=LinkPolicy.ANY)

    def _walk(self, name: str, order: Order, **kwargs: Any) -> Walk:
        return Walk(f"{self.scope}:{name}", self.tool, order, listing=name, **kwargs)

    def walks(self) -> list[Walk]:
        """Commits first: pulls, deployments and releases link to them."""
        return [
            self._walk(
                "commits",
                Order.NEWEST_FIRST,
                pages=self._commits,
                stamp=stamp_at("commit", "committer", "date"),
                convert=lambda items: self._convert({"commits": items}),
            ),
            self._walk(
                "pulls",
                Order.NEWEST_FIRST,
                pages=self._pulls,
                stamp=stamp_at("updated_at"),
                expand=self._pull_details,
                convert=lambda items: self._convert({"pulls": items}),
            ),
            self._walk(
                "deployments",
                Order.NEWEST_FIRST,
                pages=self._deployments,
                stamp=stamp_at("created_at"),
                expand=self._statuses,
                holds=_holds_deployment,
                convert=lambda items: self._convert({"deployments": items}),
            ),
            self._walk(
                "releases",
                Order.NEWEST_FIRST,
                pages=self._releases,
                stamp=stamp_at("created_at"),
                expand=self._with_tags,
                holds=lambda release: release.get("draft") is True,
                convert=lambda items: self._convert(
                    {"releases": items, "tags": self._tags or [], "deployments": self.deployments}
                ),
            ),
        ]

    def _commits(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        params = {"per_page": self.per_page}
        if cursor:
            params["since"] = cursor
        if self.branch:
            params["sha"] = self.branch
        return link_pages(self.api, f"{self.path}/commits", params, resume)

    def _pulls(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        params = {"state": "all", "sort": "updated", "direction": "desc"}
        return link_pages(
            self.api, f"{self.path}/pulls", {**params, "per_page": self.per_page}, resume
        )

    def _deployments(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        return link_pages(self.api, f"{self.path}/deployments", {"per_page": self.per_page}, resume)

    def _releases(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        return link_pages(self.api, f"{self.path}/releases", {"per_page": self.per_page}, resume)

    async def _pull_details(self, pulls: list[Any]) -> list[Any]:
        """Each pull with its commits and its reviews, as an export holds them."""
        out = []
        for pull in pulls:
            path = f"{self.path}/pulls/{pull['number']}"
            commits = await all_items(self.api, f"{path}/commits", {"per_page": "100"})
            reviews = await all_items(self.api, f"{path}/reviews", {"per_page": "100"})
            out.append({**pull, "commits": commits, "reviews": reviews})
        return out

    async def _statuses(self, deployments: list[Any]) -> list[Any]:
        out = [
            {
                **deployment,
                "statuses": await all_items(
                    self.api,
                    f"{self.path}/deployments/{deployment['id']}/statuses",
                    {"per_page": "100"},
                ),
            }
            for deployment in deployments
        ]
        self.deployments += out
        return out

    async def _with_tags(self, releases: list[Any]) -> list[Any]:
        """Tags name the commit of a release whose target is a branch; fetched once."""
        if self._tags is None and any(r.get("published_at") for r in releases):
            self._tags = await all_items(self.api, f"{self.path}/tags", {"per_page": "100"})
        return releases


async def open_repository(
    api: ApiClient, repo: str, mapping: SourceMapping, **options: Any
) -> GitHubSync:
    """Fetch the repository (`owner/name`) first: a bad token or name fails before any write."""
    if repo.count("/") != 1:
        raise SyncError(f"{repo!r}: name a repository as owner/name")
    page = await api.get(f"repos/{repo}")
    if not isinstance(page.body, dict) or "full_name" not in page.body:
        raise SyncError(f"GET {page.url}: not a repository")
    return GitHubSync(api, page.body, mapping, **options)
