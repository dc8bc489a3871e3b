"""`vsg`: serve the API, load the demo, import records, run the embedded database.

Every command reads its settings from `VSG_*` environment variables (see
docs/configuration.md); with no `VSG_NEO4J_URI` it runs on the embedded database.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from api.cli.analysis import add_analysis_commands
from api.cli.database import database, embedded_config, opened_store
from api.cli.doctor import add_doctor_commands
from api.cli.dora import add_dora_commands
from api.cli.dump import add_dump_commands
from api.cli.export import add_export_commands
from api.cli.metrics import add_metrics_commands
from api.cli.progress import console, progress_bar, report_ingest
from api.cli.rederive import add_rederive_commands
from api.cli.sync import add_sync_commands
from api.cli.token import add_token_commands
from api.graphql.errorlog import quiet_input_errors
from graph.db.embedded import EmbeddedDatabase
from graph.db.store import GraphStore
from graph.errors import GraphError, InvalidInput, Problem
from graph.ingest import exports
from graph.ingest.hooks import webhook_mapping
from graph.ingest.records import Record, parse_lines
from graph.ingest.service import ingest, ingest_stream
from graph.ingest.sources.mapping import load_mapping
from graph.ingest.sources.payload import PayloadError
from graph.ingest.sources.registry import SOURCES
from graph.model import Label
from graph.read.entities import COUNT
from graph.settings import ConfigError, Settings, is_loopback


async def _load_demo(store: GraphStore, settings: Settings, args: argparse.Namespace) -> None:
    from graph import demo  # only the demo commands pay for importing the generator

    config = demo.DemoConfig(work_items=args.scale, seed=args.seed)
    records, truth = demo.generate(config)
    console.print(
        f"Generating the demo organisation: {config.work_items:,} work items, seed {config.seed}"
    )
    with progress_bar("Loading demo") as update:
        # A chunk at a time: a large demo does not fit in memory as one batch.
        report = await ingest_stream(
            store,
            records,
            batch_size=settings.ingest_batch_size,
            progress=update,
            production_pattern=settings.production_pattern,
        )
    report_ingest(report)
    console.print("Constraint stage of each value stream (by construction):")
    for stream, stage in sorted(truth.constraints.items()):
        console.print(f"  {stream}: {stage}")


async def _is_empty(store: GraphStore) -> bool:
    total: int = (await store.read(COUNT[Label.PRODUCT]))[0]["total"]
    return total == 0


def _auth_summary(settings: Settings) -> str:
    if settings.auth_required:
        return "required (create one with `vsg token create`)"
    if is_loopback(settings.host):
        return "not required on loopback; a token that is sent is checked"
    return "[red]NOT required (VSG_AUTH=off): anyone who reaches this port has full access[/red]"


def _ignore(signum: int, frame: object) -> None:
    """A signal handler that does nothing."""


async def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: only `serve` pays for the server, Starlette and building the schema.
    import uvicorn

    from api.app import create_app

    failures: list[str] = []
    servers: list[uvicorn.Server] = []

    def give_up(reason: str) -> None:
        # The database stayed unreachable (or the embedded one kept dying): stop serving
        # and exit non-zero so that a supervisor restarts vsgraph (docs/deployment.md).
        failures.append(reason)
        for running in servers:
            running.should_exit = True

    if not args.debug:
        quiet_input_errors()
    async with database(settings, on_give_up=give_up) as connection:
        if args.demo:
            async with opened_store(settings, say=False) as store:
                if await _is_empty(store):
                    await _load_demo(store, settings, args)
                else:
                    console.print("The database already holds data; not loading the demo.")
        # The app decides whether tokens are required from the address it is bound to.
        settings = replace(
            settings, host=args.host or settings.host, port=args.port or settings.port
        )
        host, port = settings.host, settings.port
        app = create_app(settings, connection, on_give_up=give_up)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="info",
            # SIGTERM drains within a bound: a request that never ends (a client that
            # stops sending its body) is cancelled then, instead of holding the exit.
            timeout_graceful_shutdown=max(1, math.ceil(settings.shutdown_timeout_seconds)),
        )
        server = uvicorn.Server(config)
        servers.append(server)
        base = f"http://{host}:{port}"
        console.print(
            f"\nvsgraph is serving on {base}\n"
            f"  Home:                {base}/\n"
            f"  Dashboard:           {base}/dashboard\n"
            f"  Explorer:            {base}/explorer\n"
            f"  Analyses:            {base}/analysis\n"
            f"  GraphQL API and IDE: {base}/graphql\n"
            f"  Prometheus metrics:  {base}/metrics\n"
            f"  Health:              {base}/healthz\n"
            f"  Database (Bolt):     {connection.uri} (database {connection.database!r})\n"
            f"  API tokens:          {_auth_summary(settings)}\n"
        )
        if not failures:
            # uvicorn raises the signal that stopped it again once it has drained; caught
            # here, it lets the database (the embedded one's process) close before exit.
            handlers = {n: signal.signal(n, _ignore) for n in (signal.SIGTERM, signal.SIGINT)}
            try:
                await server.serve()
            finally:
                for number, handler in handlers.items():
                    signal.signal(number, handler)
    if failures:
        console.print(f"vsgraph stopped: {failures[0]}", style="red", markup=False)
        return 1
    return 0


async def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    async with opened_store(settings) as store:
        if not args.force and not await _is_empty(store):
            console.print("The database already holds data; use --force to load the demo anyway.")
            return 0
        await _load_demo(store, settings, args)
    return 0


def _lines(source: str) -> Iterator[str]:
    if source == "-":
        yield from sys.stdin
        return
    with Path(source).open(encoding="utf-8") as stream:
        yield from stream


async def _convert(args: argparse.Namespace, store: GraphStore) -> exports.Export:
    """Read a tool export and turn it into records (docs/sources.md); nothing is written.
    Without `--mapping`, products are found as webhooks find them: a Jira project by the
    product's `key`, a repository by its `FOR_PRODUCT` in the graph."""
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    mapping = load_mapping(args.mapping) if args.mapping else await webhook_mapping(store)
    export = exports.convert(SOURCES[args.source], data, mapping)
    for note in export.converted.notes:
        console.print(f"  note: {note}", markup=False)
    return export


async def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    if args.file != "-" and not Path(args.file).is_file():
        console.print(f"[red]No such file: {args.file}[/red]")
        return 2
    if args.mapping is not None and args.source is None:
        console.print("[red]--mapping only applies with --source.[/red]")
        return 2
    export: exports.Export | None = None

    def where(problem: Problem) -> str:
        # A converted record's line is its place in the conversion: name the payload's.
        if export is None:
            return str(problem)
        origin = export.converted.origin(problem.line)
        return f"{origin}: {problem.field}: {problem.message}"

    async with opened_store(settings) as store:
        if args.source is not None:
            try:
                export = await _convert(args, store)
            except PayloadError as error:
                console.print(
                    f"[red]Nothing was written: {len(error.problems)} problem(s) in the "
                    f"{args.source} payload {args.file}.[/red]"
                )
                for payload_problem in error.problems[:50]:
                    console.print(f"  {payload_problem}", markup=False)
                return 1
        records: Iterable[Record | Problem]
        if export is None:
            records = parse_lines(_lines(args.file))
        else:
            records, notes = await exports.records_to_write(store, export)
            for note in notes:
                console.print(f"  note: {note}", markup=False)
        try:
            with progress_bar(f"Importing {args.file}") as update:
                report = await ingest(
                    store,
                    records,
                    batch_size=args.batch_size or settings.ingest_batch_size,
                    skip_invalid=args.skip_invalid,
                    progress=update,
                    production_pattern=settings.production_pattern,
                )
        except InvalidInput as error:
            console.print(
                f"[red]Nothing was written: {len(error.problems)} invalid record(s).[/red]"
            )
            for problem in error.problems[:50]:
                console.print(f"  {where(problem)}", markup=False)
            if len(error.problems) > 50:
                console.print(f"  ... and {len(error.problems) - 50} more")
            console.print("Fix them, or re-run with --skip-invalid to write the valid records.")
            return 1
    report_ingest(report, where)
    return 0


async def cmd_db_start(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.embedded:
        console.print("VSG_NEO4J_URI is set: vsgraph uses that database, not the embedded one.")
        return 2
    config = embedded_config(settings)
    embedded = EmbeddedDatabase(config)
    connection = await embedded.start()
    print(f"Embedded database running: {connection.uri}  database={connection.database}")
    print(f"  user {connection.user}, password in {config.data_dir / 'password'}")
    print(f"  data in {config.data_dir.resolve()}, log in {embedded.log_path}")
    print("Press Ctrl-C to stop it.", flush=True)
    failures: list[str] = []
    try:
        # Restarts the database if it dies; returns only when restarts run out.
        await embedded.watch(settings.embedded_max_restarts, on_give_up=failures.append)
    finally:
        embedded.stop()
    return 1 if failures else 0


async def cmd_db_info(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.embedded:
        print(f"External database: {settings.neo4j_uri} (database {settings.neo4j_database})")
        return 0
    config = embedded_config(settings)
    print(f"Embedded database: bolt://127.0.0.1:{config.bolt_port} database={config.database}")
    print(f"  data directory: {config.data_dir.resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `vsg` argument parser."""
    parser = argparse.ArgumentParser(
        prog="vsg",
        description="vsgraph: value-stream management on one Neo4j graph. Settings come "
        "from VSG_* environment variables; without VSG_NEO4J_URI the embedded database "
        "(under VSG_DATA_DIR, default .vsg-data) is used.",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show tracebacks: of a command's errors, and in `serve`'s log of requests' "
        "input errors (one line each otherwise)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def demo_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--scale",
            type=int,
            default=3000,
            metavar="N",
            help="number of work items in the demo (default: 3000)",
        )
        p.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")

    serve = commands.add_parser(
        "serve",
        help="serve the GraphQL API",
        description="Serve the GraphQL API (and its IDE at /graphql).",
    )
    serve.add_argument("--host", help="interface to bind (default: VSG_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: VSG_PORT or 8000)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="load the demo organisation first if the database is empty",
    )
    demo_options(serve)
    serve.set_defaults(run=cmd_serve)

    demo_cmd = commands.add_parser(
        "demo",
        help="load the demo organisation",
        description="Generate the seeded demo organisation and load "
        "it (only into an empty database unless --force).",
    )
    demo_options(demo_cmd)
    demo_cmd.add_argument(
        "--force", action="store_true", help="load even if the database holds data (idempotent)"
    )
    demo_cmd.set_defaults(run=cmd_demo)

    imp = commands.add_parser(
        "import",
        help="import NDJSON records",
        description="Validate and import NDJSON records "
        "(docs/ingest.md). With any invalid record nothing is written.",
        epilog="sources (--source, docs/sources.md):\n"
        + "\n".join(f"  {s.name:<14} {s.help}" for s in SOURCES.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument(
        "file", help="NDJSON file (or a tool export with --source), or - for standard input"
    )
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid records and report the invalid ones",
    )
    imp.add_argument("--batch-size", type=int, help="rows per transaction (default 5000)")
    imp.add_argument(
        "--source",
        choices=sorted(SOURCES),
        help="the file is an export of this tool, converted to records first "
        "(docs/sources.md; default: the file holds NDJSON records)",
    )
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help="JSON mapping for --source: products, issue types, team field (docs/sources.md)",
    )
    imp.set_defaults(run=cmd_import)

    add_dora_commands(commands)
    add_doctor_commands(commands)
    add_metrics_commands(commands)
    add_sync_commands(commands)
    add_analysis_commands(commands)
    add_export_commands(commands)
    add_dump_commands(commands)
    add_rederive_commands(commands)
    add_token_commands(commands)

    db = commands.add_parser(
        "db", help="the embedded database", description="Run or describe the embedded database."
    )
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser(
        "start", help="run it in the foreground and print its Bolt URI"
    ).set_defaults(run=cmd_db_start)
    db_commands.add_parser("info", help="where it is").set_defaults(run=cmd_db_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `vsg` command."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        code: int = asyncio.run(args.run(args, settings))
        return code
    except ConfigError as error:
        console.print(f"[red]Configuration error: {error}[/red]")
        return 2
    except GraphError as error:
        if args.debug:
            console.print_exception()
        console.print(str(error), style="red", markup=False)
        return 1
    except KeyboardInterrupt:
        return 130
