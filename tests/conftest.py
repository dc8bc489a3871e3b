"""Test tiers share one database per session: the embedded one, or Neo4j if
VSG_TEST_NEO4J_URI (+ _USER, _PASSWORD, _DATABASE) is set. No test mocks it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.migrations import prepare
from graph.db.queries import cypher
from graph.db.store import Connection, GraphStore

DELETE_ALL = cypher("admin/delete_all")


@pytest.fixture(scope="session")
def db_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vsg-db")


@pytest.fixture(scope="session")
async def connection(db_dir: Path) -> AsyncIterator[Connection]:
    uri = os.environ.get("VSG_TEST_NEO4J_URI")
    if uri:
        yield Connection(
            uri,
            os.environ.get("VSG_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("VSG_TEST_NEO4J_PASSWORD", ""),
            os.environ.get("VSG_TEST_NEO4J_DATABASE", "neo4j"),
        )
        return
    embedded = EmbeddedDatabase(EmbeddedConfig(db_dir, free_port(), free_port(), "vsgtest"))
    connection = await embedded.start()
    try:
        yield connection
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
async def session_store(connection: Connection) -> AsyncIterator[GraphStore]:
    store = await GraphStore.open(connection)
    await prepare(store)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def store(session_store: GraphStore) -> GraphStore:
    """The session's store, emptied: every test starts from a clean slate."""
    await session_store.write(DELETE_ALL)
    return session_store


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"
