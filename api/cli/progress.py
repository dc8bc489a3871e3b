"""What the `vsg` commands that write share: the stderr console, a progress bar, and the
summary of an ingest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from graph.errors import Problem
from graph.ingest.service import IngestReport
from graph.ingest.service import Progress as ProgressFn

console = Console(stderr=True)


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressFn]:
    """A progress bar on stderr, fed by ingest's progress(done, total) callback."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def report_ingest(report: IngestReport, where: Callable[[Problem], str] = str) -> None:
    """What an ingest read and wrote, and what it skipped, on stderr."""
    console.print(
        f"Read {report.records:,} records: wrote {report.nodes:,} nodes, "
        f"{report.relationships:,} relationships, {report.visits:,} stage visits "
        f"in {report.round_trips:,} round trips."
    )
    if report.pending or report.completed or report.unmapped:
        console.print(
            f"  {report.pending:,} record(s) wait for a node not in the graph yet, "
            f"{report.completed:,} that waited were written, {report.unmapped:,} state "
            "change(s) map to no stage yet (docs/ingest.md)",
            markup=False,
        )
    for problem in report.skipped:
        console.print(f"  skipped {where(problem)}", markup=False)
