"""Who is asking: API tokens checked on every request, roles enforced per entry point.

`TokenAuth` is an ASGI middleware in front of every route. It reads
`Authorization: Bearer <token>`, looks the token up (graph/tokens.py, remembered for
`VSG_TOKEN_CACHE_SECONDS`), and either refuses the request (401 without a valid token
where one is required, 403 when the token's role is too low for the route) or records the
caller as `scope["state"]["principal"]` for the route and GraphQL resolvers.

What each route needs is `route_role` below. GraphQL needs a viewer to run anything; the
mutations and admin fields ask for more themselves (`IsEditor`, `IsAdmin`). Webhooks are
authenticated by their signatures only, and the pages and static files hold no data.

Without `VSG_AUTH=required` and bound to loopback (the default), a request without a
token acts as an admin: a single user on their own machine. A token that is sent is
always checked, so a revoked token never works.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.auth_failures import FailureLimit
from api.runtime import runtime
from graph.db.read_gate import READ_CLIENT
from graph.db.store import GraphStore
from graph.errors import StoreUnavailable
from graph.settings import Settings
from graph.tokens import ApiToken, Role, find_token, secret_hash


@dataclass(frozen=True)
class Principal:
    """The caller of one request: a token's role, or anonymous on an open server."""

    role: Role
    #: The token's id; None for an anonymous caller (auth not required).
    token_id: str | None = None

    def may(self, required: Role) -> bool:
        """Whether this caller has `required` or a higher role."""
        return self.role >= required


#: Who calls an API that does not require tokens and is not sent one.
ANONYMOUS = Principal(Role.ADMIN)

#: Routes that need no token: pages and assets hold no data, webhooks are signed.
_PUBLIC_PREFIXES = (
    "/healthz",
    "/webhooks/",
    "/explorer",
    "/dashboard",
    "/analysis",
    "/static/",
)


def route_role(settings: Settings, method: str, path: str, query: QueryParams) -> Role | None:
    """The role a request to `path` needs; None if it is public."""
    if path == "/" or path.startswith(_PUBLIC_PREFIXES):  # "/": the home page
        return None
    if path == "/graphql" and method == "GET" and "query" not in query:
        return None  # the IDE page itself; its requests carry the token the user enters
    if path == "/ingest":
        return Role.EDITOR
    if path == "/metrics" and settings.metrics_public:
        return None
    return Role.VIEWER  # /graphql, /export/*, /metrics, and anything added later


class TokenCache:
    """Tokens looked up recently, by their secret's hash.

    Keeps a lookup off the database for most requests. A valid token is remembered for
    `ttl` seconds: revoking through this process clears it at once; a revocation made
    elsewhere (another API replica, `vsg token revoke`) takes effect here within `ttl`.
    An unknown or revoked one is remembered apart, in a bounded LRU, for
    `REFUSED_SECONDS`: neither can become valid (a secret exists only once its token is
    made, and a revocation is final), so a client repeating one costs no database read,
    and a flood of made-up tokens cannot push the valid ones out.
    """

    _MAX_ENTRIES = 10_000  # each kind; bounded, so a flood of tokens cannot grow it
    REFUSED_SECONDS = 3600.0

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._valid: OrderedDict[str, tuple[float, ApiToken]] = OrderedDict()
        self._refused: OrderedDict[str, tuple[float, ApiToken | None]] = OrderedDict()

    def known_valid(self, secret: str) -> ApiToken | None:
        """The active token `secret` belongs to, if remembered; no database read."""
        return _fresh(self._valid, secret_hash(secret))

    async def lookup(self, store: GraphStore, secret: str) -> ApiToken | None:
        """The token `secret` belongs to (revoked or not), or None."""
        key = secret_hash(secret)
        now = time.monotonic()
        valid = _fresh(self._valid, key, now)
        if valid is not None:
            return valid
        if key in self._refused and self._refused[key][0] > now:
            self._refused.move_to_end(key)
            return self._refused[key][1]
        token = await find_token(store, secret)
        if token is not None and token.active:
            if self.ttl > 0:
                _put(self._valid, key, (now + self.ttl, token), self._MAX_ENTRIES)
        else:
            _put(self._refused, key, (now + self.REFUSED_SECONDS, token), self._MAX_ENTRIES)
        return token

    def clear(self) -> None:
        """Forget every valid token (after a revocation); refused ones stay refused."""
        self._valid.clear()


def _fresh(
    entries: OrderedDict[str, tuple[float, ApiToken]], key: str, now: float | None = None
) -> ApiToken | None:
    entry = entries.get(key)
    if entry is None or entry[0] <= (time.monotonic() if now is None else now):
        return None
    entries.move_to_end(key)
    return entry[1]


def _put(entries: OrderedDict[str, Any], key: str, value: Any, most: int) -> None:
    entries[key] = value
    entries.move_to_end(key)
    while len(entries) > most:
        entries.popitem(last=False)  # the least recently used


def bearer_secret(headers: Headers) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if there is one."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _refuse(status: int, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="vsgraph"'} if status == 401 else {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class TokenAuth:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, settings: Settings, tokens: TokenCache) -> None:
        self.app = app
        self.settings = settings
        self.tokens = tokens
        self.failures = FailureLimit(settings.auth_failures_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        principal, refusal = await self._principal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        # The database's read slots are shared between clients in turn (graph/db/read_gate.py).
        address = scope["client"][0] if scope.get("client") else None
        READ_CLIENT.set(client_key(principal, address))
        await self.app(scope, receive, send)

    async def _principal(self, scope: Scope) -> tuple[Principal, JSONResponse | None]:
        headers = Headers(scope=scope)
        required = route_role(
            self.settings,
            scope["method"],
            scope["path"],
            QueryParams(scope.get("query_string", b"")),
        )
        secret = bearer_secret(headers)
        if secret is None:
            if required is not None and self.settings.auth_required:
                return ANONYMOUS, _refuse(
                    401, "this needs an API token: send `Authorization: Bearer <token>`"
                )
            return ANONYMOUS, None
        token = self.tokens.known_valid(secret)
        if token is None:
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = self.failures.retry_after(client)
            if wait is not None:
                return ANONYMOUS, _refuse(
                    429,
                    f"too many requests with invalid API tokens from this address; try again "
                    f"in {wait} s (VSG_AUTH_FAILURES_PER_MINUTE)",
                    retry_after=wait,
                )
            found = await self._find(scope, secret)
            if isinstance(found, JSONResponse):
                return ANONYMOUS, found
            if found is None or not found.active:
                self.failures.failed(client)
                return ANONYMOUS, _refuse(401, "the API token is not valid (unknown or revoked)")
            token = found
        principal = Principal(token.role, token.id)
        if required is not None and not principal.may(required):
            return principal, _refuse(
                403, f"this needs the {required.label} role; the token has {token.role.label}"
            )
        return principal, None

    async def _find(self, scope: Scope, secret: str) -> ApiToken | JSONResponse | None:
        store = runtime(scope["app"]).store
        try:
            return await self.tokens.lookup(store, secret)
        except StoreUnavailable as error:
            return _refuse(503, str(error))


def client_key(principal: Principal, address: str | None) -> str:
    """Who a caller counts as for its share of shared resources (api/compute.py): its
    token, or without one its address."""
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    return f"address:{address or 'unknown'}"


def request_principal(state: Any) -> Principal:
    """The caller `TokenAuth` recorded on a request's state. A request that did not pass
    through it (an app assembled without the middleware) gets the lowest role."""
    principal = getattr(state, "principal", None)
    return principal if isinstance(principal, Principal) else Principal(Role.VIEWER)
