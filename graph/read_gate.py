"""How requests' reads reach the database: a bounded number at once, identical ones shared.

The embedded database runs a few statements at once (twice its cores, at least 4) and
queues the rest in arrival order, reads and writes alike. Fifty readers kept that queue
full: every write waited behind seconds of reads, and reads abandoned at their deadline
went on running in the database, so the queue never drained (docs/performance.md, "Under
load"). The gate keeps that queue in this process instead, where it can be ordered:

- **At most `limit` reads of requests are in the database at once** (`VSG_READ_CONCURRENCY`).
  The others wait here, in arrival order, and a read that waits longer than its deadline
  fails before it ever reaches the database (`QueryTimeout`, a 503), so no abandoned read
  is left running there. Writes, and the small reads everything else waits for (ingest
  planning a batch, a webhook's mapping, a token's check), do not pass the gate
  (`GraphStore.priority`): with requests' reads held below the database's own limit,
  they find a free slot there at once.
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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryTimeout

Row = dict[str, Any]


def _default(value: object) -> str:
    return f"{type(value).__name__}:{value!r}"


def read_key(name: str, params: Mapping[str, Any]) -> str:
    """A key equal for equal statements and parameters (datetimes and other values by
    their type and repr)."""
    return name + "\n" + json.dumps(params, sort_keys=True, default=_default)


@dataclass
class _Shared:
    task: asyncio.Future[list[Row]]
    epoch: int


class ReadGate:
    """Admission and sharing of requests' reads (module docstring)."""

    def __init__(self, limit: int | None) -> None:
        #: None: no limit (Neo4j queues and schedules reads itself).
        self.limit = limit
        self._slots = asyncio.Semaphore(limit) if limit else None
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
            shared = _Shared(asyncio.ensure_future(self._admitted(run, wait_limit)), epoch)
            self._in_flight[key] = shared
            shared.task.add_done_callback(lambda task: self._forget(key, shared, task))
        # Shielded: one caller giving up (a closed connection, its deadline) must not
        # cancel the read the others wait for.
        rows = await asyncio.shield(shared.task)
        return [dict(row) for row in rows]

    def _forget(self, key: str, shared: _Shared, task: asyncio.Future[list[Row]]) -> None:
        if self._in_flight.get(key) is shared:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have gone

    async def _admitted(
        self, run: Callable[[], Awaitable[list[Row]]], wait_limit: float | None
    ) -> list[Row]:
        if self._slots is None:
            return await run()
        self.waiting += 1
        try:
            async with asyncio.timeout(wait_limit):
                await self._slots.acquire()
        except TimeoutError:
            raise QueryTimeout(
                f"the database is busy: this read waited more than {wait_limit:g} s for "
                "its turn and was not sent; try again in a moment"
            ) from None
        finally:
            self.waiting -= 1
        try:
            return await run()
        finally:
            self._slots.release()
