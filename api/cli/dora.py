"""`vsg dora`: DORA's four keys for products or repositories, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.database import opened_store
from api.cli.output import FORMATS, instant, node_id
from api.reports import DORA_COLUMNS, csv_text, dora_row
from graph.db.store import GraphStore
from graph.metrics import dora, dora_queries
from graph.metrics.flow import Window
from graph.model import Label
from graph.read.entities import list_nodes, nodes_by_ids
from graph.settings import Settings, production_regex

errors = Console(stderr=True)

CHANGE_COLUMNS = (
    "scope",
    "change",
    "pullRequest",
    "commit",
    "title",
    "firstCommitAt",
    "openedAt",
    "firstReviewAt",
    "mergedAt",
    "deployment",
    "deployedAt",
    "leadTimeHours",
    "codingHours",
    "pickupHours",
    "reviewHours",
    "deployHours",
    "excluded",
    "listed",
    "findings",
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def change_rows(scope: str, result: dora.Dora) -> list[dict[str, Any]]:
    """One row per change first shipped in the window, latest deployment first."""
    return [
        dict(
            zip(
                CHANGE_COLUMNS,
                (
                    scope,
                    c.key,
                    c.pull_request,
                    c.commit,
                    c.title,
                    _iso(c.first_commit_at),
                    _iso(c.opened_at),
                    _iso(c.first_review_at),
                    _iso(c.merged_at),
                    c.deployment,
                    _iso(c.deployed_at),
                    c.hours,
                    c.coding_hours,
                    c.pickup_hours,
                    c.review_hours,
                    c.deploy_hours,
                    c.excluded,
                    c.listed,
                    "; ".join(f.value for f in c.findings),
                ),
                strict=True,
            )
        )
        for c in result.lead_time.per_change
    ]


def render_changes(rows: Sequence[dict[str, Any]], fmt: str) -> str:
    """Per-change rows as `table`, `json` or `csv`."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        return csv_text(rows, CHANGE_COLUMNS)
    table = Table(title="Lead time per change (hours), latest deployment first")
    for name in ("scope", "change", "deployment", "lead", "coding", "pickup", "review",
                 "deploy", "note"):  # fmt: skip
        table.add_column(name)
    for r in rows:
        note = "excluded: first deployment" if r["excluded"] else r["findings"]
        table.add_row(
            r["scope"],
            r["change"],
            r["deployment"],
            _number(r["leadTimeHours"]),
            _number(r["codingHours"]),
            _number(r["pickupHours"]),
            _number(r["reviewHours"]),
            _number(r["deployHours"]),
            note or "",
        )
    out = io.StringIO()
    Console(file=out, width=160, color_system=None).print(table)
    return out.getvalue()


def _number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def render(rows: Sequence[dict[str, Any]], fmt: str) -> str:
    """The rows as `table` (for people), `json` or `csv`."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        return csv_text(rows, DORA_COLUMNS)
    first = rows[0] if rows else None
    title = f"DORA, {first['environment']}, {first['from']} to {first['to']}" if first else "DORA"
    table = Table(title=title)
    for name in (
        "scope",
        "deploys/day",
        "level",
        "lead time h (p85)",
        "level",
        "CFR",
        "level",
        "restore h",
        "level",
    ):
        table.add_column(name)
    for r in rows:
        rate = r["changeFailureRate"]
        table.add_row(
            r["scope"],
            f"{_number(r['deploymentsPerDay'], 2)} ({r['deployments']})",
            r["deploymentFrequencyLevel"] or "-",
            f"{_number(r['leadTimeMedianHours'])} ({_number(r['leadTimeP85Hours'])})",
            r["leadTimeLevel"] or "-",
            "-" if rate is None else f"{rate:.0%} ({r['failedDeployments']}/{r['deployments']})",
            r["changeFailureRateLevel"] or "-",
            _number(r["timeToRestoreMedianHours"]),
            r["timeToRestoreLevel"] or "-",
        )
    out = io.StringIO()
    Console(file=out, width=140, color_system=None).print(table)
    return out.getvalue()


def production_pattern(text: str) -> str:
    """An argparse type: a production pattern that compiles (any case is added later)."""
    try:
        production_regex(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


async def _products(store: GraphStore) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = await list_nodes(store, Label.PRODUCT, 500, after)
        ids += [n.id for n in page.nodes]
        if not page.has_next:
            return ids
        after = ids[-1]


async def results(
    store: GraphStore,
    args: argparse.Namespace,
    now: datetime,
    default_pattern: str = dora.PRODUCTION_PATTERN,
) -> list[tuple[str, dora.Dora]]:
    """Each scope `vsg dora` measures for its arguments, with its result; the production
    pattern is `--production-pattern`, else `default_pattern` (the setting)."""
    window = Window.of(args.start, args.end, now)
    pattern = args.production_pattern or default_pattern
    # The changes' titles and reviews are read only for --changes, which lists them.
    details = bool(args.changes)
    if args.repository:
        scope = ",".join(args.repository)
        found = await dora_queries.repositories_dora(
            store, args.repository, window, args.environment, pattern, details
        )
        return [(scope, found)]
    products = args.product or await _products(store)
    return [
        (p, await dora_queries.product_dora(store, p, window, args.environment, pattern, details))
        for p in products
    ]


async def _unknown(store: GraphStore, label: Label, ids: Sequence[str]) -> list[str]:
    found = await nodes_by_ids(store, label, list(ids))
    return [id for id, node in zip(ids, found, strict=True) if node is None]


async def cmd_dora(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=False) as store:
        label, asked = (
            (Label.REPOSITORY, args.repository)
            if args.repository
            else (Label.PRODUCT, args.product)
        )
        missing = await _unknown(store, label, asked or [])
        if missing:
            known = [n.id for n in (await list_nodes(store, label, 20, None)).nodes]
            errors.print(f"[red]No {label} with id {', '.join(map(repr, missing))}.[/red]")
            if known:
                errors.print(f"Known ids (first {len(known)}): {', '.join(known)}", markup=False)
            return 1
        found = await results(store, args, datetime.now(UTC), settings.production_pattern)
    if args.changes:
        rows = [r for scope, result in found for r in change_rows(scope, result)]
        print(render_changes(rows, args.format), end="")
    else:
        print(render([dora_row(scope, result) for scope, result in found], args.format), end="")
    return 0


def add_dora_commands(commands: Any) -> None:
    """Add `vsg dora` to the `vsg` subcommands."""
    cmd = commands.add_parser(
        "dora",
        help="DORA's four keys for products or repositories",
        description="Deployment frequency, lead time for changes, change failure rate and "
        "time to restore, each with its DORA 2023 level (docs/metrics.md, DORA). Without --product "
        "or --repository: every product, one row each.",
    )
    cmd.add_argument(
        "--product",
        action="append",
        metavar="ID",
        type=node_id(Label.PRODUCT),
        help="a product id (repeatable)",
    )
    cmd.add_argument(
        "--repository",
        action="append",
        metavar="ID",
        type=node_id(Label.REPOSITORY),
        help="a repository id (repeatable): measure these repositories together instead",
    )
    cmd.add_argument(
        "--from", dest="start", type=instant, help="window start, inclusive (default: to - 90 days)"
    )
    cmd.add_argument("--to", dest="end", type=instant, help="window end, exclusive (default: now)")
    cmd.add_argument(
        "--environment",
        default=dora.PRODUCTION,
        help="deployment environment, any case (default: production, i.e. every environment "
        "matching --production-pattern)",
    )
    cmd.add_argument(
        "--production-pattern",
        default=None,
        type=production_pattern,
        metavar="REGEX",
        help="the environment names that are production (whole name, any case; default: "
        f"VSG_PRODUCTION_PATTERN, itself {dora.PRODUCTION_PATTERN!r}, DevLake's, unless set)",
    )
    cmd.add_argument(
        "--changes",
        action="store_true",
        help="list each change first shipped in the window instead: its lead time and the "
        "breakdown coding / pickup / review / deploy, the deployment that first shipped it "
        "and the timestamp rules that fired",
    )
    cmd.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output (default: table)",
    )
    cmd.set_defaults(run=cmd_dora)
