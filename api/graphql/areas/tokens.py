"""API tokens over GraphQL, for admins: list, create (the secret shown once), revoke."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.graphql.context import Info
from api.graphql.permissions import IsAdmin
from graph import tokens
from graph.tokens import Role


@strawberry.enum(description="What a token may do; each role includes the ones before it.")
class TokenRole(Enum):
    VIEWER = strawberry.enum_value("viewer", description="Read: queries, exports, /metrics.")
    EDITOR = strawberry.enum_value(
        "editor", description="Also write: ingest and the influence mutations."
    )
    ADMIN = strawberry.enum_value(
        "admin", description="Also manage tokens and read the schema where introspection is off."
    )


@strawberry.type(description="An API token, without its secret (only its hash is stored).")
class ApiToken:
    id: strawberry.ID = strawberry.field(description="The token's id, e.g. tok_3f9a1c2b7d4e.")
    name: str = strawberry.field(description="Who or what uses it.")
    role: TokenRole = strawberry.field(description="What it may do.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (UTC); null while it is valid."
    )

    @classmethod
    def from_domain(cls, token: tokens.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(token.id),
            name=token.name,
            role=TokenRole[token.role.name],
            created_at=token.created_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type(description="A token just created: its secret is shown this once only.")
class IssuedApiToken:
    token: ApiToken = strawberry.field(description="The stored token.")
    secret: str = strawberry.field(
        description="Send it as `Authorization: Bearer <secret>`. It cannot be shown again."
    )


@strawberry.type
class Query:
    @strawberry.field(
        permission_classes=[IsAdmin],
        description="Every API token, revoked ones included, oldest first (admins only).",
    )
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        return [ApiToken.from_domain(t) for t in await tokens.list_tokens(info.context.store)]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Create an API token (admins only); the answer holds its secret, once.",
    )
    async def create_api_token(self, info: Info, name: str, role: TokenRole) -> IssuedApiToken:
        issued = await tokens.create_token(info.context.store, name, Role[role.name])
        return IssuedApiToken(token=ApiToken.from_domain(issued.token), secret=issued.secret)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Revoke an API token (admins only): requests bearing it are refused "
        "from now on by this server, and by other replicas within VSG_TOKEN_CACHE_SECONDS.",
    )
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> ApiToken:
        revoked = await tokens.revoke_token(info.context.store, str(id))
        info.context.tokens.clear()
        return ApiToken.from_domain(revoked)
