"""Jira live sync: the issues of a JQL search, with their changelogs, oldest change first.

`GET /rest/api/3/search/jql?jql=(<JQL>) AND updated >= "<cursor>" ORDER BY updated ASC
&expand=changelog&fields=*all&maxResults=N`, following `nextPageToken`; or, from the
older search (`/rest/api/3/search`, Data Center's `/rest/api/2/search`), `startAt` until
`total`. The cursor is the
`fields.updated` of the last issue written; JQL compares minutes in the account's time
zone, which is the offset Jira writes its timestamps with, so the cursor is given back in
its own offset, truncated to the minute (issues of that minute are fetched again:
harmless, ingest is idempotent).

Pages are converted by the file source (`graph/ingest/sources/jira.py`) with links to
issues outside the page kept (`missingLinks: keep`): the walk writes those once the other
issue is in the graph (a parent on a later page), and drops the rest at the end.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from graph.ingest.sources import jira as source
from graph.ingest.sources.mapping import MissingLinks, SourceMapping
from graph.ingest.sources.payload import Converted
from graph.settings import Settings
from graph.sync.client import ApiClient, Clock, SyncError
from graph.sync.walk import Batch, Order, Walk, stamp_at

SEARCH = "rest/api/3/search/jql"
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
_JIRA_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})")


def client(settings: Settings, *, clock: Clock | None = None, attempts: int = 5) -> ApiClient:
    """An API client for `VSG_JIRA_URL`: basic auth with `VSG_JIRA_EMAIL` and
    `VSG_JIRA_TOKEN` (a Jira Cloud API token), or without an e-mail the token as a bearer
    token (a Data Center personal access token, or an OAuth 2.0 access token)."""
    if not settings.jira_url:
        raise SyncError("VSG_JIRA_URL is not set: the site, e.g. https://acme.atlassian.net")
    if not settings.jira_token:
        raise SyncError("VSG_JIRA_TOKEN is not set: create an API token for the account")
    headers = {"Accept": "application/json", "User-Agent": "vsgraph-sync"}
    auth = None
    if settings.jira_email:
        auth = httpx.BasicAuth(settings.jira_email, settings.jira_token)
        check = "VSG_JIRA_EMAIL and VSG_JIRA_TOKEN (an API token of that account)"
    else:
        headers["Authorization"] = f"Bearer {settings.jira_token}"
        check = "VSG_JIRA_TOKEN (a bearer token; a Jira Cloud API token needs VSG_JIRA_EMAIL)"
    return ApiClient(
        settings.jira_url,
        headers=headers,
        auth=auth,
        check=f"{check} for {settings.jira_url}",
        clock=clock,
        attempts=attempts,
    )


def jql_since(jql: str, cursor: str | None) -> str:
    """The search: the user's JQL, changed since the cursor, oldest change first."""
    if _ORDER_BY.search(jql):
        raise SyncError(f"the JQL must not have ORDER BY (sync orders by updated): {jql!r}")
    where = f"({jql})" if jql.strip() else ""
    if cursor is not None:
        found = _JIRA_TIME.match(cursor)
        if found is None:
            raise SyncError(f"stored Jira cursor {cursor!r} is not a Jira timestamp")
        since = f'updated >= "{found.group(1)} {found.group(2)}"'
        where = f"{where} AND {since}" if where else since
    return f"{where} ORDER BY updated ASC".strip()


def project_jql(projects: list[str]) -> str:
    """JQL for the issues of some project keys."""
    return f"project in ({', '.join(projects)})"


class JiraSync:
    """The walk of one JQL search on one site."""

    def __init__(
        self,
        api: ApiClient,
        site: str,
        jql: str,
        mapping: SourceMapping,
        *,
        per_page: int = 100,
        endpoint: str = SEARCH,
    ) -> None:
        """`endpoint`: the search resource (`rest/api/2/search` on Jira Data Center)."""
        self.api = api
        self.endpoint = endpoint.strip("/")
        self.jql = jql
        self.host = urlsplit(site).netloc or site
        # Links to issues on other pages are kept: the walk settles them (module docstring).
        self.mapping = replace(mapping, missing_links=MissingLinks.KEEP)
        self.per_page = str(per_page)
        self.tool = mapping.tool.id or "jira"

    def _convert(self, issues: list[Any]) -> Converted:
        return source.convert(json.dumps({"issues": issues}).encode(), self.mapping)

    def walks(self) -> list[Walk]:
        """One walk: the search."""
        return [
            Walk(
                f"jira:{self.host}:{self.jql}",
                self.tool,
                Order.OLDEST_FIRST,
                pages=self._pages,
                stamp=stamp_at("fields", "updated"),
                convert=self._convert,
                listing="issues",
            )
        ]

    async def _pages(self, cursor: str | None, resume: str | None) -> AsyncGenerator[Batch, None]:
        params = {
            "jql": jql_since(self.jql, cursor),
            "expand": "changelog",
            "fields": "*all",
            "maxResults": self.per_page,
        }
        start = 0
        while True:
            page = await self.api.get(self.endpoint, params)
            body = page.body
            if not isinstance(body, dict) or not isinstance(body.get("issues"), list):
                raise SyncError(f"GET {page.url}: not a Jira search answer (no issues)")
            issues: list[Any] = body["issues"]
            token = body.get("nextPageToken")
            more: dict[str, str] | None = None
            if isinstance(token, str) and token and body.get("isLast") is not True:
                more = {**params, "nextPageToken": token}
            elif isinstance(body.get("total"), int) and "nextPageToken" not in body:
                start += len(issues)  # the older /search answer: startAt/maxResults/total
                if issues and start < body["total"]:
                    more = {**params, "startAt": str(start)}
            yield Batch(issues, self.endpoint if more else None)
            if more is None:
                return
            params = more
