"""The GraphQL endpoint: strawberry's ASGI view with our context and an offline IDE."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.auth import request_principal
from api.context import Context
from api.loaders import Loaders
from api.schema import build_schema
from api.web.ide import graphiql_html
from graph.settings import Settings


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
        state: Any = request.app.state
        return Context(
            store=state.store,
            settings=state.settings,
            loaders=Loaders(state.store),
            principal=request_principal(request.state),
            tokens=state.tokens,
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())
