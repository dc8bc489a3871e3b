"""`vsg rederive --causes`: infer every incident's cause again, after VSG_PRODUCTION_PATTERN
changed.

Ingest infers an incident's cause when its facts arrive, among the deployments to the
environments the organisation's production pattern names then. Causes inferred under an
earlier pattern stay as they were until something re-derives them; this command does it
for the whole graph (graph/ingest/causes.py `reattribute_all`). Explicit causes (given by
the tool) are never touched; running it twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
from typing import Any

from api.cli.database import opened_store
from api.cli.progress import console
from graph.ingest.causes import reattribute_all
from graph.metrics.dora import production_pattern_of
from graph.settings import Settings


async def cmd_rederive(args: argparse.Namespace, settings: Settings) -> int:
    if not args.causes:
        console.print("[red]Nothing to re-derive: name what, e.g. --causes.[/red]")
        return 2
    pattern = production_pattern_of(settings.production_pattern)
    async with opened_store(settings) as store:
        with console.status(f"Inferring incident causes (production: {pattern})"):
            report = await reattribute_all(
                store,
                production_pattern=settings.production_pattern,
                batch_size=args.batch_size or settings.ingest_batch_size,
            )
    console.print(
        f"Incident causes inferred again with production {pattern}: {report.incidents:,} "
        f"incident(s) read, {report.created:,} inferred cause(s) added, "
        f"{report.deleted:,} removed.",
        markup=False,
    )
    return 0


def add_rederive_commands(commands: Any) -> None:
    """Add `vsg rederive` to the `vsg` subcommands."""
    p = commands.add_parser(
        "rederive",
        help="derive stored relationships again (incident causes, after the production "
        "pattern changed)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--causes",
        action="store_true",
        help="infer every incident's cause again under VSG_PRODUCTION_PATTERN "
        "(explicit causes are kept)",
    )
    p.add_argument("--batch-size", type=int, help="rows per write statement (default 5000)")
    p.set_defaults(run=cmd_rederive)
