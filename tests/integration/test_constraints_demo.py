"""The constraint analysis finds, on the demo organisation, the stage that the demo's
simulation made the constraint: for every value stream and several seeds.

The demo gives one active stage per value stream fewer servers than its demand needs, so
its queue grows and holds most of the flow time (docs/demo.md, "The constraint, on
purpose"); `truth.constraints` records which. The window is the last 90 days of a fixed
history, so the answer cannot drift with the calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph import demo
from graph.analysis.stream import constraints_of, flow_data
from graph.db.store import GraphStore
from graph.ingest.service import ingest
from graph.metrics.flow import Window
from graph.model import StageState

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)
WORK_ITEMS = 1500


@pytest.mark.parametrize("seed", [7, 11, 23])
async def test_the_constraint_of_every_demo_value_stream_is_found(
    store: GraphStore, seed: int
) -> None:
    records, truth = demo.generate(demo.DemoConfig(work_items=WORK_ITEMS, seed=seed, until=UNTIL))
    await ingest(store, records)
    window = Window(UNTIL - timedelta(days=90), UNTIL)

    found = {}
    for stream in truth.value_streams:
        result = constraints_of(stream, await flow_data(store, stream, window))
        top = result.constraint
        assert top is not None
        found[stream] = top.stage.id
        # The ranking covers every active and waiting stage exactly once, as a station or
        # in a station's queue; new and done stages are not ranked.
        ranked = [s.id for r in result.ranking for s in (*r.queue, r.stage)]
        expected = [s for s in truth.stages[stream] if not s.endswith(("-backlog", "-done"))]
        assert sorted(ranked) == sorted(expected)
        # The constraint's evidence: by construction it (with its queue) holds most of the
        # flow time, and the reason line quotes the figures.
        assert top.flow_time_share > 0.5
        assert top.stage.state is StageState.ACTIVE and top.queue
        assert f"{top.flow_time_share:.0%} of flow time" in top.reason
        assert [r.score for r in result.ranking] == sorted(
            (r.score for r in result.ranking), reverse=True
        )
    print(f"seed {seed}: {found}")
    assert found == truth.constraints
