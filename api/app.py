"""The Starlette application: the only place the graph store is opened and closed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from api.compute import Compute
from api.graphql.view import GraphQLView
from api.http import errors, exports, health, ingest, prometheus, redact, webhooks
from api.http.auth import TokenAuth, TokenCache
from api.http.body_limit import BodyLimit
from api.http.exposition import ExpositionCache
from api.http.guard import SiteGuard, csrf_token
from api.runtime import Runtime
from api.web import pages
from api.web.ide import STATIC_DIR
from graph.db.connector import Retry, StoreConnector
from graph.db.store import Connection, GraphStore
from graph.settings import Settings


def create_app(
    settings: Settings,
    connection: Connection,
    *,
    on_give_up: Callable[[str], None] | None = None,
) -> Starlette:
    """Build the app; the store opens when it starts and closes when it stops.

    The app starts even when the database does not answer: requests then get a 503 at
    once and `/healthz` says why, while the connector keeps trying in the background
    (graph/db/connector.py); `on_give_up(reason)` is called if it runs out of attempts.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = GraphStore.create(
            connection,
            read_timeout=settings.query_timeout_seconds,
            write_timeout=settings.write_timeout_seconds,
            connect_timeout=settings.db_connect_timeout_seconds,
            retry_time=settings.db_retry_seconds,
            read_concurrency=settings.reads_at_once(),
        )
        retry = Retry(
            settings.db_connect_attempts,
            settings.db_connect_timeout_seconds,
            settings.db_connect_backoff_max_seconds,
        )
        connector = StoreConnector(store, retry, on_give_up=on_give_up)
        shared.started(store, connector)
        redact.install()  # again: the server has configured its logging since create_app
        try:
            await connector.start()  # returns after the first attempt, whatever its outcome
            yield
        finally:
            await shared.metrics_cache.close()
            await connector.stop()
            await store.close()

    redact.install()  # secrets out of every log line (api/http/redact.py)
    shared = Runtime(
        settings=settings,
        compute=Compute(
            settings.compute_workers, settings.client_concurrency, settings.compute_timeout_seconds
        ),
        tokens=TokenCache(settings.token_cache_seconds),
        csrf_token=csrf_token(),
        metrics_cache=ExpositionCache(settings.metrics_cache_seconds),
    )
    app = Starlette(
        routes=[
            Route("/graphql", GraphQLView(settings), methods=["GET", "POST"]),
            Route("/ingest", ingest.post_ingest, methods=["POST"]),
            Route("/healthz", health.healthz, methods=["GET"]),
            Route("/metrics", prometheus.metrics, methods=["GET"]),
            Route("/export/{name}.{format}", exports.export, methods=["GET"]),
            Route("/webhooks/github", webhooks.post_github, methods=["POST"]),
            Route("/webhooks/gitlab", webhooks.post_gitlab, methods=["POST"]),
            Route("/webhooks/jira", webhooks.post_jira, methods=["POST"]),
            Route("/", pages.home, methods=["GET"]),
            Route("/explorer", pages.explorer, methods=["GET"]),
            Route("/dashboard", pages.dashboard, methods=["GET"]),
            Route("/analysis", pages.analysis, methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(SiteGuard, settings=settings, csrf=shared.csrf_token),
            Middleware(TokenAuth, settings=settings, tokens=shared.tokens),
            Middleware(BodyLimit, settings=settings),
        ],
        # One answer per exception, whatever the route (api/http/errors.py).
        exception_handlers=errors.HANDLERS,
    )
    app.state.runtime = shared  # typed access: api.runtime.runtime(request)
    return app
