"""`vsg dump` then `vsg load` into an empty database gives the graph back, exactly.

The graph: the demo organisation at its smallest, and beside it a small org whose story
has an assumed state, a visit imported with an exit, and records that wait for nodes
that never came (a commit's work item, a state change of an unknown item). Everything
derived (visits, currentStage, SHIPPED, inferred causes) must come back from the facts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import demo
from graph.db.queries import cypher
from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest, ingest_stream
from graph.read.dump import dump
from tests.api.test_convergence import DUMP, _props
from tests.factories import SmallOrg, node, rel, state
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

DELETE_ALL = cypher("admin/delete_all")


async def canonical(store: GraphStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, sorted; a waiting record's `since`
    (when it was first kept) is bookkeeping of the database that kept it, left out."""
    [row] = await store.read(DUMP)
    nodes = sorted(
        f"{sorted(labels)} "
        + _props({k: v for k, v in props.items() if not ("Pending" in labels and k == "since")})
        for labels, props in row["nodes"]
    )
    links = sorted(
        f"{sorted(a)}:{a_id} -{kind}-> {sorted(b)}:{b_id} {_props(props)}"
        for a, a_id, kind, b, b_id, props in row["links"]
    )
    return nodes, links


def awkward(org: SmallOrg) -> list[dict[str, object]]:
    """An assumed state, an imported visit with an exit, and records that wait."""
    story, dev = org.id("story1"), org.stage("dev")
    return [
        *org.records(),
        {**state(story, "2025-03-01T09:00:00Z", state="Backlog"), "assumed": True},
        state(story, "2025-03-02T09:00:00+01:00", state="In Progress"),
        rel(
            "IN_STAGE",
            ("Story", org.id("story2")),
            ("Stage", dev),
            enteredAt="2025-03-03T10:00:00Z",
            exitedAt="2025-03-04T10:00:00Z",
        ),
        node("Repository", org.id("repo"), name="payments"),
        node("Commit", org.id("c1"), message="PAY-9 fix", authoredAt="2025-03-02T10:00:00Z"),
        rel("IN_REPO", ("Commit", org.id("c1")), ("Repository", org.id("repo"))),
        rel("IMPLEMENTS", ("Commit", org.id("c1")), ("WorkItem", org.id("never-came"))),
        state(org.id("unknown-item"), "2025-03-05T09:00:00Z", state="Done"),
    ]


async def test_a_dump_loads_back_into_the_same_graph(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    records, _ = demo.generate(demo.DemoConfig(work_items=demo.MIN_WORK_ITEMS, seed=11))
    await ingest_stream(store, records)
    report = await ingest(store, parse_objects(awkward(SmallOrg())))
    assert report.pending == 2
    before = await canonical(store)
    assert any("Pending" in n for n in before[0])
    assert any("-SHIPPED->" in link for link in before[1])

    first = tmp_path / "graph.ndjson"
    result = vsg(connection, "dump", str(first))
    assert result.returncode == 0, result.stderr
    lines = first.read_text().splitlines()
    kinds = {json.loads(text)["record"] for text in lines}
    assert kinds == {"node", "relationship", "state"}
    assert not any('"IN_STAGE"' in t or '"SHIPPED"' in t or '"stateLog"' in t for t in lines)
    assert sum('"left":true' in t for t in lines) == 1
    assert sum('"assumed":true' in t for t in lines) == 1

    await store.write(DELETE_ALL)
    result = vsg(connection, "load", str(first))
    assert result.returncode == 0, result.stderr
    after = await canonical(store)
    assert after[0] == before[0]
    assert after[1] == before[1]

    again = [text async for text in dump(store)]
    assert again == lines  # a dump of the loaded graph is the same file


async def test_load_refuses_a_bad_file_whole_and_dump_a_missing_folder(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"record": "node", "label": "Team", "id": "t1", "properties": {"name": "A"}}\n'
                   '{"record": "node", "label": "Gadget", "id": "g"}\n')  # fmt: skip
    result = vsg(connection, "load", str(bad))
    assert result.returncode == 1
    assert "Nothing was written" in result.stderr and "line 2" in result.stderr
    assert [t async for t in dump(store)] == []
    result = vsg(connection, "dump", str(tmp_path / "no" / "x.ndjson"))
    assert result.returncode == 1 and "No such folder" in result.stderr
