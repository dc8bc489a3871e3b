"""A product's DORA figures read from the window (graph/metrics/dora.py `product_dora`) equal
those read from the product's whole history (graph/metrics/dora_reference.py, how it was done
before), to the last per-change figure.

On the demo organisation (every product, several windows: a week, 30 and 90 days, one
before any deployment, one from the first deployment, one ending at the last), in
production and in staging; and on small literal histories for what the demo never has:
a deployment's commit list naming, before the window, a commit the window ships; a
repository whose first deployment is in the window; a deployment of no repository.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from graph import demo
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.dora import Dora
from graph.metrics.dora_queries import deployments_of, product_dora
from graph.metrics.dora_reference import PRODUCT_DEPLOYMENTS, product_dora_from_history
from graph.metrics.flow import Window
from tests.factories import Record, node, rel

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)
WORK_ITEMS = 1500
DAY = timedelta(days=1)


async def assert_same(store: GraphStore, product: str, window: Window, env: str) -> Dora:
    """The window's figures equal the history's; read without details (no titles or
    reviews), every figure but the per-change list and the findings is the same again."""
    new = await product_dora(store, product, window, env)
    old = await product_dora_from_history(store, product, window, env)
    where = f"{product} {env} {window.start:%Y-%m-%d %H:%M}..{window.end:%Y-%m-%d %H:%M}"
    assert new.lead_time.per_change == old.lead_time.per_change, where
    assert new == old, where
    figures = await product_dora(store, product, window, env, details=False)
    lead_time = replace(new.lead_time, per_change=(), findings=None)
    assert figures == replace(new, lead_time=lead_time), where
    return new


async def test_the_window_gives_the_figures_of_the_whole_history_on_the_demo(
    store: GraphStore,
) -> None:
    records, truth = demo.generate(demo.DemoConfig(work_items=WORK_ITEMS, seed=7, until=UNTIL))
    await ingest(store, records)
    counted = changes = excluded = 0
    for product in truth.products:
        finished = sorted(
            d.finished_at
            for d in deployments_of(
                await store.read(PRODUCT_DEPLOYMENTS, product=product, environment="(?i)prod.*")
            )
            if d.finished_at is not None
        )
        assert finished, f"{product} has no production deployment"
        first, last = finished[0], finished[-1]
        windows = [
            Window(UNTIL - 7 * DAY, UNTIL),
            Window(UNTIL - 30 * DAY, UNTIL),
            Window(UNTIL - 90 * DAY, UNTIL),
            Window(first - 30 * DAY, first),  # before any deployment
            Window(first, first + 30 * DAY),  # every chain's first deployment
            Window(last - 30 * DAY, last),  # ending at the last: it is left out
            Window(last - 90 * DAY, last + timedelta(microseconds=1)),
        ]
        for window in windows:
            found = await assert_same(store, product, window, "production")
            counted += found.deployment_frequency.deployments
            changes += found.lead_time.changes
            excluded += found.lead_time.excluded
        await assert_same(store, product, Window(UNTIL - 90 * DAY, UNTIL), "staging")
    # The comparison compared something: deployments, changes, and first deployments'
    # excluded changes all occur.
    assert counted > 0 and changes > 0 and excluded > 0


def history(p: str) -> list[Record]:
    """One product, two repositories, times 2025 UTC.

    repo a: a1 (Jan 5) <- a2 (Feb 5) <- a3 (Mar 5)
      e1 ok Jan 10, head a1, lists a3 (before anything ships it)
      e2 FAILED Feb 8, head a2 | e3 ok Mar 10, head a3 (ships a2, a3)
    repo b: b1 (Mar 1); f1 ok Mar 2, head b1 (b's first deployment)
    g1 ok Mar 3, for the product, no head commit, lists a2
    incidents: i1 Jan 11 -> Mar 2 (CAUSED_BY e1), i2 Mar 4, open; i3 Feb 1 -> Feb 2
    """
    repo_a, repo_b, product = f"{p}-a", f"{p}-b", f"{p}-product"

    def commit(name: str, repo: str, at: str, *parents: str) -> list[Record]:
        return [
            node("Commit", f"{p}-{name}", message=name, authoredAt=f"2025-{at}T08:00:00Z"),
            rel("IN_REPO", ("Commit", f"{p}-{name}"), ("Repository", repo)),
            *(rel("PARENT", ("Commit", f"{p}-{name}"), ("Commit", f"{p}-{x}")) for x in parents),
        ]

    def deployment(name: str, finished: str, status: str, head: str | None,
                   listed: list[str]) -> list[Record]:  # fmt: skip
        d = f"{p}-{name}"
        out = [
            node("Deployment", d, environment="production", status=status,
                 startedAt=f"2025-{finished}T10:00:00Z", finishedAt=f"2025-{finished}T12:00:00Z",
                 commits=[f"{p}-{c}" for c in listed]),
            rel("FOR_PRODUCT", ("Deployment", d), ("Product", product)),
        ]  # fmt: skip
        if head is not None:
            out.append(rel("DEPLOYED", ("Deployment", d), ("Commit", f"{p}-{head}")))
        return out

    def incident(name: str, created: str, resolved: str | None) -> list[Record]:
        i = f"{p}-{name}"
        times = {"createdAt": f"2025-{created}T00:00:00Z"}
        if resolved is not None:
            times["resolvedAt"] = f"2025-{resolved}T00:00:00Z"
        return [
            node("Incident", i, title=name, severity="high", **times),
            rel("AFFECTS", ("Incident", i), ("Product", product)),
        ]

    return [
        node("Product", product, name="Shop"),
        node("Repository", repo_a, name="a"),
        node("Repository", repo_b, name="b"),
        rel("FOR_PRODUCT", ("Repository", repo_a), ("Product", product)),
        rel("FOR_PRODUCT", ("Repository", repo_b), ("Product", product)),
        *commit("a1", repo_a, "01-05"),
        *commit("a2", repo_a, "02-05", "a1"),
        *commit("a3", repo_a, "03-05", "a2"),
        *commit("b1", repo_b, "03-01"),
        *deployment("e1", "01-10", "success", "a1", ["a3"]),
        *deployment("e2", "02-08", "failure", "a2", []),
        *deployment("e3", "03-10", "success", "a3", []),
        *deployment("f1", "03-02", "success", "b1", []),
        *deployment("g1", "03-03", "success", None, ["a2"]),
        *incident("i1", "01-11", "03-02"),
        rel("CAUSED_BY", ("Incident", f"{p}-i1"), ("Deployment", f"{p}-e1")),
        *incident("i2", "03-04", None),
        *incident("i3", "02-01", "02-02"),
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2025-03-01", "2025-04-01"),  # a3 was listed by e1 in January; b's first is f1
        ("2025-03-03", "2025-03-04"),  # only g1, of no repository
        ("2025-02-01", "2025-03-01"),  # only the failure
        ("2025-01-01", "2025-04-01"),  # everything
        ("2025-03-10 12:00", "2025-03-11"),  # starts exactly when e3 finished
        ("2024-01-01", "2025-01-01"),  # before anything
    ],
)
async def test_the_window_gives_the_figures_of_the_whole_history_on_edge_cases(
    store: GraphStore, start: str, end: str
) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(store, parse_objects(history(p)))
    window = Window(
        datetime.fromisoformat(start).replace(tzinfo=UTC),
        datetime.fromisoformat(end).replace(tzinfo=UTC),
    )
    await assert_same(store, f"{p}-product", window, "production")
