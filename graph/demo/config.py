"""What to generate (`DemoConfig`, checked when made) and the generator's units of time:
times inside it are seconds since the start of the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MIN_WORK_ITEMS = 200
MAX_WORK_ITEMS = 1_000_000

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class DemoConfig:
    """What to generate: how many work items, over how long a history, from which seed.

    `lead_items`, when set, gives exactly that many of the work items to the first
    product (and so to its one value stream), the rest spread over the others as usual:
    benchmarks use it to build one value stream of a given size without generating ten
    times as much organisation around it.
    """

    work_items: int = 3000
    seed: int = 7
    until: datetime | None = None
    months: int = 13
    lead_items: int | None = None

    def __post_init__(self) -> None:
        if not MIN_WORK_ITEMS <= self.work_items <= MAX_WORK_ITEMS:
            raise ValueError(
                f"work_items must be between {MIN_WORK_ITEMS:,} and {MAX_WORK_ITEMS:,}, "
                f"got {self.work_items:,}"
            )
        if self.lead_items is not None and not (
            MIN_WORK_ITEMS <= self.lead_items <= self.work_items - MIN_WORK_ITEMS
        ):
            raise ValueError(
                f"lead_items must be between {MIN_WORK_ITEMS:,} and work_items - "
                f"{MIN_WORK_ITEMS:,} ({self.work_items - MIN_WORK_ITEMS:,}), "
                f"got {self.lead_items:,}"
            )
        if not 3 <= self.months <= 60:
            raise ValueError(f"months must be between 3 and 60, got {self.months}")
        if self.until is not None and self.until.utcoffset() is None:
            raise ValueError("until must be timezone-aware (e.g. tzinfo=UTC)")
