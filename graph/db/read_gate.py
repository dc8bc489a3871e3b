"""How requests' reads reach the database: a bounded number at once, identical ones shared.

The embedded database runs a few statements at once (twice its cores, at least 4) and
queues the rest in arrival order, reads and writes alike. Fifty readers kept that queue
full: every write waited behind seconds of reads, and reads abandoned at their deadline
went on running in the database, so the queue never drained (docs/performance.md, "Under
load"). The gate keeps that queue in this process instead, where it can be ordered:

- **At most `limit` reads of requests are in the database at once** (`VSG_READ_CONCURRENCY`).
  The others wait here, and a read that waits longer than its deadline fails before it
  ever reaches the database (`QueryTimeout`, a 503), so no abandoned read is left running
  there.
- **Clients take turns.** A free slot goes to the waiting client (`READ_CLIENT`: an API
  token, or an address without one) that was given one longest ago, each client's reads
  in arrival order: one request sending thirty analyses' reads at once delays another
  client's read by one read, not by thirty.
- **Writes go ahead.** Writes, and the small reads everything else waits for (ingest
  planning a batch, a webhook's mapping, a token's check), do not pass the gate
  (`GraphStore.priority`): with requests' reads held below the database's own limit,
  they find a free slot there at once.
- **A write in progress takes one of the reads' slots** (down to one left for reads;
  `GraphStore.writing`). The database's slots are not its cores: with as many reads as
  cores in flight, a batch's statements shared the cores with that many analyses
  (ingest p99 under 50 readers 3.06x its p99 with none; with this rule 1.63x, and twice
  the writes: docs/performance.md, "Under load"). Reads already sent finish; the next
  one waits until a slot is free again.
- **Identical concurrent reads run once.** A read with the same statement and parameters
  as one in flight waits for that one's rows instead of sending its own, provided no
  write of this process has finished since that read was sent (the rows could not show
  it; see `GraphStore.write_epoch`). Fifty dashboards showing the same stream's metrics
  cost one read, not fifty, and a client still reads its own writes. Shared rows are
  copied per caller (one level deep): callers treat nested values as read-only.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryTimeout

Row = dict[str, Any]

#: Clients whose last turn is remembered; past it, those with no read waiting are forgotten.
_CLIENTS_REMEMBERED = 10_000

#: Who the reads of this task are for (set per request by the API's authentication);
#: clients take turns for the gate's slots.
READ_CLIENT: ContextVar[str] = ContextVar("vsg_read_client", default="")


def _default(value: object) -> str:
    return f"{type(value).__name__}:{value!r}"


def read_key(name: str, params: Mapping[str, Any]) -> str:
    """A key equal for equal statements and parameters (datetimes and other values by
    their type and repr)."""
    return name + "\n" + json.dumps(params, sort_keys=True, default=_default)


@dataclass
class _Shared:
    epoch: int
    task: asyncio.Future[list[Row]] | None = None
    #: Callers waiting for its rows; when the last leaves before it was sent, it is not.
    callers: int = 0
    sent: bool = False


class ReadGate:
    """Admission and sharing of requests' reads (module docstring)."""

    def __init__(self, limit: int | None) -> None:
        #: None: no limit (Neo4j queues and schedules reads itself).
        self.limit = limit
        #: Requests' reads in the database now, and writes (ingest batches) in progress.
        self._in_use = 0
        self._writes = 0
        #: Clients with reads waiting, in turn order; each one's waiting reads in order.
        self._turns: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()
        #: When each client was last given a slot (a count of slots given).
        self._served: dict[str, int] = {}
        self._given = 0
        self._in_flight: dict[str, _Shared] = {}
        #: Reads answered from another caller's read since the store was opened.
        self.shared = 0
        #: Reads waiting for a slot right now (/healthz, benchmarks).
        self.waiting = 0

    async def read(
        self,
        key: str,
        epoch: int,
        run: Callable[[], Awaitable[list[Row]]],
        wait_limit: float | None,
    ) -> list[Row]:
        """The rows of `run()`, sent once a slot is free, or those of an identical read
        sent since the last write (`epoch`); `wait_limit`: seconds to wait for a slot."""
        shared = self._in_flight.get(key)
        if shared is not None and shared.epoch == epoch:
            self.shared += 1
        else:
            shared = _Shared(epoch)
            shared.task = task = asyncio.ensure_future(self._admitted(shared, run, wait_limit))
            self._in_flight[key] = shared
            task.add_done_callback(lambda done: self._forget(key, shared, done))
        assert shared.task is not None
        shared.callers += 1
        try:
            # Shielded: one caller giving up (a closed connection, its deadline) must not
            # cancel the read the others wait for.
            rows = await asyncio.shield(shared.task)
        finally:
            shared.callers -= 1
            if not shared.callers and not shared.sent:
                shared.task.cancel()  # nobody waits for it any more: never send it
        return [dict(row) for row in rows]

    def _forget(self, key: str, shared: _Shared, task: asyncio.Future[list[Row]]) -> None:
        if self._in_flight.get(key) is shared:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have gone

    async def _admitted(
        self, shared: _Shared, run: Callable[[], Awaitable[list[Row]]], wait_limit: float | None
    ) -> list[Row]:
        if self.limit is None:
            shared.sent = True
            return await run()
        await self._acquire(READ_CLIENT.get(), wait_limit)
        shared.sent = True
        try:
            return await run()
        finally:
            self._release()

    @property
    def capacity(self) -> int:
        """Reads that may be in the database now: `limit`, less one per write in
        progress, at least one."""
        assert self.limit is not None
        return max(1, self.limit - self._writes)

    def write_began(self) -> None:
        """A write is in progress: one slot fewer for reads from now on."""
        self._writes += 1

    def write_ended(self) -> None:
        """A write is over: its slot goes to the next waiting read."""
        self._writes -= 1
        self._admit()

    async def _acquire(self, client: str, wait_limit: float | None) -> None:
        if self._in_use < self.capacity and not self._turns:
            self._in_use += 1
            self._serve(client)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._turns.setdefault(client, deque()).append(turn)
        self.waiting += 1
        try:
            async with asyncio.timeout(wait_limit):
                await turn
        except TimeoutError:
            self._give_up(client, turn)
            raise QueryTimeout(
                f"the database is busy: this read waited more than {wait_limit:g} s for "
                "its turn and was not sent; try again in a moment"
            ) from None
        except BaseException:
            self._give_up(client, turn)
            raise
        finally:
            self.waiting -= 1

    def _give_up(self, client: str, turn: asyncio.Future[None]) -> None:
        """A waiting read leaves: out of its client's queue, or, if it was given the slot
        just as it left, the slot goes on to the next."""
        if turn.done() and not turn.cancelled():
            self._release()
            return
        queue = self._turns.get(client)
        if queue is not None and turn in queue:
            queue.remove(turn)
            if not queue:
                del self._turns[client]

    def _serve(self, client: str) -> None:
        self._given += 1
        self._served[client] = self._given
        if len(self._served) > _CLIENTS_REMEMBERED:
            self._served = {c: n for c, n in self._served.items() if c in self._turns}

    def _release(self) -> None:
        self._in_use -= 1
        self._admit()

    def _admit(self) -> None:
        """Free slots go to the first waiting read of the waiting client served longest
        ago (or never), so a client with one read goes before another's burst."""
        while self._turns and self.limit is not None and self._in_use < self.capacity:
            client = min(self._turns, key=lambda c: self._served.get(c, 0))
            queue = self._turns[client]
            turn = queue.popleft()
            if not queue:
                del self._turns[client]
            if not turn.done():
                self._in_use += 1
                self._serve(client)
                turn.set_result(None)
