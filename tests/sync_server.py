"""A local stand-in for the GitHub, GitLab and Jira REST APIs, serving recorded payloads.

The payloads are the vendors' own shapes (tests/fixtures/sources/ for "day 1",
tests/fixtures/sync/<vendor>/day2.json for what changed on day 2); this server only does
what the vendors do around them: pages with their headers (GitHub `Link`, GitLab `Link`
and `X-Next-Page`, Jira `nextPageToken`, or `startAt`/`total` on the older `/search`),
filters by the incremental parameters (`since`, `updated_after`, JQL `updated >= "..."`),
checks the token, and answers the faults a test schedules (429 + `Retry-After`, a spent
rate limit, 500s). Every request is logged, so tests assert what the sync asked for.

Run it with `serving(apis)` (uvicorn on 127.0.0.1, a free port, in a thread).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graph.db.embedded import free_port
from graph.ingest.sources.payload import parse_vendor_time

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GITHUB_TOKEN = "ghp_test_token_good"
GITLAB_TOKEN = "glpat-test-token-good"
JIRA_EMAIL, JIRA_TOKEN = "sync@acme.example", "jira-test-token-good"
JIRA_SINCE = re.compile(r'updated >= "(\d{4}-\d{2}-\d{2} \d{2}:\d{2})"')


@dataclass
class Fault:
    """Answer requests to `path` (and `page`, if given) with `status`, `times` times."""

    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    page: str | None = None
    body: dict[str, Any] = field(default_factory=lambda: {"message": "scheduled fault"})


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _merge(old: list[Any], new: list[Any], key: str) -> list[Any]:
    """New objects first (the vendors list newest first), replacing old ones by key."""
    keys = {item[key] for item in new}
    return [*new, *(item for item in old if item[key] not in keys)]


def _time(value: str) -> datetime:
    parsed = parse_vendor_time(value)
    assert parsed is not None, value
    return parsed


class RecordedApis:
    """The recorded data of day 1 or day 2, the request log and the scheduled faults."""

    def __init__(self) -> None:
        self.log: list[tuple[str, dict[str, str]]] = []
        self.faults: list[Fault] = []
        #: Headers added to the normal answer of a path, once (e.g. a spent rate limit).
        self.extra_headers: dict[str, dict[str, str]] = {}
        self.base = ""
        self.day(1)

    def day(self, number: int) -> None:
        """Serve the data as it was on day 1 or on day 2."""
        sources = FIXTURES / "sources"
        github = _load(sources / "github" / "payments.json")
        gitlab = _load(sources / "gitlab" / "payments-web.json")
        jira = [
            i for n in (1, 2) for i in _load(sources / "jira" / f"search-page-{n}.json")["issues"]
        ]
        if number == 2:
            g2 = _load(FIXTURES / "sync" / "github" / "day2.json")
            github["commits"] = _merge(github["commits"], g2["commits"], "sha")
            github["pulls"] = _merge(github["pulls"], g2["pulls"], "number")
            github["deployments"] = _merge(github["deployments"], g2["deployments"], "id")
            github["releases"] = _merge(github["releases"], g2["releases"], "tag_name")
            github["tags"] = _merge(github["tags"], g2["tags"], "name")
            gitlab["deployments"] = _merge(
                gitlab["deployments"],
                _load(FIXTURES / "sync" / "gitlab" / "day2.json")["deployments"],
                "id",
            )
            jira = _merge(jira, _load(FIXTURES / "sync" / "jira" / "day2.json")["issues"], "key")
        github["pulls"].sort(key=lambda p: _time(p["updated_at"]), reverse=True)
        github["releases"].sort(key=lambda r: _time(r["created_at"]), reverse=True)
        gitlab["merge_requests"].sort(key=lambda m: _time(m["updated_at"]), reverse=True)
        gitlab["deployments"].sort(key=lambda d: _time(d["updated_at"]), reverse=True)
        self.github_data, self.gitlab_data = github, gitlab
        self.jira_issues = sorted(jira, key=lambda i: _time(i["fields"]["updated"]))

    def requests(self, prefix: str = "") -> list[str]:
        """Logged requests (`path?query`) whose path starts with `prefix`."""
        return [
            path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(q.items())) if q else "")
            for path, q in self.log
            if path.startswith(prefix)
        ]

    # -- serving -------------------------------------------------------------------------

    def _fault(self, request: Request) -> Response | None:
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.url.path:
                if fault.page is not None and request.query_params.get("page", "1") != fault.page:
                    continue
                fault.times -= 1
                return JSONResponse(fault.body, fault.status, headers=fault.headers)
        return None

    def _paged(self, request: Request, items: list[Any], *, gitlab: bool = False) -> Response:
        per_page = int(request.query_params.get("per_page", "30" if not gitlab else "20"))
        page = int(request.query_params.get("page", "1"))
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))

        def link(number: int) -> str:
            return str(request.url.include_query_params(page=number))

        links = []
        if page < last:
            links += [f'<{link(page + 1)}>; rel="next"', f'<{link(last)}>; rel="last"']
        if page > 1:
            links += [f'<{link(1)}>; rel="first"', f'<{link(page - 1)}>; rel="prev"']
        headers = {"Link": ", ".join(links)} if links else {}
        if gitlab:
            headers.update(
                {
                    "X-Page": str(page),
                    "X-Per-Page": str(per_page),
                    "X-Next-Page": str(page + 1) if page < last else "",
                    "X-Prev-Page": str(page - 1) if page > 1 else "",
                    "X-Total": str(len(items)),
                    "X-Total-Pages": str(last),
                }
            )
        else:
            headers.update({"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4321"})
        return JSONResponse(chunk, headers=headers)

    def _guard(self, request: Request, ok: bool, body: dict[str, Any]) -> Response | None:
        # The path as sent, still percent-encoded (GitLab's `acme%2Fpayments-web`).
        self.log.append((request.scope["raw_path"].decode(), dict(request.query_params)))
        if not ok:
            return JSONResponse(body, 401)
        return self._fault(request)

    async def _github(self, request: Request) -> Response:
        ok = request.headers.get("authorization") == f"Bearer {GITHUB_TOKEN}"
        refused = self._guard(
            request,
            ok,
            {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
        )
        if refused is not None:
            return refused
        rest = request.path_params["rest"]
        data, q = self.github_data, request.query_params
        repo = data["repository"]["full_name"]
        if rest == repo:
            return JSONResponse(data["repository"])
        rest = rest.removeprefix(repo + "/")
        if rest == "commits":
            items = data["commits"]
            if "since" in q:
                since = _time(q["since"])
                items = [c for c in items if _time(c["commit"]["committer"]["date"]) >= since]
            return self._paged(request, items)
        if rest == "pulls":
            listed = [_without(_without(p, "commits"), "reviews") for p in data["pulls"]]
            return self._paged(request, listed)
        if m := re.fullmatch(r"pulls/(\d+)/(commits|reviews)", rest):
            pull = next(p for p in data["pulls"] if p["number"] == int(m.group(1)))
            # A pull nobody reviewed: GitHub answers an empty list.
            return self._paged(request, pull.get(m.group(2), []))
        if rest == "deployments":
            return self._paged(request, [_without(d, "statuses") for d in data["deployments"]])
        if m := re.fullmatch(r"deployments/(\d+)/statuses", rest):
            deployment = next(d for d in data["deployments"] if d["id"] == int(m.group(1)))
            return self._paged(request, deployment["statuses"])
        if rest in ("releases", "tags"):
            return self._paged(request, data[rest])
        return JSONResponse({"message": "Not Found"}, 404)

    async def _gitlab(self, request: Request) -> Response:
        ok = request.headers.get("private-token") == GITLAB_TOKEN
        refused = self._guard(request, ok, {"message": "401 Unauthorized"})
        if refused is not None:
            return refused
        data, q = self.gitlab_data, request.query_params
        project = data["project"]
        # GitLab takes a project's path URL-encoded (`acme%2Fpayments-web`) as its id:
        # read the raw path, which still has the %2F.
        raw = request.scope["raw_path"].decode().removeprefix("/gitlab/api/v4/projects/")
        ident, _, rest = raw.partition("/")
        ident = unquote(ident)
        if ident not in (str(project["id"]), project["path_with_namespace"]):
            return JSONResponse({"message": "404 Project Not Found"}, 404)
        if not rest:
            return JSONResponse(project)
        if rest == "repository/commits":
            items = data["commits"]
            if "since" in q:
                items = [c for c in items if _time(c["committed_date"]) >= _time(q["since"])]
            return self._paged(request, items, gitlab=True)
        if rest in ("merge_requests", "deployments"):
            items = [_without(i, "commits") for i in data[rest]]
            if "updated_after" in q:
                after = _time(q["updated_after"])
                items = [i for i in items if _time(i["updated_at"]) >= after]
            return self._paged(request, items, gitlab=True)
        if m := re.fullmatch(r"merge_requests/(\d+)/commits", rest):
            mr = next(m_ for m_ in data["merge_requests"] if m_["iid"] == int(m.group(1)))
            return self._paged(request, mr["commits"], gitlab=True)
        if rest == "releases":
            return self._paged(request, data["releases"], gitlab=True)
        return JSONResponse({"message": "404 Not Found"}, 404)

    async def _jira(self, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
        refused = self._guard(
            request,
            request.headers.get("authorization") == expected,
            {
                "errorMessages": [
                    "You are not authenticated. Authentication required to perform this operation."
                ]
            },
        )
        if refused is not None:
            return refused
        q = request.query_params
        issues = self.jira_issues
        since = JIRA_SINCE.search(q.get("jql", ""))
        if since is not None:
            # JQL minutes are in the account's zone: the offset the fixtures are written in.
            def local(issue: dict[str, Any]) -> datetime:
                at = datetime.fromisoformat(issue["fields"]["updated"])
                return at.replace(tzinfo=None)

            start = datetime.strptime(since.group(1), "%Y-%m-%d %H:%M")
            issues = [i for i in issues if local(i) >= start]
        if "changelog" not in q.get("expand", ""):
            issues = [_without(i, "changelog") for i in issues]
        size = int(q.get("maxResults", "50"))
        if request.url.path.endswith("/search"):
            # The older search: startAt/maxResults/total.
            start_at = int(q.get("startAt", "0"))
            return JSONResponse(
                {
                    "expand": "names,schema",
                    "startAt": start_at,
                    "maxResults": size,
                    "total": len(issues),
                    "issues": issues[start_at : start_at + size],
                }
            )
        offset = int(base64.b64decode(q["nextPageToken"]).decode()) if "nextPageToken" in q else 0
        chunk = issues[offset : offset + size]
        body: dict[str, Any] = {"issues": chunk, "isLast": offset + size >= len(issues)}
        if offset + size < len(issues):
            body["nextPageToken"] = base64.b64encode(str(offset + size).encode()).decode()
        return JSONResponse(body)

    def _answer(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            response: Response = await handler(request)
            response.headers.update(self.extra_headers.pop(request.url.path, {}))
            return response

        return endpoint

    def app(self) -> Starlette:
        """The ASGI app: /github/..., /gitlab/api/v4/projects/..., /jira/rest/api/3/search/jql."""
        return Starlette(
            routes=[
                Route("/github/repos/{rest:path}", self._answer(self._github)),
                Route("/gitlab/api/v4/projects/{rest:path}", self._answer(self._gitlab)),
                Route("/jira/rest/api/3/search/jql", self._answer(self._jira)),
                Route("/jira/rest/api/3/search", self._answer(self._jira)),
            ]
        )


def _without(obj: dict[str, Any], key: str) -> dict[str, Any]:
    out = copy.copy(obj)
    out.pop(key, None)
    return out


def http_date(at: datetime) -> str:
    """An HTTP date (`Retry-After` may be one)."""
    return at.strftime("%a, %d %b %Y %H:%M:%S GMT")


@contextmanager
def serving(apis: RecordedApis) -> Iterator[str]:
    """Run the recorded APIs on 127.0.0.1 in a thread; yield the base URL."""
    port = free_port()
    config = uvicorn.Config(
        apis.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the recorded-API server did not start")
        time.sleep(0.01)
    apis.base = f"http://127.0.0.1:{port}"
    try:
        yield apis.base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
