"""Who may use the trust loopback gives: requests for this machine, from its own pages.

On loopback without `VSG_AUTH=required`, a request without a token acts as an admin
(api/http/auth.py). A browser is the one client on the machine that also runs other sites'
code, so `SiteGuard`, an ASGI middleware in front of `TokenAuth`, refuses what a
foreign page can make a browser send (SECURITY.md#loopback-and-browsers):

- **a `Host` this API does not answer to** (400): a DNS-rebinding page reaches
  127.0.0.1 under its own name, so its requests are same-origin to it and carry no
  `Origin` to refuse. The names answered are the loopback ones, `VSG_HOST` and
  `VSG_ALLOWED_HOSTS` (`allowed_hosts`). Webhooks and `/healthz` are exempt: webhooks
  are signed, and health checks come through proxies and orchestrators by any name.

Then, for a request to a data route (anything `route_role` protects) that carries no
API token, the trust it asks for has to come from one of the app's own pages:

- **from another site** (403): `Sec-Fetch-Site` other than `same-origin` or `none`, or
  an `Origin` other than the `Host` (`null` included);
- **a write a browser sends across sites without asking** (415): a POST whose
  `Content-Type` is one of the three "simple" types (`text/plain`, form, multipart), or
  missing in a browser's request: what a foreign page can send with no CORS preflight;
- **from a browser page without the page's token** (403): a POST that shows a browser's
  marks (`Origin` or a `Sec-Fetch-*` header) must carry `X-VSG-CSRF` with the token the
  pages are served with (`csrf_token`, random per process).

A request that sends a token is judged by its token alone: a page on another site cannot
read the token the explorer keeps, and without CORS headers a browser cannot even send
one across sites.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.auth import bearer_secret, route_role
from graph.settings import Settings

#: The names of this machine's loopback interfaces, as a `Host` header gives them.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
#: The header the pages send their per-process token in.
CSRF_HEADER = "x-vsg-csrf"
#: Content types a page on any site may POST without a CORS preflight.
SIMPLE_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
#: Paths the guard leaves alone: signed webhooks, and the health check.
_EXEMPT_PREFIXES = ("/webhooks/", "/healthz")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token() -> str:
    """A new random token for the pages of one process."""
    return secrets.token_urlsafe(32)


def _wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The `Host` names the API answers to; None for any.

    Any, only when told so (`VSG_ALLOWED_HOSTS=*`), or when bound to every interface
    (0.0.0.0, as in docker) with tokens required and no list given: there a request
    without a token is refused anyway, and the machine's public names are not known.
    """
    configured = set(settings.allowed_hosts)
    if "*" in configured:
        return None
    bound = settings.host.strip("[]").lower()
    if _wildcard(bound):
        if not configured and settings.auth_required:
            return None
        return LOOPBACK_NAMES | configured
    return LOOPBACK_NAMES | configured | {bound}


def host_name(header: str) -> str | None:
    """The name in a `Host` header (`name`, `name:port`, `[v6]:port`), lower case; None
    if it is malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1 :]
        if end < 0 or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return header[1:end]
    name, colon, port = header.partition(":")
    if not name or (colon and not port.isdigit()):
        return None
    return name


def _origin_netloc(origin: str) -> str | None:
    if origin == "null":
        return None
    try:
        parts = urlsplit(origin)
    except ValueError:
        return None
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else None


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class SiteGuard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, settings: Settings, csrf: str) -> None:
        self.app = app
        self.settings = settings
        self.hosts = allowed_hosts(settings)
        self.csrf = csrf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> JSONResponse | None:
        """Why this request is refused, as the response to send; None to let it in."""
        path: str = scope["path"]
        if path.startswith(_EXEMPT_PREFIXES):
            return None
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.hosts is not None and host_name(host) not in self.hosts:
            return _refuse(
                400,
                f"this vsgraph does not answer to the host name {host!r}: use "
                "http://127.0.0.1 or http://localhost, or add the name to VSG_ALLOWED_HOSTS",
            )
        method: str = scope["method"]
        query = QueryParams(scope.get("query_string", b""))
        if (
            bearer_secret(headers) is not None
            or route_role(self.settings, method, path, query) is None
        ):
            return None
        return self._cross_site(headers, host, method)

    def _cross_site(self, headers: Headers, host: str, method: str) -> JSONResponse | None:
        site = headers.get("sec-fetch-site")
        origin = headers.get("origin")
        if site is not None and site not in ("same-origin", "none"):
            return _refuse(
                403,
                f"a request from another site (Sec-Fetch-Site: {site}) cannot use this "
                "vsgraph without an API token; send `Authorization: Bearer <token>`",
            )
        if origin is not None and _origin_netloc(origin) != host.strip().lower():
            return _refuse(
                403,
                f"a request from another origin ({origin}) cannot use this vsgraph without "
                "an API token; send `Authorization: Bearer <token>`",
            )
        if method in _SAFE_METHODS:
            return None
        browser = origin is not None or any(name.startswith("sec-fetch-") for name in headers)
        content_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        # A browser sends a body without a type (a Blob, an ArrayBuffer) across sites
        # too; a script (curl, httpx) that leaves the type out is no browser's page.
        if content_type in SIMPLE_TYPES or (browser and not content_type):
            return _refuse(
                415,
                f"a POST without an API token must say what it sends (Content-Type "
                f"{content_type or 'missing'} is what any web page may send here): use "
                "application/json for /graphql, application/x-ndjson for /ingest",
            )
        sent = headers.get(CSRF_HEADER)
        if browser and (sent is None or not hmac.compare_digest(sent.encode(), self.csrf.encode())):
            return _refuse(
                403,
                "a browser request without an API token must come from this vsgraph's own "
                f"pages (the {CSRF_HEADER} header is missing or stale): reload the page",
            )
        return None
