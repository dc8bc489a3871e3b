"""`vsg dump` and `vsg load`: the whole graph as ingest records, and back.

A backup, and the way from the embedded database to Neo4j (docs/deployment.md). The dump
holds the facts, not what is derived from them (graph/read/dump.py); the load is an ingest of
the file, chunk by chunk, so it takes a dump of any size.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli.database import opened_store
from api.cli.progress import console, progress_bar, report_ingest
from graph.errors import Problem
from graph.ingest.records import Record, parse_lines
from graph.ingest.service import ingest_stream
from graph.read.dump import dump
from graph.settings import Settings

#: Problems a refused load shows.
SHOWN = 50


async def _write(settings: Settings, out: TextIO) -> int:
    lines = 0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("Dumping nodes, relationships, state logs, waiting records")

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        async with opened_store(settings, say=False) as store:
            async for text in dump(store, update):
                out.write(text)
                out.write("\n")
                lines += 1
    return lines


async def cmd_dump(args: argparse.Namespace, settings: Settings) -> int:
    if args.file == "-":
        lines = await _write(settings, sys.stdout)
        console.print(f"Wrote {lines:,} records.")
        return 0
    path = Path(args.file)
    if not path.parent.is_dir():
        console.print(f"[red]No such folder: {path.parent} (for {path}); create it first.[/red]")
        return 1
    # Written aside and renamed when complete: an interrupted dump leaves no partial file
    # under the name a backup script looks for.
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            lines = await _write(settings, out)
        partial.replace(path)
    except OSError as error:
        console.print(f"[red]Cannot write {path}: {error.strerror}.[/red]")
        return 1
    finally:
        partial.unlink(missing_ok=True)
    console.print(f"Wrote {lines:,} records to {path}.")
    return 0


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as stream:
        yield from stream


def _check(path: Path) -> tuple[int, list[Problem]]:
    """Every line parsed once, nothing kept: how many records, and the first problems."""
    records, problems = 0, []
    for parsed in parse_lines(_lines(path)):
        if isinstance(parsed, Problem):
            problems.append(parsed)
        else:
            records += 1
    return records, problems


def _records(path: Path) -> Iterator[Record]:
    for parsed in parse_lines(_lines(path)):
        if not isinstance(parsed, Problem):  # _check found none
            yield parsed


async def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    if not path.is_file():
        console.print(f"[red]No such file: {path}[/red]")
        return 2
    with console.status(f"Checking {path}"):
        total, problems = _check(path)
    if problems:
        console.print(f"[red]Nothing was written: {len(problems):,} invalid record(s).[/red]")
        for problem in problems[:SHOWN]:
            console.print(f"  {problem}", markup=False)
        return 1
    async with opened_store(settings) as store:
        with progress_bar(f"Loading {path}") as update:
            report = await ingest_stream(
                store,
                _records(path),
                batch_size=args.batch_size or settings.ingest_batch_size,
                progress=lambda done, _: update(done, total),
                production_pattern=settings.production_pattern,
            )
    report_ingest(report)
    return 0


def add_dump_commands(commands: Any) -> None:
    """Add `vsg dump` and `vsg load` to the `vsg` subcommands."""
    d = commands.add_parser(
        "dump",
        help="write the whole graph as ingest records (a backup; the way to Neo4j)",
        description="Write every fact of the graph as NDJSON ingest records: nodes with "
        "the model's properties, relationships but the derived ones (stage visits, SHIPPED, "
        "inferred causes), each work item's state changes, and the records still waiting "
        "for a node. `vsg load` reads it back into any database (docs/deployment.md).",
    )
    d.add_argument("file", metavar="FILE", help="the file to write, or - for standard output")
    d.set_defaults(run=cmd_dump)
    lo = commands.add_parser(
        "load",
        help="load a file `vsg dump` wrote",
        description="Ingest a dump (or any NDJSON records in dependency order), in chunks. "
        "The file is checked whole first: with any invalid record nothing is written. Into "
        "an empty database it gives the graph that was dumped; into one with data it merges "
        "as any import does.",
    )
    lo.add_argument("file", metavar="FILE", help="a file `vsg dump` wrote")
    lo.add_argument("--batch-size", type=int, help="rows per transaction (default 5000)")
    lo.set_defaults(run=cmd_load)
