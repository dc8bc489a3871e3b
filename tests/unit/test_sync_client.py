"""The sync client's pure parts: paging links, rate-limit waits, the Jira search."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from graph.sync.client import Page, SyncError, backoff, rate_limit_wait, retry_after
from graph.sync.jira import jql_since, project_jql
from graph.sync.walk import older

NOW = datetime(2025, 3, 22, tzinfo=UTC)  # epoch 1742601600


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({k.replace("_", "-"): v for k, v in values.items()})


def page_with_link(link: str) -> Page:
    """A page as the client builds it from an answer with this `Link` header."""
    answer = httpx.Response(200, headers=headers(Link=link), json=[])
    return Page("https://api.github.com/x", answer.headers, [], answer.links)


def test_the_next_link_is_found_among_the_others() -> None:
    github = (
        '<https://api.github.com/repositories/1/commits?page=1>; rel="prev", '
        '<https://api.github.com/repositories/1/commits?page=3>; rel="next", '
        '<https://api.github.com/repositories/1/commits?page=9>; rel="last"'
    )
    assert page_with_link(github).next_url == "https://api.github.com/repositories/1/commits?page=3"
    assert page_with_link('<https://x/a?page=9>; rel="last"').next_url is None
    assert Page("https://x/y", headers(), []).next_url is None


def test_gitlab_x_next_page_sets_the_page_of_the_current_url() -> None:
    page = Page(
        "https://gitlab.example/api/v4/projects/4/deployments?per_page=2&page=1",
        headers(X_Next_Page="2"),
        [],
    )
    assert page.next_url == "https://gitlab.example/api/v4/projects/4/deployments?per_page=2&page=2"
    assert Page("https://x/y?page=3", headers(X_Next_Page=""), []).next_url is None


def test_retry_after_is_seconds_or_an_http_date() -> None:
    assert retry_after(headers(Retry_After="120"), NOW) == 120.0
    # 90 s after NOW, written as an HTTP date.
    assert retry_after(headers(Retry_After="Sat, 22 Mar 2025 00:01:30 GMT"), NOW) == 90.0
    # A date already past: no wait.
    assert retry_after(headers(Retry_After="Fri, 21 Mar 2025 23:00:00 GMT"), NOW) == 0.0
    assert retry_after(headers(Retry_After="soon"), NOW) is None


def test_rate_limit_waits_follow_each_vendors_headers() -> None:
    reset = str(1742601600 + 300)
    # GitHub's primary limit: 403 (or 429) with nothing left: until the reset, 300 s.
    assert (
        rate_limit_wait(403, headers(X_RateLimit_Remaining="0", X_RateLimit_Reset=reset), NOW)
        == 300.0
    )
    # GitHub's secondary limit: 403 with Retry-After.
    assert rate_limit_wait(403, headers(Retry_After="60"), NOW) == 60.0
    # GitLab: 429 with RateLimit-Reset (and no Retry-After).
    assert rate_limit_wait(429, headers(RateLimit_Reset=reset), NOW) == 300.0
    # A 403 with requests left is a permission problem, not a limit: no wait.
    assert (
        rate_limit_wait(403, headers(X_RateLimit_Remaining="12", X_RateLimit_Reset=reset), NOW)
        is None
    )
    assert rate_limit_wait(401, headers(Retry_After="5"), NOW) is None
    # A 503 without Retry-After: the caller backs off.
    assert rate_limit_wait(503, headers(), NOW) is None
    assert [backoff(n) for n in (1, 2, 3, 7, 8)] == [1.0, 2.0, 4.0, 60.0, 60.0]


def test_the_jira_search_adds_the_cursor_minute_in_its_own_offset() -> None:
    assert jql_since("project = PAY", None) == "(project = PAY) ORDER BY updated ASC"
    assert (
        jql_since(project_jql(["PAY", "CHK"]), "2025-03-19T15:00:59.123+0100")
        == '(project in (PAY, CHK)) AND updated >= "2025-03-19 15:00" ORDER BY updated ASC'
    )
    with pytest.raises(SyncError, match="ORDER BY"):
        jql_since("project = PAY order by key", None)


def test_vendor_timestamps_compare_across_offsets() -> None:
    assert older("2025-03-19T15:00:00.000+0100", "2025-03-19T14:30:00Z")
    assert not older("2025-03-19T14:30:00Z", "2025-03-19T15:30:00+01:00")  # the same instant
    assert not older(None, "2025-03-19T14:30:00Z")
