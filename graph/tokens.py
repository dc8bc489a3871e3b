"""API tokens and their roles, kept in the graph as `(:ApiToken)` nodes.

A token is a random secret shown once, when it is created; the graph keeps only its
SHA-256 hash, so reading the database (or a backup of it) gives no usable token. A fast
hash is enough here, unlike for passwords: the secret is 256 random bits, so there is
nothing to guess, and a slow hash would cost every request.

Roles are ordered; each includes the ones below it:

- viewer: read (GraphQL queries, exports, `/metrics`);
- editor: also write (ingest, the influence mutations);
- admin: also manage tokens and read the schema (introspection) where it is switched off.

A revoked token stays in the graph, with the time it was revoked, so `vsg token list`
still shows who had access.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.errors import InvalidArgument, NotFound

CREATE_TOKEN = cypher("tokens/create_token")
FIND_TOKEN = cypher("tokens/find_token")
LIST_TOKENS = cypher("tokens/list_tokens")
REVOKE_TOKEN = cypher("tokens/revoke_token")

#: Every secret starts with this, so a leaked one is recognisable (secret scanners, logs).
SECRET_PREFIX = "vsg_"
_ID_PREFIX = "tok_"
_NAME_MAX = 100


class Role(IntEnum):
    """What a token may do; a higher role may do everything a lower one may."""

    VIEWER = 1
    EDITOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        """The role's name as users write it: viewer, editor, admin."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named `text` (any case), or InvalidArgument naming the choices."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(r.label for r in cls)
            raise InvalidArgument(f"unknown role {text!r}; choose one of {choices}") from None


@dataclass(frozen=True)
class ApiToken:
    """A stored token, without its secret."""

    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether requests bearing this token are let in."""
        return self.revoked_at is None


@dataclass(frozen=True)
class IssuedToken:
    """A token just created, with the secret that is shown this once and never again."""

    token: ApiToken
    secret: str


def secret_hash(secret: str) -> str:
    """The SHA-256 hex digest under which a secret is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _token(row: dict[str, object]) -> ApiToken:
    created, revoked = row["createdAt"], row["revokedAt"]
    assert isinstance(created, datetime)
    assert revoked is None or isinstance(revoked, datetime)
    return ApiToken(
        id=str(row["id"]),
        name=str(row["name"]),
        role=Role.parse(str(row["role"])),
        created_at=created,
        revoked_at=revoked,
    )


async def create_token(store: GraphStore, name: str, role: Role) -> IssuedToken:
    """Create a token named `name` (who or what uses it) with `role`."""
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        raise InvalidArgument(f"a token needs a name of 1 to {_NAME_MAX} characters")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        id=_ID_PREFIX + secrets.token_hex(6),
        name=name,
        role=role,
        created_at=datetime.now(UTC).replace(microsecond=0),
    )
    await store.write(
        CREATE_TOKEN,
        id=token.id,
        name=token.name,
        role=role.label,
        tokenHash=secret_hash(secret),
        createdAt=token.created_at,
    )
    return IssuedToken(token, secret)


async def find_token(store: GraphStore, secret: str) -> ApiToken | None:
    """The token `secret` belongs to, revoked or not; None if it belongs to none."""
    if not secret.startswith(SECRET_PREFIX):
        return None  # not ours: no need to ask the database
    # Every request may wait for this one: it does not queue behind requests' reads.
    with store.priority():
        rows = await store.read(FIND_TOKEN, tokenHash=secret_hash(secret))
    return _token(rows[0]) if rows else None


async def list_tokens(store: GraphStore) -> list[ApiToken]:
    """Every token, revoked ones included, oldest first."""
    return [_token(row) for row in await store.read(LIST_TOKENS)]


async def revoke_token(store: GraphStore, token_id: str) -> ApiToken:
    """Revoke the token `token_id` (revoking it again changes nothing); NotFound if none."""
    rows = await store.write(
        REVOKE_TOKEN, id=token_id, revokedAt=datetime.now(UTC).replace(microsecond=0)
    )
    if not rows:
        raise NotFound(f"there is no token {token_id!r}; `vsg token list` shows them")
    return _token(rows[0])
