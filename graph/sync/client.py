"""An HTTP client for vendor REST APIs: paging links, rate limits, bounded retries.

- Paging: `Page.next_url` follows `Link: <...>; rel="next"` (GitHub, GitLab), else
  GitLab's `X-Next-Page`; Jira pages in the body (its walk does that itself).
- Rate limits: a 429/503 (or a GitHub secondary-limit 403) with `Retry-After` (seconds or
  an HTTP date) waits that long; a 403/429 with `X-RateLimit-Remaining: 0` waits until
  `X-RateLimit-Reset` (epoch seconds), GitLab's `RateLimit-Reset` likewise. A success
  that leaves no requests (`Remaining: 0`) waits until the reset before the next request.
- Other 5xx and network errors are retried with exponential backoff, `attempts` in all.
- 401/403/404 stop at once with a message naming the URL and what to check.

All waiting goes through a `Clock`, so tests run with a recording clock and no sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from graph.errors import GraphError

#: Answers worth another try: the server is busy or briefly broken.
RETRYABLE = frozenset({429, 500, 502, 503, 504})


class SyncError(GraphError):
    """Raised when a vendor API cannot be read: refused, missing, or failing too long."""


class Clock(Protocol):
    """The time source and the waiting a client does (replaced in tests)."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait this many seconds."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait this many seconds."""
        await asyncio.sleep(seconds)


def with_param(url: str, name: str, value: str) -> str:
    """`url` with query parameter `name` set to `value` (others kept, in order)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode([*query, (name, value)])))


def retry_after(headers: httpx.Headers, now: datetime) -> float | None:
    """Seconds `Retry-After` asks for (given as seconds or as an HTTP date), or None."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _reset_in(headers: httpx.Headers, now: datetime) -> float | None:
    """Seconds until the rate-limit window resets (GitHub or GitLab header), or None."""
    reset = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
    if reset is None or not reset.strip().isdigit():
        return None
    return max(0.0, int(reset) - now.timestamp())


def _exhausted(headers: httpx.Headers) -> bool:
    remaining = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
    return remaining is not None and remaining.strip() == "0"


def rate_limit_wait(status: int, headers: httpx.Headers, now: datetime) -> float | None:
    """How long an answer asks the client to wait before trying again; None if it does not."""
    if status in (403, 429, 503):
        # GitHub's secondary limits answer 403 with Retry-After; 429/503 send it too.
        seconds = retry_after(headers, now)
        if seconds is not None:
            return seconds
    if status in (403, 429) and (_exhausted(headers) or status == 429):
        return _reset_in(headers, now)
    return None


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt` (1, 2, 4, ... at most 60)."""
    return float(min(60, 2 ** (attempt - 1)))


@dataclass(frozen=True)
class Page:
    """One successful answer: where it came from, its headers, decoded JSON body and its
    `Link` header's links by relation (httpx's `Response.links`)."""

    url: str
    headers: httpx.Headers
    body: Any
    links: Mapping[str | None, Mapping[str, str]] = field(default_factory=dict)

    @property
    def next_url(self) -> str | None:
        """The next page: the `Link` rel="next", else GitLab's `X-Next-Page`, else None."""
        link = self.links.get("next", {}).get("url")
        if link:
            return link
        page = (self.headers.get("x-next-page") or "").strip()
        return with_param(self.url, "page", page) if page else None


class ApiClient:
    """GETs JSON from one vendor API with its credentials, waiting and retrying as told."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str],
        auth: httpx.BasicAuth | None = None,
        check: str,
        clock: Clock | None = None,
        attempts: int = 5,
        max_wait: float = 3600.0,
        timeout: float = 30.0,
    ) -> None:
        """`check` completes "check ..." in refusal messages (which token, which rights)."""
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            auth=auth,
            timeout=timeout,
            follow_redirects=True,
        )
        self.check = check
        self.clock: Clock = clock or SystemClock()
        self.attempts = attempts
        self.max_wait = max_wait
        self.requests = 0
        self._not_before: datetime | None = None

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _wait(self, seconds: float, url: str) -> None:
        if seconds > self.max_wait:
            raise SyncError(
                f"GET {url}: the API asks to wait {seconds:.0f} s (rate limit), more than the "
                f"{self.max_wait:.0f} s this run waits; run the sync again later: it resumes "
                "where it stopped"
            )
        await self.clock.sleep(seconds)

    async def get(self, url: str, params: dict[str, str] | None = None) -> Page:
        """GET `url` (absolute, or relative to the base URL) and decode its JSON answer."""
        if self._not_before is not None:
            ahead = (self._not_before - self.clock.now()).total_seconds()
            self._not_before = None
            if ahead > 0:
                await self._wait(ahead, url)
        shown = str(self._http.base_url.join(url.lstrip("/")))
        for attempt in range(1, self.attempts + 1):
            self.requests += 1
            try:
                response = await self._http.get(url.lstrip("/"), params=params)
            except httpx.TransportError as error:
                if attempt == self.attempts:
                    raise SyncError(
                        f"GET {shown}: {type(error).__name__} {error} "
                        f"({self.attempts} attempts); is the URL right and the host reachable?"
                    ) from None
                await self._wait(backoff(attempt), shown)
                continue
            shown = str(response.request.url)
            status = response.status_code
            if response.is_success:
                self._pace(response)
                try:
                    return Page(shown, response.headers, response.json(), response.links)
                except ValueError:
                    raise SyncError(f"GET {shown}: the answer is not JSON") from None
            wait = rate_limit_wait(status, response.headers, self.clock.now())
            if wait is None and status not in RETRYABLE:
                raise SyncError(self._refusal(shown, response))
            if attempt == self.attempts:
                raise SyncError(
                    f"GET {shown} answered {status} {response.reason_phrase} "
                    f"{self.attempts} times; giving up (a new run resumes at this page)"
                )
            await self._wait(wait if wait is not None else backoff(attempt), shown)
        raise AssertionError("unreachable: the loop returns or raises")

    def _pace(self, response: httpx.Response) -> None:
        """After the last request of a rate-limit window, hold the next until the reset."""
        if _exhausted(response.headers):
            seconds = _reset_in(response.headers, self.clock.now())
            if seconds:
                self._not_before = self.clock.now() + timedelta(seconds=seconds)

    def _refusal(self, url: str, response: httpx.Response) -> str:
        status = response.status_code
        said = _vendor_message(response)
        if status == 401:
            why = f"the credentials were refused; check {self.check}"
        elif status == 403:
            why = f"the token may not read this; check {self.check} and its scopes/permissions"
        elif status == 404:
            why = (
                f"not found; check the name in the command and the base URL, and that "
                f"{self.check} can see it (private ones answer 404 without access)"
            )
        else:
            why = "the API refused the request"
        return f"GET {url} answered {status} {response.reason_phrase}: {why}.{said}"


def _vendor_message(response: httpx.Response) -> str:
    """The vendor's own explanation, if its error body has one."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessages", "error_description"):
            value = body.get(key)
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            if value:
                return f" The API said: {str(value)[:200]}"
    return ""
