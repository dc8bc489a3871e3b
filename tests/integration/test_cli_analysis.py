"""`vsg constraints` and `vsg forecast`, run as a user would, on a SmallOrg.

Stream: Backlog (new) -> Dev (active) -> Review (waiting) -> Done. Window [Mon
2025-03-03, Mon 2025-03-10):
- story1: Backlog 02-20, Dev 03-03, Review 03-04, Done 03-08 (flow time 5 d: Dev 1 d,
  Review 4 d);
- story2: Dev 03-05, Review 03-06, still in Review.
"""

from __future__ import annotations

import json

import pytest

from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.factories import SmallOrg, state
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

WINDOW = ("--from", "2025-03-03", "--to", "2025-03-10")


async def load(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    s1, s2 = org.id("story1"), org.id("story2")
    records = [
        *org.records(),
        state(s1, "2025-02-20T00:00:00Z", state="Backlog"),
        state(s1, "2025-03-03T00:00:00Z", state="In Progress"),
        state(s1, "2025-03-04T00:00:00Z", state="In Review"),
        state(s1, "2025-03-08T00:00:00Z", state="Done"),
        state(s2, "2025-03-05T00:00:00Z", state="In Progress"),
        state(s2, "2025-03-06T00:00:00Z", state="In Review"),
    ]
    await ingest(store, parse_objects(records))
    return org


async def test_constraints(connection: Connection, store: GraphStore) -> None:
    org = await load(store)
    result = vsg(
        connection, "constraints", "--value-stream", org.id("vs"), *WINDOW, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    ranking = json.loads(result.stdout)["ranking"]
    # Review (a waiting stage with no active stage after it: its own station): share 4/5,
    # growth 2 in - 1 out = 1, WIP 1 (story2), median 4 d (story1's stay): the largest of
    # each, score 1.0. Dev (Backlog is `new`, not its queue): share 1/5 -> 0.2/0.8 = 0.25,
    # growth 0, WIP 0, time 1 d -> 1/4: 0.4*0.25 + 0.2*0.25 = 0.15.
    assert [(r["stage"]["id"], r["score"]) for r in ranking] == [
        (org.stage("review"), 1.0),
        (org.stage("dev"), 0.15),
    ]
    assert ranking[0]["reason"] == (
        "Review: 80% of flow time, queue grew by 1, 1 items in it now, median 4.0 days in stage"
    )
    table = vsg(connection, "constraints", "--value-stream", org.id("vs"), *WINDOW)
    assert table.returncode == 0, table.stderr
    assert "Constraint: Review: 80% of flow time" in table.stdout


async def test_forecast(connection: Connection, store: GraphStore) -> None:
    org = await load(store)
    vs = org.id("vs")
    args = ("--from", "2025-03-10", "--history", "7", "--format", "json")
    result = vsg(connection, "forecast", "--value-stream", vs, "--by", "2025-03-10", *args)
    assert result.returncode == 0, result.stderr
    f = json.loads(result.stdout)
    # Days 03-03 .. 03-09: story1 was done on 03-08, the 6th day.
    assert f["samples"] == [0, 0, 0, 0, 0, 1, 0]
    # No whole day up to the start itself: nothing more by then, at any confidence.
    assert (f["howMany"]["days"], f["howMany"]["p50"], f["howMany"]["p95"]) == (0, 0, 0)
    assert f["when"] is None

    result = vsg(connection, "forecast", "--value-stream", vs, "--items", "1", *args)
    when = json.loads(result.stdout)["when"]
    assert when["p50"] <= when["p85"] <= when["p95"]

    missing = vsg(connection, "forecast", "--value-stream", vs, "--from", "2025-03-10")
    assert missing.returncode == 2 and "--items N, --by DATE" in missing.stderr
    unknown = vsg(connection, "forecast", "--value-stream", "no-such", "--items", "3")
    assert unknown.returncode == 1 and "no-such" in unknown.stderr
