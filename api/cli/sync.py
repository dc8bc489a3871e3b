"""`vsg sync jira|github|gitlab|status`: live sync from the vendors' REST APIs.

Tokens and URLs come from the environment (`VSG_GITHUB_TOKEN`, ... see
docs/configuration.md); what is fetched, the cursors and resuming: docs/sources.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.database import opened_store
from graph.db.store import GraphStore
from graph.ingest.hooks import webhook_mapping
from graph.ingest.sources.mapping import SourceMapping, load_mapping
from graph.settings import Settings
from graph.sync import github, gitlab, jira
from graph.sync.client import ApiClient
from graph.sync.cursor import list_cursors, load_cursor
from graph.sync.walk import Syncer, Walk, WalkStats

console = Console(stderr=True)


class _Bar:
    """A line per walk on stderr: pages and items fetched, records written."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, Any] = {}

    def _task(self, walk: str) -> Any:
        if walk not in self.tasks:
            self.tasks[walk] = self.bar.add_task(walk, total=None, pages=0, items=0, written=0)
        return self.tasks[walk]

    def fetched(self, walk: str, items: int) -> None:
        task = self._task(walk)
        fields = self.bar.tasks[task].fields
        self.bar.update(task, pages=fields["pages"] + 1, items=fields["items"] + items)

    def wrote(self, walk: str, written: int) -> None:
        task = self._task(walk)
        self.bar.update(task, written=self.bar.tasks[task].fields["written"] + written)


@contextmanager
def progress_bar() -> Iterator[_Bar]:
    """The sync's progress display on stderr."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[pages]} pages, {task.fields[items]} items fetched"),
        TextColumn("{task.fields[written]} written"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        yield _Bar(bar)


async def _mapping(store: GraphStore, args: argparse.Namespace) -> SourceMapping:
    """The mapping file, else what the graph says (products' keys, repositories' products)."""
    mapping = load_mapping(args.mapping) if args.mapping else await webhook_mapping(store)
    if args.strict:
        mapping = replace(mapping, strict=True)
    return replace(mapping, default_product=args.product) if args.product else mapping


def _report(stats: list[WalkStats]) -> None:
    table = Table(title="Synced", title_justify="left")
    for column in ("walk", "pages", "items", "written", "skipped", "cursor"):
        numeric = column not in ("walk", "cursor")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for s in stats:
        resumed = " (resumed)" if s.resumed else ""
        table.add_row(
            s.id + resumed,
            str(s.pages),
            str(s.items),
            f"{s.written:,}",
            str(len(s.skipped)),
            s.cursor or "-",
        )
    console.print(table)
    skipped = [item for s in stats for item in s.skipped]
    for item in skipped[:20]:
        console.print(f"  {item}", markup=False)
    if skipped:
        more = f" (and {len(skipped) - 20} more)" if len(skipped) > 20 else ""
        console.print(
            f"  {len(skipped)} invalid item(s) skipped{more}: the rest is written; the next "
            "run fetches them again (vsg sync status lists them)"
        )
    notes = list(dict.fromkeys(n for s in stats for n in s.notes))
    for note in notes[:10]:
        console.print(f"  note: {note}", markup=False)
    if len(notes) > 10:
        console.print(f"  ... and {len(notes) - 10} more notes")


async def _run(
    settings: Settings, args: argparse.Namespace, api: ApiClient, walks_of: Any
) -> list[WalkStats]:
    async with api, opened_store(settings) as store:
        mapping = await _mapping(store, args)
        walks: list[Walk] = []
        for name in args.names:
            walks += await walks_of(api, name, mapping)
        with progress_bar() as bar:
            syncer = Syncer(
                store,
                batch_size=args.batch_size or settings.ingest_batch_size,
                progress=bar,
                full=args.full,
                production_pattern=settings.production_pattern,
            )
            stats = await syncer.sync(walks)
    _report(stats)
    return stats


async def cmd_sync_github(args: argparse.Namespace, settings: Settings) -> int:
    async def walks_of(api: ApiClient, name: str, mapping: SourceMapping) -> list[Walk]:
        repo = await github.open_repository(
            api, name, mapping, per_page=args.per_page, branch=args.branch
        )
        return repo.walks()

    await _run(settings, args, github.client(settings), walks_of)
    return 0


async def cmd_sync_gitlab(args: argparse.Namespace, settings: Settings) -> int:
    async def walks_of(api: ApiClient, name: str, mapping: SourceMapping) -> list[Walk]:
        project = await gitlab.open_project(
            api, name, mapping, per_page=args.per_page, branch=args.branch
        )
        return project.walks()

    await _run(settings, args, gitlab.client(settings), walks_of)
    return 0


async def cmd_sync_jira(args: argparse.Namespace, settings: Settings) -> int:
    if bool(args.names) == bool(args.jql):
        console.print("[red]Name project keys, or give --jql (not both).[/red]")
        return 2
    search = args.jql or jira.project_jql(args.names)
    api = jira.client(settings)

    async def walks_of(api: ApiClient, name: str, mapping: SourceMapping) -> list[Walk]:
        assert settings.jira_url is not None  # jira.client checked it
        search = jira.JiraSync(
            api, settings.jira_url, name, mapping, per_page=args.per_page, endpoint=args.endpoint
        )
        return search.walks()

    await _run(settings, _with_names(args, [search]), api, walks_of)
    return 0


def _with_names(args: argparse.Namespace, names: list[str]) -> argparse.Namespace:
    """`args` with other positional names (a Jira sync runs one search)."""
    return argparse.Namespace(**{**vars(args), "names": names})


async def cmd_sync_status(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings, say=False) as store:
        cursors = [await load_cursor(store, c.id) for c in await list_cursors(store)]
    out = Console()
    table = Table(title="Sync cursors", title_justify="left")
    for column in ("walk", "cursor", "interrupted at", "skipped", "updated"):
        table.add_column(column, overflow="fold")
    for c in cursors:
        updated = c.updated_at.strftime("%Y-%m-%d %H:%M UTC") if c.updated_at else "-"
        table.add_row(c.id, c.cursor or "-", c.resume or "-", str(len(c.skipped)), updated)
    out.print(table if cursors else "No sync has run yet.")
    problems = [(c.id, s) for c in cursors for s in c.skipped]
    if problems:
        out.print("Skipped as invalid by the last run (fetched again by the next):")
    for walk, s in problems:
        out.print(
            f"  {walk}: {s.get('kind')} {s.get('id')} ({s.get('source')}): "
            f"{s.get('field')}: {s.get('reason')}",
            markup=False,
        )
    return 0


def _common(p: argparse.ArgumentParser, per_page: int) -> None:
    p.add_argument(
        "--mapping",
        metavar="FILE",
        type=Path,
        help="JSON mapping as for vsg import --source (docs/sources.md); default: from the "
        "graph (products' keys, repositories' products)",
    )
    p.add_argument("--product", metavar="ID", help="product of whatever the mapping maps to none")
    p.add_argument(
        "--per-page",
        type=int,
        default=per_page,
        metavar="N",
        help=f"items per request (default {per_page}, the API's maximum)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        help="rows per write transaction (default: VSG_INGEST_BATCH_SIZE, 5000)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="stop at an invalid item (default: skip it, report it, write the rest)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="ignore the stored cursors: fetch everything again (idempotent), then store them",
    )


def add_sync_commands(commands: Any) -> None:
    """Add `vsg sync` to the `vsg` subcommands."""
    sync = commands.add_parser(
        "sync",
        help="fetch from Jira, GitHub or GitLab over their APIs",
        description="Fetch what changed since the last sync from a vendor's REST API and "
        "write it to the graph, page by page (docs/sources.md, Live sync). Interrupted, "
        "it resumes at the page it was on.",
    )
    sources = sync.add_subparsers(dest="sync_source", required=True, metavar="SOURCE")

    gh = sources.add_parser(
        "github",
        help="repositories' commits, pulls, deployments, releases",
        description="Needs VSG_GITHUB_TOKEN (and VSG_GITHUB_API_URL for GitHub Enterprise).",
    )
    gh.add_argument("names", nargs="+", metavar="OWNER/REPO", help="repositories to sync")
    gh.add_argument("--branch", help="the commits' branch (default: the default branch)")
    _common(gh, 100)
    gh.set_defaults(run=cmd_sync_github)

    gl = sources.add_parser(
        "gitlab",
        help="projects' commits, merge requests, deployments, releases",
        description="Needs VSG_GITLAB_TOKEN (and VSG_GITLAB_URL for a self-managed instance).",
    )
    gl.add_argument("names", nargs="+", metavar="GROUP/PROJECT", help="projects to sync")
    gl.add_argument("--branch", help="the commits' branch (default: the default branch)")
    _common(gl, 100)
    gl.set_defaults(run=cmd_sync_gitlab)

    jr = sources.add_parser(
        "jira",
        help="issues with their changelogs",
        description="Needs VSG_JIRA_URL, VSG_JIRA_TOKEN and (Jira Cloud) VSG_JIRA_EMAIL.",
    )
    jr.add_argument("names", nargs="*", metavar="PROJECT", help="project keys (e.g. PAY)")
    jr.add_argument("--jql", help="a JQL search instead of project keys (no ORDER BY)")
    jr.add_argument(
        "--endpoint",
        default=jira.SEARCH,
        metavar="PATH",
        help=f"the search resource (default {jira.SEARCH}; Jira Data Center: rest/api/2/search)",
    )
    _common(jr, 100)
    jr.set_defaults(run=cmd_sync_jira)

    sources.add_parser(
        "status", help="where each sync stands", description="List the stored sync cursors."
    ).set_defaults(run=cmd_sync_status)
