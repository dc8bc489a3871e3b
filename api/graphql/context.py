"""The typed context every resolver receives: the store, the settings, the loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import strawberry

from api.compute import Compute
from api.graphql.loaders import Loaders
from api.http.auth import Principal, TokenCache
from graph.db.store import GraphStore
from graph.settings import Settings

T = TypeVar("T")


@dataclass
class Context:
    """Per-request state handed to resolvers as `info.context`."""

    store: GraphStore
    settings: Settings
    loaders: Loaders
    #: Who is asking (api/http/auth.py): what the request's token allows.
    principal: Principal
    #: The app's token cache, cleared when a token is revoked here.
    tokens: TokenCache
    #: The worker pool for CPU-heavy work (api/compute.py), and who the caller counts as
    #: there: its token, or its address without one.
    compute: Compute
    client: str

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` off the event loop, in this client's share of the pool."""
        return await self.compute.run(self.client, function, *args)


Info = strawberry.Info[Context, None]
