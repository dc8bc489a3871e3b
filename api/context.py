"""The typed context every resolver receives: the store, the settings, the loaders."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from api.auth import Principal, TokenCache
from api.loaders import Loaders
from graph.settings import Settings
from graph.store import GraphStore


@dataclass
class Context:
    """Per-request state handed to resolvers as `info.context`."""

    store: GraphStore
    settings: Settings
    loaders: Loaders
    #: Who is asking (api/auth.py): what the request's token allows.
    principal: Principal
    #: The app's token cache, cleared when a token is revoked here.
    tokens: TokenCache


Info = strawberry.Info[Context, None]
