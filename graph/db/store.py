"""GraphStore: the one place vsgraph talks to the database.

One `neo4j.AsyncDriver` per process, opened by the API's lifespan or the CLI and passed
down. Every statement comes from the Cypher catalogue. A write runs in a managed
transaction (`execute_write`, which retries transient errors such as deadlocks); a read,
one statement, runs as an auto-commit statement in a read session (one round trip where a
transaction costs two: its statement, then its commit; transient errors retried here), on
the configured database (always passed: the embedded server otherwise silently falls
through to another database). Results are consumed inside the transaction and returned
as plain Python data, once they agree with the statement's stated cardinality (a write is
never sent as a read, a `one` statement never answers two rows: graph/db/queries.py).

Values cross the wire through graph/db/wire.py (`to_db`, `from_db`).

Unavailability: a call that cannot reach the database (refused, reset, timed out while
connecting, no free connection) raises StoreUnavailable once the driver's own retries
(`retry_time`) are spent, with a message for the client; the detailed reason goes to
`on_unavailable` (graph/db/connector.py), which may close the store's gate (`unavailable`)
so that further calls fail at once until the database answers again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.db.locks import KeyLocks
from graph.db.queries import Query, catalogue, cypher
from graph.db.read_gate import ReadGate, read_key
from graph.db.wire import from_db, to_db
from graph.errors import QueryTimeout, QueryTooLarge, StoreUnavailable

Row = dict[str, Any]
T = TypeVar("T")

SCHEMA_PREFIX = "schema/"
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
#: In the codes of the errors Neo4j answers when it terminated a transaction at its
#: timeout (`...TransactionTimedOut`, `...TransactionTimedOutClientConfiguration`).
_TIMED_OUT = "TransactionTimedOut"

# The embedded database does not lock a MERGE's key: of two transactions creating the
# same new node at once, the loser fails with a duplicate-key ConstraintError instead of
# waiting (Neo4j locks the key and never gets here). The store only classifies that
# error (`lost_creation_race`); the one recovery is the caller's: ingest plans the batch
# again, finding the winner's node and merging with it (graph/ingest/service.py). A CREATE
# of a node with two labels (work items) that loses the race comes back as a generic
# execution failure rather than a ConstraintError, so that is classified the same way.
_EXECUTION_FAILURE = ("Neo.ClientError.Statement.SemanticError", "Error executing Cypher command")


def _lost_creation_race(error: ClientError) -> bool:
    if isinstance(error, ConstraintError):
        return True
    code, prefix = _EXECUTION_FAILURE
    return error.code == code and (error.message or "").startswith(prefix)


def lost_creation_race(error: BaseException) -> bool:
    """Whether a write failed because another writer created one of its new nodes first
    (its transaction was rolled back whole; planned again, it finds that node)."""
    return isinstance(error, ClientError) and _lost_creation_race(error)


def lost_write_race(error: BaseException) -> bool:
    """Whether a write failed because another writer got there first: it created one of
    its new nodes, or changed what it was planned from (`WriteConflict`). Its transaction
    was rolled back whole; planned again from the graph as it is now, it succeeds."""
    return isinstance(error, WriteConflict) or lost_creation_race(error)


#: Connections per process: reads, and writes apart (a write never waits for a read's).
READ_CONNECTIONS = 50
WRITE_CONNECTIONS = 10

#: Seconds a write transaction may take by default (VSG_WRITE_TIMEOUT_SECONDS): far more
#: than a chunk of a bulk import needs (about a second), far less than forever.
WRITE_TIMEOUT = 120.0

#: Set (per task) while the database is being prepared: see GraphStore.preparing.
_PREPARING: ContextVar[bool] = ContextVar("vsg_preparing", default=False)
#: Set (per task) for reads that go ahead of requests' reads: see GraphStore.priority.
_PRIORITY: ContextVar[bool] = ContextVar("vsg_priority", default=False)

#: Set (per task) while statements are timed: see `statement_times`.
_TIMES: ContextVar[dict[str, list[float]] | None] = ContextVar("vsg_statement_times", default=None)


@contextmanager
def statement_times() -> Iterator[dict[str, list[float]]]:
    """Time every statement the current task (and the tasks it starts) runs inside the
    block: {statement text: [times run, seconds until its last row]}. For profiling
    (bench/ingest.py --profile); `catalogue()` names the texts."""
    times: dict[str, list[float]] = {}
    token = _TIMES.set(times)
    try:
        yield times
    finally:
        _TIMES.reset(token)


def _timed(text: str, began: float) -> None:
    times = _TIMES.get()
    if times is not None:
        spent = times.setdefault(text, [0, 0.0])
        spent[0] += 1
        spent[1] += time.perf_counter() - began


#: What a client is told while the database cannot be reached. The detailed reason names
#: hosts and ports, so it goes to the log and to `GET /healthz` only.
UNAVAILABLE = "the database is unavailable; try again in a few seconds (GET /healthz says why)"

#: The driver's errors that mean "the database cannot be reached right now", raised once
#: its retries are spent: refused or lost connections, or no pooled connection in time.
_UNREACHABLE = (ServiceUnavailable, SessionExpired, ConnectionAcquisitionTimeoutError)


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def describe_unavailable(error: BaseException, uri: str) -> str:
    """One line saying why the database at `uri` cannot be used, for logs and /healthz."""
    text = str(error)
    if isinstance(error, AuthError):
        return f"the database at {uri} refused the credentials"
    if isinstance(error, ConnectionAcquisitionTimeoutError):
        return f"no connection to {uri} became free in time"
    causes = list(_causes(error))
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "Errno 111" in text:
        return f"connection refused at {uri}"
    if any(isinstance(c, TimeoutError) for c in causes) or "timed out" in text:
        return f"no answer from {uri} in time"
    if isinstance(error, SessionExpired | ServiceUnavailable | DriverError):
        return f"lost the connection to {uri}: {text}"
    return f"{uri}: {text}"


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


def collected(rows: list[Row], column: str) -> list[Any]:
    """The list a one-row `RETURN collect(...) AS column` query returned. Such queries
    answer in one row because the embedded database spends far more per row than per
    value; aggregating nothing, it returns no row at all (Neo4j returns an empty list)."""
    return list(rows[0][column]) if rows else []


def _check(query: Query, params: Mapping[str, Any]) -> None:
    given = frozenset(params)
    if given != query.parameters:
        missing = sorted(query.parameters - given)
        extra = sorted(given - query.parameters)
        raise ParameterMismatch(f"{query.name}: missing parameters {missing}, unexpected {extra}")


async def _run(tx: AsyncManagedTransaction, text: str, params: dict[str, Any]) -> list[Row]:
    began = time.perf_counter()
    result = await tx.run(text, params)
    # items(), not data(): data() walks every value once more to convert graph types,
    # which from_db does anyway.
    rows = [{k: from_db(v) for k, v in record.items()} async for record in result]  # type: ignore[no-untyped-call]
    _timed(text, began)
    return rows


class WriteConflict(Exception):
    """A write found the data it was planned from changed by another writer: a statement
    answered a `conflicts` column above zero. Its transaction is rolled back whole."""


#: Times a read is sent again after a transient error (as `execute_read` would retry).
_READ_RETRIES = 3
#: How the embedded database says a read needs more than its query heap budget (as a
#: transient error: other queries may be holding the budget).
_HEAP_BUDGET = "Query heap budget exceeded"
#: Times a read refused for the heap budget is sent again before it is found too large.
_HEAP_RETRIES = 1


def _as_is(value: Any) -> Any:
    return value


async def _auto_read(
    session: neo4j.AsyncSession,
    text: str,
    params: dict[str, Any],
    timeout: float | None,
    convert: Callable[[Any], Any] = from_db,
) -> list[Row]:
    """One read statement, auto-commit: what `execute_read` does with one round trip less
    (0.4 against 0.9 ms for a trivial read on the embedded database). `timeout` is the
    server's own limit (Neo4j enforces it; the caller keeps its own deadline too);
    `convert` makes each value plain Python (`wire.from_db`, or nothing for `read_plain`)."""
    for attempt in range(_READ_RETRIES + 1):
        try:
            began = time.perf_counter()
            result = await session.run(neo4j.Query(text, timeout=timeout), params)
            # items(), not data(): see _run.
            rows = [{k: convert(v) for k, v in record.items()} async for record in result]  # type: ignore[no-untyped-call]
            _timed(text, began)
            return rows
        except TransientError as error:
            # Out of heap budget twice: the read itself is too large, not the moment busy
            # (each refused attempt costs about as much as the read would).
            if _HEAP_BUDGET in (error.message or "") and attempt >= _HEAP_RETRIES:
                raise QueryTooLarge(
                    "the database refused this read for the memory it needs; ask for "
                    "less: a smaller `first`, fewer nested lists or a shorter time range"
                ) from error
            if attempt == _READ_RETRIES:
                raise
            await asyncio.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _run_many(
    tx: AsyncManagedTransaction, statements: Sequence[tuple[str, dict[str, Any]]]
) -> list[list[Row]]:
    results = []
    for text, params in statements:
        rows = await _run(tx, text, params)
        if rows and rows[0].get("conflicts"):
            # Raised inside the transaction function: the driver rolls it back and does
            # not retry (it is not a transient error); the caller plans again.
            raise WriteConflict(f"{rows[0]['conflicts']} record(s) changed since they were read")
        results.append(rows)
    return results


class GraphStore:
    """Runs catalogue queries on one database through one shared async driver (and a
    second one of its own for writes, so that reads never take every connection)."""

    def __init__(
        self,
        driver: neo4j.AsyncDriver,
        database: str,
        *,
        read_timeout: float | None = None,
        write_timeout: float | None = WRITE_TIMEOUT,
        uri: str = "the database",
        write_driver: neo4j.AsyncDriver | None = None,
        read_concurrency: int | None = None,
    ) -> None:
        self._driver = driver
        #: Writes have their own connection pool: under a read load that takes every
        #: connection of the read pool, a write still finds one at once (#20).
        self._write_driver = write_driver or driver
        self.database = database
        self.uri = uri
        #: While set, every query fails at once with StoreUnavailable(this message): the
        #: database is known to be unreachable (graph/db/connector.py sets and clears it).
        self.unavailable: str | None = None
        #: Told the detailed reason each time a query found the database unreachable.
        self.on_unavailable: Callable[[str], None] | None = None
        #: Seconds a `read` may take (None: no limit). Neo4j terminates the transaction
        #: itself (the transaction function's `timeout`); the embedded ArcadeDB ignores
        #: that over Bolt and runs on, so the caller also stops waiting at the same
        #: deadline (the abandoned connection is closed by the driver).
        self.read_timeout = read_timeout
        #: Seconds a write transaction may take before it is abandoned (None: no limit).
        #: A database that never answers (frozen, or refusing a message it finds too
        #: large without a word) must not hold the writer, and whatever lock it holds,
        #: for ever: the write fails with StoreUnavailable (a 503), the connection is
        #: closed, and the database rolls back what it had not committed.
        self.write_timeout = write_timeout
        #: Requests' reads: at most `read_concurrency` in the database at once, identical
        #: concurrent ones sent once (graph/db/read_gate.py).
        self.reads = ReadGate(read_concurrency)
        #: Writes finished since this store was opened: a read sent before the latest
        #: one finished is not shared with a caller that came after it.
        self.write_epoch = 0
        #: Statements sent to the database since this store was opened; tests and
        #: benchmarks read it to show a request costs a constant number of round trips.
        self.round_trips = 0
        #: Writes abandoned after `write_timeout` since this store was opened (/healthz).
        self.stuck_writes = 0
        #: Held by ingest for a whole batch, on the keys of the nodes it names. The
        #: embedded database does not lock a relationship MERGE: two concurrent imports
        #: of the same relationship could both create it, so batches that share a node
        #: take turns in this process; others write at once (Neo4j's MERGE takes locks).
        self.ingest_locks = KeyLocks()
        #: Held while a batch's derived data (SHIPPED, causes, products) is recomputed
        #: and waiting records completed: these read and write across batches' keys.
        self.derive_lock = asyncio.Lock()

    @classmethod
    def create(
        cls,
        connection: Connection,
        *,
        read_timeout: float | None = None,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float = 30.0,
        retry_time: float = 30.0,
        read_concurrency: int | None = None,
    ) -> GraphStore:
        """A store on `connection` that contacts the database only when first used.

        `connect_timeout`: seconds to establish one connection (the driver's
        `connection_timeout`, default 30). `retry_time`: seconds a managed transaction
        keeps retrying transient errors and lost connections before the error is raised
        (the driver's `max_transaction_retry_time`, default 30). The defaults are the
        driver's. Waiting for a free pooled connection keeps the driver's 60 s: that is
        load, not a fault, and a down database fails the connection attempt instead.
        `read_concurrency`: requests' reads in the database at once (None: no limit).
        """

        def driver(pool: int) -> neo4j.AsyncDriver:
            return AsyncGraphDatabase.driver(
                connection.uri,
                auth=(connection.user, connection.password),
                max_connection_pool_size=pool,
                connection_timeout=connect_timeout,
                max_transaction_retry_time=retry_time,
            )

        return cls(
            driver(READ_CONNECTIONS),
            connection.database,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            write_driver=driver(WRITE_CONNECTIONS),
            uri=connection.uri,
            read_concurrency=read_concurrency,
        )

    @classmethod
    async def open(
        cls,
        connection: Connection,
        *,
        ready_timeout: float = 30.0,
        read_timeout: float | None = None,
        write_timeout: float | None = WRITE_TIMEOUT,
    ) -> GraphStore:
        """Connect, wait until the database answers, and return a store whose reads
        give up after `read_timeout` seconds (None: never), and writes after
        `write_timeout`."""
        store = cls.create(connection, read_timeout=read_timeout, write_timeout=write_timeout)
        try:
            await store.wait_ready(ready_timeout)
        except BaseException:
            await store.close()
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
        """Ask the database for a trivial answer; raise StoreUnavailable, saying why, if it
        gives none. Not held back by `unavailable`: this is how recovery is noticed."""
        try:
            await self._ping()
        except (*_UNREACHABLE, AuthError, OSError) as error:
            raise StoreUnavailable(describe_unavailable(error, self.uri)) from None
        except ClientError as error:
            # The embedded server answers Bolt a moment before it has opened its database.
            if error.code != DATABASE_NOT_FOUND:
                raise
            raise StoreUnavailable(
                f"the database {self.database!r} does not exist (yet) at {self.uri}"
            ) from None

    async def _ping(self) -> None:
        # Auto-commit on purpose: a managed transaction would retry for 30 s on its own,
        # hiding the answer this loop is waiting for. It reads nothing.
        async with self._driver.session(database=self.database) as session:
            result = await session.run(cypher("store/ping").text)
            await result.consume()

    async def close(self) -> None:
        """Close the drivers and their connections."""
        await self._driver.close()
        if self._write_driver is not self._driver:
            await self._write_driver.close()

    def _gate(self) -> None:
        if self.unavailable is not None and not _PREPARING.get():
            raise StoreUnavailable(self.unavailable)

    @contextmanager
    def preparing(self) -> Iterator[None]:
        """Let the statements of this task through the closed gate, with no read time
        limit: the connector makes the database ready (schema, data migrations) before
        it opens it to requests."""
        token = _PREPARING.set(True)
        try:
            yield
        finally:
            _PREPARING.reset(token)

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn the driver's "cannot reach the database" errors into StoreUnavailable,
        telling `on_unavailable` the detailed reason."""
        try:
            yield
        except _UNREACHABLE as error:
            if self.on_unavailable is not None:
                self.on_unavailable(describe_unavailable(error, self.uri))
            raise StoreUnavailable(UNAVAILABLE) from error

    @contextmanager
    def priority(self) -> Iterator[None]:
        """Send this task's reads ahead of requests' reads: on the write connections, past
        the read gate (graph/db/read_gate.py), never shared. For the small reads everything
        else waits for: ingest planning a batch, a webhook's mapping, an API token's
        check. Under a read load they must not queue behind seconds of analyses."""
        token = _PRIORITY.set(True)
        try:
            yield
        finally:
            _PRIORITY.reset(token)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A write (an ingest batch, from planning to derived data) is in progress: while
        it is, requests' reads have one slot fewer in the database (graph/db/read_gate.py),
        so the batch's statements are not slowed down by as many reads as there are
        cores."""
        self.reads.write_began()
        try:
            yield
        finally:
            self.reads.write_ended()

    async def read(self, query: Query, **params: Any) -> list[Row]:
        """Run a read query in a managed read transaction and return its rows.

        A request's read passes the read gate (graph/db/read_gate.py): it may wait for a
        slot, and it may be answered by an identical read already in flight."""
        return await self._gated_read(query, params, from_db)

    async def read_plain(self, query: Query, **params: Any) -> list[Row]:
        """`read`, for a statement whose answer holds only strings, numbers, booleans,
        nulls and lists and maps of them (no temporal value, node or path): its rows as
        the driver decodes them, not walked again by `wire.from_db`. For answers of
        hundreds of thousands of values (a flow read's items: 1.4 s of Python for the
        127,885 items of twelve value streams at 1,000,000 work items)."""
        return await self._gated_read(query, params, _as_is)

    async def _gated_read(
        self, query: Query, params: Mapping[str, Any], convert: Callable[[Any], Any]
    ) -> list[Row]:
        _check(query, params)
        query.check_read()
        self._gate()
        # Preparing the database is not a request: no request's time limit applies.
        if _PREPARING.get():
            rows = await self._read(query, params, None, self._driver, convert)
        elif _PRIORITY.get():
            rows = await self._read(query, params, self.read_timeout, self._write_driver, convert)
        else:
            # A plain read shares only with plain reads: its rows are not converted.
            name = query.name if convert is from_db else query.name + "\nplain"
            rows = await self.reads.read(
                read_key(name, params),
                self.write_epoch,
                lambda: self._read(query, params, self.read_timeout, self._driver, convert),
                self.read_timeout,
            )
        return query.check_rows(rows)

    async def _read(
        self,
        query: Query,
        params: Mapping[str, Any],
        timeout: float | None,
        driver: neo4j.AsyncDriver,
        convert: Callable[[Any], Any] = from_db,
    ) -> list[Row]:
        self.round_trips += 1
        try:
            async with asyncio.timeout(timeout) as deadline:
                with self._reachable():
                    async with driver.session(
                        database=self.database, default_access_mode=neo4j.READ_ACCESS
                    ) as session:
                        return await _auto_read(
                            session, query.text, to_db(params), timeout, convert
                        )
        except TimeoutError:
            if not deadline.expired():
                raise
        except ClientError as error:
            if _TIMED_OUT not in (error.code or ""):
                raise
        limit = "" if timeout is None else f" (more than {timeout:g} s)"
        raise QueryTimeout(
            f"the query took too long{limit} and was abandoned; ask for less: "
            "a smaller `first`, fewer nested lists or a shorter time range"
        )

    async def write(self, query: Query, **params: Any) -> list[Row]:
        """Run a write query in its own managed write transaction."""
        _check(query, params)
        self._gate()
        self.round_trips += 1
        return query.check_rows(await self._execute_write(_run, query.text, to_db(params)))

    async def write_together(
        self, statements: Iterable[tuple[Query, Mapping[str, Any]]]
    ) -> list[list[Row]]:
        """Run several write queries in one managed transaction: all or nothing."""
        queries, prepared = [], []
        for query, params in statements:
            _check(query, params)
            queries.append(query)
            prepared.append((query.text, to_db(params)))
        self._gate()
        self.round_trips += len(prepared)
        results = await self._execute_write(_run_many, prepared)
        return [query.check_rows(rows) for query, rows in zip(queries, results, strict=True)]

    async def _execute_write(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run `work` in a managed write transaction (the driver retries transient
        errors; a lost creation race is raised for the caller to plan again), abandoned
        after `write_timeout` seconds."""
        timeout = None if _PREPARING.get() else self.write_timeout
        try:
            async with asyncio.timeout(timeout) as deadline:
                with self._reachable():
                    async with self._write_driver.session(database=self.database) as session:
                        return await session.execute_write(work, *args)
        except TimeoutError:
            if not deadline.expired():
                raise
        finally:
            # Whatever its outcome: a read sent before now may not show this write.
            self.write_epoch += 1
        self.stuck_writes += 1
        raise StoreUnavailable(
            f"the database did not finish a write within {timeout:g} s; it was abandoned "
            "and nothing of it is kept. Try again; if it happens again, GET /healthz"
        )

    async def apply_schema(self) -> int:
        """Apply the catalogue's idempotent schema statements (`cypher/schema/`), in name
        order, each in its own transaction (Neo4j runs schema changes alone). Not held back
        by `unavailable`: the connector applies it before opening the gate."""
        names = sorted(n for n in catalogue() if n.startswith(SCHEMA_PREFIX))
        for name in names:
            query = catalogue()[name]
            _check(query, {})
            self.round_trips += 1
            await self._execute_write(_run, query.text, {})
        return len(names)
