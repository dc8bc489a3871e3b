"""The GraphQL endpoint: strawberry's ASGI view with our context and an offline IDE."""

from __future__ import annotations

import json
import math
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api.graphql.context import Context
from api.graphql.loaders import Loaders
from api.graphql.schema import build_schema
from api.http.auth import client_key, request_principal
from api.runtime import runtime
from api.web.ide import graphiql_html
from graph.errors import StoreUnavailable
from graph.settings import Settings

#: `extensions.code` of the errors of a request the database was unavailable for; such a
#: response has status 503 (its partial data, if any, cannot be trusted to be complete).
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"


def _unavailable(response: GraphQLHTTPResponse) -> bool:
    # strawberry types the formatted errors as `object`; they are GraphQL's error dicts.
    errors: list[Any] = response.get("errors") or []
    return any(error.get("extensions", {}).get("code") == DATABASE_UNAVAILABLE for error in errors)


def _no_constant(name: str) -> float:
    # Python's json reads NaN and Infinity, which RFC 8259 JSON does not have.
    raise HTTPException(400, f"the request is not valid JSON: {name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise HTTPException(400, f"the number {text[:40]} is too large for a float")
    return value


class GraphQLView(GraphQL[Context, None]):
    """`/graphql`: POST queries; GET in a browser opens GraphiQL served from local assets
    (only when introspection is on: the IDE cannot work without it)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings), graphql_ide="graphiql" if settings.introspection else None
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        shared = runtime(request)
        principal = request_principal(request.state)
        client = client_key(principal, request.client.host if request.client else None)
        return Context(
            store=shared.store,
            settings=shared.settings,
            loaders=Loaders(shared.store, run=shared.compute.runner(client)),
            principal=principal,
            tokens=shared.tokens,
            compute=shared.compute,
            client=client,
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(
            graphiql_html(runtime(request).csrf_token), headers={"Cache-Control": "no-store"}
        )

    def decode_json(self, data: str | bytes) -> object:
        """Decode a request body; one that is not UTF-8, or nested deeper than json's
        decoder can recurse, is a 400 like any other undecodable body, not a 500 (both
        found by tests/fuzz). So are numbers no JSON or database holds (NaN, Infinity,
        1e400) and a body that is not an object (or a batch): `"x"`, `1`, `null`, `true`."""
        try:
            # Strict UTF-8: json.loads(bytes) would let encoded surrogates through.
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except (UnicodeDecodeError, RecursionError) as error:
            # strawberry answers a JSONDecodeError with its 400 "Unable to parse ..."
            reason = "not UTF-8" if isinstance(error, UnicodeDecodeError) else "nested too deeply"
            raise json.JSONDecodeError(reason, "", 0) from None
        if not isinstance(value, dict | list):
            kind = "null" if value is None else type(value).__name__
            raise HTTPException(
                400,
                f"the request must be a JSON object such as "
                f'{{"query": "...", "variables": {{...}}}}, not a JSON {kind}',
            )
        return value

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Mark the errors that mean "the database is unavailable" with a code."""
        response = await super().process_result(request, result)
        errors: list[Any] = response.get("errors") or []
        for error, formatted in zip(result.errors or (), errors, strict=True):
            if isinstance(error.original_error, StoreUnavailable):
                formatted["extensions"] = {
                    **formatted.get("extensions", {}),
                    "code": DATABASE_UNAVAILABLE,
                }
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Answer 503 when the database was unavailable for (part of) the request."""
        response = super().create_response(response_data, sub_response)
        answers = response_data if isinstance(response_data, list) else [response_data]
        if any(_unavailable(answer) for answer in answers):
            response.status_code = 503
        return response
