"""Parameters on the wire (graph/db/wire.py to_db): datetimes as the driver itself would
send them, only faster; everything else untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from neo4j._codec.hydration.bolt.v2.temporal import dehydrate_datetime

from graph.db.wire import FAST_DATETIMES, to_db, wire_datetime

NAIVE = [
    datetime(2025, 3, 1, 9, 30, 15, 123456),
    datetime(1970, 1, 1),
    datetime(1969, 12, 31, 23, 59, 59, 500000),  # before the epoch: negative seconds
    datetime(2038, 1, 19, 3, 14, 8),  # past 32-bit seconds
    datetime(1, 1, 1),
    datetime(9999, 12, 31, 23, 59, 59, 999999),
]


def test_the_driver_still_has_the_structure_datetimes_are_built_with() -> None:
    # The fallback is correct but about 50 times slower per datetime: a driver upgrade
    # that moves the private class fails here rather than slowing imports silently.
    assert FAST_DATETIMES


def test_a_naive_datetime_is_the_structure_the_driver_makes() -> None:
    for value in NAIVE:
        assert wire_datetime(value) == dehydrate_datetime(value), value


def test_an_aware_datetime_goes_as_its_naive_utc_instant() -> None:
    zones = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
    for value in NAIVE[:4]:
        for zone in zones:
            aware = value.replace(tzinfo=UTC).astimezone(zone)
            assert wire_datetime(aware) == dehydrate_datetime(value), aware


def test_parameters_are_converted_deep_and_plain_values_kept() -> None:
    when = datetime(2025, 3, 1, tzinfo=UTC)
    rows = [{"id": "a", "key": {"enteredAt": when}, "n": 1, "tags": ["x", "y"]}]
    [row] = to_db(rows)
    assert row["key"]["enteredAt"] == dehydrate_datetime(when.replace(tzinfo=None))
    assert (row["id"], row["n"], row["tags"]) == ("a", 1, ["x", "y"])
    plain = ["a", 1, 2.5, True, None]
    assert to_db(plain) is plain  # nothing to convert: no copy
    assert to_db((when,)) == [dehydrate_datetime(when.replace(tzinfo=None))]
