"""Webhook deliveries into the graph: what a single event needs from the graph around it.

A webhook carries one event, not an export: its repository's product, the parent of a
pushed commit or the merge commit of a pull request are already in the graph, or not yet.
So, around the pure sources (`graph/ingest/sources/`), this module

- builds the `SourceMapping` from the graph (repository -> product from existing
  `FOR_PRODUCT`, project key -> product from `Product.key`);
- leaves relationships whose other end is not known yet to ingest, which keeps them
  waiting until that node arrives (a pull request merged before its merge commit is
  pushed, a deployment before the push of its commit: docs/ingest.md, "Late references");
- merges deployment statuses with the stored one, so that out-of-order deliveries end
  in the right state (`delivery.latest`): a status arriving before its deployment, or
  `in_progress` after `success`, does not roll it back;

and then writes through the normal validated, idempotent ingest. Redelivering an event
writes the same values again: no count and no property changes.
"""

from __future__ import annotations

from dataclasses import replace

from graph.ingest.records import NodeRecord, Record
from graph.ingest.service import IngestReport, ingest
from graph.ingest.sources.delivery import Progress, latest
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted
from graph.model import DeploymentStatus, Label
from graph.queries import cypher
from graph.store import GraphStore

REPOSITORY_PRODUCTS = cypher("sources/repository_products")
PRODUCT_KEYS = cypher("sources/product_keys")
DEPLOYMENT_PROGRESS = cypher("sources/deployment_progress")


async def webhook_mapping(store: GraphStore) -> SourceMapping:
    """The mapping webhooks convert with: what the graph already says about products."""
    repositories = {r["path"]: r["product"] for r in await store.read(REPOSITORY_PRODUCTS)}
    projects = {r["key"]: r["product"] for r in await store.read(PRODUCT_KEYS)}
    return SourceMapping(projects=projects, repositories=repositories)


async def _merge_deployments(store: GraphStore, records: list[Record]) -> list[Record]:
    deployments = [r for r in records if isinstance(r, NodeRecord) and r.label is Label.DEPLOYMENT]
    if not deployments:
        return records
    rows = await store.read(DEPLOYMENT_PROGRESS, ids=[d.id for d in deployments])
    stored = {
        row["id"]: Progress(DeploymentStatus(row["status"]), row["startedAt"], row["finishedAt"])
        for row in rows
    }
    out: list[Record] = []
    for record in records:
        if isinstance(record, NodeRecord) and record.id in stored and record in deployments:
            props = record.properties
            merged = latest(
                stored[record.id],
                Progress(
                    DeploymentStatus(props["status"]), props["startedAt"], props.get("finishedAt")
                ),
            )
            record = replace(
                record,
                properties={
                    **props,
                    "status": merged.status.value,
                    "startedAt": merged.started_at,
                    "finishedAt": merged.finished_at,
                },
            )
        out.append(record)
    return out


def _renumber(records: list[Record]) -> list[Record]:
    return [replace(r, line=i) for i, r in enumerate(records, start=1)]


async def ingest_event(
    store: GraphStore,
    converted: Converted,
    *,
    batch_size: int,
) -> IngestReport:
    """Write one converted webhook event, deployment statuses merged with the stored
    ones; raises InvalidInput (nothing written) if it is invalid.
    """
    records = await _merge_deployments(store, list(converted.records))
    return await ingest(store, _renumber(records), batch_size=batch_size)
