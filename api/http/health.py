"""`GET /healthz`: is the API up, and can it reach the database?"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from graph.errors import StoreUnavailable
from graph.store import GraphStore


async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 with the reason when it does not."""
    store: GraphStore = request.app.state.store
    try:
        await store.ping()
    except StoreUnavailable as error:
        return JSONResponse({"status": "unavailable", "database": str(error)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})
