"""Striped locks: writers that name disjoint keys run at once, writers that share one wait.

Ingest holds, for a whole batch, the stripes of every node the batch names (graph/ingest/
service.py): two webhook deliveries about different items write concurrently, two about
the same item (or creating the same relationship, whose ends they share) one after the
other. A stripe is a key's hash modulo the stripe count, so the locks held are bounded
whatever the keys; a bulk import names keys in every stripe and so waits for, and holds
up, everything else, as one lock would. Stripes are taken in ascending order, so two
writers never wait for each other.

Examples:

>>> import asyncio
>>> locks = KeyLocks(stripes=4)
>>> async def demo() -> bool:
...     async with locks.holding(["WorkItem:PAY-1"]):
...         return locks.busy(["WorkItem:PAY-1"]) and not locks.busy([])
>>> asyncio.run(demo())
True
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager


class KeyLocks:
    """A fixed set of asyncio locks, one per stripe of the key space."""

    def __init__(self, stripes: int = 64) -> None:
        self._locks = [asyncio.Lock() for _ in range(stripes)]

    def _stripes(self, keys: Iterable[str] | None) -> list[int]:
        if keys is None:
            return list(range(len(self._locks)))
        return sorted({hash(key) % len(self._locks) for key in keys})

    def busy(self, keys: Iterable[str]) -> bool:
        """Whether any stripe of `keys` is held now."""
        return any(self._locks[i].locked() for i in self._stripes(keys))

    @asynccontextmanager
    async def holding(self, keys: Iterable[str] | None) -> AsyncIterator[None]:
        """Hold the stripes of `keys` (in ascending order) for the block; None: all."""
        held: list[asyncio.Lock] = []
        try:
            for stripe in self._stripes(keys):
                lock = self._locks[stripe]
                await lock.acquire()
                held.append(lock)
            yield
        finally:
            for lock in reversed(held):
                lock.release()
