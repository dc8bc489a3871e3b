"""`GET /healthz`: is the API up, and can it reach the database? And the 503 every HTTP
route answers while it cannot."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph.db.connector import StoreConnector


async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers; 503 with the phase (`starting`, `reconnecting`,
    `failed`) and the reason when it does not, e.g. `connection refused at bolt://...,
    attempt 3 of 10, next in 4 s`."""
    connector: StoreConnector = request.app.state.connector
    state = await connector.check()
    body: dict[str, object] = {"status": str(state.phase), "database": state.reason}
    # Writes the database did not finish in time: reads may be fine while writing is not.
    body["stuckWrites"] = connector.store.stuck_writes
    return JSONResponse(body, status_code=200 if state.ok else 503)


async def store_unavailable(request: Request, error: Exception) -> Response:
    """The answer of any route whose database call raised StoreUnavailable (or a
    QueryTimeout it did not answer itself)."""
    return JSONResponse({"error": str(error)}, status_code=503)
