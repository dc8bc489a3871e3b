"""`GET /healthz`: is the API up, and can it reach the database?"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.runtime import runtime


async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers; 503 with the phase (`starting`, `reconnecting`,
    `failed`) and the reason when it does not, e.g. `connection refused at bolt://...,
    attempt 3 of 10, next in 4 s`."""
    connector = runtime(request).connector
    state = await connector.check()
    body: dict[str, object] = {"status": str(state.phase), "database": state.reason}
    # Writes the database did not finish in time: reads may be fine while writing is not.
    body["stuckWrites"] = connector.store.stuck_writes
    return JSONResponse(body, status_code=200 if state.ok else 503)
