"""What an error a route lets out is answered with: one table for every HTTP route.

| raised                                             | status | body |
|----------------------------------------------------|--------|------|
| `InvalidArgument`: a parameter a route cannot use  | 400    | `{"error"}` |
| `OverflowError`: a value past what Python holds    | 400    | `{"written": false, "error"}` |
| `NotFound`: an id, or an export, that is not there | 404    | `{"error"}` |
| `InvalidInput`: records that fail validation       | 422    | `{"written": false, "problems"}` |
| `StoreUnavailable`, `QueryTimeout`, `QueryTooLarge`: no answer | 503 | `{"error"}` |

`HANDLERS` is installed as the app's exception handlers (api/app.py), so a route raises
and never translates. A webhook's answers name the event and places in its payload
(api/http/webhooks.py): they are its delivery report, written by the route. GraphQL
answers its own errors (api/graphql/schema.py, api/graphql/view.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph.errors import (
    InvalidArgument,
    InvalidInput,
    NotFound,
    Problem,
    QueryTimeout,
    QueryTooLarge,
    StoreUnavailable,
)

log = logging.getLogger("vsgraph.http")

Handler = Callable[[Request, Exception], Awaitable[Response]]


def problem(p: Problem) -> dict[str, object]:
    """A record's problem as the answers show it: its line, field and message."""
    return {"line": p.line, "field": p.field, "message": p.message}


async def bad_argument(request: Request, error: Exception) -> Response:
    """400 with what is wrong with the request's parameters."""
    return JSONResponse({"error": str(error)}, status_code=400)


async def out_of_range(request: Request, error: Exception) -> Response:
    """400 for a value outside what Python's types hold (a timestamp whose UTC time falls
    before year 1 or after 9999, say) that a parser let through: it comes from the
    request's input, and it is raised while the input is read, before anything is written.
    """
    log.warning("%s %s: a value out of range: %s", request.method, request.url.path, error)
    return JSONResponse(
        {
            "written": False,
            "error": f"a value in the request is out of range ({error}): timestamps must "
            "fall between the years 1 and 9999 once converted to UTC",
        },
        status_code=400,
    )


async def not_found(request: Request, error: Exception) -> Response:
    """404 naming what does not exist."""
    return JSONResponse({"error": str(error)}, status_code=404)


async def invalid_input(request: Request, error: Exception) -> Response:
    """422 with every problem of the records, by line: nothing was written."""
    assert isinstance(error, InvalidInput)
    problems = [problem(p) for p in error.problems]
    return JSONResponse({"written": False, "problems": problems}, status_code=422)


async def store_unavailable(request: Request, error: Exception) -> Response:
    """503 with the reason: the database cannot be reached, or a read it did not answer
    in time (the request may be tried again)."""
    return JSONResponse({"error": str(error)}, status_code=503)


HANDLERS: Mapping[type[Exception], Handler] = {
    InvalidArgument: bad_argument,
    # A safety net: every parser should refuse such values itself (graph/ingest/records.py).
    OverflowError: out_of_range,
    NotFound: not_found,
    InvalidInput: invalid_input,
    StoreUnavailable: store_unavailable,
    QueryTimeout: store_unavailable,
    QueryTooLarge: store_unavailable,
}
