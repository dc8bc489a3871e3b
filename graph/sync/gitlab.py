"""GitLab live sync: a project's commits, merge requests, deployments and releases.

Walks, each paged by `Link` / `X-Next-Page`, in this order:

- commits: `GET /projects/:id/repository/commits?since=<cursor>`; cursor `committed_date`;
- merge_requests: `GET /projects/:id/merge_requests?state=all&order_by=updated_at&sort=desc
  &updated_after=<cursor>`, and each one's `/commits`; cursor `updated_at`;
- deployments: `GET /projects/:id/deployments?order_by=updated_at&sort=desc
  &updated_after=<cursor>`; cursor `updated_at`, a running one holds it;
- releases: `GET /projects/:id/releases?order_by=released_at&sort=desc`; cursor
  `released_at`, an upcoming release holds it.

Pages are converted by the file source (`graph/ingest/sources/gitlab.py`) as export objects.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote

from graph.ingest.sources import gitlab as source
from graph.ingest.sources.delivery import LinkPolicy, host_of
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted
from graph.settings import Settings
from graph.sync.client import ApiClient, Clock, SyncError
from graph.sync.walk import Batch, Order, Walk, all_items, link_pages, stamp_at

#: Deployment statuses that may still change.
_OPEN = frozenset({"created", "running", "blocked"})


def client(settings: Settings, *, clock: Clock | None = None, attempts: int = 5) -> ApiClient:
    """An API client for `VSG_GITLAB_URL`'s `/api/v4` with `VSG_GITLAB_TOKEN`."""
    if not settings.gitlab_token:
        raise SyncError("VSG_GITLAB_TOKEN is not set: create a token with the read_api scope")
    return ApiClient(
        settings.gitlab_url.rstrip("/") + "/api/v4",
        headers={"PRIVATE-TOKEN": settings.gitlab_token, "User-Agent": "vsgraph-sync"},
        check=f"VSG_GITLAB_TOKEN (valid, scope read_api) for {settings.gitlab_url}",
        clock=clock,
        attempts=attempts,
    )


class GitLabSync:
    """The walks of one project; `project` is its `GET /projects/:id` answer."""

    def __init__(
        self,
        api: ApiClient,
        project: dict[str, Any],
        mapping: SourceMapping,
        *,
        per_page: int = 100,
        branch: str | None = None,
    ) -> None:
        self.api = api
        self.project = project
        self.mapping = mapping
        self.per_page = str(per_page)
        self.branch = branch
        self.path = f"projects/{project['id']}"
        self.tool = mapping.tool.id or host_of(project.get("web_url"), source.DEFAULT_HOST)
        self.scope = f"gitlab:{project['path_with_namespace']}"
        #: Deployments fetched in this run, for the releases' INCLUDES.
        self.deployments: list[Any] = []

    def _convert(self, export: dict[str, Any]) -> Converted:
        data = json.dumps({"project": self.project, **export}).encode()
        return source.convert(data, self.mapping, links=LinkPolicy.ANY)

    def _walk(self, name: str, **kwargs: Any) -> Walk:
        return Walk(f"{self.scope}:{name}", self.tool, Order.NEWEST_FIRST, listing=name, **kwargs)

    def walks(self) -> list[Walk]:
        """Commits first: merge requests, deployments and releases link to them."""
        return [
            self._walk(
                "commits",
                pages=self._commits,
                stamp=stamp_at("committed_date"),
                convert=lambda items: self._convert({"commits": items}),
            ),
            self._walk(
                "merge_requests",
                pages=self._merge_requests,
                stamp=stamp_at("updated_at"),
                expand=self._mr_commits,
                convert=lambda items: self._convert({"merge_requests": items}),
            ),
            self._walk(
                "deployments",
                pages=self._deployments,
                stamp=stamp_at("updated_at"),
                expand=self._remember,
                holds=lambda d: d.get("status") in _OPEN,
                convert=lambda items: self._convert({"deployments": items}),
            ),
            self._walk(
                "releases",
                pages=self._releases,
                stamp=stamp_at("released_at"),
                holds=lambda r: r.get("upcoming_release") is True,
                convert=lambda items: self._convert(
                    {"releases": items, "deployments": self.deployments}
                ),
            ),
        ]

    def _listing(
        self, path: str, params: dict[str, str], resume: str | None
    ) -> AsyncGenerator[Batch, None]:
        return link_pages(
            self.api, f"{self.path}/{path}", {**params, "per_page": self.per_page}, resume
        )

    def _commits(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        params = {"since": cursor} if cursor else {}
        if self.branch:
            params["ref_name"] = self.branch
        return self._listing("repository/commits", params, resume)

    def _merge_requests(
        self, cursor: str | None, resume: str | None
    ) -> AsyncGenerator[Batch, None]:
        params = {"state": "all", "order_by": "updated_at", "sort": "desc"}
        if cursor:
            params["updated_after"] = cursor
        return self._listing("merge_requests", params, resume)

    def _deployments(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        # updated_after needs order_by=updated_at (GitLab refuses it otherwise).
        params = {"order_by": "updated_at", "sort": "desc"}
        if cursor:
            params["updated_after"] = cursor
        return self._listing("deployments", params, resume)

    def _releases(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        return self._listing("releases", {"order_by": "released_at", "sort": "desc"}, resume)

    async def _mr_commits(self, merge_requests: list[Any]) -> list[Any]:
        return [
            {
                **mr,
                "commits": await all_items(
                    self.api, f"{self.path}/merge_requests/{mr['iid']}/commits", {"per_page": "100"}
                ),
            }
            for mr in merge_requests
        ]

    async def _remember(self, deployments: list[Any]) -> list[Any]:
        self.deployments += deployments
        return deployments


async def open_project(
    api: ApiClient, project: str, mapping: SourceMapping, **options: Any
) -> GitLabSync:
    """Fetch the project (`group/project` or its numeric id) first: a bad token or name
    fails before anything is written."""
    page = await api.get(f"projects/{quote(project, safe='')}")
    if not isinstance(page.body, dict) or "path_with_namespace" not in page.body:
        raise SyncError(f"GET {page.url}: not a project")
    return GitLabSync(api, page.body, mapping, **options)
