"""The embedded database: its own child process, a private password, crash recovery."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.queries import parse
from graph.db.store import GraphStore
from graph.errors import StoreUnavailable
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.factories import SmallOrg

pytestmark = pytest.mark.db

COUNT = parse(
    "test/count",
    "// cardinality: one\nMATCH (n) WHERE NOT n:TitleWord RETURN count(n) AS n",
)


@pytest.mark.skipif(bool(os.environ.get("VSG_TEST_NEO4J_URI")), reason="embedded only")
async def test_committed_data_survives_a_hard_kill(tmp_path: Path) -> None:
    config = EmbeddedConfig(tmp_path / "data", free_port(), free_port(), "crashtest")
    embedded = EmbeddedDatabase(config)
    connection = await embedded.start()
    try:
        assert embedded.process is not None and embedded.process.pid != os.getpid()
        mode = stat.S_IMODE((config.data_dir / "password").stat().st_mode)
        assert mode == 0o600

        store = await GraphStore.open(connection)
        await store.apply_schema()
        await ingest(store, parse_objects(SmallOrg().records()))
        before = (await store.read(COUNT))[0]["n"]
        await store.close()
        assert before == 10

        embedded.kill()  # SIGKILL: no clean shutdown, no flush on exit
        assert not embedded.alive()

        restarted = EmbeddedDatabase(config)
        connection = await restarted.start()
        embedded = restarted
        store = await GraphStore.open(connection)
        assert (await store.read(COUNT))[0]["n"] == before
        await store.close()
    finally:
        embedded.stop()


@pytest.mark.skipif(bool(os.environ.get("VSG_TEST_NEO4J_URI")), reason="embedded only")
async def test_a_start_that_cannot_succeed_says_why(tmp_path: Path) -> None:
    busy = free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", busy))
        blocker.listen()
        embedded = EmbeddedDatabase(EmbeddedConfig(tmp_path / "d", busy, free_port(), "x"))
        with pytest.raises(StoreUnavailable, match="did not start"):
            await embedded.start(timeout=8)
        assert not embedded.alive()
