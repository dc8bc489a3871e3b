"""`vsg export`, run as a user would, read back with networkx.

The org (tests/factories.py SmallOrg) has 10 nodes: business line BL, product P, value
stream VS, team T, stages backlog, dev, review, done, story1, story2; and 14
relationships: BL-OWNS->P, P-HAS_VALUE_STREAM->VS, T-CONTRIBUTES_TO->P, VS-HAS_STAGE->
(4 stages), 3 NEXT between them, story1/2-FOR_PRODUCT->P, T-OWNS->story1/2. Here story1
also moves Dev, Review, Dev, Done: 4 IN_STAGE, two of them to Dev (parallel edges).

From VS, depth 1: VS, P and the 4 stages (6 nodes); P-HAS_VALUE_STREAM->VS, 4 HAS_STAGE,
and among the outer ring the 3 NEXT: 8 relationships.
Depth 2 adds BL, T, story1, story2 (10 nodes: all); BL-OWNS, T-CONTRIBUTES_TO, 2
FOR_PRODUCT, 4 IN_STAGE, and among the outer ring the 2 T-OWNS: 8 + 4 + 4 + 2 = 18.
From P, depth 1: P, BL, VS, T, story1, story2 (6 nodes); OWNS, HAS_VALUE_STREAM,
CONTRIBUTES_TO, 2 FOR_PRODUCT, and the 2 T-OWNS in the ring: 7.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.factories import SmallOrg, state
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db


@pytest.fixture
async def org(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    story = org.id("story1")
    moves = [
        state(story, f"2025-03-0{day}T00:00:00Z", state=to)
        for day, to in [(1, "In Progress"), (2, "In Review"), (3, "In Progress"), (4, "Done")]
    ]
    await ingest(store, parse_objects(org.records() + moves))
    return org


def test_graphml_of_a_value_stream_at_depth_1_and_2(
    connection: Connection, org: SmallOrg, tmp_path: Path
) -> None:
    out = tmp_path / "vs.graphml"
    result = vsg(connection, "export", "--value-stream", org.id("vs"), "--depth", "1", str(out))
    assert result.returncode == 0, result.stderr
    g = nx.read_graphml(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (6, 8)
    dev = g.nodes[f"Stage:{org.stage('dev')}"]
    assert (dev["label"], dev["id"], dev["name"], dev["order"]) == (
        "Stage",
        org.stage("dev"),
        "Dev",
        2,
    )
    types = sorted(d["type"] for _, _, d in g.edges(data=True))
    assert types == ["HAS_STAGE"] * 4 + ["HAS_VALUE_STREAM"] + ["NEXT"] * 3

    result = vsg(connection, "export", "--value-stream", org.id("vs"), str(out))  # depth 2
    assert result.returncode == 0, result.stderr
    g = nx.read_graphml(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (10, 18)
    story = f"WorkItem:{org.id('story1')}"
    assert g.nodes[story]["kind"] == "Story"
    visits = sorted(
        d["enteredAt"] for _, _, d in g.out_edges(story, data=True) if d["type"] == "IN_STAGE"
    )
    assert visits == [f"2025-03-0{d}T00:00:00Z" for d in (1, 2, 3, 4)]
    assert g.number_of_edges(story, f"Stage:{org.stage('dev')}") == 2


def test_gexf_and_json_of_a_product(connection: Connection, org: SmallOrg, tmp_path: Path) -> None:
    gexf = tmp_path / "p.gexf"
    result = vsg(connection, "export", "--product", org.product, "--depth", "1", str(gexf))
    assert result.returncode == 0, result.stderr
    assert "Wrote 6 nodes and 7 relationships" in result.stderr
    g = nx.read_gexf(gexf)
    assert (g.number_of_nodes(), g.number_of_edges()) == (6, 7)
    product = g.nodes[f"Product:{org.product}"]
    assert (product["label"], product["vsgLabel"], product["vsgId"]) == (
        "Checkout",
        "Product",
        org.product,
    )

    out = tmp_path / "p.data"
    result = vsg(
        connection, "export", "--product", org.product, "--depth", "1", "--format", "json", str(out)
    )
    assert result.returncode == 0, result.stderr
    g = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    assert (g.number_of_nodes(), g.number_of_edges()) == (6, 7)
    assert g.is_directed() and g.is_multigraph()


def test_bounds_unknown_ids_and_formats(
    connection: Connection, org: SmallOrg, tmp_path: Path
) -> None:
    out = tmp_path / "vs.graphml"
    result = vsg(
        connection,
        "export",
        "--value-stream",
        org.id("vs"),
        "--depth",
        "1",
        "--max-nodes",
        "5",
        str(out),
    )
    assert result.returncode == 1
    assert "has more than 5 nodes" in result.stderr
    assert "lower --depth" in result.stderr
    assert not out.exists()
    result = vsg(connection, "export", "--product", "no-such-product", str(out))
    assert result.returncode == 1
    assert "no Product with id 'no-such-product'" in result.stderr
    result = vsg(connection, "export", "--product", org.product, str(tmp_path / "p.txt"))
    assert result.returncode == 2
    assert "Give --format" in result.stderr
