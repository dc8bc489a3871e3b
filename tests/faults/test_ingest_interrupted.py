"""An ingest interrupted mid-way leaves no partial batch visible, and a retry completes it.

A batch that fits one transaction (at most `VSG_INGEST_BATCH_SIZE` rows) is written all
or nothing; a larger import is written in transactions of that many rows, so it leaves
whole chunks behind. Each case is interrupted for real: `vsg import` killed with SIGKILL
(mid-import, and inside its one open transaction), or a transaction that fails on the
database's uniqueness constraint after its first statements ran.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from graph.db.queries import cypher, parse
from graph.db.store import Connection, GraphStore, lost_creation_race
from graph.errors import Problem
from graph.ingest.plan import build_plan
from graph.ingest.records import parse_lines
from graph.ingest.service import StoreLookup, ingest, write_plan
from tests.factories import Record, SmallOrg, ndjson, node, rel, state

pytestmark = pytest.mark.db

DELETE_ALL = cypher("admin/delete_all")
# Not the Migration nodes: the `vsg import` processes record the data migrations they
# ran at start-up (graph/db/migrations.py); they are not part of what an import writes.
NODES = parse(
    "test/all_nodes",
    "// cardinality: rows\n"
    "MATCH (n) WHERE NOT n:Migration "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
)
RELATIONSHIPS = parse(
    "test/all_relationships",
    "// cardinality: rows\n"
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props",
)
COUNTS = parse(
    "test/counts",
    "// cardinality: one\n"
    "CALL () { MATCH (n) WHERE NOT n:Migration AND NOT n:TitleWord RETURN count(n) AS nodes } "
    "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
    "RETURN nodes, relationships",
)
# COUNT {} subqueries, not count() over a MATCH: on the embedded database an aggregate
# over a MATCH that finds nothing returns no row at all (Neo4j returns a 0).
BULK = parse(
    "test/bulk_stories",
    "// cardinality: one\n"
    "RETURN COUNT { MATCH (w:Story) WHERE w.id STARTS WITH $prefix } AS stories, "
    "COUNT { MATCH (w:Story) WHERE w.id STARTS WITH $prefix AND (w.title IS NULL "
    "OR w.priority IS NULL OR w.points IS NULL OR w.description IS NULL "
    "OR w.createdAt IS NULL) } AS incomplete, "
    "COUNT { (:Story)-[:FOR_PRODUCT]->(:Product) } AS linked",
)
#: The statement a single-transaction ingest of `bulk_records` sends after its nodes.
AFTER_NODES = cypher("ingest/new_relationships/for_product__work_item__product")

CHUNK = 50
#: Seconds any one step may take before the test gives up on it.
PATIENCE = 120.0


def bulk_records(org: SmallOrg, stories: int) -> list[Record]:
    """SmallOrg, then `stories` stories, each for the product, owned by the team, with
    two state changes: 10 + n nodes, 14 + 2n relationships, 2n visits."""
    records = org.records()
    for i in range(stories):
        story = org.id(f"bulk{i:04d}")
        records += [
            node(
                "Story",
                story,
                title=f"Bulk {i}",
                createdAt="2025-01-01T09:00:00Z",
                priority="high",
                points=float(i % 8),
                description=f"bulk story {i}",
            ),
            rel("FOR_PRODUCT", ("Story", story), ("Product", org.product)),
            rel("OWNS", ("Team", org.id("team")), ("Story", story)),
            state(story, "2025-01-02T09:00:00Z", state="To Do"),
            state(story, "2025-01-03T09:00:00Z", state="In Progress"),
        ]
    return records


def _sortable(value: Any) -> str:
    """A text that is equal for equal values: dicts (properties too) in key order."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_sortable(v)}" for k, v in sorted(value.items())) + "}"
    return repr(value)


async def snapshot(store: GraphStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, in a comparable order."""
    nodes = [_sortable({**row, "labels": sorted(row["labels"])}) for row in await store.read(NODES)]
    rels = [_sortable(row) for row in await store.read(RELATIONSHIPS)]
    return sorted(nodes), sorted(rels)


async def clean_import(store: GraphStore, text: str, batch_size: int) -> tuple[Any, Any]:
    """The graph a clean import of `text` makes; the database is left empty again."""
    await ingest(store, parse_lines(text.splitlines()), batch_size=batch_size)
    expected = await snapshot(store)
    await store.write(DELETE_ALL)
    return expected


def vsg_env(connection: Connection, uri: str, batch_size: int) -> dict[str, str]:
    return {
        **os.environ,
        "VSG_NEO4J_URI": uri,
        "VSG_NEO4J_USER": connection.user,
        "VSG_NEO4J_PASSWORD": connection.password,
        "VSG_NEO4J_DATABASE": connection.database,
        "VSG_INGEST_BATCH_SIZE": str(batch_size),
    }


def start_import(env: dict[str, str], path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "import", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_import(env: dict[str, str], path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert result.returncode == 0, result.stderr


async def test_a_killed_chunked_import_leaves_whole_chunks_and_a_rerun_completes_it(
    store: GraphStore, connection: Connection, tmp_path: Path
) -> None:
    # 1000 stories: 1010 nodes, 2014 relationships, 2000 visits, in transactions of 50
    # rows: about 100 transactions, so the import can be killed between two of them.
    org = SmallOrg()
    text = ndjson(bulk_records(org, 1000))
    path = tmp_path / "bulk.ndjson"
    path.write_text(text)
    expected = await clean_import(store, text, CHUNK)
    stories = 1000 + 2  # with SmallOrg's two, which come first in the Story chunks

    env = vsg_env(connection, connection.uri, CHUNK)
    process = start_import(env, path)
    try:
        seen = 0
        async with asyncio.timeout(PATIENCE):
            while process.poll() is None:
                seen = (await store.read(BULK, prefix=org.id("bulk")))[0]["stories"]
                if 0 < seen < 1000:
                    break
                await asyncio.sleep(0.005)
        assert process.poll() is None, f"the import ended before it could be killed ({seen})"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.communicate(timeout=PATIENCE)
    assert process.returncode == -signal.SIGKILL

    # Whole chunks only: the Story nodes in chunks of 50 (the first holds SmallOrg's 2
    # and 48 bulk ones, so bulk stories visible are 48 + 50k, or all 1000), each with
    # every property it was sent with; their FOR_PRODUCT links likewise.
    visible = (await store.read(BULK, prefix=org.id("bulk")))[0]
    assert visible["incomplete"] == 0
    assert visible["stories"] + 2 in {*range(CHUNK, stories, CHUNK), stories}
    assert visible["linked"] in {0, *range(CHUNK, stories, CHUNK), stories}
    assert (await snapshot(store)) != expected, "killed after the last transaction"

    run_import(env, path)
    assert await snapshot(store) == expected


class HoldingProxy:
    """Passes Bolt between clients and the database until a client sends `marker`; from
    then on it holds back the database's answers, so that client waits inside its open
    transaction, its earlier statements run but nothing committed."""

    def __init__(self, port: int, marker: bytes) -> None:
        self.port, self.marker = port, marker
        self.sent = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> HoldingProxy:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.address = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()

    async def _serve(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        database, to_database = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            await asyncio.gather(self._up(client, to_database), self._down(database, to_client))
        except ConnectionError:
            pass  # the killed client's connection was reset: so is the proxied one
        finally:
            for writer in (to_client, to_database):
                writer.close()
                with contextlib.suppress(ConnectionError):
                    await writer.wait_closed()

    async def _up(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tail = b""
        while data := await reader.read(65536):
            seen = tail + data
            if self.marker in seen:
                self.sent.set()
            tail = seen[-len(self.marker) :]
            writer.write(data)
            await writer.drain()
        writer.close()

    async def _down(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            if not self.sent.is_set():
                writer.write(data)
                await writer.drain()
        writer.close()


async def test_an_import_killed_inside_its_one_transaction_leaves_nothing(
    store: GraphStore, connection: Connection, tmp_path: Path
) -> None:
    # 100 stories: 110 + 214 + 200 = 524 rows, within one transaction of 5000.
    org = SmallOrg()
    text = ndjson(bulk_records(org, 100))
    path = tmp_path / "batch.ndjson"
    path.write_text(text)
    expected = await clean_import(store, text, 5000)

    port = int(connection.uri.rsplit(":", 1)[1])
    async with HoldingProxy(port, AFTER_NODES.text.encode()) as proxy:
        process = start_import(vsg_env(connection, f"bolt://127.0.0.1:{proxy.address}", 5000), path)
        try:
            async with asyncio.timeout(PATIENCE):
                while not proxy.sent.is_set() and process.poll() is None:
                    await asyncio.sleep(0.01)
            assert proxy.sent.is_set(), f"the import ended first: {process.communicate()[1]}"
            # Every node of the batch is written inside the open transaction, yet none
            # is visible to anyone else.
            await asyncio.sleep(0.5)
            assert (await store.read(COUNTS))[0] == {"nodes": 0, "relationships": 0}
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            process.communicate(timeout=PATIENCE)
    assert process.returncode == -signal.SIGKILL
    # The connection is gone and the transaction with it: still nothing.
    await asyncio.sleep(0.5)
    assert (await store.read(COUNTS))[0] == {"nodes": 0, "relationships": 0}

    run_import(vsg_env(connection, connection.uri, 5000), path)
    assert await snapshot(store) == expected


@pytest.fixture
async def other_store(connection: Connection) -> AsyncIterator[GraphStore]:
    """A second driver: another process writing to the same database."""
    other = await GraphStore.open(connection)
    try:
        yield other
    finally:
        await other.close()


async def test_a_batch_that_fails_on_its_last_node_statement_leaves_nothing(
    store: GraphStore, other_store: GraphStore
) -> None:
    org = SmallOrg()
    text = ndjson(bulk_records(org, 3))
    records = [r for r in parse_lines(text.splitlines()) if not isinstance(r, Problem)]
    expected = await clean_import(store, text, 5000)

    # Validated while the graph is empty, the whole batch is new and planned as CREATEs:
    # business line, product, stages, team, value stream, then the stories, then links.
    plan, problems = await build_plan(records, StoreLookup(store))
    assert not problems
    # Another process creates one of those stories first (with a property of its own),
    # so the batch's last node statement breaks the Story id constraint after its first
    # five statements ran in the same transaction.
    late = org.id("bulk0002")
    winner = [node("Story", late, title="Theirs", createdAt="2025-01-01T09:00:00Z")]
    await ingest(other_store, parse_lines(ndjson(winner).splitlines()))
    # The driver's error type is the store's business: the store classifies it.
    with pytest.raises(Exception) as failure:
        await write_plan(store, plan, batch_size=5000)
    assert lost_creation_race(failure.value), failure.value
    # Nothing of the batch is visible: only the other process's story.
    assert (await store.read(COUNTS))[0] == {"nodes": 1, "relationships": 0}

    # The retry plans again, finds that story, merges into it and writes the rest:
    # the graph of a clean import (the batch's title overwrites the other one's).
    report = await ingest(store, parse_lines(text.splitlines()))
    assert report.nodes == 10 + 3
    nodes, relationships = await snapshot(store)
    # And the other process's title's word: the title vocabulary only adds words
    # (graph/ingest/title_words.py), so the word of the title overwritten stays.
    extra = [n for n in nodes if n not in expected[0]]
    assert len(extra) == 1 and "TitleWord" in extra[0] and "'theirs'" in extra[0], extra
    assert ([n for n in nodes if n not in extra], relationships) == expected
