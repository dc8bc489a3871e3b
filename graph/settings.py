"""Configuration, read once from `VSG_*` environment variables into a frozen object."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

#: The password docker-compose.yml uses unless told otherwise: fine on a laptop only.
DEV_PASSWORD = "vsgraph-dev-password"

REPO_ROOT = Path(__file__).resolve().parent.parent

AUTH_MODES = ("auto", "required", "off")

#: Requests' reads the embedded database is sent at once by default (VSG_READ_CONCURRENCY):
#: half of the statements it runs at once (twice the cores, at least 4).
EMBEDDED_READS_AT_ONCE = max(2, os.cpu_count() or 1)

#: Which deployment environments are production unless the organisation says otherwise
#: (`VSG_PRODUCTION_PATTERN`): DevLake's default, `prod`, `Production`, `PROD-eu`...
DEFAULT_PRODUCTION_PATTERN = "(?i)prod.*"


def production_regex(pattern: str) -> str:
    """A production pattern as environments are matched against it: the whole name, in
    any case (`(?i)` is added unless the pattern starts with it). A ValueError names
    what is wrong with a pattern that is empty or does not compile."""
    text = pattern.strip()
    if not text:
        raise ValueError("the production pattern is empty")
    if not text.startswith("(?i)"):
        text = "(?i)" + text
    try:
        re.compile(text)
    except re.error as e:
        raise ValueError(f"{pattern!r} is not a regular expression: {e}") from None
    return text


def is_loopback(host: str) -> bool:
    """Whether `host` (what the API binds to) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable


def _names(raw: str) -> tuple[str, ...]:
    """A comma-separated list of host names, lower case, IPv6 brackets and ports dropped."""
    names = []
    for part in raw.split(","):
        name = part.strip().lower()
        if name.startswith("["):
            name = name[1 : name.find("]")] if "]" in name else name[1:]
        elif name.count(":") == 1:
            name = name.partition(":")[0]
        if name:
            names.append(name)
    return tuple(names)


class ConfigError(ValueError):
    """Raised when the environment holds a setting vsgraph cannot use."""


@dataclass(frozen=True)
class Settings:
    """Every setting vsgraph reads; build it with `Settings.from_env()`."""

    #: Bolt or neo4j:// URI of an external Neo4j; None means "run the embedded database".
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = field(default="", repr=False)
    neo4j_database: str = "neo4j"
    #: development | production; production refuses the compose file's default password.
    env: str = "development"
    data_dir: Path = Path(".vsg-data")
    embedded_bolt_port: int = 7688
    embedded_http_port: int = 2480
    embedded_database: str = "vsgraph"
    host: str = "127.0.0.1"
    port: int = 8000
    ingest_batch_size: int = 5000
    #: Largest request body in bytes: of `/ingest` and webhooks, and of `/graphql` (the
    #: document and its variables); larger is refused with a 413 (api/http/body_limit.py).
    max_body_bytes: int = 32 * 1024 * 1024
    graphql_max_body_bytes: int = 4 * 1024 * 1024
    #: Webhook secrets; a webhook whose secret is unset answers 503 and writes nothing.
    github_webhook_secret: str | None = field(default=None, repr=False)
    gitlab_webhook_token: str | None = field(default=None, repr=False)
    jira_webhook_secret: str | None = field(default=None, repr=False)
    #: Live sync (`vsg sync`, docs/sources.md): API base URLs and tokens.
    jira_url: str | None = None
    jira_email: str | None = None
    jira_token: str | None = field(default=None, repr=False)
    github_api_url: str = "https://api.github.com"
    github_token: str | None = field(default=None, repr=False)
    gitlab_url: str = "https://gitlab.com"
    gitlab_token: str | None = field(default=None, repr=False)
    #: How long `GET /metrics` serves one computed exposition before computing it again.
    metrics_cache_seconds: int = 60
    #: The most nodes `vsg export` writes; a larger subgraph is refused.
    export_max_nodes: int = 10_000
    #: GraphQL limits (SECURITY.md): checked before a query runs.
    graphql_max_depth: int = 15
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 2000
    graphql_max_page: int = 500
    graphql_max_cost: int = 200_000
    #: Whether `__schema`/`__type` and the GraphiQL page are served; None: on in
    #: development, off in production.
    graphql_introspection: bool | None = None
    #: Seconds a read transaction of an API request may take before it is abandoned.
    query_timeout_seconds: float = 30.0
    #: Seconds a write transaction may take before it is abandoned (a 503).
    write_timeout_seconds: float = 120.0
    #: Requests' reads sent to the database at once (graph/db/read_gate.py); the others
    #: wait in this process, where writes pass them. None: automatic (see
    #: `reads_at_once`); 0: no limit.
    read_concurrency: int | None = None
    #: Seconds `vsg serve` lets requests in flight finish after SIGTERM before it
    #: cancels them and exits.
    shutdown_timeout_seconds: float = 30.0
    #: Database faults (docs/deployment.md#when-the-database-is-down): start-up attempts
    #: before `vsg serve` gives up, seconds one attempt (one connection) may take, the
    #: longest wait between attempts, seconds a transaction keeps retrying before its
    #: request fails, and restarts of a dead embedded database before giving up.
    db_connect_attempts: int = 10
    db_connect_timeout_seconds: float = 5.0
    db_connect_backoff_max_seconds: float = 30.0
    db_retry_seconds: float = 5.0
    embedded_max_restarts: int = 3
    #: auto | required | off: whether requests need an API token (SECURITY.md). auto
    #: requires one unless the API is bound to a loopback address.
    auth: str = "auto"
    #: Whether `GET /metrics` is served without a token (for a Prometheus without one).
    metrics_public: bool = False
    #: Seconds a looked-up token is remembered; a revocation elsewhere takes this long.
    token_cache_seconds: float = 10.0
    #: Requests with an invalid token one address may make a minute before it gets 429s.
    auth_failures_per_minute: int = 60
    #: CPU-heavy work (SECURITY.md#heavy-requests): worker threads, how many of them one
    #: client may use at once, and seconds one computation may take, its wait included.
    compute_workers: int = 4
    client_concurrency: int = 2
    compute_timeout_seconds: float = 20.0
    #: Cost limits of window and forecast arguments (api/graphql/limits.py): the longest window
    #: of one field in days, the window points (days, or weeks of a weekly CFD) of one
    #: request, and the forecast trial-days (trials x days simulated) of one request.
    graphql_max_window_days: int = 3660
    graphql_max_window_points: int = 500_000
    graphql_max_forecast_work: int = 20_000_000
    #: Host names (the `Host` header, without port) the API answers besides the loopback
    #: names and `host`; "*" answers any (SECURITY.md#loopback-and-browsers).
    allowed_hosts: tuple[str, ...] = ()
    #: The deployment environments that are production, organisation-wide: a regular
    #: expression the whole environment name matches, in any case (docs/metrics.md).
    production_pattern: str = DEFAULT_PRODUCTION_PATTERN

    @property
    def embedded(self) -> bool:
        """Whether vsgraph runs its own embedded database (no external URI given)."""
        return self.neo4j_uri is None

    @property
    def auth_required(self) -> bool:
        """Whether a request without a valid token is refused: always with
        VSG_AUTH=required, never with off, and with auto unless bound to loopback."""
        if self.auth == "auto":
            return not is_loopback(self.host)
        return self.auth == "required"

    @property
    def introspection(self) -> bool:
        """Whether GraphQL introspection and the IDE are on (default: in development only)."""
        if self.graphql_introspection is None:
            return self.env == "development"
        return self.graphql_introspection

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment (or the mapping given), validating them.

        Each field is read from `VSG_` and its name in capitals (`port`: `VSG_PORT`); a
        variable unset or empty leaves the field's default, written once, above."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            name = "VSG_" + setting.name.upper()
            raw = env.get(name, "")
            if raw.strip():
                read = _READ_AS.get(setting.name) or _READ_TYPE[str(setting.type)]
                values[setting.name] = read(name, raw)
        settings = cls(**values)  # type: ignore[arg-type]  # each value read as its field's type
        settings.check()
        return settings

    def reads_at_once(self) -> int | None:
        """Requests' reads in the database at once (None: no limit). Automatic: on the
        embedded database, as many as the machine has cores (at least 2), half of the
        statements it runs at once (twice its cores, at least 4), so that a write always
        finds a free one; on Neo4j, no limit (it schedules its own threads)."""
        if self.read_concurrency is not None:
            return self.read_concurrency or None
        return None if self.neo4j_uri is not None else EMBEDDED_READS_AT_ONCE

    def check(self) -> None:
        """Refuse settings that are unsafe or cannot work."""
        if self.env not in ("development", "production"):
            raise ConfigError(f"VSG_ENV must be development or production, got {self.env!r}")
        if self.env == "production" and self.neo4j_password == DEV_PASSWORD:
            raise ConfigError(
                "VSG_NEO4J_PASSWORD is the docker-compose development default; "
                "set a real password for VSG_ENV=production"
            )
        if self.ingest_batch_size < 1:
            raise ConfigError("VSG_INGEST_BATCH_SIZE must be at least 1")
        for name, value in (
            ("VSG_GRAPHQL_MAX_DEPTH", self.graphql_max_depth),
            ("VSG_GRAPHQL_MAX_ALIASES", self.graphql_max_aliases),
            ("VSG_GRAPHQL_MAX_TOKENS", self.graphql_max_tokens),
            ("VSG_GRAPHQL_MAX_PAGE", self.graphql_max_page),
            ("VSG_GRAPHQL_MAX_COST", self.graphql_max_cost),
            ("VSG_GRAPHQL_MAX_WINDOW_DAYS", self.graphql_max_window_days),
            ("VSG_GRAPHQL_MAX_WINDOW_POINTS", self.graphql_max_window_points),
            ("VSG_GRAPHQL_MAX_FORECAST_WORK", self.graphql_max_forecast_work),
            ("VSG_COMPUTE_WORKERS", self.compute_workers),
            ("VSG_CLIENT_CONCURRENCY", self.client_concurrency),
            ("VSG_MAX_BODY_BYTES", self.max_body_bytes),
            ("VSG_GRAPHQL_MAX_BODY_BYTES", self.graphql_max_body_bytes),
            ("VSG_AUTH_FAILURES_PER_MINUTE", self.auth_failures_per_minute),
        ):
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
        if not self.compute_timeout_seconds > 0:
            raise ConfigError("VSG_COMPUTE_TIMEOUT_SECONDS must be more than 0")
        if not self.query_timeout_seconds > 0:
            raise ConfigError("VSG_QUERY_TIMEOUT_SECONDS must be more than 0")
        if not self.write_timeout_seconds > 0:
            raise ConfigError("VSG_WRITE_TIMEOUT_SECONDS must be more than 0")
        if not self.shutdown_timeout_seconds > 0:
            raise ConfigError("VSG_SHUTDOWN_TIMEOUT_SECONDS must be more than 0")
        if self.auth not in AUTH_MODES:
            raise ConfigError(f"VSG_AUTH must be one of {', '.join(AUTH_MODES)}, got {self.auth!r}")
        if self.read_concurrency is not None and self.read_concurrency < 0:
            raise ConfigError("VSG_READ_CONCURRENCY must be auto, 0 (no limit) or more")
        if self.token_cache_seconds < 0:
            raise ConfigError("VSG_TOKEN_CACHE_SECONDS must be 0 or more")
        if self.metrics_cache_seconds < 0:
            raise ConfigError("VSG_METRICS_CACHE_SECONDS must be 0 or more")
        if self.export_max_nodes < 1:
            raise ConfigError("VSG_EXPORT_MAX_NODES must be at least 1")
        if self.db_connect_attempts < 1:
            raise ConfigError("VSG_DB_CONNECT_ATTEMPTS must be at least 1")
        # The driver waits up to 60 s for a pooled connection, and opening one must fit.
        if not 0 < self.db_connect_timeout_seconds < 60:
            raise ConfigError("VSG_DB_CONNECT_TIMEOUT_SECONDS must be more than 0 and below 60")
        if not self.db_connect_backoff_max_seconds > 0:
            raise ConfigError("VSG_DB_CONNECT_BACKOFF_MAX_SECONDS must be more than 0")
        if self.db_retry_seconds < 0:
            raise ConfigError("VSG_DB_RETRY_SECONDS must be 0 or more")
        if self.embedded_max_restarts < 0:
            raise ConfigError("VSG_EMBEDDED_MAX_RESTARTS must be 0 or more")
        try:
            production_regex(self.production_pattern)
        except ValueError as e:
            raise ConfigError(f"VSG_PRODUCTION_PATTERN: {e}") from None


def _integer(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _number(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _text(name: str, raw: str) -> str:
    return raw


#: How a variable is read, by its field's type; `_READ_AS` by field for the others.
_READ_TYPE: dict[str, Callable[[str, str], object]] = {
    "str": _text,
    "str | None": _text,
    "Path": lambda name, raw: Path(raw),
    "int": _integer,
    "float": _number,
    "bool": _flag,
    "bool | None": _flag,
}
_READ_AS: dict[str, Callable[[str, str], object]] = {
    "auth": lambda name, raw: raw.strip().lower(),
    "read_concurrency": lambda name, raw: (
        None if raw.strip().lower() == "auto" else _integer(name, raw)
    ),
    "allowed_hosts": lambda name, raw: _names(raw),
}
