"""`vsg metrics`: Flow Framework metrics of a value stream, product or team.

Prints flow metrics, per-stage metrics, the CFD and aging WIP as rich tables, as one
JSON document (the domain values, keys in camelCase), or as tidy CSV rows (one figure
per row).
"""

from __future__ import annotations

import argparse
import enum
import io
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.database import opened_store
from api.cli.output import FORMATS, instant, node_id
from api.reports import FlowReport, flow_report, to_json, write_flow_csv
from graph.errors import InvalidArgument
from graph.metrics.flow import FlowQuery, Interval, ScopeKind, Window
from graph.metrics.flow_queries import load_flow_data
from graph.model import FlowItemLevel, FlowType, Label, WorkItemKind
from graph.read.entities import list_nodes, nodes_by_ids
from graph.settings import Settings

console = Console()
errors = Console(stderr=True)

SCOPE_LABEL = {
    ScopeKind.VALUE_STREAM: Label.VALUE_STREAM,
    ScopeKind.PRODUCT: Label.PRODUCT,
    ScopeKind.TEAM: Label.TEAM,
}
AGING_ROWS = 15

DESCRIPTION = """\
Flow Framework metrics (docs/metrics.md) of one value stream, product or team over the
window [--from, --to) in UTC, by default the 90 days up to now:

  Flow Velocity    items delivered in the window (total, per flow type, per week)
  Flow Time        done - started of those items: median, p85, mean (days)
  Flow Efficiency  time in active stages / flow time (visits clipped to [started, done])
  Flow Load        items in an active or waiting stage: at --to, and each day's end
  Discarded        items dropped (Won't Do...): out of the figures above, reported apart
  Distribution     share of each flow type among the done items and the load
  Stages           WIP at --to, arrivals, departures, time in stage, share of flow time
  CFD              items per stage at the end of each day or week
  Aging WIP        items in progress at --to, oldest first, flagged past the p85 flow time

started = first entry into an active or waiting stage; done = entry into the done
stage(s) the item is still in (a reopened item is not done). Flow Items: --level
value (default; or the value stream's flowItemLevel) counts Features, Defects, Risks,
Debts and the Stories no Feature is parent of; delivery the Stories instead of their
Features; all every kind but Initiative and Epic.
"""

EXAMPLES = """\
examples:
  vsg metrics --value-stream payments-value-stream
  vsg metrics --team team-payments-core --from 2025-01-01 --to 2025-04-01
  vsg metrics --product payments --kinds Defect --format csv > defects.csv
  vsg metrics --value-stream payments-value-stream --interval day --format json
"""


def _choice(enum_type: type[enum.Enum]) -> Any:
    by_name = {str(e.value).lower(): e for e in enum_type}

    def parse(text: str) -> enum.Enum:
        try:
            return by_name[text.lower()]
        except KeyError:
            known = ", ".join(str(e.value) for e in enum_type)
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {known}") from None

    return parse


def add_metrics_commands(commands: Any) -> None:
    """Add `vsg metrics` to the `vsg` subcommands."""
    p = commands.add_parser(
        "metrics",
        help="flow metrics of a value stream, product or team",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument(
        "--value-stream",
        metavar="ID",
        type=node_id(Label.VALUE_STREAM),
        help="a value stream (its stages)",
    )
    scope.add_argument(
        "--product",
        metavar="ID",
        type=node_id(Label.PRODUCT),
        help="a product (all its value streams)",
    )
    scope.add_argument(
        "--team",
        metavar="ID",
        type=node_id(Label.TEAM),
        help="a team (the items it owns, in its products' streams)",
    )
    p.add_argument(
        "--from",
        dest="start",
        type=instant,
        metavar="WHEN",
        help="start of the window, included: 2025-01-01 (00:00 UTC) or an ISO datetime "
        "with an offset (default: 90 days before --to)",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=instant,
        metavar="WHEN",
        help="end of the window, excluded (default: now)",
    )
    p.add_argument(
        "--kinds",
        nargs="+",
        type=_choice(WorkItemKind),
        metavar="KIND",
        help="work-item kinds counted (default: all but Initiative and Epic, at the level)",
    )
    p.add_argument(
        "--level",
        type=_choice(FlowItemLevel),
        default=None,
        help="flow-item level: value, delivery or all (default: the value stream's, else "
        "value; all when --kinds is given)",
    )
    p.add_argument(
        "--flow-types",
        nargs="+",
        type=_choice(FlowType),
        metavar="TYPE",
        help="flow types counted: feature defect risk debt (default: all)",
    )
    p.add_argument(
        "--interval",
        type=_choice(Interval),
        default=None,
        help="CFD buckets: day or week (default: week in a table, day in JSON/CSV)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output format (default: table)",
    )
    p.set_defaults(run=cmd_metrics)


def _scope(args: argparse.Namespace) -> tuple[ScopeKind, str]:
    if args.value_stream:
        return ScopeKind.VALUE_STREAM, args.value_stream
    if args.product:
        return ScopeKind.PRODUCT, args.product
    return ScopeKind.TEAM, args.team


async def cmd_metrics(args: argparse.Namespace, settings: Settings) -> int:
    scope, id = _scope(args)
    try:
        window = Window.of(args.start, args.end, datetime.now(UTC))
    except InvalidArgument as error:
        errors.print(f"[red]{error}[/red]")
        return 2
    interval = args.interval or (Interval.WEEK if args.format == "table" else Interval.DAY)
    query = FlowQuery(
        scope,
        id,
        window,
        tuple(dict.fromkeys(args.kinds)) if args.kinds else None,
        tuple(t for t in FlowType if t in args.flow_types) if args.flow_types else tuple(FlowType),
        args.level,
    )
    # Only a table may say which database it starts: JSON and CSV go to stdout clean.
    async with opened_store(settings, say=args.format == "table") as store:
        label = SCOPE_LABEL[scope]
        if (await nodes_by_ids(store, label, [id]))[0] is None:
            known = [n.id for n in (await list_nodes(store, label, 20, None)).nodes]
            errors.print(f"[red]No {label} with id {id!r}.[/red]")
            if known:
                errors.print(f"Known ids (first {len(known)}): {', '.join(known)}", markup=False)
            return 1
        data = await load_flow_data(store, query)
    result = flow_report(scope, id, data, interval)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), indent=2) + "\n")
    elif args.format == "csv":
        write_flow_csv(result, sys.stdout)
    else:
        print_tables(result)
    return 0


# ---------------------------------------------------------------------------------------
# Tables


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} d"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def print_tables(r: FlowReport, target: Console | None = None) -> None:
    """The report as rich tables."""
    out = target or console
    m, w = r.flow, r.flow.window
    out.print(
        f"[bold]Flow metrics of {r.scope.value.replace('_', ' ')} {r.id}[/bold], "
        f"{w.start:%Y-%m-%d %H:%M} to {w.end:%Y-%m-%d %H:%M} UTC"
    )
    summary = Table(title="Flow", show_header=False)
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_row("Flow Items", f"{m.level.value} level")
    summary.add_row("Flow Velocity (items delivered)", str(m.velocity))
    if m.done_unstarted:
        summary.add_row("  of which never started", str(m.done_unstarted))
    summary.add_row("Flow Time median / p85 / mean",
                    f"{_days(m.flow_time.median)} / {_days(m.flow_time.p85)} / "
                    f"{_days(m.flow_time.mean)}")  # fmt: skip
    summary.add_row("Flow Efficiency", _share(m.efficiency))
    summary.add_row("Flow Load at end / daily mean", f"{m.load} / {m.load_daily_mean:.1f}")
    summary.add_row("Started, back in a new stage at end", str(m.returned_to_new))
    d = m.discarded
    summary.add_row(
        "Discarded (share; started)",
        f"{d.count} ({_share(d.share)}; {d.started} started)",
    )
    out.print(summary)

    types = Table(title="By flow type")
    for column in ("flow type", "done", "of done", "flow time median", "p85", "load", "of load"):
        types.add_column(column, justify="left" if column == "flow type" else "right")
    for t, done, load in zip(m.by_flow_type, m.distribution_done, m.distribution_load, strict=True):
        types.add_row(t.flow_type.value, str(t.velocity), _share(done.share),
                      _days(t.flow_time.median), _days(t.flow_time.p85), str(load.count),
                      _share(load.share))  # fmt: skip
    out.print(types)

    stages = Table(title="Stages")
    for column in ("stage", "state", "WIP", "in", "out", "time median", "p85", "of flow time"):
        stages.add_column(column, justify="left" if column in ("stage", "state") else "right")
    for s in r.stages:
        stages.add_row(s.stage.name, s.stage.state.value, str(s.wip), str(s.arrivals),
                       str(s.departures), _days(s.time_in_stage.median),
                       _days(s.time_in_stage.p85), _share(s.flow_time_share))  # fmt: skip
    out.print(stages)

    chart = Table(title=f"CFD (items per stage at the end of each {r.cfd.interval.value})")
    chart.add_column("end")
    for stage in r.cfd.stages:
        chart.add_column(stage.name, justify="right")
    for p in r.cfd.points:
        chart.add_row(f"{p.end:%Y-%m-%d}", *(str(p.counts[s.id]) for s in r.cfd.stages))
    out.print(chart)

    names = {s.id: s.name for s in r.cfd.stages}
    aging = Table(
        title=f"Aging WIP ({len(r.aging.items)} items; p85 flow time "
        f"{_days(r.aging.p85_flow_time)})"
    )
    for column in ("item", "kind", "stage", "age", "in stage", "past p85"):
        aging.add_column(column, justify="right" if column in ("age", "in stage") else "left")
    for a in r.aging.items[:AGING_ROWS]:
        flag = "—" if a.past_p85 is None else ("yes" if a.past_p85 else "no")
        aging.add_row(a.id, a.kind.value, names.get(a.stage or "", "—"), _days(a.age),
                      _days(a.in_stage), flag)  # fmt: skip
    out.print(aging)


def render(r: FlowReport, width: int = 120) -> str:
    """The tables as plain text (for tests and logs)."""
    buffer = io.StringIO()
    print_tables(r, Console(file=buffer, width=width, color_system=None))
    return buffer.getvalue()
