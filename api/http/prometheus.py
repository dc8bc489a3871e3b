"""`GET /metrics`: flow, DORA and ingest figures in the Prometheus text format.

The flow and DORA figures are computed at most once per `VSG_METRICS_CACHE_SECONDS`
per process (graph/exposition.py); the ingest counters are read at every scrape.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph.errors import StoreUnavailable
from graph.exposition import ExpositionCache, Family, graph_families, ingest_families, render
from graph.ingest.counters import ingest_counters
from graph.settings import Settings
from graph.store import GraphStore

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _cache(request: Request) -> ExpositionCache[tuple[Family, ...]]:
    """One cache per app, made on the first scrape."""
    cache: ExpositionCache[tuple[Family, ...]] | None = getattr(
        request.app.state, "metrics_cache", None
    )
    if cache is None:  # no await since the check: no other request can interleave
        settings: Settings = request.app.state.settings
        cache = request.app.state.metrics_cache = ExpositionCache(settings.metrics_cache_seconds)
    return cache


async def metrics(request: Request) -> Response:
    """The exposition; 503 with the reason when the database does not answer."""
    store: GraphStore = request.app.state.store
    try:
        families = await _cache(request).get(lambda: graph_families(store, datetime.now(UTC)))
    except StoreUnavailable as error:
        return JSONResponse({"error": str(error)}, status_code=503)
    counters = ingest_families(ingest_counters(store).snapshot())
    return Response(render((*families, *counters)), media_type=CONTENT_TYPE)
