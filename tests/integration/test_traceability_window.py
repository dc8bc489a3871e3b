"""A value stream's traceability gaps as the database answers them (cypher/analysis/
find_shipped_commits_without_work_item and find_done_features: deployments by their
finish time, done features by the index on where items are now, each link only asked
whether it exists) equal those of the earlier reading, kept here as the reference: every
visit its done stages ever had, every deployment matched after the value stream, every
link listed and the rules applied to a delivery graph built from them.

On a literal organisation with a gap of every kind and each way a link is made, and on
the demo organisation: every value stream over windows of a week, 30 and 90 days and the
whole history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx
import pytest

from graph import demo
from graph.analysis.network import TraceabilityGaps
from graph.analysis.stream import traceability_gaps as gaps_by_window
from graph.db.queries import parse
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.flow import Window
from tests.factories import SmallOrg, commit, deployment, node, rel, state

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


def _rows(rows: list[Mapping[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in keys) for row in rows]


# The earlier rules, over a delivery graph mirroring the model's directions (Deployment
# -SHIPPED-> Commit -IMPLEMENTS-> WorkItem -PARENT_OF-> WorkItem, Feedback -ABOUT->
# WorkItem) built from every link the reference statements list.
LABEL, FEATURE = "label", "feature"


def delivery_graph(
    shipped: list[tuple[Any, ...]], features: list[tuple[Any, ...]]
) -> nx.DiGraph[str]:
    g: nx.DiGraph[str] = nx.DiGraph()

    def ship(deployment: str, commit: str) -> None:
        g.add_node(deployment, **{LABEL: "Deployment"})
        g.add_node(commit, **{LABEL: "Commit"})
        g.add_edge(deployment, commit)

    def item(id: str) -> None:
        if id not in g:
            g.add_node(id, **{LABEL: "WorkItem"})

    for d, c, items in shipped:
        ship(d, c)
        for w in items:
            item(w)
            g.add_edge(c, w)
    for feature, w, links, feedback in features:
        g.add_node(feature, **{LABEL: "WorkItem", FEATURE: True})
        if w != feature:
            item(w)
            g.add_edge(feature, w)
        for c, d in links:
            ship(d, c)
            g.add_edge(c, w)
        for fb in feedback:
            g.add_node(fb, **{LABEL: "Feedback"})
            g.add_edge(fb, feature)
    return g


def _is(g: nx.DiGraph[str], node: str, label: str) -> bool:
    return bool(g.nodes[node].get(LABEL) == label)


def reference_gaps(g: nx.DiGraph[str]) -> TraceabilityGaps:
    shipped = {
        n
        for n in g.nodes
        if _is(g, n, "Commit") and any(_is(g, d, "Deployment") for d in g.predecessors(n))
    }
    reached = {w for c in shipped for w in g.successors(c) if _is(g, w, "WorkItem")}
    features = sorted(n for n in g.nodes if g.nodes[n].get(FEATURE))

    def family(feature: str) -> set[str]:
        seen, todo = {feature}, [feature]
        while todo:
            for child in g.successors(todo.pop()):
                if child not in seen and _is(g, child, "WorkItem"):
                    seen.add(child)
                    todo.append(child)
        return seen

    deployed = {f for f in features if reached & family(f)}
    return TraceabilityGaps(
        tuple(
            sorted(c for c in shipped if not any(_is(g, w, "WorkItem") for w in g.successors(c)))
        ),
        tuple(f for f in features if f not in deployed),
        tuple(
            f
            for f in features
            if f in deployed and not any(_is(g, p, "Feedback") for p in g.predecessors(f))
        ),
    )


async def gaps_from_history(store: GraphStore, stream: str, window: Window) -> TraceabilityGaps:
    params = {
        "valueStream": stream,
        "start": window.start,
        "end": window.end,
        "environment": "production",
    }
    shipped = await store.read(SHIPPED_FROM_HISTORY, **params)
    features = await store.read(FEATURES_FROM_HISTORY, **params)
    return reference_gaps(
        delivery_graph(
            _rows(shipped, "deployment", "commit", "items"),
            _rows(features, "feature", "item", "shipped", "feedback"),
        )
    )


def literal_delivery(org: SmallOrg) -> list[dict[str, Any]]:
    """Features F1..F5 of the SmallOrg's product and the commits of its repository:

    - F1 <- story1 <- c1 (IMPLEMENTS): deployed; feedback fb1 is ABOUT it.
    - F2 <- story2 <- pull request pr1 (IMPLEMENTS), which CONTAINS c5 and was MERGED_AS
      m1: deployed through the pull request only; no feedback.
    - F3 <- s3 <- d3 (a defect, two levels down) <- c7: deployed through a grandchild.
    - F4 <- s4 <- c4, a commit only the staging deployment shipped: never deployed.
    - F5 like F4, but done before the window: no gap of the window.
    - c2 implements nothing; c6 is in pr2, which implements nothing: the two gaps among
      the commits production shipped.

    History: c1 <- c2 <- c5 <- m1 <- c6 <- c7, production deploys c7 on 03-12 (shipping
    all six); c4 (a branch off c1) goes to staging on 03-13.
    """
    p, repo, product = org.id, org.id("repo"), ("Product", org.product)
    records = [
        *org.records(),
        node("Repository", repo, name="checkout"),
        rel("FOR_PRODUCT", ("Repository", repo), product),
    ]
    done = {"F1": "03-10", "F2": "03-10", "F3": "03-11", "F4": "03-11", "F5": "02-10"}
    stories = {"F1": ("Story", p("story1")), "F2": ("Story", p("story2"))}
    for f, day in done.items():
        feature = ("Feature", p(f))
        records += [
            node("Feature", feature[1], title=f, createdAt="2025-01-01T09:00:00Z"),
            rel("FOR_PRODUCT", feature, product),
            state(feature[1], f"2025-{day}T09:00:00Z", state="Done"),
        ]
        if f not in stories:
            stories[f] = ("Story", p(f"s{f[1]}"))
            records += [
                node(
                    "Story", stories[f][1], title=f"story of {f}", createdAt="2025-01-01T09:00:00Z"
                ),
                rel("FOR_PRODUCT", stories[f], product),
            ]
        records.append(rel("PARENT_OF", feature, stories[f]))
    defect = ("Defect", p("d3"))
    records += [
        node("Defect", defect[1], title="d3", createdAt="2025-01-01T09:00:00Z"),
        rel("FOR_PRODUCT", defect, product),
        rel("PARENT_OF", stories["F3"], defect),
        *commit(org.prefix, repo, "c1", "03-01T10:00"),
        *commit(org.prefix, repo, "c2", "03-02T10:00", "c1"),
        *commit(org.prefix, repo, "c5", "03-03T10:00", "c2"),
        *commit(org.prefix, repo, "m1", "03-04T10:00", "c5"),
        *commit(org.prefix, repo, "c6", "03-05T10:00", "m1"),
        *commit(org.prefix, repo, "c7", "03-06T10:00", "c6"),
        *commit(org.prefix, repo, "c4", "03-07T10:00", "c1"),
        rel("IMPLEMENTS", ("Commit", p("c1")), stories["F1"]),
        rel("IMPLEMENTS", ("Commit", p("c7")), defect),
        rel("IMPLEMENTS", ("Commit", p("c4")), stories["F4"]),
        rel("IMPLEMENTS", ("Commit", p("c4b")), stories["F5"]),
        *commit(org.prefix, repo, "c4b", "03-07T11:00", "c4"),
    ]
    for pr, contained, merged, implements in (
        ("pr1", "c5", "m1", stories["F2"]),
        ("pr2", "c6", None, None),
    ):
        records += [
            node("PullRequest", p(pr), title=pr, createdAt="2025-03-01T09:00:00Z"),
            rel("IN_REPO", ("PullRequest", p(pr)), ("Repository", repo)),
            rel("CONTAINS", ("PullRequest", p(pr)), ("Commit", p(contained))),
        ]
        if merged:
            records.append(rel("MERGED_AS", ("PullRequest", p(pr)), ("Commit", p(merged))))
        if implements:
            records.append(rel("IMPLEMENTS", ("PullRequest", p(pr)), implements))
    records += [
        *deployment(org.prefix, "prod", "production", "03-12T10:00", "c7"),
        *deployment(org.prefix, "staging", "staging", "03-13T10:00", "c4b"),
        node(
            "Feedback", p("fb1"), title="Love it", channel="nps", createdAt="2025-03-20T09:00:00Z"
        ),
        rel("ABOUT", ("Feedback", p("fb1")), ("Feature", p("F1"))),
    ]
    return records


async def test_each_gap_and_each_kind_of_link_on_a_literal_organisation(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    await ingest(store, parse_objects(literal_delivery(org)))
    window = Window(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))
    gaps = await gaps_by_window(store, org.id("vs"), window)
    assert gaps == TraceabilityGaps(
        commits_without_work_item=(org.id("c2"), org.id("c6")),
        done_features_not_deployed=(org.id("F4"),),
        deployed_features_without_feedback=(org.id("F2"), org.id("F3")),
    )
    assert gaps == await gaps_from_history(store, org.id("vs"), window)
    # The window counts: the features were done and the deployment finished in March.
    april = Window(datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC))
    assert await gaps_by_window(store, org.id("vs"), april) == TraceabilityGaps((), (), ())


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
