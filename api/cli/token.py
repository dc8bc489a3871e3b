"""`vsg token create|list|revoke`: the API tokens requests authenticate with.

Run on the API's host (or anywhere with the database's settings): it writes to the
graph directly, so it is how the first admin token comes to exist.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.database import opened_store
from graph import tokens
from graph.settings import Settings
from graph.tokens import Role

console = Console()

ROLES = [r.label for r in Role]

DESCRIPTION = """\
API tokens let clients in when the API requires them: always with VSG_AUTH=required,
and by default whenever the API is bound to an address other than loopback. Roles:
  viewer  read: GraphQL queries, /export/*, /metrics
  editor  also write: /ingest, the ingest and raiseBacklogItem mutations
  admin   also manage tokens; read the schema where introspection is off
The secret is printed once, at creation; only its hash is stored."""

EXAMPLES = """\
examples:
  vsg token create --name grafana --role viewer
  vsg token create --name jira-import --role editor
  vsg token list
  vsg token revoke tok_3f9a1c2b7d4e"""


async def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=False) as store:
        issued = await tokens.create_token(store, args.name, Role.parse(args.role))
    console.print(
        f"Created {issued.token.id} ({issued.token.role.label}) for {issued.token.name!r}.\n"
        "The secret follows; it is shown this once and cannot be recovered:\n",
        highlight=False,
    )
    # Alone on its line and unstyled, so `| tail -1` or a copy gets exactly the secret.
    print(issued.secret, flush=True)
    return 0


async def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=False) as store:
        found = await tokens.list_tokens(store)
    if not found:
        console.print("No tokens yet: `vsg token create --name NAME --role ROLE`.")
        return 0
    table = Table(title="API tokens", title_justify="left")
    for column in ("id", "name", "role", "created (UTC)", "status"):
        table.add_column(column)
    for token in found:
        status = (
            "valid" if token.revoked_at is None else f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
        )
        table.add_row(
            token.id, token.name, token.role.label, f"{token.created_at:%Y-%m-%d %H:%M}", status
        )
    console.print(table)
    return 0


async def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=False) as store:
        revoked = await tokens.revoke_token(store, args.id)
    console.print(
        f"Revoked {revoked.id} ({revoked.name!r}). A running API refuses it within "
        f"VSG_TOKEN_CACHE_SECONDS ({settings.token_cache_seconds:g} s)."
    )
    return 0


def add_token_commands(commands: Any) -> None:
    """Add `vsg token` to the `vsg` subcommands."""
    p = commands.add_parser(
        "token",
        help="create, list and revoke API tokens",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token and print its secret once")
    create.add_argument("--name", required=True, help="who or what will use it, e.g. grafana")
    create.add_argument("--role", required=True, choices=ROLES, help="what it may do")
    create.set_defaults(run=cmd_create)
    actions.add_parser("list", help="every token, revoked ones included").set_defaults(run=cmd_list)
    revoke = actions.add_parser("revoke", help="refuse a token from now on")
    revoke.add_argument("id", metavar="ID", help="the token's id, from `vsg token list`")
    revoke.set_defaults(run=cmd_revoke)
