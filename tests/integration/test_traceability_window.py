"""A value stream's traceability gaps read by the window (cypher/analysis/
find_shipped_commits and find_done_features: deployments by their finish time, done
features by the index on where items are now) equal those of the earlier reading, kept
here as the reference: every visit its done stages ever had, every deployment matched
after the value stream.

On the demo organisation: every value stream over windows of a week, 30 and 90 days and
the whole history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph import demo
from graph.analysis.load import Delivery, delivery_graph
from graph.analysis.network import TraceabilityGaps, traceability_gaps
from graph.analysis.stream import traceability_gaps as gaps_by_window
from graph.db.queries import parse
from graph.db.store import GraphStore
from graph.ingest.service import ingest
from graph.metrics.flow import Window

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)

SHIPPED_FROM_HISTORY = parse(
    "reference_shipped_commits",
    """// cardinality: rows
    MATCH (:ValueStream {id: $valueStream})<-[:HAS_VALUE_STREAM]-(p:Product)
    MATCH (d:Deployment)
    WHERE d.environment = $environment AND d.status = 'success'
      AND d.finishedAt >= $start AND d.finishedAt < $end
      AND (EXISTS { (d)-[:FOR_PRODUCT]->(p) }
           OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p) })
    MATCH (d)-[:SHIPPED]->(c:Commit)
    RETURN d.id AS deployment, c.id AS commit,
           [(c)-[:IMPLEMENTS]->(w:WorkItem) | w.id]
           + [(c)<-[:CONTAINS|MERGED_AS]-(:PullRequest)-[:IMPLEMENTS]->(w:WorkItem) | w.id]
             AS items""",
)
FEATURES_FROM_HISTORY = parse(
    "reference_done_features",
    """// cardinality: rows
    MATCH (:ValueStream {id: $valueStream})-[:HAS_STAGE]->(s:Stage)<-[v:IN_STAGE]-(f:Feature)
    WHERE s.state = 'done' AND v.exitedAt IS NULL
      AND v.enteredAt >= $start AND v.enteredAt < $end
    WITH DISTINCT f
    MATCH (f)-[:PARENT_OF*0..3]->(w:WorkItem)
    WITH DISTINCT f, w
    RETURN f.id AS feature, w.id AS item,
           [(w)<-[:IMPLEMENTS]-(c:Commit)<-[:SHIPPED]-(d:Deployment)
             WHERE d.environment = $environment AND d.status = 'success' | [c.id, d.id]]
           + [(w)<-[:IMPLEMENTS]-(:PullRequest)-[:CONTAINS|MERGED_AS]->(c:Commit)
               <-[:SHIPPED]-(d:Deployment)
             WHERE d.environment = $environment AND d.status = 'success' | [c.id, d.id]]
             AS shipped,
           [(f)<-[:ABOUT]-(fb:Feedback) | fb.id] AS feedback""",
)


def _rows(rows: list[Mapping[str, Any]], *keys: str) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row[k] for k in keys) for row in rows)


async def gaps_from_history(store: GraphStore, stream: str, window: Window) -> TraceabilityGaps:
    params = {
        "valueStream": stream,
        "start": window.start,
        "end": window.end,
        "environment": "production",
    }
    shipped = await store.read(SHIPPED_FROM_HISTORY, **params)
    features = await store.read(FEATURES_FROM_HISTORY, **params)
    delivery = Delivery(
        _rows(shipped, "deployment", "commit", "items"),
        _rows(features, "feature", "item", "shipped", "feedback"),
    )
    return traceability_gaps(delivery_graph(delivery))


async def test_the_window_gives_the_gaps_of_the_whole_history_on_the_demo(
    store: GraphStore,
) -> None:
    records, truth = demo.generate(demo.DemoConfig(work_items=1500, seed=7, until=UNTIL))
    await ingest(store, records)
    seen = {"commits": 0, "not deployed": 0, "without feedback": 0}
    windows = [
        Window(UNTIL - timedelta(days=days), UNTIL - timedelta(days=shift))
        for days, shift in ((7, 0), (30, 0), (90, 0), (90, 45))
    ] + [Window(UNTIL - timedelta(days=3650), UNTIL + timedelta(days=1))]
    for stream in truth.value_streams:
        for window in windows:
            new = await gaps_by_window(store, stream, window)
            old = await gaps_from_history(store, stream, window)
            assert new == old, f"{stream} {window.start:%Y-%m-%d}..{window.end:%Y-%m-%d}"
            seen["commits"] += len(new.commits_without_work_item)
            seen["not deployed"] += len(new.done_features_not_deployed)
            seen["without feedback"] += len(new.deployed_features_without_feedback)
    # The comparison covered features in every gap the demo has (docs/demo.md).
    assert seen["not deployed"] > 0 and seen["without feedback"] > 0, seen
