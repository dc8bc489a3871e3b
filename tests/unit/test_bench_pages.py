"""bench/pages.py times what the pages ask: the GraphQL documents it reads out of their
scripts must be all of them, whole, and valid against the schema."""

from __future__ import annotations

from datetime import UTC, datetime

from graphql import parse, validate

from api.graphql.schema import schema
from bench.pages import TEMPLATES, group_pages, pages, requests

SUBJECTS = {
    "product": "payments",
    "stream": "payments-value-stream",
    "items": 10,
    "done": "pay-done",
    "item": "PAY-12",
    "other": "CHK-3",
    "word": "refund",
}


def test_every_document_of_every_page_is_read_whole_and_valid() -> None:
    docs = pages()
    assert {"DETAILS", "GROUPS", "PATH", "SEARCH", "TRACE", "INLINE_0"} <= docs["explorer"].keys()
    assert {"STREAMS", "STREAM", "DORA", "FLOW", "FORECAST"} <= docs["dashboard"].keys()
    assert {"QUERY"} <= docs["home"].keys()
    assert {"Q_CONSTRAINT", "Q_SKILLS", "Q_RECOMMENDATIONS", "RAISE"} <= docs["analysis"].keys()
    for page, found in docs.items():
        for name, document in found.items():
            if name in TEMPLATES:
                continue  # a piece, put into the documents that use it
            assert "${" not in document, (page, name)
            assert validate(schema._schema, parse(document)) == [], (page, name)


def test_the_timed_requests_cover_every_page_with_their_variables() -> None:
    asked = requests(pages(), SUBJECTS)

    assert {page for page, *_ in asked} == {"home", "dashboard", "analysis", "explorer"}
    by_what = {what: variables for _, what, _, variables in asked}
    assert by_what["search 'pay-1' (a key's prefix)"] == {"text": "pay-1"}
    dashboard = by_what["payments-value-stream: map, constraint"]
    assert dashboard["id"] == "ValueStream:payments-value-stream"
    assert by_what["payments: DORA"] == dashboard
    assert datetime.fromisoformat(dashboard["to"]) == datetime(2026, 1, 1, tzinfo=UTC)
    assert by_what["payments-value-stream: flow figures"]["scope"] == dashboard["id"]
    assert by_what["path PAY-12 → CHK-3"] == {"from": "WorkItem:PAY-12", "to": "WorkItem:CHK-3"}
    assert "skills of payments-value-stream" in by_what


def test_the_group_pages_are_built_as_the_explorer_builds_them() -> None:
    groups = [
        {"type": "HAS_VALUE_STREAM", "direction": "OUTGOING", "label": "VALUE_STREAM",
         "count": 1, "endCursor": None},
        {"type": "FOR_PRODUCT", "direction": "INCOMING", "label": "WORK_ITEM",
         "count": 4000, "endCursor": "b2Zmc2V0OjIw"},
    ]  # fmt: skip
    _, _, document, variables = group_pages(pages()["explorer"], groups, "Product:p")
    assert validate(schema._schema, parse(document)) == []
    assert (variables["f1"], variables["l1"], variables["a1"]) == (50, "WORK_ITEM", "b2Zmc2V0OjIw")
