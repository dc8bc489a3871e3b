"""DORA's four keys on a literal product, every expected value worked out by hand."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from graph.db.store import Connection, GraphStore
from graph.demo import DemoConfig, generate
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.dora import DoraLevel
from graph.metrics.dora_queries import product_dora, repositories_dora
from graph.metrics.flow import Window
from tests.factories import Record, node, rel
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

MARCH = Window(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC))


class Shop:
    """One product, one repository, the history below (all times 2025, UTC).

    main: c0 (Feb 1) <- m1 <- m2 <- s3 <- c4 <- c5
      PR1: p1a (Feb 20 10:00), merged as m1 (Mar 1 09:00)
      PR2: p2a (Mar 3 10:00) <- p2b (Mar 3 14:00), merged as m2 (Mar 4 09:00)
      PR3, squash-like: p3a (Mar 5 08:00) on a branch off m2; its merge commit s3
           (Mar 6 09:00) has only m2 as parent, so p3a is never shipped
      c4 (Mar 6 10:00) and c5 (Mar 19 12:00): commits in no pull request
    production: d1 ok m1 Mar 2 10:00 (first) | d2 FAILED m2 Mar 4 10:00 |
                d3 ok m2 Mar 4 12:00 | d4 ok c4 Mar 6 12:00 | d5 ok c5 Mar 20 12:00
    staging:    s1 ok m1 Mar 3 10:00 (first in staging)
    incidents:  i1 Mar 4 12:00 -> 14:00, no cause (created exactly when d3 finished)
                i2 Mar 5 00:00 -> 06:00, CAUSED_BY d3 (explicit)
                i3 Mar 7 00:00, unresolved, no cause
    """

    def __init__(self) -> None:
        self.prefix = uuid.uuid4().hex[:6]

    def id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def commit(self, name: str, at: str, *parents: str) -> list[Record]:
        c = self.id(name)
        return [
            node("Commit", c, message=name, authoredAt=at),
            rel("IN_REPO", ("Commit", c), ("Repository", self.id("repo"))),
            *(rel("PARENT", ("Commit", c), ("Commit", self.id(p))) for p in parents),
        ]

    def pull(self, name: str, merge: str, commits: list[str], created: str) -> list[Record]:
        pr = self.id(name)
        return [
            node("PullRequest", pr, title=name, createdAt=created),
            rel("IN_REPO", ("PullRequest", pr), ("Repository", self.id("repo"))),
            rel("MERGED_AS", ("PullRequest", pr), ("Commit", self.id(merge))),
            *(rel("CONTAINS", ("PullRequest", pr), ("Commit", self.id(c))) for c in commits),
        ]

    def deployment(
        self, name: str, head: str, finished: str, status: str = "success", env: str = "production"
    ) -> list[Record]:
        d = self.id(name)
        return [
            node(
                "Deployment",
                d,
                environment=env,
                status=status,
                startedAt=(datetime.fromisoformat(finished) - timedelta(hours=1)).isoformat(),
                finishedAt=finished,
            ),
            rel("DEPLOYED", ("Deployment", d), ("Commit", self.id(head))),
        ]

    def incident(self, name: str, created: str, resolved: str | None = None) -> list[Record]:
        i = self.id(name)
        props = {"title": name, "severity": "SEV2", "createdAt": created}
        if resolved:
            props["resolvedAt"] = resolved
        return [
            node("Incident", i, **props),
            rel("AFFECTS", ("Incident", i), ("Product", self.id("product"))),
        ]

    def records(self) -> list[Record]:
        p = self.id
        return [
            node("Product", p("product"), name="Shop"),
            node("Repository", p("repo"), name="shop-api"),
            rel("FOR_PRODUCT", ("Repository", p("repo")), ("Product", p("product"))),
            *self.commit("c0", "2025-02-01T09:00:00Z"),
            *self.commit("p1a", "2025-02-20T10:00:00Z", "c0"),
            *self.commit("m1", "2025-03-01T09:00:00Z", "c0", "p1a"),
            *self.pull("pr1", "m1", ["p1a"], "2025-02-20T11:00:00Z"),
            *self.commit("p2a", "2025-03-03T10:00:00Z", "m1"),
            *self.commit("p2b", "2025-03-03T14:00:00Z", "p2a"),
            *self.commit("m2", "2025-03-04T09:00:00Z", "m1", "p2b"),
            *self.pull("pr2", "m2", ["p2a", "p2b"], "2025-03-03T15:00:00Z"),
            *self.commit("p3a", "2025-03-05T08:00:00Z", "m2"),
            *self.commit("s3", "2025-03-06T09:00:00Z", "m2"),
            *self.pull("pr3", "s3", ["p3a"], "2025-03-05T09:00:00Z"),
            *self.commit("c4", "2025-03-06T10:00:00Z", "s3"),
            *self.commit("c5", "2025-03-19T12:00:00Z", "c4"),
            *self.deployment("d1", "m1", "2025-03-02T10:00:00Z"),
            *self.deployment("d2", "m2", "2025-03-04T10:00:00Z", status="failure"),
            *self.deployment("d3", "m2", "2025-03-04T12:00:00Z"),
            *self.deployment("d4", "c4", "2025-03-06T12:00:00Z"),
            *self.deployment("d5", "c5", "2025-03-20T12:00:00Z"),
            *self.deployment("s1", "m1", "2025-03-03T10:00:00Z", env="staging"),
            *self.incident("i1", "2025-03-04T12:00:00Z", "2025-03-04T14:00:00Z"),
            *self.incident("i2", "2025-03-05T00:00:00Z", "2025-03-05T06:00:00Z"),
            rel("CAUSED_BY", ("Incident", p("i2")), ("Deployment", p("d3"))),
            *self.incident("i3", "2025-03-07T00:00:00Z"),
        ]


async def load_shop(store: GraphStore) -> Shop:
    shop = Shop()
    await ingest(store, parse_objects(shop.records()))
    return shop


async def test_the_four_keys_of_a_product(store: GraphStore) -> None:
    shop = await load_shop(store)
    result = await product_dora(store, shop.id("product"), MARCH)

    # Successful production deployments finished in March: d1 d3 d4 d5 = 4, over 30
    # days. Whole weeks back from Mar 31: [24,31) 0, [17,24) 1 (Mar 20), [10,17) 0,
    # [3,10) 2 (Mar 4, Mar 6); Mar 1-2 are in no whole week. Median of 0 0 1 2 = 0.5.
    # One 30-day period: dates Mar 2, 4, 6, 20 = 4. Under 1 a week, >= 1 a month: medium.
    f = result.deployment_frequency
    assert f.deployments == 4
    assert f.per_day == pytest.approx(4 / 30)
    assert (f.median_days_per_week, f.median_days_per_month) == (0.5, 4.0)
    assert f.level is DoraLevel.MEDIUM

    # d1 is the first deployment: it ships c0 p1a m1 -> PR1 and c0 are excluded (2).
    # d3 ships p2a p2b m2: PR2, Mar 3 10:00 -> Mar 4 12:00 = 26 h.
    # d4 ships s3 c4 (not p3a: the squash commit does not descend from it): PR3, from its
    # first commit p3a Mar 5 08:00 -> Mar 6 12:00 = 28 h; c4 Mar 6 10:00 -> 12:00 = 2 h.
    # d5 ships c5: Mar 19 12:00 -> Mar 20 12:00 = 24 h.
    # [2, 24, 26, 28]: median 25 h (high: 1 day to 1 week); p85 at rank 3 * 0.85 = 2.55:
    # 26 + 0.55 * (28 - 26) = 27.1.
    lt = result.lead_time
    assert (lt.changes, lt.excluded) == (4, 2)
    assert lt.median_hours == pytest.approx(25.0)
    assert lt.p85_hours == pytest.approx(27.1)
    assert lt.level is DoraLevel.HIGH

    # i1 (created when d3 finished, strictly-before rule) -> d1 inferred; i2 -> d3
    # explicit; i3 (Mar 7) -> d4 inferred. d1 d3 d4 of 4: 0.75 -> low.
    cfr = result.change_failure_rate
    assert (cfr.deployments, cfr.failed, cfr.rate, cfr.level) == (4, 3, 0.75, DoraLevel.LOW)

    # Resolved in March: i1 2 h, i2 6 h -> median 4 h (high: under a day); i3 unresolved.
    ttr = result.time_to_restore
    assert (ttr.incidents, ttr.unresolved, ttr.median_hours) == (2, 1, 4.0)
    assert ttr.level is DoraLevel.HIGH


async def test_the_repository_scope_and_other_environments(store: GraphStore) -> None:
    shop = await load_shop(store)
    by_repo = await repositories_dora(store, [shop.id("repo")], MARCH)
    by_product = await product_dora(store, shop.id("product"), MARCH)
    # The product has one repository and every incident is attributed to one of its
    # deployments: the same figures.
    assert by_repo == by_product

    # Staging: s1 only, the first staging deployment: c0 and PR1 excluded, no change left;
    # no incident caused by it: 0 % -> elite; no staging incident to restore.
    staging = await product_dora(store, shop.id("product"), MARCH, "staging")
    assert staging.deployment_frequency.deployments == 1
    assert (staging.lead_time.changes, staging.lead_time.excluded) == (0, 2)
    assert staging.lead_time.median_hours is None
    assert staging.change_failure_rate.rate == 0.0
    assert staging.change_failure_rate.level is DoraLevel.ELITE
    assert staging.time_to_restore.median_hours is None


async def test_an_empty_window_answers_nulls(store: GraphStore) -> None:
    shop = await load_shop(store)
    january = Window(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 31, tzinfo=UTC))
    result = await product_dora(store, shop.id("product"), january)
    assert result.deployment_frequency.deployments == 0
    assert result.deployment_frequency.per_day is None
    assert result.deployment_frequency.level is None
    assert result.lead_time.changes == 0 and result.lead_time.median_hours is None
    assert result.change_failure_rate.rate is None
    assert result.time_to_restore.median_hours is None
    # An unknown product: no data at all, the same nulls.
    assert (await product_dora(store, "no-such-product", MARCH)).lead_time.level is None


async def test_the_window_is_half_open(store: GraphStore) -> None:
    shop = await load_shop(store)
    # To = d5's finishedAt: d5 is out; from = d1's finishedAt: d1 is in.
    window = Window(datetime(2025, 3, 2, 10, tzinfo=UTC), datetime(2025, 3, 20, 12, tzinfo=UTC))
    result = await product_dora(store, shop.id("product"), window)
    assert result.deployment_frequency.deployments == 3  # d1 d3 d4
    assert result.lead_time.changes == 3  # PR2, PR3, c4


async def test_vsg_dora_answers_for_every_product_of_the_demo(
    connection: Connection, store: GraphStore
) -> None:
    records, truth = generate(
        DemoConfig(work_items=400, seed=3, until=datetime(2025, 6, 1, tzinfo=UTC))
    )
    await ingest(store, records)
    window = ("--from", "2025-03-03", "--to", "2025-06-01")
    result = vsg(connection, "dora", *window, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["scope"]: r for r in json.loads(result.stdout)}
    assert set(rows) == set(truth.products)
    for r in rows.values():
        # Every product deploys at least monthly and had deployments before March, so
        # each has deployments, counted changes and a change failure rate in the window.
        assert r["deploymentFrequencyLevel"] in {"elite", "high", "medium"}, r
        assert r["leadTimeLevel"] is not None, r
        assert r["changeFailureRateLevel"] is not None, r
    # Daily, weekly and monthly deployers: the frequency levels differ.
    assert len({r["deploymentFrequencyLevel"] for r in rows.values()}) >= 2
    assert any(r["timeToRestoreLevel"] is not None for r in rows.values())

    product = truth.products[0]
    table = vsg(connection, "dora", "--product", product, *window)
    assert table.returncode == 0, table.stderr
    assert product in table.stdout and rows[product]["leadTimeLevel"] in table.stdout
    csv_out = vsg(connection, "dora", "--product", product, *window, "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("scope,environment,from,to,deployments")
    assert csv_out.stdout.splitlines()[1].startswith(f"{product},production,2025-03-03")
    # The demo's pull requests are reviewed (graph/demo/delivery.py `_reviews`): the
    # per-change breakdown has pickup and review steps, and they add up.
    changes = vsg(
        connection, "dora", "--product", product, *window, "--changes", "--format", "json"
    )
    assert changes.returncode == 0, changes.stderr
    pulls = [c for c in json.loads(changes.stdout) if c["pullRequest"] is not None]
    reviewed = [c for c in pulls if c["pickupHours"] is not None]
    assert reviewed and len(reviewed) < len(pulls)  # most, not all, were reviewed
    for c in reviewed:
        if not c["findings"]:
            steps = c["codingHours"] + c["pickupHours"] + c["reviewHours"] + c["deployHours"]
            assert steps == pytest.approx(c["leadTimeHours"]), c
