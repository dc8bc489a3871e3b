"""Webhook deliveries into the graph: what a single event needs from the graph around it.

A webhook carries one event, not an export: its repository's product, the parent of a
pushed commit or the merge commit of a pull request are already in the graph, or not yet.
So, around the pure sources (`graph/ingest/sources/`), this module

- builds the `SourceMapping` from the graph (repository -> product from existing
  `FOR_PRODUCT`, project key -> product from `Product.key`);
- leaves relationships whose other end is not known yet to ingest, which keeps them
  waiting until that node arrives (a pull request merged before its merge commit is
  pushed, a deployment before the push of its commit: docs/ingest.md, "Late references");
- deletes what the vendor says is gone (a deleted release);

and writes through the normal validated, idempotent ingest, which merges a deployment's
status with the stored one whatever the order (`graph/ingest/progress.py`). Redelivering
an event writes the same values again: no count and no property changes.
"""

from __future__ import annotations

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.service import IngestReport, ingest
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted
from graph.model import Label
from graph.settings import DEFAULT_PRODUCTION_PATTERN

GRAPH_MAPPING = cypher("sources/mapping")
DELETE_RELEASES = cypher("ingest/delete/release")


async def webhook_mapping(store: GraphStore) -> SourceMapping:
    """The mapping webhooks convert with: what the graph already says about products."""
    # Read to write with: not queued behind requests' reads (GraphStore.priority).
    with store.priority():
        [row] = await store.read(GRAPH_MAPPING)
    return SourceMapping(projects=dict(row["projects"]), repositories=dict(row["repositories"]))


async def ingest_event(
    store: GraphStore,
    converted: Converted,
    *,
    batch_size: int,
    production_pattern: str = DEFAULT_PRODUCTION_PATTERN,
) -> IngestReport:
    """Write one converted webhook event; raises InvalidInput (nothing written) if it is
    invalid. Nodes the vendor says are gone (a deleted release) are deleted after it.
    `production_pattern`: the organisation's production, as `ingest` takes it."""
    report = await ingest(
        store, converted.records, batch_size=batch_size, production_pattern=production_pattern
    )
    gone = [id for label, id in converted.deleted if label == Label.RELEASE]
    if gone:
        await store.write(DELETE_RELEASES, ids=gone)
    return report
