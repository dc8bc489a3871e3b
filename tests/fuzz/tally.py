"""How many generated cases each fuzzer ran in this pytest session."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: Cases run per fuzzer (graphql, ingest, webhooks), summed over the session's tests.
CASES: Counter[str] = Counter()
#: What the cases came to per fuzzer (a status, or a mutation's result type), for the summary.
OUTCOMES: dict[str, Counter[str]] = {}


@dataclass
class Tally:
    """The cases one test ran; the test fails unless it ran at least `expected`."""

    fuzzer: str = ""
    expected: int = 0
    count: int = field(default=0)

    def expect(self, fuzzer: str, expected: int) -> None:
        """Name the fuzzer and how many generated cases the test must run."""
        self.fuzzer, self.expected = fuzzer, expected

    def add(self) -> None:
        """Count one case."""
        assert self.fuzzer, "call expect() before counting cases"
        self.count += 1
        CASES[self.fuzzer] += 1

    def outcome(self, what: object) -> None:
        """Note what one case came to (shown in the terminal summary)."""
        OUTCOMES.setdefault(self.fuzzer, Counter())[str(what)] += 1
