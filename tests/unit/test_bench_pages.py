"""bench/pages.py times what the pages ask: the GraphQL documents it reads out of their
scripts must be all of them, whole, and valid against the schema."""

from __future__ import annotations

from datetime import UTC, datetime

from graphql import parse, validate

from api.schema import schema
from bench.pages import APP, documents, requests

SUBJECTS = {
    "product": "payments",
    "stream": "payments-value-stream",
    "items": 10,
    "done": "pay-done",
    "item": "PAY-12",
    "other": "CHK-3",
    "word": "refund",
}


def test_every_document_of_both_pages_is_read_whole_and_valid() -> None:
    explorer = documents(APP / "explorer.js")
    dashboard = documents(APP / "dashboard.js")

    assert {"DETAILS", "NEIGHBOURHOOD", "PATH", "SEARCH", "TRACE"} <= explorer.keys()
    assert {"STREAMS", "DASHBOARD", "INLINE_0"} <= dashboard.keys()
    for name, document in {**explorer, **dashboard}.items():
        if name == "CAPTION":
            continue  # a fragment, put into the documents that spread it
        assert "${" not in document, name
        assert validate(schema._schema, parse(document)) == [], name


def test_the_timed_requests_cover_both_pages_with_their_variables() -> None:
    asked = requests(
        documents(APP / "explorer.js"),
        documents(APP / "dashboard.js"),
        SUBJECTS,
    )

    assert {page for page, *_ in asked} == {"explorer", "dashboard"}
    by_what = {what: variables for _, what, _, variables in asked}
    assert by_what["search 'pay-1' (a key's prefix)"] == {"text": "pay-1"}
    dashboard = by_what["dashboard of payments-value-stream"]
    assert dashboard["id"] == "ValueStream:payments-value-stream"
    assert datetime.fromisoformat(dashboard["to"]) == datetime(2026, 1, 1, tzinfo=UTC)
    assert by_what["path PAY-12 → CHK-3"] == {"from": "WorkItem:PAY-12", "to": "WorkItem:CHK-3"}
