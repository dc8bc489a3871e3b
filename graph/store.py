"""GraphStore: the one place vsgraph talks to the database.

One `neo4j.AsyncDriver` per process, opened by the API's lifespan or the CLI and passed
down. Every statement comes from the Cypher catalogue and runs in a managed transaction
(`execute_read` / `execute_write`, which retry transient errors such as deadlocks), on
the configured database (always passed: the embedded server otherwise silently falls
through to another database). Results are consumed inside the transaction and returned
as plain Python data.

Time: values go in as naive UTC datetimes and come back as aware UTC datetimes. The
embedded database stores timezone-aware values without their zone and then refuses to
mix them with aware parameters, so naive UTC on the wire is the one representation that
behaves the same on Neo4j and on the embedded database.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import neo4j
import neo4j.time
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction, unit_of_work
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import QueryTimeout, StoreUnavailable
from graph.queries import Query, catalogue, cypher

Row = dict[str, Any]
T = TypeVar("T")

SCHEMA_PREFIX = "schema/"
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
#: In the codes of the errors Neo4j answers when it terminated a transaction at its
#: timeout (`...TransactionTimedOut`, `...TransactionTimedOutClientConfiguration`).
_TIMED_OUT = "TransactionTimedOut"

# The embedded database does not lock a MERGE's key: of two transactions creating the
# same new node at once, the loser fails with a duplicate-key ConstraintError instead of
# waiting (Neo4j locks the key and never gets here). A failed transaction is rolled
# back whole, so running it again is safe; a MERGE run again finds the winner's node
# and succeeds (a CREATE of nodes believed new goes through `insert`, which falls back
# to the MERGE path instead). A real violation fails the same way every time and is
# raised after the last attempt. A CREATE of a node with two labels (work items) that
# loses the race comes back as a generic execution failure rather than a
# ConstraintError, so that is treated the same way.
CREATION_RACE_ATTEMPTS = 4
_EXECUTION_FAILURE = ("Neo.ClientError.Statement.SemanticError", "Error executing Cypher command")


def _lost_creation_race(error: ClientError) -> bool:
    if isinstance(error, ConstraintError):
        return True
    code, prefix = _EXECUTION_FAILURE
    return error.code == code and (error.message or "").startswith(prefix)


class ParameterMismatch(TypeError):
    """Raised when a call passes other parameters than its query reads."""


@dataclass(frozen=True)
class Connection:
    """Where the database is and how to log in (the password is never printed)."""

    uri: str
    user: str
    password: str
    database: str

    def __repr__(self) -> str:
        return f"Connection(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"


def to_db(value: Any) -> Any:
    """Convert a parameter value for the wire: aware datetimes become naive UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, Mapping):
        return {k: to_db(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_db(v) for v in value]
    return value


def from_db(value: Any) -> Any:
    """Convert a result value to plain Python: datetimes come back aware, in UTC."""
    if isinstance(value, neo4j.time.DateTime):
        value = value.to_native()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, date):
        return value
    if isinstance(value, neo4j.graph.Node):
        return {k: from_db(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {k: from_db(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_db(v) for v in value]
    return value


def _check(query: Query, params: Mapping[str, Any]) -> None:
    given = frozenset(params)
    if given != query.parameters:
        missing = sorted(query.parameters - given)
        extra = sorted(given - query.parameters)
        raise ParameterMismatch(f"{query.name}: missing parameters {missing}, unexpected {extra}")


async def _run(tx: AsyncManagedTransaction, text: str, params: dict[str, Any]) -> list[Row]:
    result = await tx.run(text, params)
    return [from_db(record.data()) for record in [r async for r in result]]


async def _run_many(
    tx: AsyncManagedTransaction, statements: Sequence[tuple[str, dict[str, Any]]]
) -> list[list[Row]]:
    return [await _run(tx, text, params) for text, params in statements]


class GraphStore:
    """Runs catalogue queries on one database through one shared async driver."""

    def __init__(
        self, driver: neo4j.AsyncDriver, database: str, *, read_timeout: float | None = None
    ) -> None:
        self._driver = driver
        self.database = database
        #: Seconds a `read` may take (None: no limit). Neo4j terminates the transaction
        #: itself (the transaction function's `timeout`); the embedded ArcadeDB ignores
        #: that over Bolt and runs on, so the caller also stops waiting at the same
        #: deadline (the abandoned connection is closed by the driver).
        self.read_timeout = read_timeout
        self._read_work = _run if read_timeout is None else unit_of_work(timeout=read_timeout)(_run)
        #: Statements sent to the database since this store was opened; tests and
        #: benchmarks read it to show a request costs a constant number of round trips.
        self.round_trips = 0
        #: Held by ingest for a whole batch. The embedded database does not lock a
        #: relationship MERGE either: two concurrent imports of the same records can
        #: both create it. One process therefore ingests one batch at a time (Neo4j's
        #: MERGE takes locks, so API replicas in front of Neo4j are safe without it).
        self.ingest_lock = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        connection: Connection,
        *,
        ready_timeout: float = 30.0,
        read_timeout: float | None = None,
    ) -> GraphStore:
        """Connect, wait until the database answers, and return a store whose reads
        give up after `read_timeout` seconds (None: never)."""
        driver = AsyncGraphDatabase.driver(
            connection.uri,
            auth=(connection.user, connection.password),
            # Large batches of UNWIND rows are normal here; the default 30 s connection
            # acquisition is kept, but the database's own transaction timeout applies.
            max_connection_pool_size=50,
        )
        store = cls(driver, connection.database, read_timeout=read_timeout)
        try:
            await store.wait_ready(ready_timeout)
        except BaseException:
            await driver.close()
            raise
        return store

    async def wait_ready(self, timeout: float) -> None:
        """Wait for the database to answer a trivial query, or raise StoreUnavailable."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        delay = 0.1
        while True:
            try:
                await self._ping()
                return
            except AuthError as error:
                raise StoreUnavailable(f"the database refused the credentials: {error}") from None
            except (ServiceUnavailable, SessionExpired, OSError, ClientError) as error:
                # The embedded server answers Bolt a moment before it has opened (or
                # created) the database; any other client error is final.
                if isinstance(error, ClientError) and error.code != DATABASE_NOT_FOUND:
                    raise
                if loop.time() + delay > deadline:
                    raise StoreUnavailable(
                        f"the database did not answer within {timeout:.0f} s: {error}"
                    ) from None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def ping(self) -> None:
        """Ask the database for a trivial answer; raise StoreUnavailable if it gives none."""
        try:
            await self._ping()
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as error:
            raise StoreUnavailable(f"the database does not answer: {error}") from None

    async def _ping(self) -> None:
        # Auto-commit on purpose: a managed transaction would retry for 30 s on its own,
        # hiding the answer this loop is waiting for. It reads nothing.
        async with self._driver.session(database=self.database) as session:
            result = await session.run(cypher("store/ping").text)
            await result.consume()

    async def close(self) -> None:
        """Close the driver and its connections."""
        await self._driver.close()

    async def read(self, query: Query, **params: Any) -> list[Row]:
        """Run a read query in a managed read transaction and return its rows."""
        _check(query, params)
        self.round_trips += 1
        try:
            async with asyncio.timeout(self.read_timeout) as deadline:
                async with self._driver.session(database=self.database) as session:
                    return await session.execute_read(self._read_work, query.text, to_db(params))
        except TimeoutError:
            if not deadline.expired():
                raise
        except ClientError as error:
            if _TIMED_OUT not in (error.code or ""):
                raise
        limit = "" if self.read_timeout is None else f" (more than {self.read_timeout:g} s)"
        raise QueryTimeout(
            f"the query took too long{limit} and was abandoned; ask for less: "
            "a smaller `first`, fewer nested lists or a shorter time range"
        )

    async def write(self, query: Query, **params: Any) -> list[Row]:
        """Run a write query in its own managed write transaction."""
        _check(query, params)
        self.round_trips += 1
        return await self._execute_write(_run, query.text, to_db(params))

    async def write_together(
        self, statements: Iterable[tuple[Query, Mapping[str, Any]]]
    ) -> list[list[Row]]:
        """Run several write queries in one managed transaction: all or nothing."""
        prepared = []
        for query, params in statements:
            _check(query, params)
            prepared.append((query.text, to_db(params)))
        self.round_trips += len(prepared)
        return await self._execute_write(_run_many, prepared)

    async def insert(self, query: Query, fallback: Sequence[Query], **params: Any) -> None:
        """Run a CREATE of nodes believed not to exist; if another writer created one of
        them meanwhile (a lost creation race), run the idempotent `fallback` statements,
        with the same parameters, in one transaction instead."""
        _check(query, params)
        self.round_trips += 1
        try:
            async with self._driver.session(database=self.database) as session:
                await session.execute_write(_run, query.text, to_db(params))
        except ClientError as error:
            if not _lost_creation_race(error):
                raise
            await self.write_together([(q, params) for q in fallback])

    async def _execute_write(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run `work` in a managed write transaction, again if it lost a creation race."""
        for attempt in range(1, CREATION_RACE_ATTEMPTS + 1):
            try:
                async with self._driver.session(database=self.database) as session:
                    return await session.execute_write(work, *args)
            except ClientError as error:
                if attempt == CREATION_RACE_ATTEMPTS or not _lost_creation_race(error):
                    raise
                # A little jitter, so racing writers do not collide again in lockstep.
                await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def apply_schema(self) -> int:
        """Apply the catalogue's idempotent schema statements (`cypher/schema/`), in name
        order, each in its own transaction (Neo4j runs schema changes alone)."""
        names = sorted(n for n in catalogue() if n.startswith(SCHEMA_PREFIX))
        for name in names:
            await self.write(catalogue()[name])
        return len(names)
