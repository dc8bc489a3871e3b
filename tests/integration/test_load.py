"""bench/load.py, briefly: the served app under concurrent reads and writes loses nothing."""

from __future__ import annotations

import pytest

from bench.load import LoadOptions, Written, load_targets, run_load, verify
from graph.db.store import Connection, GraphStore

pytestmark = pytest.mark.db


async def test_a_short_load_has_no_errors_and_loses_no_accepted_write(
    connection: Connection, store: GraphStore
) -> None:
    targets = await load_targets(store, scale=200, seed=7)
    result = await run_load(connection, targets, LoadOptions(duration=3, readers=2, writers=1))
    assert result.error_samples == []
    assert result.total.errors == 0
    # Readers start on different operations (reader 0 on trace, 1 on flow), and a writer
    # always sends its first ingest: so there were reads, and accepted writes to verify.
    assert {"graphql trace", "graphql flow", "POST /ingest"} <= set(result.figures)
    assert result.stories_written >= 5  # at least the first batch of 5 stories
    assert result.lost == []
    assert not result.failed


async def test_verification_reports_a_write_the_graph_lacks(store: GraphStore) -> None:
    targets = await load_targets(store, scale=200, seed=7)
    feature = targets.features["payments"][0]
    stages = targets.stages["payments"][:3]
    # Neither the story nor the commit was ever written: both are reported lost.
    written = Written(
        stories={"PAY-999999": (feature, "payments", stages)}, commits={"f" * 40: None}
    )
    assert await verify(store, written) == [
        "Story PAY-999999: not in the graph",
        f"Commit {'f' * 40}: not in the graph",
    ]
