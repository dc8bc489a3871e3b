"""Customer feedback exports (NPS/CSAT surveys, support tickets) -> `Feedback` nodes.

CSV with a header row (`id,created_at,channel` required; `subject`, `comment`, `score`,
`survey`, `sentiment`, `product`, `issue_key` optional), or JSON: an array of such
objects, or an object holding them under `feedback`, `responses` or `tickets` (a
Zendesk tickets export: `subject`, `description`, `via.channel`,
`satisfaction_rating.score` good/bad, and issue keys among `tags`).

Each row becomes a Feedback `ABOUT` the work item its issue key names, or else `ABOUT`
its product (the row's, else the mapping's `defaultProduct`). With no sentiment given,
it is derived from the score (see `sentiment_of`).
"""

from __future__ import annotations

import re
from typing import Any

from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import (
    Conversion,
    Converted,
    at_key,
    load_json,
    looks_like_json,
    read_csv,
)
from graph.model import Sentiment

_CSV_COLUMNS = ("id", "created_at", "channel")
_LIST_KEYS = ("feedback", "responses", "tickets")
_ISSUE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-[0-9]+$")
_TITLE_LENGTH = 80
#: Words some tools use for a sentiment (Zendesk's satisfaction ratings among them).
_SENTIMENT_WORDS = {
    "positive": Sentiment.POSITIVE,
    "good": Sentiment.POSITIVE,
    "neutral": Sentiment.NEUTRAL,
    "negative": Sentiment.NEGATIVE,
    "bad": Sentiment.NEGATIVE,
}


def sentiment_of(score: float, survey: str = "nps") -> Sentiment:
    """The sentiment a score implies: NPS 9-10 positive (promoters), 7-8 neutral
    (passives), 0-6 negative (detractors); CSAT (1-5) 4-5 positive, 3 neutral, 1-2 negative.
    """
    if survey == "csat":
        return (
            Sentiment.POSITIVE
            if score >= 4
            else Sentiment.NEUTRAL
            if score >= 3
            else Sentiment.NEGATIVE
        )
    return (
        Sentiment.POSITIVE
        if score >= 9
        else Sentiment.NEUTRAL
        if score >= 7
        else Sentiment.NEGATIVE
    )


def _json_rows(data: bytes, c: Conversion) -> list[tuple[str, dict[str, Any]]]:
    document = load_json(data)
    if isinstance(document, dict):
        key = next((k for k in _LIST_KEYS if k in document), None)
        if key is None:
            c.problem("(top level)", f"expected an array, or an object with one of {_LIST_KEYS}")
            return []
        return c.objects(document[key], key)
    return c.objects(document, "")


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A JSON row with the vendor aliases folded onto the CSV column names."""
    flat = dict(row)
    via = row.get("via")
    if "channel" not in flat and isinstance(via, dict) and isinstance(via.get("channel"), str):
        flat["channel"] = via["channel"]
    flat.setdefault("comment", row.get("description"))
    flat.setdefault("created_at", row.get("createdAt"))
    rating = row.get("satisfaction_rating")
    if (
        "sentiment" not in flat
        and isinstance(rating, dict)
        and rating.get("score") in ("good", "bad")
    ):
        flat["sentiment"] = rating["score"]
    tags = row.get("tags")
    if "issue_key" not in flat and isinstance(tags, list):
        keys = [t for t in tags if isinstance(t, str) and _ISSUE_KEY.match(t)]
        flat["issue_key"] = keys[0] if keys else None
    return flat


def _title(subject: str | None, comment: str | None, channel: str, id: str) -> str:
    if subject:
        return subject
    if comment:
        first = comment.splitlines()[0]
        return first if len(first) <= _TITLE_LENGTH else first[: _TITLE_LENGTH - 1] + "…"
    return f"{channel} feedback {id}"


def convert(data: bytes, mapping: SourceMapping) -> Converted:
    """Convert a feedback export, CSV or JSON."""
    c = Conversion(mapping.tool.id or "feedback")
    if looks_like_json(data):
        rows = [(at, _flat(row)) for at, row in _json_rows(data, c)]
    else:
        rows = [
            (f"line {row.line}", {k: v for k, v in row.cells.items() if v})
            for row in read_csv(data, _CSV_COLUMNS)
        ]
    c.node(
        "(the feedback tool)",
        "Tool",
        c.tool,
        name=mapping.tool.name or "Customer feedback",
        kind="feedback",
        url=mapping.tool.url,
    )
    for at, row in rows:
        id = c.text(row, "id", at)
        created = c.time(row, "created_at", at)
        channel = c.text(row, "channel", at)
        score = c.number(row, "score", at)
        subject = c.text(row, "subject", at, required=False)
        comment = c.text(row, "comment", at, required=False)
        survey = (c.text(row, "survey", at, required=False) or "nps").casefold()
        given = c.text(row, "sentiment", at, required=False)
        issue = c.text(row, "issue_key", at, required=False)
        product = c.text(row, "product", at, required=False) or mapping.default_product
        if survey not in ("nps", "csat"):
            c.problem(at_key(at, "survey"), f"expected nps or csat, got {survey!r}")
        sentiment = None
        if given is not None:
            sentiment = _SENTIMENT_WORDS.get(given.casefold())
            if sentiment is None:
                words = ", ".join(_SENTIMENT_WORDS)
                c.problem(at_key(at, "sentiment"), f"expected one of {words}, got {given!r}")
        elif score is not None:
            sentiment = sentiment_of(score, survey)
        if None in (id, created, channel):
            continue
        assert id and created and channel
        c.node(
            at,
            "Feedback",
            id,
            title=_title(subject, comment, channel, id),
            channel=channel,
            sentiment=sentiment.value if sentiment else None,
            score=score,
            createdAt=created,
            text=comment,
        )
        if issue is not None:
            c.rel(at_key(at, "issue_key"), "ABOUT", ("Feedback", id), ("WorkItem", issue.upper()))
        elif product is not None:
            c.rel(at_key(at, "product"), "ABOUT", ("Feedback", id), ("Product", product))
        else:
            c.problem(
                at, "names no issue key and no product, and the mapping sets no defaultProduct"
            )
    return c.result()
