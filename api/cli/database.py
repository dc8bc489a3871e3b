"""Getting a database for a command: the configured Neo4j, or the embedded default."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase
from graph.db.migrations import prepare
from graph.db.store import Connection, GraphStore
from graph.errors import StoreUnavailable
from graph.settings import Settings


def embedded_config(settings: Settings) -> EmbeddedConfig:
    """Where the embedded database lives, from the settings."""
    return EmbeddedConfig(
        settings.data_dir,
        settings.embedded_bolt_port,
        settings.embedded_http_port,
        settings.embedded_database,
    )


def external_connection(settings: Settings) -> Connection:
    """The configured external Neo4j."""
    assert settings.neo4j_uri is not None
    return Connection(
        settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database
    )


async def _already_running(connection: Connection) -> bool:
    try:
        store = await GraphStore.open(connection, ready_timeout=0.5)
    except StoreUnavailable:
        return False
    await store.close()
    return True


@asynccontextmanager
async def database(
    settings: Settings,
    *,
    say: bool = True,
    on_give_up: Callable[[str], None] | None = None,
) -> AsyncIterator[Connection]:
    """Yield a connection: to Neo4j if configured, else to the embedded database, which
    is started for the duration (or reused if `vsg db start` already runs it) and
    restarted by a watchdog if it dies (`on_give_up(reason)` once restarts run out)."""
    if not settings.embedded:
        yield external_connection(settings)
        return
    config = embedded_config(settings)
    connection = config.connection()
    if await _already_running(connection):
        if say:
            print(f"Using the embedded database already running at {connection.uri}")
        yield connection
        return
    if say:
        print(f"Starting the embedded database ({config.data_dir}/) ...", flush=True)
    embedded = EmbeddedDatabase(config)
    await embedded.start()
    watchdog = asyncio.create_task(
        embedded.watch(settings.embedded_max_restarts, on_give_up=on_give_up),
        name="vsgraph-embedded-watchdog",
    )
    try:
        yield connection
    finally:
        watchdog.cancel()
        with suppress(asyncio.CancelledError):
            await watchdog
        embedded.stop()


@asynccontextmanager
async def opened_store(settings: Settings, *, say: bool = True) -> AsyncIterator[GraphStore]:
    """Yield a store with the schema applied, on whichever database `database` gives."""
    async with database(settings, say=say) as connection:
        store = await GraphStore.open(connection, write_timeout=settings.write_timeout_seconds)
        try:
            await prepare(store)
            yield store
        finally:
            await store.close()
