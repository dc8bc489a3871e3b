"""What an app's routes share, typed: one `Runtime` per app, fetched by `runtime()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    # Named in annotations only: the middleware (api/http/auth.py) and routes that
    # import this module are free to be imported by these.
    from api.compute import Compute
    from api.http.auth import TokenCache
    from api.http.exposition import ExpositionCache, Figures
    from graph.db.connector import StoreConnector
    from graph.db.store import GraphStore
    from graph.settings import Settings


@dataclass
class Runtime:
    """The objects an app's routes, GraphQL view and pages share. `create_app` makes it;
    the app's lifespan adds the store and its connector when it starts (`started`), so a
    request, served only once the app has started, always finds them."""

    settings: Settings
    #: The worker pool for CPU-heavy work (api/compute.py).
    compute: Compute
    #: Tokens known to be valid, remembered a while (api/http/auth.py); cleared when a
    #: token is revoked here.
    tokens: TokenCache
    #: The token the pages are served with; a browser's writes must send it back
    #: (api/http/guard.py).
    csrf_token: str
    #: `GET /metrics`' figures of the graph, computed at most once per
    #: `VSG_METRICS_CACHE_SECONDS` (api/http/exposition.py).
    metrics_cache: ExpositionCache[Figures]
    _store: GraphStore | None = None
    _connector: StoreConnector | None = None

    def started(self, store: GraphStore, connector: StoreConnector) -> None:
        """Add what the lifespan opened."""
        self._store, self._connector = store, connector

    @property
    def store(self) -> GraphStore:
        """The graph store."""
        if self._store is None:
            raise RuntimeError("the app has not started: its lifespan opens the store")
        return self._store

    @property
    def connector(self) -> StoreConnector:
        """What keeps the store usable, and says why it is not (`GET /healthz`)."""
        if self._connector is None:
            raise RuntimeError("the app has not started: its lifespan starts the connector")
        return self._connector


def runtime(of: Starlette | HTTPConnection) -> Runtime:
    """The runtime of an app, or of the app serving a request."""
    app = of.app if isinstance(of, HTTPConnection) else of
    found = app.state.runtime
    if not isinstance(found, Runtime):  # pragma: no cover - every app comes from create_app
        raise TypeError(f"the app holds no Runtime but {type(found).__name__}")
    return found
