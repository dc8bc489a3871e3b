"""Instants as integers: what queries return when they return many times.

Decoding a temporal value costs the driver far more than an integer, so queries that
return thousands of times return them as epoch numbers (Cypher's `epochMillis`, or
microseconds as `epochSeconds * 1000000 + nanosecond / 1000`), and these turn them back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """A timezone-aware instant as microseconds since the epoch."""
    return (at - EPOCH) // _MICROSECOND


def instant(us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=us)


def from_millis(ms: int) -> datetime:
    """Milliseconds since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(milliseconds=ms)
