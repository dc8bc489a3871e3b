"""Keeping a serving process's store usable: connect in the background, notice an
outage, recover without a restart.

The API starts whether or not the database answers. A `StoreConnector` owns its store's
gate (`GraphStore.unavailable`): while the gate is closed every query fails at once with
StoreUnavailable (HTTP 503) instead of waiting on the driver, and `state()` says why
(`GET /healthz`). Phases:

- starting: ping the database and apply the schema, at most `Retry.attempts` times,
  each attempt bounded by `Retry.timeout`, waiting 1, 2, 4 ... s (at most
  `Retry.max_delay`) in between; every failed attempt is logged with its reason.
  Success opens the gate: ok.
- failed: every attempt failed (or one failed in a way retrying cannot fix). The gate
  stays closed, the reason stays visible, and `on_give_up` is called: `vsg serve` then
  exits non-zero so that its supervisor (docker, systemd, Kubernetes) restarts it. A
  process that can never serve must not look alive, and endless retries would hide a
  wrong URI or password.
- reconnecting: a query found the database unreachable while serving (the driver's own
  retries spent). The gate closes and the database is pinged every `probe_interval`
  seconds, for as long as it takes: this process is healthy, restarting it would not
  bring the database back. The first answer opens the gate again: ok.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from enum import StrEnum

from graph.db.migrations import prepare
from graph.db.store import UNAVAILABLE, GraphStore
from graph.errors import StoreUnavailable

log = logging.getLogger(__name__)

#: While reconnecting, log the outage again every this many failed probes (not each one).
LOG_EVERY = 30


class Phase(StrEnum):
    """Where the connector is; `GET /healthz` reports it as `status`."""

    STARTING = "starting"
    OK = "ok"
    RECONNECTING = "reconnecting"
    FAILED = "failed"


@dataclass(frozen=True)
class Retry:
    """How hard to try at start-up."""

    attempts: int = 10
    #: Seconds one attempt may wait for the database's answer.
    timeout: float = 5.0
    #: Longest wait between two attempts.
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt `attempt` (1, 2, 4 ..., at most max_delay)."""
        return float(min(2.0 ** (attempt - 1), self.max_delay))


@dataclass(frozen=True)
class State:
    """The connector's phase and, unless ok, why."""

    phase: Phase
    reason: str

    @property
    def ok(self) -> bool:
        """Whether queries may run."""
        return self.phase is Phase.OK


class StoreConnector:
    """Connects `store` in the background and keeps its gate; see the module docstring."""

    def __init__(
        self,
        store: GraphStore,
        retry: Retry,
        *,
        on_give_up: Callable[[str], None] | None = None,
        probe_interval: float = 1.0,
    ) -> None:
        self.store = store
        self.retry = retry
        self.on_give_up = on_give_up
        self.probe_interval = probe_interval
        self._state = State(Phase.STARTING, f"connecting to {store.uri}")
        self._task: asyncio.Task[None] | None = None
        self._first_attempt = asyncio.Event()
        #: The detailed reason the store reported for the latest failed query.
        self._detail: str | None = None
        store.unavailable = UNAVAILABLE
        store.on_unavailable = self._lost

    def state(self) -> State:
        """The phase and why (as of the latest attempt or query)."""
        return self._state

    async def start(self) -> None:
        """Start connecting; return once the first attempt is over, whatever its outcome
        (so a process whose database is up serves from its first request)."""
        self._task = asyncio.create_task(self._connect(), name="vsgraph-connect")
        await self._first_attempt.wait()

    async def stop(self) -> None:
        """Stop connecting or probing (the store itself is closed by its owner)."""
        self.store.on_unavailable = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def check(self) -> State:
        """The state, after asking the database when it is believed up."""
        if self._state.ok:
            try:
                await self._ping()
            except StoreUnavailable as error:
                self._lost(str(error))
        return self._state

    async def _ping(self) -> None:
        try:
            async with asyncio.timeout(self.retry.timeout):
                await self.store.ping()
        except TimeoutError:
            raise StoreUnavailable(
                f"no answer from {self.store.uri} within {self.retry.timeout:g} s"
            ) from None

    def _why(self, error: StoreUnavailable) -> str:
        # A query's own message is the client's; the detail came through `_lost`.
        if str(error) == UNAVAILABLE and self._detail is not None:
            return self._detail
        return str(error)

    def _open(self) -> None:
        self._state = State(Phase.OK, "up")
        self.store.unavailable = None

    def _give_up(self, reason: str) -> None:
        self._state = State(Phase.FAILED, reason)
        log.error("The database is unavailable; %s", reason)
        if self.on_give_up is not None:
            self.on_give_up(reason)

    async def _connect(self) -> None:
        try:
            await self._attempts()
        finally:
            self._first_attempt.set()

    async def _attempts(self) -> None:
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            self._detail = None
            try:
                await self._ping()
                # Outside the attempt's time limit: creating indexes or running a data
                # migration on a large database may take a while, and an unreachable
                # database fails them within the driver's retry time anyway.
                await prepare(self.store)
            except StoreUnavailable as error:
                why = self._why(error)
            except Exception as error:
                # Not a connection problem (e.g. a schema statement the database refuses):
                # trying again would fail the same way.
                log.exception("Could not prepare the database at %s", self.store.uri)
                self._give_up(f"gave up: {type(error).__name__}: {error}")
                return
            else:
                self._open()
                log.info("Connected to the database at %s (attempt %d)", self.store.uri, attempt)
                return
            if attempt == attempts:
                self._give_up(f"gave up after {attempts} attempts: {why}")
                return
            delay = self.retry.delay(attempt)
            self._state = State(
                Phase.STARTING, f"{why}, attempt {attempt} of {attempts}, next in {delay:g} s"
            )
            log.warning("The database is unavailable: %s", self._state.reason)
            self._first_attempt.set()
            await asyncio.sleep(delay)

    def _lost(self, reason: str) -> None:
        """Called by the store when a query found the database unreachable."""
        self._detail = reason
        if not self._state.ok:
            return
        self.store.unavailable = UNAVAILABLE
        self._state = State(Phase.RECONNECTING, reason)
        log.warning("Lost the database: %s; reconnecting", reason)
        self._task = asyncio.create_task(self._reconnect(reason), name="vsgraph-reconnect")

    async def _reconnect(self, first: str) -> None:
        since = time.monotonic()
        stamp = time.strftime("%H:%M:%S", time.gmtime())
        probe = 0
        while True:
            await asyncio.sleep(self.probe_interval)
            probe += 1
            try:
                await self._ping()
            except StoreUnavailable as error:
                self._state = State(
                    Phase.RECONNECTING,
                    f"{error} (unavailable since {stamp} UTC, checking every "
                    f"{self.probe_interval:g} s)",
                )
                if probe % LOG_EVERY == 0:
                    log.warning("The database is still unavailable: %s", self._state.reason)
                continue
            self._open()
            log.warning(
                "The database answers again after %.0f s (it had failed with: %s)",
                time.monotonic() - since,
                first,
            )
            return
