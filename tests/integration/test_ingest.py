"""Ingest against the real database: idempotent, all-or-nothing, line-numbered errors."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from graph import demo
from graph.db.queries import parse
from graph.db.store import Connection, GraphStore
from graph.errors import InvalidInput
from graph.ingest.records import parse_lines
from graph.ingest.service import ingest, ingest_stream
from tests.conftest import DELETE_ALL
from tests.factories import SmallOrg, ndjson, node, rel, state

pytestmark = pytest.mark.db


COUNTS = parse(
    "test/counts",
    "// cardinality: one\n"
    # The model's nodes: not the title vocabulary (graph/ingest/title_words.py).
    "CALL () { MATCH (n) WHERE NOT n:TitleWord RETURN count(n) AS nodes } "
    "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
    "RETURN nodes, relationships",
)
SNAPSHOT = parse(
    "test/snapshot",
    "// cardinality: rows\n"
    "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id",
)
VISITS = parse(
    "test/visits",
    "// cardinality: rows\n"
    "MATCH (w:WorkItem {id: $id})-[r:IN_STAGE]->(s:Stage) "
    "RETURN s.id AS stage, r.enteredAt AS entered, r.exitedAt AS exited ORDER BY entered",
)


PENDING = parse(
    "test/pending",
    "// cardinality: one\nMATCH (p:Pending) RETURN count(p) AS waiting",
)
OWNERS = parse(
    "test/owners",
    "// cardinality: rows\nMATCH (t:Team)-[:OWNS]->(w:WorkItem {id: $id}) RETURN t.id AS team",
)


TITLE_WORDS = parse(
    "test/title_words",
    "// cardinality: one\nMATCH (w:TitleWord) RETURN count(w) AS words",
)


async def counts(store: GraphStore) -> tuple[int, int]:
    row = (await store.read(COUNTS))[0]
    return row["nodes"], row["relationships"]


async def load(store: GraphStore, records: list[dict[str, object]], **kwargs: object):  # type: ignore[no-untyped-def]
    return await ingest(store, parse_lines(ndjson(records).splitlines()), **kwargs)  # type: ignore[arg-type]


async def test_importing_twice_changes_no_count_and_no_property(store: GraphStore) -> None:
    org = SmallOrg()
    records = [
        *org.records(),
        state(org.id("story1"), "2025-01-02T09:00:00Z", state="To Do"),
        state(org.id("story1"), "2025-01-03T09:00:00Z", state="In Progress"),
        state(org.id("story1"), "2025-01-04T09:00:00Z", state="Done"),
    ]
    first = await load(store, records)
    before_counts, before = await counts(store), await store.read(SNAPSHOT)
    second = await load(store, records)
    assert await counts(store) == before_counts
    assert await store.read(SNAPSHOT) == before
    assert first.nodes == second.nodes == 10
    assert before_counts == (10, 17)  # 14 relationships + 3 stage visits


async def test_a_later_record_updates_properties(store: GraphStore) -> None:
    org = SmallOrg()
    await load(store, org.records())
    await load(store, [node("Product", org.product, name="Checkout v2", key="PAY")])
    rows = await store.read(SNAPSHOT)
    product = next(r for r in rows if r["id"] == org.product)
    assert product["props"]["name"] == "Checkout v2"


async def test_state_changes_become_visits_through_the_stage_mapping(store: GraphStore) -> None:
    org = SmallOrg()
    item = org.id("story1")
    await load(store, org.records())
    # Out of order, in two imports, with offsets and a case-insensitive state name:
    await load(store, [state(item, "2025-01-05T10:00:00+01:00", state="done")])
    await load(
        store,
        [
            state(item, "2025-01-02T09:00:00Z", state="In Progress"),
            state(item, "2025-01-03T09:00:00Z", state="In Review"),
            state(item, "2025-01-04T09:00:00Z", state="In Progress"),  # reworked
        ],
    )
    visits = await store.read(VISITS, id=item)
    t = lambda d, h: datetime(2025, 1, d, h, tzinfo=UTC)  # noqa: E731 - a table of times
    assert [(v["stage"], v["entered"], v["exited"]) for v in visits] == [
        (org.stage("dev"), t(2, 9), t(3, 9)),
        (org.stage("review"), t(3, 9), t(4, 9)),
        (org.stage("dev"), t(4, 9), t(5, 9)),
        (org.stage("done"), t(5, 9), None),
    ]


async def test_bad_records_are_reported_by_line_and_nothing_is_written(store: GraphStore) -> None:
    org = SmallOrg()
    records = [
        *org.records(),  # lines 1..25 are fine
        node("Product", org.id("p2"), name=42),  # bad type
        {"record": "node", "label": "Team", "properties": {"name": "No id"}},  # missing id
        node("Gadget", org.id("g"), name="Unknown label"),  # unknown label
        rel("OWNS", ("Product", org.id("team")), ("Story", "NOPE-1")),  # no such type
    ]
    with pytest.raises(InvalidInput) as raised:
        await load(store, records)
    problems = [(p.line, p.field) for p in raised.value.problems]
    n = len(org.records())
    assert problems == [
        (n + 1, "properties.name"),
        (n + 2, "id"),
        (n + 3, "label"),
        (n + 4, "type"),
    ]
    assert "expected a string, got int" in raised.value.problems[0].message
    assert "OWNS does not connect Product to WorkItem" in raised.value.problems[3].message
    assert await counts(store) == (0, 0)


async def test_a_link_to_a_node_not_yet_known_waits_for_it_and_is_then_written(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    await load(store, org.records())
    late = org.id("late")
    owns = rel("OWNS", ("Team", org.id("team")), ("Story", late))
    moved = state(late, "2025-01-02T09:00:00Z", state="In Progress")
    unmapped = state(org.id("story1"), "2025-01-03T09:00:00Z", state="Nowhere")
    first = await load(store, [owns, moved, unmapped])
    assert (first.pending, first.completed, first.unmapped) == (2, 0, 1)
    assert await store.read(VISITS, id=late) == []
    # Re-delivered while still waiting: kept once.
    again = await load(store, [owns, moved])
    assert again.pending == 2
    assert await store.read(PENDING) == [{"waiting": 2}]

    arrived = await load(
        store,
        [
            node("Story", late, title="Late", createdAt="2025-01-01T09:00:00Z"),
            rel("FOR_PRODUCT", ("Story", late), ("Product", org.product)),
        ],
    )
    assert arrived.completed == 2
    assert await store.read(PENDING) == [{"waiting": 0}]
    visits = await store.read(VISITS, id=late)
    assert [(v["stage"], v["exited"]) for v in visits] == [(org.stage("dev"), None)]
    owners = await store.read(OWNERS, id=late)
    assert owners == [{"team": org.id("team")}]


async def test_skip_invalid_writes_the_valid_records_and_reports_the_rest(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    records = [*org.records(), node("Team", org.id("t2"), name=None)]
    report = await load(store, records, skip_invalid=True)
    assert [(p.line, p.field) for p in report.skipped] == [(len(records), "properties.name")]
    assert (await counts(store))[0] == 10


async def test_a_work_item_cannot_change_kind(store: GraphStore) -> None:
    org = SmallOrg()
    await load(store, org.records())
    with pytest.raises(InvalidInput, match="exists as Story"):
        await load(
            store, [node("Defect", org.id("story1"), title="x", createdAt="2025-01-01T00:00:00Z")]
        )


async def test_naive_timestamps_are_refused(store: GraphStore) -> None:
    with pytest.raises(InvalidInput, match="no timezone"):
        await load(store, [node("Story", "S-1", title="x", createdAt="2025-01-01T00:00:00")])


async def test_concurrent_imports_in_one_process_write_everything_once(store: GraphStore) -> None:
    # Six imports of the same new organisation at once through one store: afterwards
    # the graph holds each node and relationship exactly once, as after one import.
    org = SmallOrg()
    await asyncio.gather(*(load(store, org.records()) for _ in range(6)))
    # As after one import of SmallOrg (test_importing_twice_... adds 3 visits to these):
    # 10 nodes and 14 relationships.
    assert await counts(store) == (10, 14)


async def test_writers_in_other_processes_that_race_to_create_a_node_all_succeed(
    store: GraphStore, connection: Connection
) -> None:
    # Separate drivers stand for separate processes (no shared ingest lock): they race
    # to create the same 40 new nodes, of one label and of two (work items). A loser of
    # a creation race retries and finds the winner's node, so every import succeeds and
    # each node exists once: 20 business lines + 20 stories = 40.
    prefix = uuid.uuid4().hex[:6]
    records = [node("BusinessLine", f"{prefix}-bl{i}", name=f"Line {i}") for i in range(20)] + [
        node("Story", f"{prefix}-s{i}", title=f"Story {i}", createdAt="2025-01-01T00:00:00Z")
        for i in range(20)
    ]
    others = [await GraphStore.open(connection) for _ in range(3)]
    try:
        await asyncio.gather(*(load(s, records) for s in [store, *others] for _ in range(2)))
    finally:
        for other in others:
            await other.close()
    assert await counts(store) == (40, 0)
    # Their titles' words, each once however many imports raced to add them: "story"
    # and the numbers 0 to 19.
    [row] = await store.read(TITLE_WORDS)
    assert row["words"] == 21


WHEREABOUTS = parse(
    "test/whereabouts",
    "// cardinality: one\n"
    "MATCH (w:WorkItem {id: $id}) RETURN w.currentStage AS stage, w.lastMovedAt AS moved",
)


async def test_ingest_keeps_the_stage_each_item_is_in_and_when_it_last_moved(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    item, other = org.id("story1"), org.id("story2")
    t = lambda d, h: datetime(2025, 1, d, h, tzinfo=UTC)  # noqa: E731 - a table of times
    # A new item and its history in one batch: written with the item.
    await load(
        store,
        [
            *org.records(),
            state(item, "2025-01-02T09:00:00Z", state="In Progress"),
            state(item, "2025-01-03T09:00:00Z", state="In Review"),
        ],
    )
    assert await store.read(WHEREABOUTS, id=item) == [
        {"stage": org.stage("review"), "moved": t(3, 9)}
    ]
    # An earlier change arriving late does not move it; a later one does.
    await load(store, [state(item, "2025-01-01T09:00:00Z", state="To Do")])
    assert await store.read(WHEREABOUTS, id=item) == [
        {"stage": org.stage("review"), "moved": t(3, 9)}
    ]
    await load(store, [state(item, "2025-01-04T09:00:00Z", state="Done")])
    assert await store.read(WHEREABOUTS, id=item) == [
        {"stage": org.stage("done"), "moved": t(4, 9)}
    ]
    # Visits imported as relationships are chained the same way; a closed last visit
    # leaves the item in no stage, last moving when it left.
    visit = lambda stage, **times: rel(  # noqa: E731 - a table of visits
        "IN_STAGE", ("WorkItem", other), ("Stage", org.stage(stage)), **times
    )
    await load(
        store,
        [
            visit("backlog", enteredAt="2025-01-02T09:00:00Z"),
            visit("dev", enteredAt="2025-01-05T09:00:00Z", exitedAt="2025-01-06T09:00:00Z"),
        ],
    )
    assert await store.read(WHEREABOUTS, id=other) == [{"stage": None, "moved": t(6, 9)}]
    assert [(v["stage"], v["exited"]) for v in await store.read(VISITS, id=other)] == [
        (org.stage("backlog"), t(5, 9)),
        (org.stage("dev"), t(6, 9)),
    ]


GRAPH = parse(
    "test/whole_graph",
    "// cardinality: one\n"
    "CALL () { MATCH (n) WHERE NOT n:Migration "
    "RETURN collect([labels(n), properties(n)]) AS nodes } "
    "CALL () { MATCH (a)-[r]->(b) "
    "RETURN collect([a.id, type(r), b.id, properties(r)]) AS relationships } "
    "RETURN nodes, relationships",
)


def _sortable(graph: dict[str, list[list[Any]]]) -> tuple[list[str], list[str]]:
    """Nodes and relationships as comparable text, labels and properties in order."""
    nodes = [repr((sorted(labels), sorted(props.items()))) for labels, props in graph["nodes"]]
    rels = [repr((*ends, sorted(props.items()))) for *ends, props in graph["relationships"]]
    return sorted(nodes), sorted(rels)


async def test_a_stream_in_chunks_writes_the_same_graph_as_one_batch(store: GraphStore) -> None:
    config = demo.DemoConfig(work_items=300, seed=5, until=datetime(2025, 6, 1, tzinfo=UTC))
    whole = await ingest(store, list(demo.generate(config)[0]))
    expected = _sortable((await store.read(GRAPH))[0])
    await store.write(DELETE_ALL)
    seen: list[tuple[int, int]] = []
    # Small chunks: items' histories, repositories and deployment chains straddle them.
    streamed = await ingest_stream(
        store, demo.generate(config)[0], chunk=1500, progress=lambda d, t: seen.append((d, t))
    )
    assert _sortable((await store.read(GRAPH))[0]) == expected
    assert (streamed.records, streamed.written) == (whole.records, whole.written)
    assert seen[-1] == (whole.records, whole.records)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


async def test_the_same_waiting_record_twice_in_one_batch_waits_once(store: GraphStore) -> None:
    org = SmallOrg()
    await load(store, org.records())
    owns = rel("OWNS", ("Team", org.id("team")), ("Story", org.id("later")))
    report = await load(
        store,
        [owns, owns, state(org.id("later"), "2025-01-02T09:00:00Z", stage=org.stage("dev"))] * 2,
    )
    assert report.pending == 2
    assert await store.read(PENDING) == [{"waiting": 2}]
