"""`vsg doctor`: the data-quality report (graph/read/quality.py) as a table or JSON.

Lists, with counts and examples, what makes the flow and DORA numbers empty or doubtful,
what each finding affects and how to fix it; exits 1 when something is found (discarded
items alone are not a problem), so a scheduled job can alert on it.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.database import opened_store
from api.cli.dora import production_pattern
from api.reports import to_json
from graph.metrics.dora import PRODUCTION_PATTERN
from graph.read.quality import DataQuality, data_quality
from graph.settings import Settings


def render(report: DataQuality, width: int = 140) -> str:
    """The report as plain-text tables."""
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    findings = Table(title="Data quality")
    for column in ("finding", "count", "examples", "affects", "fix"):
        findings.add_column(column, justify="right" if column == "count" else "left")
    for f in report.findings:
        findings.add_row(f.title, str(f.count), "\n".join(f.examples), f.affects if f.count else "",
                         f.fix if f.count else "")  # fmt: skip
    console.print(findings)
    environments = Table(title=f"Deployment environments (production: {report.production_pattern})")
    for column in ("environment", "deployments", "production"):
        environments.add_column(column)
    for e in report.environments:
        environments.add_row(e.name, str(e.deployments), "yes" if e.production else "no")
    console.print(environments)
    pending = Table(title="Records waiting for a missing node")
    for column in ("waits for", "records", "since", "example"):
        pending.add_column(column)
    for p in report.pending:
        since = p.oldest.isoformat() if p.oldest else "-"
        pending.add_row(p.label, str(p.records), since, p.example or "-")
    if not report.pending:
        pending.add_row("nothing", "0", "-", "-")
    console.print(pending)
    return console.export_text()


async def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=args.format == "table") as store:
        report = await data_quality(store, args.production_pattern or settings.production_pattern)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(report), indent=2) + "\n")
    else:
        sys.stdout.write(render(report))
    return 1 if report.problems else 0


def add_doctor_commands(commands: Any) -> None:
    """Add `vsg doctor` to the `vsg` subcommands."""
    p = commands.add_parser(
        "doctor",
        help="what makes the numbers empty or doubtful (data quality)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--production-pattern",
        default=None,
        type=production_pattern,
        metavar="REGEX",
        help="environment names that are production, any case (default: VSG_PRODUCTION_PATTERN, "
        f"itself {PRODUCTION_PATTERN!r} unless set)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.set_defaults(run=cmd_doctor)
