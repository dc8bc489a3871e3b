"""Order statistics the flow and DORA metrics share: pure."""

from __future__ import annotations

import math
from collections.abc import Sequence

#: The quantile reported beside the median: 85 % of the values are at most this.
P85 = 0.85


def percentile(values: Sequence[float], p: float) -> float | None:
    """The `p` quantile (0..1), interpolating linearly between closest ranks (as Cypher's
    percentileCont and numpy's default); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    rank = (len(xs) - 1) * p
    low = math.floor(rank)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (rank - low)
