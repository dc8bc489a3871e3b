"""Failed authentications per client, limited: a guesser gets 429s, not database reads.

Each client (its address) has a bucket of `per_minute` failures that refills at
`per_minute` a minute. A request bearing a token this process does not already know to
be valid is answered 429, with `Retry-After`, while its client's bucket is empty, before
the token is looked up. Known valid tokens are never held up, so a guesser behind the
same address (a proxy, a NAT) slows down only the lookups of tokens not yet remembered.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

#: Clients remembered at once; the least recently seen is forgotten beyond.
MAX_CLIENTS = 10_000


class FailureLimit:
    """The buckets described in the module docstring."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # failures regained per second
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # left, at

    def _left(self, client: str) -> float:
        now = self.clock()
        left, at = self._buckets.get(client, (self.capacity, now))
        left = min(self.capacity, left + (now - at) * self.rate)
        self._buckets[client] = (left, now)
        self._buckets.move_to_end(client)
        while len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return left

    def retry_after(self, client: str) -> int | None:
        """Whole seconds `client` must wait before its next try, or None if it may try."""
        left = self._left(client)
        return None if left >= 1 else max(1, math.ceil((1 - left) / self.rate))

    def failed(self, client: str) -> None:
        """Count one failed authentication of `client`."""
        left = self._left(client)
        self._buckets[client] = (left - 1, self._buckets[client][1])
