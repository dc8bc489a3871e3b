"""Ids as people give them: `key` or `Label:key` as the pages write it."""

from __future__ import annotations

import logging

import pytest

from api.graphql.errorlog import OneLineInputErrors
from api.graphql.types.scalars import DATETIME
from graph.errors import InvalidArgument, StoreUnavailable
from graph.ids import plain_id
from graph.model import Label


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        (Label.VALUE_STREAM, "payments-value-stream", "payments-value-stream"),
        (Label.VALUE_STREAM, "ValueStream:payments-value-stream", "payments-value-stream"),
        (Label.PRODUCT, " Product:payments ", "payments"),
        (Label.WORK_ITEM, "Feature:PAY-1", "PAY-1"),
        (Label.WORK_ITEM, "WorkItem:PAY-1", "PAY-1"),
        (Label.REPOSITORY, "github:acme/payments", "github:acme/payments"),  # ids hold colons
        (Label.REPOSITORY, "Repository:github:acme/x", "github:acme/x"),
    ],
)
def test_plain_ids(label: Label, text: str, expected: str) -> None:
    assert plain_id(label, text) == expected


@pytest.mark.parametrize(
    ("label", "text", "message"),
    [
        (Label.VALUE_STREAM, "Product:payments", "is a Product id; a ValueStream id"),
        (Label.PRODUCT, "Product:", "names no Product id"),
        (Label.TEAM, "Feature:PAY-1", "is a Feature id; a Team id"),
    ],
)
def test_another_label_is_refused(label: Label, text: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        plain_id(label, text)


def test_datetime_arguments_take_plain_dates_as_utc_midnight() -> None:
    assert DATETIME.parse_value("2025-03-01").isoformat() == "2025-03-01T00:00:00+00:00"
    at = DATETIME.parse_value("2025-03-01T09:30:00+02:00")
    assert at.isoformat() == "2025-03-01T09:30:00+02:00"
    with pytest.raises(Exception, match="cannot represent a DateTime"):
        DATETIME.parse_value("2025-02-30")


def _record(error: BaseException) -> logging.LogRecord:
    return logging.LogRecord(
        "strawberry.execution", logging.ERROR, __file__, 1, "boom", None, (type(error), error, None)
    )


def test_input_errors_are_one_warning_line_and_bugs_keep_their_traceback() -> None:
    quiet = OneLineInputErrors()
    bad_id = _record(InvalidArgument("no such cursor"))
    assert quiet.filter(bad_id)
    assert (bad_id.levelno, bad_id.exc_info) == (logging.WARNING, None)
    assert bad_id.getMessage() == "boom (InvalidArgument)"
    down = _record(StoreUnavailable("database down"))
    quiet.filter(down)
    assert (down.levelno, down.exc_info) == (logging.ERROR, None)
    bug = _record(KeyError("x"))
    quiet.filter(bug)
    assert bug.levelno == logging.ERROR and bug.exc_info is not None
