"""Role checks inside GraphQL: on mutations and admin fields, and on introspection.

The middleware (api/http/auth.py) already let the request in as at least a viewer; these
add what a field needs beyond reading. A refusal is a GraphQL error on that field, with
a message naming the role, and nothing of the field runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission

from api.graphql.context import Info
from graph.errors import AccessDenied
from graph.tokens import Role


class _RoleRequired(BasePermission):
    required: ClassVar[Role]

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal.may(self.required)

    def on_unauthorized(self) -> None:
        # A domain error, so that error masking shows its message (api/graphql/schema.py).
        raise AccessDenied(self.message or "")


class IsEditor(_RoleRequired):
    """Writes: ingest and the influence mutations."""

    required = Role.EDITOR
    message = "this needs the editor role (or admin); the token is a viewer's"


class IsAdmin(_RoleRequired):
    """Token management."""

    required = Role.ADMIN
    message = "this needs the admin role"


#: graphql-core's suggestions of names near a wrong one, at the end of its messages:
#: "... Did you mean 'apiTokens'?", "... Did you mean the enum value 'ADMIN'?".
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


class IntrospectionForAdmins(SchemaExtension):
    """Where introspection is switched off (production), requests with an admin token
    may still read the schema; everyone else is refused as by strawberry's
    `DisableIntrospection`, and gets no "Did you mean ...?" suggestions either: they
    would let anyone read the schema's names by guessing near them."""

    def on_operation(self) -> Iterator[None]:
        # An admin *token*: a caller without one (open on loopback) acts as admin for
        # everything else, but VSG_GRAPHQL_INTROSPECTION=false must still mean off.
        principal = self.execution_context.context.principal
        hidden = principal.token_id is None or not principal.may(Role.ADMIN)
        if hidden:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield
        result = self.execution_context.result
        if hidden and result is not None:
            for error in result.errors or ():
                error.message = _SUGGESTION.sub("", error.message)
