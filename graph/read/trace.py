"""Trace a work item from the portfolio through delivery to the customer.

A trace is one statement (cypher/trace/lineage.cypher): the item's ancestors and
descendants, its portfolio, the pull requests and commits implementing it, their builds,
deployments and releases, the incidents those caused and the feedback about it. One round
trip whatever the size of the answer; the statement returns its parts unordered and this
module orders them (oldest first) and reads the milestones.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.model import Milestone, MilestoneGap, Node
from graph.read.entities import node_from

LINEAGE = cypher("trace/lineage")

PRODUCTION = "production"
_LAST = datetime.max.replace(tzinfo=UTC)


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


def _nodes(found: Iterable[Sequence[Any]], *, by: str | None = None) -> list[Node]:
    """Nodes from [properties, labels] pairs, each once (first kept), oldest first by the
    time property `by` (then id) when given."""
    unique: dict[str, Node] = {}
    for properties, labels in found:
        node = node_from(properties, labels)
        unique.setdefault(node.id, node)
    nodes = list(unique.values())
    if by is not None:
        nodes.sort(key=lambda n: (n.time(by) or _LAST, n.id))
    return nodes


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
    found = await store.read(LINEAGE, id=item_id)
    if not found:
        return None
    row = found[0]
    item = node_from(*row["item"])
    product = node_from(*row["product"]) if row["product"] else None
    business_line = node_from(*row["businessLine"]) if row["businessLine"] else None
    pull_requests = _nodes(row["pullRequests"], by="createdAt")
    commits = _nodes(row["commits"], by="authoredAt")
    deployments = _nodes(row["deployments"], by="startedAt")
    releases = _nodes(row["releases"], by="releasedAt")
    feedback = _nodes(row["feedback"], by="createdAt")
    causes = [
        IncidentCause(node_from(props, labels), deployment, inferred)
        for props, labels, deployment, inferred in row["incidents"]
    ]
    causes.sort(key=lambda c: (c.incident.time("createdAt") or _LAST, c.incident.id))
    return Trace(
        item=item,
        business_line=business_line,
        product=product,
        ancestors=_nodes(row["ancestors"]),
        descendants=_nodes(row["descendants"]),
        pull_requests=pull_requests,
        commits=commits,
        builds=_nodes(row["builds"], by="startedAt"),
        deployments=deployments,
        releases=releases,
        incidents=causes,
        feedback=feedback,
        milestones=milestones(
            item, row["started"], commits, pull_requests, deployments, releases, feedback
        ),
    )
