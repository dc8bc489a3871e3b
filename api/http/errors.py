"""Answers for errors a route did not translate itself."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("vsgraph.http")


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
