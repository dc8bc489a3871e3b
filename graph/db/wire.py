"""Values on the wire: parameters to the driver (`to_db`), results back (`from_db`).

Time: values go in as naive UTC datetimes and come back as aware UTC datetimes. The
embedded database stores timezone-aware values without their zone and then refuses to
mix them with aware parameters, so naive UTC on the wire is the one representation that
behaves the same on Neo4j and on the embedded database.

Datetimes go as the driver's own packstream `Structure`, built here (`wire_datetime`):
the one use of a private part of the driver, isolated in this module. Should a driver
release move it, the fallback is loud: a warning at import, `FAST_DATETIMES` false and
a failing unit test (tests/unit/test_store_wire.py); datetimes then go to the driver as
they are, slower and the same.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import neo4j
import neo4j.graph
import neo4j.time

try:
    from neo4j._codec.packstream import Structure as _Structure
except ImportError:  # pragma: no cover - a driver release without it
    _Structure = None

#: Whether datetimes are encoded here (fast) rather than by the driver (about 50 times
#: slower per value): false only if the driver no longer has its packstream Structure.
FAST_DATETIMES = _Structure is not None
if not FAST_DATETIMES:  # pragma: no cover - a driver release without it
    logging.getLogger("vsgraph.store").warning(
        "neo4j._codec.packstream.Structure is gone from this neo4j driver: datetimes are "
        "encoded by the driver, about 50 times slower (graph/db/wire.py)"
    )

#: Values that go to and come back from the driver as they are.
_PLAIN = frozenset({str, int, float, bool, type(None)})
_NAIVE_EPOCH = datetime(1970, 1, 1)


def wire_datetime(value: datetime) -> Any:
    """A datetime as Bolt's LocalDateTime structure, in UTC (naive values are UTC).

    The driver encodes a Python datetime through its own temporal types at ~50 us per
    value, which makes it the largest cost of a large import (millions of timestamps);
    this builds the identical structure (tests/unit/test_store_wire.py compares them) in
    about 1 us. The structure class is the driver's own, from a private module: should a
    driver release move it, datetimes go to the driver as they are (slower, the same),
    and `FAST_DATETIMES` says so (see the module docstring)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if _Structure is None:  # pragma: no cover - see FAST_DATETIMES
        return value
    since = value - _NAIVE_EPOCH
    return _Structure(b"d", since.days * 86400 + since.seconds, since.microseconds * 1000)


def to_db(value: Any) -> Any:
    """Convert a parameter value for the wire: datetimes become naive UTC (LocalDateTime);
    plain values pass through untouched."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: v if type(v) in _PLAIN else to_db(v) for k, v in value.items()}
    if kind is list:
        if _PLAIN.issuperset(map(type, value)):
            return value
        return [to_db(v) for v in value]
    if isinstance(value, datetime):
        return wire_datetime(value)
    if isinstance(value, Mapping):
        return {k: to_db(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_db(v) for v in value]
    return value


def from_db(value: Any) -> Any:
    """Convert a result value to plain Python: datetimes come back aware, in UTC; nodes
    as their property maps, relationships as (start, type, end), paths as lists.

    Dispatches on the exact type, plain values first: a metrics result carries hundreds
    of thousands of numbers and strings, and generic checks on each cost seconds."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        if _PLAIN.issuperset(map(type, value)):
            return value
        # Plain members as they are, without a call each: a flow read's list holds tens
        # of thousands of items, each a list of a dozen values.
        return [v if type(v) in _PLAIN else from_db(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _PLAIN else from_db(v) for k, v in value.items()}
    if isinstance(value, neo4j.time.DateTime):
        value = value.to_native()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, date):
        return value
    if isinstance(value, neo4j.graph.Node):
        return {k: from_db(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Relationship):
        start, end = value.start_node, value.end_node
        return (from_db(start) if start else None, value.type, from_db(end) if end else None)
    if isinstance(value, neo4j.graph.Path):
        return [from_db(n) for n in value.nodes]
    if isinstance(value, Mapping):
        return {k: from_db(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_db(v) for v in value]
    return value
