"""The feedback source on the Payments fixtures: an NPS/CSAT CSV and Zendesk tickets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.ingest.records import NodeRecord, RelationshipRecord
from graph.ingest.sources import feedback
from graph.ingest.sources.mapping import SourceMapping, load_mapping
from graph.ingest.sources.payload import Converted, PayloadError
from graph.model import Label, Sentiment

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
MAPPING = load_mapping(FIXTURES / "mapping.json")
HEADER = b"id,created_at,channel,survey,score,comment,sentiment,product,issue_key\n"


def convert(name: str | bytes, mapping: SourceMapping = MAPPING) -> Converted:
    data = (FIXTURES / "feedback" / name).read_bytes() if isinstance(name, str) else name
    return feedback.convert(data, mapping)


def nodes(converted: Converted) -> dict[str, dict[str, Any]]:
    return {
        r.id: r.properties
        for r in converted.records
        if isinstance(r, NodeRecord) and r.label is Label.FEEDBACK
    }


def about(converted: Converted) -> set[tuple[str, str, str]]:
    return {
        (r.start.id, r.end.label, r.end.id)
        for r in converted.records
        if isinstance(r, RelationshipRecord)
    }


@pytest.mark.parametrize(
    ("score", "survey", "expected"),
    [
        # NPS: promoters 9-10, passives 7-8, detractors 0-6.
        (10, "nps", Sentiment.POSITIVE),
        (9, "nps", Sentiment.POSITIVE),
        (8, "nps", Sentiment.NEUTRAL),
        (7, "nps", Sentiment.NEUTRAL),
        (6, "nps", Sentiment.NEGATIVE),
        (0, "nps", Sentiment.NEGATIVE),
        # CSAT 1-5: 4-5 satisfied, 3 neutral, 1-2 dissatisfied.
        (5, "csat", Sentiment.POSITIVE),
        (4, "csat", Sentiment.POSITIVE),
        (3, "csat", Sentiment.NEUTRAL),
        (2, "csat", Sentiment.NEGATIVE),
    ],
)
def test_sentiment_follows_from_the_score(score: int, survey: str, expected: Sentiment) -> None:
    assert feedback.sentiment_of(score, survey) is expected


def test_the_nps_csv_becomes_feedback_about_issues_or_the_product() -> None:
    converted = convert("nps.csv")
    found = nodes(converted)
    assert set(found) == {f"nps-{n}" for n in range(5001, 5007)}
    first = found["nps-5001"]
    assert first == {
        "title": "Paying by card is so much faster now",
        "channel": "in-app",
        "sentiment": "positive",
        "score": 10.0,
        "createdAt": datetime(2025, 3, 16, 10, 12, tzinfo=UTC),
        "text": "Paying by card is so much faster now",
        "source": "feedback",
    }
    # 18:40+01:00 is 17:40 UTC.
    assert found["nps-5002"]["createdAt"] == datetime(2025, 3, 16, 17, 40, tzinfo=UTC)
    assert about(converted) == {
        ("nps-5001", "WorkItem", "PAY-3"),
        ("nps-5002", "WorkItem", "PAY-5"),
        ("nps-5003", "WorkItem", "PAY-10"),
        ("nps-5004", "WorkItem", "PAY-6"),
        ("nps-5005", "Product", "payments"),  # no issue key: the row's product
        ("nps-5006", "WorkItem", "PAY-4"),  # "pay-4" upper-cased
    }


def test_derived_and_given_sentiments() -> None:
    found = nodes(convert("nps.csv"))
    assert found["nps-5002"]["sentiment"] == "negative"  # NPS 3
    assert found["nps-5003"]["sentiment"] == "neutral"  # NPS 8
    assert found["nps-5004"]["sentiment"] == "negative"  # CSAT 2
    assert found["nps-5006"]["sentiment"] == "positive"  # NPS 7, but the export says positive


def test_a_row_without_subject_or_comment_gets_a_title() -> None:
    assert nodes(convert("nps.csv"))["nps-5005"]["title"] == "web feedback nps-5005"


def test_zendesk_tickets_map_channel_rating_and_issue_tags() -> None:
    converted = convert("tickets.json")
    found = nodes(converted)
    assert found["35436"]["channel"] == "email"  # via.channel
    assert found["35436"]["sentiment"] == "negative"  # satisfaction_rating "bad"
    assert found["35436"]["title"] == "Charged twice for order 8812"
    assert "sentiment" not in found["35471"]  # "unoffered": no rating, no score
    assert found["35502"]["sentiment"] == "positive"
    assert about(converted) == {
        ("35436", "WorkItem", "PAY-5"),  # tag pay-5
        ("35471", "WorkItem", "PAY-7"),
        ("35502", "Product", "payments"),  # no key tag: the mapping's defaultProduct
    }


def test_a_json_array_of_rows_is_read_like_the_csv() -> None:
    rows = [
        {
            "id": "f1",
            "created_at": "2025-03-01T09:00:00+0100",
            "channel": "app",
            "score": 9,
            "issue_key": "PAY-3",
        }
    ]
    converted = convert(json.dumps(rows).encode())
    assert nodes(converted)["f1"]["createdAt"] == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert about(converted) == {("f1", "WorkItem", "PAY-3")}


def test_feedback_naming_neither_issue_nor_product_is_refused_without_a_default() -> None:
    data = HEADER + b"f1,2025-03-01T09:00:00Z,app,nps,9,Nice,,,\n"
    with pytest.raises(PayloadError) as error:
        convert(data, SourceMapping())
    assert str(error.value.problems[0]) == (
        "line 2: names no issue key and no product, and the mapping sets no defaultProduct"
    )


def test_bad_cells_name_their_line_and_column() -> None:
    data = (
        HEADER
        + b"f1,2025-03-01T09:00:00Z,app,nps,nine,,,payments,\n"
        + b"f2,2025-03-01T09:00:00Z,app,ces,9,,,payments,\n"
        + b"f3,2025-03-01T09:00:00Z,app,nps,9,,happy,payments,\n"
        + b"f4,,app,nps,9,,,payments,\n"
    )
    with pytest.raises(PayloadError) as error:
        convert(data)
    assert [str(p) for p in error.value.problems] == [
        "line 2, column score: expected a number, got 'nine'",
        "line 3, column survey: expected nps or csat, got 'ces'",
        "line 4, column sentiment: expected one of positive, good, neutral, negative, bad, "
        "got 'happy'",
        "line 5, column created_at: missing",
    ]


def test_a_json_object_without_a_list_is_refused() -> None:
    with pytest.raises(PayloadError) as error:
        convert(b'{"results": []}')
    assert "(top level): expected an array, or an object with one of" in str(error.value)
