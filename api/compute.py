"""CPU-heavy work off the event loop: a bounded pool, a share per client, a deadline.

Flow metrics, CFDs, aging WIP, forecasts' simulations, exports and the value-stream
analyses (constraints, team network, critical path, traceability and skill gaps,
recommendations: graph/analysis/stream.py loads their data with reads on the loop, then
computes through `runner`) compute in Python over data already loaded; on the event loop
one long computation would hold every other request (a 40-second CFD held a probe 40 s).
`Compute.run` hands a pure function to a worker thread instead:

- at most `workers` computations run at once (`VSG_COMPUTE_WORKERS`), so the loop and the
  database reads keep their share of the CPU (a thread gives the interpreter back every
  few milliseconds);
- one client (an API token, or an address without one) runs at most `per_client` of them
  at once (`VSG_CLIENT_CONCURRENCY`); its other computations wait their turn, so a
  client cannot take the whole pool from the others;
- each computation, its wait for a turn included, has `timeout` seconds
  (`VSG_COMPUTE_TIMEOUT_SECONDS`); past it the request gets a `QueryTimeout` and stops
  waiting. A thread cannot be killed, so the function itself finishes in the background:
  the cost limits (api/graphql/limits.py) keep the longest allowed one to a few seconds.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import anyio
import anyio.to_thread

from graph.errors import QueryTimeout
from graph.runner import Runner

T = TypeVar("T")

#: Seconds a thread computing in Python runs before another waiting one may take over.
SWITCH_INTERVAL = 0.001


class Compute:
    """The worker pool of one app (module docstring)."""

    #: Clients remembered at once; the least recently seen idle one is forgotten.
    _MAX_CLIENTS = 10_000

    def __init__(self, workers: int, per_client: int, timeout: float) -> None:
        # The interpreter lets a waiting thread in every `switch interval` (5 ms by
        # default); the event loop takes the lock back at each of its many awaits, so with
        # busy workers a small request waited 5 ms a hundred times. At 1 ms it waits a
        # fifth of that, for a few percent of the workers' throughput.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self.pool = anyio.CapacityLimiter(workers)
        self.per_client = per_client
        self.timeout = timeout
        self._clients: OrderedDict[str, anyio.CapacityLimiter] = OrderedDict()

    def _limiter(self, client: str) -> anyio.CapacityLimiter:
        limiter = self._clients.get(client)
        if limiter is None:
            limiter = self._clients[client] = anyio.CapacityLimiter(self.per_client)
            if len(self._clients) > self._MAX_CLIENTS:
                for key, old in list(self._clients.items()):
                    if old.borrowed_tokens == 0 and key != client:
                        del self._clients[key]
                        break
        self._clients.move_to_end(client)
        return limiter

    async def run(self, client: str, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a worker thread, within the client's share and the deadline."""
        try:
            with anyio.fail_after(self.timeout):
                async with self._limiter(client):
                    return await anyio.to_thread.run_sync(
                        partial(function, *args), limiter=self.pool, abandon_on_cancel=True
                    )
        except TimeoutError:
            raise QueryTimeout(
                f"the computation took too long (more than {self.timeout:g} s) and was "
                "abandoned; ask for a shorter window, fewer points or fewer trials"
            ) from None

    def runner(self, client: str) -> Runner:
        """`run` for one client: what graph/ takes to compute off the loop (graph/runner.py)."""

        async def run(function: Callable[..., T], /, *args: object) -> T:
            return await self.run(client, function, *args)

        return run
