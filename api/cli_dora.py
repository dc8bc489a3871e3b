"""`vsg dora`: DORA's four keys for products or repositories, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli_output import FORMATS, instant
from api.runtime import opened_store
from graph import dora
from graph.entities import list_nodes
from graph.flow import Window
from graph.model import Label
from graph.settings import Settings
from graph.store import GraphStore

COLUMNS = (
    "scope",
    "environment",
    "from",
    "to",
    "deployments",
    "deploymentsPerDay",
    "medianDeploymentDaysPerWeek",
    "medianDeploymentDaysPerMonth",
    "deploymentFrequencyLevel",
    "changes",
    "excludedChanges",
    "leadTimeMedianHours",
    "leadTimeP85Hours",
    "leadTimeLevel",
    "failedDeployments",
    "changeFailureRate",
    "changeFailureRateLevel",
    "restoredIncidents",
    "unresolvedIncidents",
    "timeToRestoreMedianHours",
    "timeToRestoreLevel",
)


def row(scope: str, result: dora.Dora) -> dict[str, Any]:
    """One output row: the scope and every figure, levels as their names."""
    f, lt = result.deployment_frequency, result.lead_time
    cfr, ttr = result.change_failure_rate, result.time_to_restore
    values = (
        scope,
        result.environment,
        result.window.start.isoformat(),
        result.window.end.isoformat(),
        f.deployments,
        f.per_day,
        f.median_days_per_week,
        f.median_days_per_month,
        f.level,
        lt.changes,
        lt.excluded,
        lt.median_hours,
        lt.p85_hours,
        lt.level,
        cfr.failed,
        cfr.rate,
        cfr.level,
        ttr.incidents,
        ttr.unresolved,
        ttr.median_hours,
        ttr.level,
    )
    return {
        k: (str(v) if isinstance(v, dora.DoraLevel) else v)
        for k, v in zip(COLUMNS, values, strict=True)
    }


def _number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def render(rows: Sequence[dict[str, Any]], fmt: str) -> str:
    """The rows as `table` (for people), `json` or `csv`."""
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
        return out.getvalue()
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


async def _products(store: GraphStore) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = await list_nodes(store, Label.PRODUCT, 500, after)
        ids += [n.id for n in page.nodes]
        if not page.has_next:
            return ids
        after = ids[-1]


async def collect(
    store: GraphStore, args: argparse.Namespace, now: datetime
) -> list[dict[str, Any]]:
    """The rows `vsg dora` prints for its arguments."""
    window = Window.of(args.start, args.end, now)
    if args.repository:
        scope = ",".join(args.repository)
        found = await dora.repositories_dora(store, args.repository, window, args.environment)
        return [row(scope, found)]
    products = args.product or await _products(store)
    return [row(p, await dora.product_dora(store, p, window, args.environment)) for p in products]


async def cmd_dora(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=False) as store:
        rows = await collect(store, args, datetime.now(UTC))
    print(render(rows, args.format), end="")
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
    cmd.add_argument("--product", action="append", metavar="ID", help="a product id (repeatable)")
    cmd.add_argument(
        "--repository",
        action="append",
        metavar="ID",
        help="a repository id (repeatable): measure these repositories together instead",
    )
    cmd.add_argument(
        "--from", dest="start", type=instant, help="window start, inclusive (default: to - 90 days)"
    )
    cmd.add_argument("--to", dest="end", type=instant, help="window end, exclusive (default: now)")
    cmd.add_argument(
        "--environment",
        default=dora.PRODUCTION,
        help="deployment environment (default: production)",
    )
    cmd.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output (default: table)",
    )
    cmd.set_defaults(run=cmd_dora)
