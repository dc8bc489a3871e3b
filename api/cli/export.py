"""`vsg export`: a subgraph as GraphML, GEXF or node-link JSON, for Gephi, yEd and friends."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import networkx as nx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.database import opened_store
from api.cli.output import node_id
from graph.model import Label
from graph.read.subgraph import SubgraphScope, load_subgraph
from graph.settings import Settings

console = Console(stderr=True)

FORMATS = ("graphml", "gexf", "json")

DESCRIPTION = """\
Write the subgraph around a value stream or product to a file: every node within --depth
relationships of it (either direction) and every relationship among those nodes.

Nodes are keyed Label:id and carry label, id, name (name or title), kind (work items)
and their scalar properties, times as ISO strings; relationships carry type and their
scalar properties. GraphML opens in yEd and Gephi; in GEXF the display label is the
name, and label and id are vsgLabel and vsgId (GEXF reserves label and id); json is
networkx's node-link format.

More than VSG_EXPORT_MAX_NODES nodes (default 10000, or --max-nodes) is refused.
"""

EXAMPLES = """\
examples:
  vsg export --value-stream payments-value-stream stream.graphml
  vsg export --product payments --depth 3 --format gexf payments.gexf
"""


def for_gexf(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A copy with GEXF's reserved attributes moved aside: the node label shown is the
    name, the relationship label its type."""
    out = graph.copy()
    for _, data in out.nodes(data=True):
        data["vsgLabel"], data["vsgId"] = data.pop("label"), data.pop("id")
        data["label"] = data["name"]
    for _, _, data in out.edges(data=True):
        data["label"] = data.pop("type")
    return out


def write(graph: nx.MultiDiGraph[str], fmt: str, path: Path) -> None:
    """Write the graph in one of FORMATS."""
    if fmt == "graphml":
        nx.write_graphml(graph, path)
    elif fmt == "gexf":
        nx.write_gexf(for_gexf(graph), path)
    else:
        data = nx.node_link_data(graph, edges="edges")
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _format(args: argparse.Namespace) -> str | None:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lstrip(".").lower()
    return suffix if suffix in FORMATS else None


async def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    fmt = _format(args)
    if fmt is None:
        console.print(f"[red]Give --format ({', '.join(FORMATS)}) for {args.out}.[/red]")
        return 2
    if args.depth < 0:
        console.print("[red]--depth must be 0 or more.[/red]")
        return 2
    scope, id = (
        (SubgraphScope.VALUE_STREAM, args.value_stream)
        if args.value_stream
        else (SubgraphScope.PRODUCT, args.product)
    )
    out = Path(args.out)
    if not out.parent.is_dir():
        # Checked before the reads, which can take a while on a large graph.
        console.print(f"[red]No such folder: {out.parent} (for {out}); create it first.[/red]")
        return 1
    max_nodes = args.max_nodes or settings.export_max_nodes
    steps = args.depth + 2  # each hop, the links among the last ring, the write
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"Reading the subgraph of {id}", total=steps)

        def hop(done: int, nodes: int, relationships: int) -> None:
            bar.update(
                task,
                completed=done,
                description=f"Read {nodes:,} nodes, {relationships:,} relationships",
            )

        async with opened_store(settings, say=False) as store:
            graph = await load_subgraph(
                store, scope, id, depth=args.depth, max_nodes=max_nodes, progress=hop
            )
        bar.update(task, completed=steps - 1, description=f"Writing {out} ({fmt})")
        try:
            write(graph, fmt, out)
        except OSError as error:
            bar.stop()
            console.print(f"[red]Cannot write {out}: {error.strerror}.[/red]")
            return 1
        bar.update(task, completed=steps, description=f"Wrote {out}")
    console.print(
        f"Wrote {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} "
        f"relationships to {args.out} ({fmt})."
    )
    return 0


def add_export_commands(commands: Any) -> None:
    """Add `vsg export` to the `vsg` subcommands."""
    p = commands.add_parser(
        "export",
        help="write a subgraph as GraphML, GEXF or JSON",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    start = p.add_mutually_exclusive_group(required=True)
    start.add_argument(
        "--value-stream",
        metavar="ID",
        type=node_id(Label.VALUE_STREAM),
        help="start at this value stream",
    )
    start.add_argument(
        "--product", metavar="ID", type=node_id(Label.PRODUCT), help="start at this product"
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="graphml, gexf or json (node-link); default: from OUT's suffix",
    )
    p.add_argument(
        "--depth",
        type=int,
        default=2,
        metavar="N",
        help="relationships from the start node (default: 2)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        metavar="N",
        help="refuse a larger subgraph (default: VSG_EXPORT_MAX_NODES, 10000)",
    )
    p.add_argument("out", metavar="OUT", help="the file to write")
    p.set_defaults(run=cmd_export)
