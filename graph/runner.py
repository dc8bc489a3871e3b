"""How graph/ hands a pure computation to its caller's runner.

An analysis loads its data with async reads, then computes over it in plain Python
(networkx, numpy). Inside the server that second step must not run on the event loop:
the API passes its worker pool's `run` (api/compute.py), which computes in a thread.
The CLI and the benchmarks, alone in their process, pass nothing and get `inline`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Runner(Protocol):
    """Run `function(*args)`, a pure function over loaded data, and await its result."""

    def __call__(self, function: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


async def inline(function: Callable[..., T], /, *args: Any) -> T:
    """Run `function(*args)` right here (for a process that serves no one else)."""
    return function(*args)
