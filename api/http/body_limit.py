"""Request bodies bounded before they are read: a 413, not a server full of junk.

`BodyLimit` is an ASGI middleware behind `TokenAuth` (a refused caller is refused first).
A request whose `Content-Length` is above its route's limit is answered 413 without
reading a byte of the body; a body without one (chunked) is counted as it arrives, and
the read that goes past the limit stops the route with a 413 instead: at most the limit
plus one chunk is ever held. The limits (SECURITY.md#request-limits):

- `/graphql`: `VSG_GRAPHQL_MAX_BODY_BYTES`, the document and its variables together (the
  token limit counts the document alone; a variable is data, so its size is what counts);
- anything else (`/ingest`, `/webhooks/*`): `VSG_MAX_BODY_BYTES`.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.settings import Settings

GRAPHQL_PATH = "/graphql"


class BodyTooLarge(Exception):
    """A body went past its limit while it was read."""


def _limit(settings: Settings, path: str) -> tuple[int, str]:
    """The largest body `path` accepts, and the setting that says so."""
    if path == GRAPHQL_PATH:
        return settings.graphql_max_body_bytes, "VSG_GRAPHQL_MAX_BODY_BYTES"
    return settings.max_body_bytes, "VSG_MAX_BODY_BYTES"


def _too_large(path: str, limit: int, setting: str) -> JSONResponse:
    if path == GRAPHQL_PATH:
        message = (
            f"the request body is larger than {limit:,} bytes ({setting}), the document and "
            "its variables together; send less, or bulk data to POST /ingest"
        )
        body: dict[str, object] = {"errors": [{"message": message}]}
    else:
        message = (
            f"the request body is larger than {limit:,} bytes ({setting}); "
            "send it in parts, or import a large file with `vsg import`"
        )
        body = {"written": False, "error": message}
    # The rest of the body is never read, so the connection cannot carry another request.
    return JSONResponse(body, status_code=413, headers={"Connection": "close"})


class BodyLimit:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit, setting = _limit(self.settings, path)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(path, limit, setting)(scope, receive, send)
            return

        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if started:  # a route that answers before reading its body: nothing to add
                raise
            await _too_large(path, limit, setting)(scope, receive, send)
