"""Order statistics shared by the flow and DORA metrics."""

from __future__ import annotations

import pytest

from graph.metrics.stats import percentile


def test_percentile_interpolates_between_closest_ranks() -> None:
    # [1, 2, 3, 4]: median at rank 3 * 0.5 = 1.5 -> 2 + 0.5 * (3 - 2) = 2.5;
    # p85 at rank 3 * 0.85 = 2.55 -> 3 + 0.55 * (4 - 3) = 3.55.
    assert percentile([4, 1, 3, 2], 0.5) == 2.5
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.85) == pytest.approx(3.55)
    # One value is every quantile; no values have none.
    assert percentile([7.0], 0.85) == 7.0
    assert percentile([], 0.5) is None
