"""Live sync over real HTTP: a local server (tests/sync_server.py) serves recorded vendor
payloads with the vendors' paging and rate-limit headers; the sync writes the real database.

Data: the Payments fixtures (tests/fixtures/sources/README.md) as day 1, and
tests/fixtures/sync/<vendor>/day2.json for what changed on day 2. Pages are small
(`per_page=3`) so that every listing spans pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graph.db.queries import cypher, parse
from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_lines
from graph.ingest.service import ingest
from graph.ingest.sources.mapping import SourceMapping, load_mapping
from graph.ingest.sources.registry import SOURCES
from graph.read.entities import COUNT, COUNT_WORK_ITEMS
from graph.settings import Settings
from graph.sync import github, gitlab, jira
from graph.sync.client import SyncError
from graph.sync.cursor import list_cursors, load_cursor
from graph.sync.walk import Syncer, WalkStats
from tests.sync_server import (
    GITHUB_TOKEN,
    GITLAB_TOKEN,
    JIRA_EMAIL,
    JIRA_TOKEN,
    Fault,
    RecordedApis,
    http_date,
    serving,
)

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
VENDOR = Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
COUNT_RELATIONSHIPS = cypher("admin/count_relationships")
WAITING = parse(
    "test/waiting",
    "// cardinality: rows\nMATCH (p:Pending) RETURN p.waitsFor AS waitsFor",
)
DELETE_ALL = cypher("admin/delete_all")
REPO = "/github/repos/acme/payments"
#: The test clock's "now": 2025-03-22T00:00:00Z, epoch 1742601600.
NOW = datetime(2025, 3, 22, tzinfo=UTC)


class RecordingClock:
    """A clock that does not sleep: it records each wait and moves its time on by it."""

    def __init__(self) -> None:
        self.at = NOW
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.at += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def server() -> Iterator[RecordedApis]:
    apis = RecordedApis()
    with serving(apis):
        yield apis


@pytest.fixture
def apis(server: RecordedApis) -> RecordedApis:
    """The server, back at day 1 with an empty log and no faults."""
    server.day(1)
    server.log.clear()
    server.faults.clear()
    server.extra_headers.clear()
    return server


def settings(apis: RecordedApis, **changes: Any) -> Settings:
    return replace(
        Settings(
            github_api_url=f"{apis.base}/github",
            github_token=GITHUB_TOKEN,
            gitlab_url=f"{apis.base}/gitlab",
            gitlab_token=GITLAB_TOKEN,
            jira_url=f"{apis.base}/jira",
            jira_email=JIRA_EMAIL,
            jira_token=JIRA_TOKEN,
        ),
        **changes,
    )


def mapping() -> SourceMapping:
    return load_mapping(FIXTURES / "mapping.json")


async def organisation(store: GraphStore, *, with_jira: bool = True) -> None:
    """The Payments organisation, and (for the git sources' keys) the Jira export."""
    await ingest(store, parse_lines((FIXTURES / "organisation.ndjson").read_text().splitlines()))
    if with_jira:
        await import_file(store, "jira", "jira/search-page-1.json", "jira/search-page-2.json")


async def import_file(store: GraphStore, source: str, *names: str) -> None:
    data = b"\n".join((FIXTURES / name).read_bytes() for name in names)
    await ingest(store, SOURCES[source].convert(data, mapping()).records)


async def snapshot(store: GraphStore) -> dict[str, int]:
    """Nodes per label and relationships per type (SyncCursor nodes are not counted)."""
    counts = {label.value: (await store.read(query))[0]["total"] for label, query in COUNT.items()}
    counts["WorkItem"] = (await store.read(COUNT_WORK_ITEMS, kinds=None, product=None, team=None))[
        0
    ]["total"]
    for row in await store.read(COUNT_RELATIONSHIPS):
        counts[row["type"]] = row["total"]
    return {k: v for k, v in counts.items() if v}


DERIVED = parse(
    "test/sync_derived",
    "// cardinality: one\n"
    "CALL () { MATCH (c:Commit) RETURN count(c.branchCommit) AS branch, "
    "count(c.implementsWork) AS implementing } "
    "CALL () { MATCH (w:TitleWord) RETURN collect(w.id) AS words } "
    "RETURN branch, implementing, words",
)


async def derived(store: GraphStore) -> tuple[int, int, list[str]]:
    """What ingest derives of the synced delivery records: how many commits are branch
    commits and implement work (graph/ingest/commit_flags.py), and the title words."""
    [row] = await store.read(DERIVED)
    return row["branch"], row["implementing"], sorted(row["words"])


async def sync_github(
    store: GraphStore, apis: RecordedApis, clock: RecordingClock | None = None, **options: Any
) -> list[WalkStats]:
    clock = clock or RecordingClock()
    async with github.client(settings(apis), clock=clock, attempts=3) as api:
        repo = await github.open_repository(api, "acme/payments", mapping(), per_page=3)
        return await Syncer(store, clock=clock, **options).sync(repo.walks())


# Day 1 on GitHub, worked out from tests/fixtures/sources/github/payments.json:
# - requests: the repository; commits 7 on main in pages of 3 (3 requests); pulls 4 (2
#   requests) + each pull's commits and reviews (8); deployments 4 (2) + each one's
#   statuses (4); releases 3 (1) + the tags once (1): 1 + 3 + 2 + 8 + 2 + 4 + 1 + 1 = 22.
# - nodes: 1 Tool (github.com), 1 Repository, 11 Commits (7 on main + d5de4b, 075328
#   of pull #2, 7e98f3 of pull #4, cf1126 of pull #5), 4 PullRequests, 4 Deployments,
#   2 Releases (v1.1.0 is a draft): 23, as the file import of the same export.
DAY1_GITHUB_REQUESTS = [
    f"{REPO}",
    f"{REPO}/commits?per_page=3",
    f"{REPO}/commits?page=2&per_page=3",
    f"{REPO}/commits?page=3&per_page=3",
    f"{REPO}/pulls?direction=desc&per_page=3&sort=updated&state=all",
    f"{REPO}/pulls/5/commits?per_page=100",
    f"{REPO}/pulls/5/reviews?per_page=100",
    f"{REPO}/pulls/4/commits?per_page=100",
    f"{REPO}/pulls/4/reviews?per_page=100",
    f"{REPO}/pulls/3/commits?per_page=100",
    f"{REPO}/pulls/3/reviews?per_page=100",
    f"{REPO}/pulls?direction=desc&page=2&per_page=3&sort=updated&state=all",
    f"{REPO}/pulls/2/commits?per_page=100",
    f"{REPO}/pulls/2/reviews?per_page=100",
    f"{REPO}/deployments?per_page=3",
    f"{REPO}/deployments/501/statuses?per_page=100",
    f"{REPO}/deployments/403/statuses?per_page=100",
    f"{REPO}/deployments/402/statuses?per_page=100",
    f"{REPO}/deployments?page=2&per_page=3",
    f"{REPO}/deployments/401/statuses?per_page=100",
    f"{REPO}/releases?per_page=3",
    f"{REPO}/tags?per_page=100",
]


async def test_a_first_github_sync_fetches_every_page_and_writes_the_export_graph(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    before = await snapshot(store)
    stats = await sync_github(store, apis)
    assert apis.requests("/github") == DAY1_GITHUB_REQUESTS
    assert [(s.id.rsplit(":", 1)[1], s.pages, s.items) for s in stats] == [
        ("commits", 3, 7),
        ("pulls", 2, 4),
        ("deployments", 2, 4),
        ("releases", 1, 3),
    ]
    synced, synced_derived = await snapshot(store), await derived(store)
    added = {k: synced[k] - before.get(k, 0) for k in synced if synced[k] != before.get(k, 0)}
    # The pulls' branch commits, the commits implementing work (themselves or through
    # their pull), and the pulls' title words, from GitHub's own shapes.
    assert synced_derived[:2] == (6, 11)
    assert {"PullRequest:tokenise", "PullRequest:receipt"} <= set(synced_derived[2])
    assert {k: added[k] for k in ("Tool", "Repository", "Commit", "PullRequest")} == {
        "Tool": 1,
        "Repository": 1,
        "Commit": 11,
        "PullRequest": 4,
    }
    assert added["Deployment"] == 4
    assert added["Release"] == 2
    # 12 IMPLEMENTS (test_source_git): every key names a Jira issue already imported.
    assert added["IMPLEMENTS"] == 12
    # Each walk's cursor: the newest item's time (no deployment in progress; the draft
    # release, created 2025-03-07, holds the releases' cursor at itself).
    cursors = {c.id: c.cursor for c in await list_cursors(store, "github:")}
    assert cursors == {
        "github:acme/payments:commits": "2025-03-18T08:30:00Z",
        "github:acme/payments:pulls": "2025-03-19T12:00:00Z",
        "github:acme/payments:deployments": "2025-03-18T09:00:00Z",
        "github:acme/payments:releases": "2025-03-07T10:00:00Z",
    }
    # The same graph as importing the export file: no link lost between pages.
    await store.write(DELETE_ALL)
    await organisation(store)
    await import_file(store, "github", "github/payments.json")
    assert await snapshot(store) == synced
    assert await derived(store) == synced_derived


def github_export(apis: RecordedApis) -> bytes:
    """What the server holds now, as an export file (`vsg import --source github`)."""
    return json.dumps(apis.github_data).encode()


# Day 2 (tests/fixtures/sync/github/day2.json): pull #5 merged as the new commit 9e1f0c,
# deployed to production as 502, and the draft v1.1.0 published on it.
DAY2_GITHUB_REQUESTS = [
    f"{REPO}",
    # The server answers 9e1f0c and, at the cursor itself, 8dc29f: one page.
    f"{REPO}/commits?per_page=3&since=2025-03-18T08:30:00Z",
    # #5, #4, #3 by update: #4 is older than the cursor (03-19T12:00): the walk stops.
    f"{REPO}/pulls?direction=desc&per_page=3&sort=updated&state=all",
    f"{REPO}/pulls/5/commits?per_page=100",
    f"{REPO}/pulls/5/reviews?per_page=100",
    # 502, 501 (at the cursor), 403 (older: stop); statuses of the two only.
    f"{REPO}/deployments?per_page=3",
    f"{REPO}/deployments/502/statuses?per_page=100",
    f"{REPO}/deployments/501/statuses?per_page=100",
    # The draft held the cursor at 03-07: all three again, and now a published one's tag.
    f"{REPO}/releases?per_page=3",
    f"{REPO}/tags?per_page=100",
]


async def test_a_second_github_sync_fetches_only_what_changed(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    await sync_github(store, apis)
    day1 = await snapshot(store)
    apis.day(2)
    apis.log.clear()
    stats = await sync_github(store, apis)
    assert apis.requests("/github") == DAY2_GITHUB_REQUESTS
    assert [(s.pages, s.items) for s in stats] == [(1, 2), (1, 1), (1, 2), (1, 3)]
    day2 = await snapshot(store)
    changed = {k: day2[k] - day1.get(k, 0) for k in day2 if day2[k] != day1.get(k, 0)}
    assert changed == {
        "Commit": 1,  # 9e1f0c
        "Deployment": 1,  # 502
        "Release": 1,  # v1.1.0, no longer a draft
        "IN_REPO": 2,  # 9e1f0c, v1.1.0
        "PARENT": 2,  # 9e1f0c -> 8dc29f, cf1126
        "IMPLEMENTS": 1,  # its message names PAY-12
        "MERGED_AS": 1,  # #5 -> 9e1f0c
        "DEPLOYED": 1,
        "SHIPPED": 2,  # 502 ships 9e1f0c and cf1126 (501 shipped the rest)
        "FOR_PRODUCT": 2,  # 502 and v1.1.0
        "INCLUDES": 1,  # v1.1.0 -> 502
    }
    # The same graph as importing day 2's whole export at once.
    await store.write(DELETE_ALL)
    await organisation(store)
    await ingest(store, SOURCES["github"].convert(github_export(apis), mapping()).records)
    assert await snapshot(store) == day2


REVIEWS = parse(
    "test/reviews",
    "// cardinality: rows\n"
    "MATCH (p:Person)-[r:REVIEWED]->(pr:PullRequest) "
    "RETURN p.id AS person, p.name AS name, pr.id AS pull, r.submittedAt AS at, r.state AS state",
)


async def test_a_github_sync_writes_the_reviews_of_the_pulls_it_walks(
    store: GraphStore, apis: RecordedApis
) -> None:
    """GitHub's published `GET /pulls/{n}/reviews` example (github/rest-api-description,
    tests/fixtures/vendor/README.md), unmodified, is what the server answers for pull #5;
    the other pulls have no review (an empty list, as GitHub answers)."""
    listed = json.loads((VENDOR / "github" / "rest" / "pull-request-review-items.json").read_text())
    next(p for p in apis.github_data["pulls"] if p["number"] == 5)["reviews"] = listed
    await organisation(store)
    before = await snapshot(store)
    await sync_github(store, apis)
    assert f"{REPO}/pulls/5/reviews?per_page=100" in apis.requests("/github")
    # octocat's review, APPROVED at 2019-11-17T17:43:43Z: the webhook's record
    # (tests/unit/test_source_reviews.py), from the reviewer, a Person of the tool.
    rows = await store.read(REVIEWS)
    assert [(r["person"], r["name"], r["pull"], r["state"]) for r in rows] == [
        ("github.com:octocat", "octocat", "github.com/acme/payments#5", "approved")
    ]
    assert rows[0]["at"] == datetime(2019, 11, 17, 17, 43, 43, tzinfo=UTC)
    synced = await snapshot(store)
    assert synced["REVIEWED"] == 1 and synced["Person"] == before.get("Person", 0) + 1
    # A second run of the same day writes nothing new; the export holding the same
    # reviews imports to the same graph.
    await sync_github(store, apis)
    assert await snapshot(store) == synced
    await store.write(DELETE_ALL)
    await organisation(store)
    await ingest(store, SOURCES["github"].convert(github_export(apis), mapping()).records)
    assert await snapshot(store) == synced


async def clean_run(store: GraphStore) -> dict[str, int]:
    """The graph an uninterrupted day-1 sync gives (= the export imported: test 1)."""
    await store.write(DELETE_ALL)
    await organisation(store)
    await import_file(store, "github", "github/payments.json")
    return await snapshot(store)


async def test_rate_limits_are_waited_out_as_the_api_says(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    epoch = int(NOW.timestamp())  # 1742601600
    apis.faults += [
        # A 429 with Retry-After in seconds: wait 7 s (the clock is now NOW + 7 s).
        Fault(f"{REPO}/commits", 429, {"Retry-After": "7"}, page="2"),
        # GitHub's primary limit: 403, Remaining 0, reset at NOW + 49 s: wait 42 s.
        Fault(
            f"{REPO}/pulls",
            403,
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(epoch + 49)},
            body={"message": "API rate limit exceeded for user ID 1."},
        ),
        # A 503 with Retry-After as an HTTP date 30 s after the clock's NOW + 49 s.
        Fault(
            f"{REPO}/deployments",
            503,
            {"Retry-After": http_date(NOW + timedelta(seconds=79))},
        ),
    ]
    # A success that spends the last request: the next one waits for the reset (NOW + 94 s).
    apis.extra_headers[f"{REPO}/releases"] = {
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(epoch + 94),
    }
    clock = RecordingClock()
    await sync_github(store, apis, clock)
    assert clock.sleeps == [7.0, 42.0, 30.0, 15.0]
    log = apis.requests("/github")
    # Each refused request was made again once; the paced one (tags) only after the wait.
    assert len(log) == len(DAY1_GITHUB_REQUESTS) + 3
    assert log.count(f"{REPO}/commits?page=2&per_page=3") == 2
    assert await snapshot(store) == await clean_run(store)


async def test_an_interrupted_sync_resumes_at_the_failed_page_with_nothing_duplicated(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    # Page 2 of the commits fails 3 times: the client's whole retry budget (attempts=3).
    apis.faults.append(Fault(f"{REPO}/commits", 500, times=3, page="2"))
    clock = RecordingClock()
    with pytest.raises(SyncError, match=r"commits\?per_page=3&page=2 answered 500 .* 3 times"):
        await sync_github(store, apis, clock)
    assert clock.sleeps == [1.0, 2.0]  # backoff between the three attempts
    # Page 1 (8dc29f, e4666a, a6c28b) is written; its cursor waits at page 2. The two
    # parent links whose commits are on page 2 wait in ingest (docs/ingest.md, "Late
    # references"), not on the cursor.
    cursor = await load_cursor(store, "github:acme/payments:commits")
    assert cursor.cursor is None
    assert cursor.resume == f"{apis.base}{REPO}/commits?per_page=3&page=2"
    assert cursor.mark == "2025-03-18T08:30:00Z"
    assert cursor.pending == ()
    assert (await snapshot(store))["Commit"] == 3

    apis.log.clear()
    await sync_github(store, apis)
    commits = apis.requests(f"{REPO}/commits")
    assert commits == [f"{REPO}/commits?page=2&per_page=3", f"{REPO}/commits?page=3&per_page=3"]
    assert await snapshot(store) == await clean_run(store)


async def test_a_bad_token_is_refused_clearly_and_nothing_is_written(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    before = await snapshot(store)
    bad = settings(apis, github_token="ghp_revoked")
    with pytest.raises(SyncError) as refused:
        async with github.client(bad, clock=RecordingClock()) as api:
            await github.open_repository(api, "acme/payments", mapping())
    message = str(refused.value)
    assert f"GET {apis.base}{REPO} answered 401 Unauthorized" in message
    assert "check VSG_GITHUB_TOKEN" in message
    assert "Bad credentials" in message  # GitHub's own words
    assert "ghp_revoked" not in message
    assert apis.requests("/github") == [REPO]  # no retry of a refusal
    assert await snapshot(store) == before
    assert await list_cursors(store) == []


# -- Jira -----------------------------------------------------------------------------


async def sync_jira(
    store: GraphStore, apis: RecordedApis, endpoint: str = jira.SEARCH
) -> list[WalkStats]:
    clock = RecordingClock()
    async with jira.client(settings(apis), clock=clock) as api:
        site = f"{apis.base}/jira"
        search = jira.JiraSync(api, site, "project = PAY", mapping(), per_page=5, endpoint=endpoint)
        return await Syncer(store, clock=clock).sync(search.walks())


async def test_jira_syncs_oldest_change_first_then_only_what_changed(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store, with_jira=False)
    (stats,) = await sync_jira(store, apis)
    # 12 issues by `updated`, 5 a page: PAY-9, 1, 3, 2, 8 | 6, 4, 7, 5, 10 | 11, 12.
    assert (stats.pages, stats.items) == (3, 12)
    jql = "(project = PAY) ORDER BY updated ASC"
    search = "/jira/rest/api/3/search/jql"
    assert apis.log[0] == (
        search,
        {"jql": jql, "expand": "changelog", "fields": "*all", "maxResults": "5"},
    )
    assert [q.get("nextPageToken") for _, q in apis.log] == [None, "NQ==", "MTA="]  # 5, 10
    # The cursor: PAY-12's `updated`, as Jira wrote it.
    assert stats.cursor == "2025-03-19T15:00:00.000+0100"
    synced = await snapshot(store)
    # The same graph as the file import of both pages (docs/sources.md: 15 nodes, 40
    # relationships, 35 stage visits); PAY-9's link to its blocker OPS-77 waits in the
    # graph for OPS-77 (docs/ingest.md, "Late references").
    assert await store.read(WAITING) == [{"waitsFor": "WorkItem:OPS-77"}]
    await store.write(DELETE_ALL)
    await organisation(store)
    assert await snapshot(store) == synced
    await sync_jira(store, apis)  # the cursor again (the graph is the same)

    apis.day(2)
    apis.log.clear()
    (stats,) = await sync_jira(store, apis)
    # From the cursor's minute, in its own offset: PAY-12 again and PAY-7 (In Review now).
    assert apis.log == [
        (
            search,
            {
                "jql": '(project = PAY) AND updated >= "2025-03-19 15:00" ORDER BY updated ASC',
                "expand": "changelog",
                "fields": "*all",
                "maxResults": "5",
            },
        )
    ]
    assert (stats.pages, stats.items) == (1, 2)
    day2 = await snapshot(store)
    # PAY-7 In Progress -> In Review: one more stage visit (IN_STAGE), nothing else.
    assert {k: day2[k] - synced[k] for k in day2 if day2[k] != synced.get(k)} == {"IN_STAGE": 1}


async def test_jira_pages_by_start_at_on_the_older_search(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    expected = await snapshot(store)  # the file import of the same 12 issues
    (stats,) = await sync_jira(store, apis, endpoint="rest/api/3/search")
    assert (stats.pages, stats.items) == (3, 12)
    assert [q.get("startAt") for _, q in apis.log] == [None, "5", "10"]
    assert await snapshot(store) == expected


# -- GitLab ---------------------------------------------------------------------------

LAB = "/gitlab/api/v4/projects"


async def sync_gitlab(store: GraphStore, apis: RecordedApis) -> list[WalkStats]:
    clock = RecordingClock()
    async with gitlab.client(settings(apis), clock=clock) as api:
        project = await gitlab.open_project(api, "acme/payments-web", mapping(), per_page=2)
        return await Syncer(store, clock=clock).sync(project.walks())


async def test_gitlab_syncs_its_pages_and_a_running_deployment_until_it_finishes(
    store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    stats = await sync_gitlab(store, apis)
    # 4 commits, 3 merge requests, 5 deployments, 1 release, 2 a page.
    assert [(s.pages, s.items) for s in stats] == [(2, 4), (2, 3), (3, 5), (1, 1)]
    assert apis.requests(LAB)[0] == f"{LAB}/acme%2Fpayments-web"
    assert apis.requests(f"{LAB}/4242/deployments") == [
        f"{LAB}/4242/deployments?order_by=updated_at&per_page=2&sort=desc",
        f"{LAB}/4242/deployments?order_by=updated_at&page=2&per_page=2&sort=desc",
        f"{LAB}/4242/deployments?order_by=updated_at&page=3&per_page=2&sort=desc",
    ]
    # Deployment 135 was running: it holds the cursor at its own update time.
    cursor = await load_cursor(store, "gitlab:acme/payments-web:deployments")
    assert cursor.cursor == "2025-03-20T14:00:30.000Z"
    synced = await snapshot(store)
    await store.write(DELETE_ALL)
    await organisation(store)
    await import_file(store, "gitlab", "gitlab/payments-web.json")
    assert await snapshot(store) == synced

    await sync_gitlab(store, apis)  # the cursors again (the graph is the same)
    apis.day(2)
    apis.log.clear()
    stats = await sync_gitlab(store, apis)
    assert apis.requests(f"{LAB}/4242/deployments") == [
        f"{LAB}/4242/deployments?order_by=updated_at&per_page=2&sort=desc"
        "&updated_after=2025-03-20T14:00:30.000Z"
    ]
    assert stats[2].items == 1  # 135, now a success
    rows = await store.read(
        parse(
            "test/status",
            "// cardinality: one\nMATCH (d:Deployment {id: $id}) RETURN d.status AS status",
        ),
        id="gitlab.com/acme/payments-web/deployments/135",
    )
    assert rows[0]["status"] == "success"


# -- the command ----------------------------------------------------------------------


def vsg(connection: Connection, apis: RecordedApis, *args: str) -> Any:
    env = {
        **os.environ,
        "VSG_NEO4J_URI": connection.uri,
        "VSG_NEO4J_USER": connection.user,
        "VSG_NEO4J_PASSWORD": connection.password,
        "VSG_NEO4J_DATABASE": connection.database,
        "VSG_GITHUB_API_URL": f"{apis.base}/github",
        "VSG_GITHUB_TOKEN": GITHUB_TOKEN,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def test_vsg_sync_github_shows_progress_and_a_summary(
    connection: Connection, store: GraphStore, apis: RecordedApis
) -> None:
    await organisation(store)
    mapping_file = str(FIXTURES / "mapping.json")
    args = ("sync", "github", "acme/payments", "--mapping", mapping_file, "--per-page", "3")
    result = vsg(connection, apis, *args)
    assert result.returncode == 0, result.stderr
    # Progress lines and the summary go to stderr: 3 pages and 7 commits, as in test 1.
    assert "github:acme/payments:commits" in result.stderr
    assert "3 pages, 7 items fetched" in result.stderr
    assert len(apis.requests("/github")) == len(DAY1_GITHUB_REQUESTS)
    assert (await snapshot(store))["Commit"] == 11
