"""Trace a work item from the portfolio through delivery to the customer.

A trace is assembled from a fixed number of queries (ancestors, descendants, portfolio,
pull requests, commits, builds, deployments, releases, incidents, feedback, start), each
taking the whole set of ids found so far: its cost does not grow with round trips per
artifact, only with the size of the answer.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from graph.entities import node_from
from graph.model import Milestone, MilestoneGap, Node
from graph.queries import cypher
from graph.store import GraphStore, Row

ANCESTORS = cypher("trace/ancestors")
DESCENDANTS = cypher("trace/descendants")
PORTFOLIO = cypher("trace/portfolio")
PULL_REQUESTS = cypher("trace/pull_requests")
COMMITS = cypher("trace/commits")
BUILDS = cypher("trace/builds")
DEPLOYMENTS = cypher("trace/deployments")
RELEASES = cypher("trace/releases")
INCIDENTS = cypher("trace/incidents")
FEEDBACK = cypher("trace/feedback")
STARTED = cypher("trace/started")
ITEM = cypher("nodes/by_ids/work_item")

PRODUCTION = "production"


@dataclass(frozen=True)
class IncidentCause:
    """An incident caused by a deployment of the trace; `inferred` when not explicit."""

    incident: Node
    deployment_id: str
    inferred: bool


@dataclass(frozen=True)
class Trace:
    """A work item's lineage, delivery and outcomes, with its milestones."""

    item: Node
    business_line: Node | None
    product: Node | None
    ancestors: list[Node]
    descendants: list[Node]
    pull_requests: list[Node]
    commits: list[Node]
    builds: list[Node]
    deployments: list[Node]
    releases: list[Node]
    incidents: list[IncidentCause]
    feedback: list[Node]
    milestones: list[Milestone]

    @property
    def gaps(self) -> list[MilestoneGap]:
        """Hours between each milestone that happened and the next one that did."""
        reached = [(m.name, at) for m in self.milestones if (at := m.at) is not None]
        return [
            MilestoneGap(a, b, (b_at - a_at).total_seconds() / 3600)
            for (a, a_at), (b, b_at) in itertools.pairwise(reached)
        ]


def _nodes(rows: Sequence[Row]) -> list[Node]:
    return [node_from(r["node"], r["labels"]) for r in rows]


def _earliest(nodes: Sequence[Node], key: str) -> datetime | None:
    times = [t for n in nodes if (t := n.time(key)) is not None]
    return min(times) if times else None


def milestones(
    item: Node,
    started: datetime | None,
    commits: Sequence[Node],
    pull_requests: Sequence[Node],
    deployments: Sequence[Node],
    releases: Sequence[Node],
    feedback: Sequence[Node],
) -> list[Milestone]:
    """The milestones of a trace, in the order a work item normally reaches them."""
    production = [
        d
        for d in deployments
        if d.get("environment") == PRODUCTION and d.get("status") == "success"
    ]
    first_production = min(
        (t for d in production if (t := d.time("finishedAt") or d.time("startedAt"))),
        default=None,
    )
    return [
        Milestone("conceived", item.time("createdAt")),
        Milestone("started", started),
        Milestone("firstCommit", _earliest(commits, "authoredAt")),
        Milestone("merged", _earliest(pull_requests, "mergedAt")),
        Milestone("firstProductionDeployment", first_production),
        Milestone("released", _earliest(releases, "releasedAt")),
        Milestone("firstFeedback", _earliest(feedback, "createdAt")),
    ]


async def trace(store: GraphStore, item_id: str) -> Trace | None:
    """The trace of work item `item_id`, or None if there is no such work item."""
    found = await store.read(ITEM, ids=[item_id])
    if not found:
        return None
    item = node_from(found[0]["node"], found[0]["labels"])
    # Reads that need only what is already known run side by side: the request waits for
    # four rounds instead of eleven statements one after another.
    ancestor_rows, descendant_rows, portfolio = await asyncio.gather(
        store.read(ANCESTORS, id=item_id),
        store.read(DESCENDANTS, id=item_id),
        store.read(PORTFOLIO, id=item_id),
    )
    ancestors, descendants = _nodes(ancestor_rows), _nodes(descendant_rows)
    product = business_line = None
    if portfolio:
        row = portfolio[0]
        product = node_from(row["product"], row["productLabels"])
        if row["businessLine"] is not None:
            business_line = node_from(row["businessLine"], row["businessLineLabels"])

    ids = [item_id, *(d.id for d in descendants)]
    pull_request_rows, feedback_rows, started_rows = await asyncio.gather(
        store.read(PULL_REQUESTS, ids=ids),
        store.read(FEEDBACK, ids=ids),
        store.read(STARTED, ids=ids),
    )
    pull_requests, feedback = _nodes(pull_request_rows), _nodes(feedback_rows)
    started = started_rows[0]["started"]
    commits = _nodes(await store.read(COMMITS, ids=ids, pullRequests=[p.id for p in pull_requests]))
    commit_ids = [c.id for c in commits]
    build_rows, deployment_rows = await asyncio.gather(
        store.read(BUILDS, commits=commit_ids), store.read(DEPLOYMENTS, commits=commit_ids)
    )
    builds, deployments = _nodes(build_rows), _nodes(deployment_rows)
    deployment_ids = [d.id for d in deployments]
    release_rows, incident_rows = await asyncio.gather(
        store.read(RELEASES, deployments=deployment_ids, ids=ids),
        store.read(INCIDENTS, deployments=deployment_ids),
    )
    releases = _nodes(release_rows)
    incidents = [
        IncidentCause(node_from(r["node"], r["labels"]), r["deployment"], r["inferred"])
        for r in incident_rows
    ]
    return Trace(
        item=item,
        business_line=business_line,
        product=product,
        ancestors=ancestors,
        descendants=descendants,
        pull_requests=pull_requests,
        commits=commits,
        builds=builds,
        deployments=deployments,
        releases=releases,
        incidents=incidents,
        feedback=feedback,
        milestones=milestones(
            item, started, commits, pull_requests, deployments, releases, feedback
        ),
    )
