"""`vsg constraints` and `vsg forecast`: the constraint of a value stream, and Monte
Carlo forecasts of when work will be done / how much by a date (docs/analysis.md).

Both print a rich table, or with `--format json` one JSON document (the domain values,
keys in camelCase, as `vsg metrics` writes them).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.database import opened_store
from api.cli.output import instant, node_id
from api.reports import to_json
from graph.analysis.forecast import (
    DEFAULT_HISTORY_DAYS,
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    start_of_day,
)
from graph.analysis.load import ForecastScope
from graph.analysis.stream import Forecast, constraints_of, flow_data, forecast
from graph.errors import InvalidArgument
from graph.metrics.flow import Window
from graph.model import Label
from graph.read.entities import nodes_by_ids
from graph.settings import Settings

console = Console()
errors = Console(stderr=True)

CONSTRAINTS = """\
The constraint of a value stream over the window [--from, --to) (UTC, default the 90
days up to now). Stations (an active stage with the waiting stages in front of it) are
ranked by score = 0.4*share of flow time + 0.2*queue growth + 0.2*WIP + 0.2*time in
stage, each divided by the largest among the stations; the first is the constraint.
"""

FORECAST = """\
Monte Carlo forecast from the daily throughput (the Flow Items delivered, as the flow
metrics' velocity counts them) of the --history days before --from: when --items more
will be done, and/or how many by --by.
p85 of "when" = an 85% chance of being done by that date; p85 of "how many" = an 85%
chance of at least that many (the 15th percentile of the simulated counts).
"""

SCOPE_LABEL = {
    ForecastScope.VALUE_STREAM: Label.VALUE_STREAM,
    ForecastScope.TEAM: Label.TEAM,
    ForecastScope.WORK_ITEM: Label.WORK_ITEM,
}


def _window_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", type=instant, metavar="WHEN", help="window start")
    p.add_argument("--to", dest="end", type=instant, metavar="WHEN", help="window end (now)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")


def add_analysis_commands(commands: Any) -> None:
    """Add `vsg constraints` and `vsg forecast` to the `vsg` subcommands."""
    c = commands.add_parser(
        "constraints",
        help="the constraint (bottleneck) of a value stream",
        description=CONSTRAINTS,
        epilog="example:\n  vsg constraints --value-stream payments-value-stream",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument(
        "--value-stream",
        metavar="ID",
        type=node_id(Label.VALUE_STREAM),
        required=True,
        help="the value stream",
    )
    _window_options(c)
    c.set_defaults(run=cmd_constraints)

    f = commands.add_parser(
        "forecast",
        help="when N items will be done, or how many by a date",
        description=FORECAST,
        epilog="examples:\n  vsg forecast --value-stream payments-value-stream --items 40\n"
        "  vsg forecast --team team-payments-core --by 2025-09-01\n"
        "  vsg forecast --work-item PAY-12   (its open descendants)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scope = f.add_mutually_exclusive_group(required=True)
    scope.add_argument(
        "--value-stream",
        metavar="ID",
        type=node_id(Label.VALUE_STREAM),
        help="a value stream's throughput",
    )
    scope.add_argument(
        "--team",
        metavar="ID",
        type=node_id(Label.TEAM),
        help="the throughput of the items a team owns",
    )
    scope.add_argument(
        "--work-item",
        metavar="ID",
        type=node_id(Label.WORK_ITEM),
        help="an epic or initiative: its descendants' throughput",
    )
    f.add_argument("--items", type=int, metavar="N", help="when will N more items be done")
    f.add_argument("--by", type=instant, metavar="DATE", help="how many items by DATE")
    f.add_argument(
        "--from", dest="start", type=instant, metavar="WHEN", help="start (today 00:00 UTC)"
    )
    f.add_argument("--history", type=int, default=DEFAULT_HISTORY_DAYS, help="days of samples (56)")
    f.add_argument("--trials", type=int, default=DEFAULT_TRIALS, help="trials (10000)")
    f.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (1)")
    f.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    f.set_defaults(run=cmd_forecast)


async def _exists(store: Any, label: Label, id: str) -> bool:
    if (await nodes_by_ids(store, label, [id]))[0] is None:
        errors.print(f"[red]No {label} with id {id!r}.[/red]")
        return False
    return True


async def cmd_constraints(args: argparse.Namespace, settings: Settings) -> int:
    try:
        window = Window.of(args.start, args.end, datetime.now(UTC))
    except InvalidArgument as error:
        errors.print(f"[red]{error}[/red]")
        return 2
    async with opened_store(settings, say=args.format == "table") as store:
        if not await _exists(store, Label.VALUE_STREAM, args.value_stream):
            return 1
        result = constraints_of(
            args.value_stream, await flow_data(store, args.value_stream, window)
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), indent=2) + "\n")
        return 0
    table = Table(
        title=f"Constraint of {args.value_stream}, "
        f"{window.start:%Y-%m-%d} to {window.end:%Y-%m-%d} (UTC)"
    )
    for column in ("#", "stage", "queue", "share", "growth", "WIP", "days", "score"):
        table.add_column(column, justify="left" if column in ("stage", "queue") else "right")
    for n, r in enumerate(result.ranking, start=1):
        table.add_row(
            str(n),
            r.stage.name,
            ", ".join(q.name for q in r.queue),
            f"{r.flow_time_share:.0%}",
            str(r.queue_growth),
            str(r.wip),
            "" if r.time_in_stage is None else f"{r.time_in_stage:.1f}",
            f"{r.score:.3f}",
        )
    console.print(table)
    if result.constraint is not None:
        console.print(f"Constraint: {result.constraint.reason}", markup=False)
    return 0


def _scope(args: argparse.Namespace) -> tuple[ForecastScope, str]:
    if args.value_stream:
        return ForecastScope.VALUE_STREAM, args.value_stream
    if args.team:
        return ForecastScope.TEAM, args.team
    return ForecastScope.WORK_ITEM, args.work_item


async def cmd_forecast(args: argparse.Namespace, settings: Settings) -> int:
    scope, id = _scope(args)
    if args.items is None and args.by is None and scope is not ForecastScope.WORK_ITEM:
        errors.print("[red]Ask --items N, --by DATE, or both.[/red]")
        return 2
    start = start_of_day(args.start or datetime.now(UTC))
    async with opened_store(settings, say=args.format == "table") as store:
        if not await _exists(store, SCOPE_LABEL[scope], id):
            return 1
        try:
            result = await forecast(
                store,
                scope,
                id,
                start,
                items=args.items,
                by=args.by,
                history_days=args.history,
                trials=args.trials,
                seed=args.seed,
            )
        except InvalidArgument as error:
            errors.print(f"[red]{error}[/red]")
            return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), indent=2) + "\n")
    else:
        print_forecast(result)
    return 0


def print_forecast(f: Forecast) -> None:
    """The forecast as a table."""
    mean = sum(f.samples) / len(f.samples)
    console.print(
        f"{f.scope.value.replace('_', ' ')} {f.id}: {mean:.2f} items/day over the "
        f"{len(f.samples)} days before {f.start:%Y-%m-%d}"
        + ("" if f.remaining is None else f"; {f.remaining} open descendants"),
        markup=False,
    )
    table = Table(title="Forecast (Monte Carlo)")
    for column in ("question", "p50", "p85", "p95"):
        table.add_column(column, justify="left" if column == "question" else "right")
    if f.when is not None:
        w = f.when

        def day(at: datetime | None) -> str:
            return "not within 10 years" if at is None else f"{at:%Y-%m-%d}"

        table.add_row(f"{w.items} items done by", day(w.p50), day(w.p85), day(w.p95))
    if f.how_many is not None:
        h = f.how_many
        table.add_row(
            f"at least, by {h.by:%Y-%m-%d} ({h.days} d)", str(h.p50), str(h.p85), str(h.p95)
        )
    console.print(table)
    console.print(
        "p85: an 85% chance of being done by the date; of at least the count.", markup=False
    )
