"""The title vocabulary's words and a search text's runs (graph/ingest/title_words.py)."""

from __future__ import annotations

from graph.ingest.records import parse_objects
from graph.ingest.title_words import runs, title_words, words
from tests.factories import node, rel


def test_words_are_lower_case_runs_between_ascii_punctuation() -> None:
    assert words("Fix: payments-API timeout (v2.3)") == {
        "fix",
        "payments",
        "api",
        "timeout",
        "v2",
        "3",
    }
    # snake_case splits (an underscore is punctuation); other scripts are word characters.
    assert words("snake_case Über-fast") == {"snake", "case", "über", "fast"}
    assert words("!! --") == set()


def test_a_texts_runs_lie_inside_one_word_of_any_title_holding_it() -> None:
    title = "Fix: payments-API timeout (v2.3)"
    for start in range(len(title)):
        for end in range(start + 1, len(title) + 1):
            text_runs = runs(title[start:end])
            if text_runs is not None:
                assert all(any(r in w for w in words(title)) for r in text_runs)
    assert runs("ments-AP") == ["ap", "ments"]
    # Nothing to rule out with: no letter or digit, or text beyond ASCII.
    assert runs(": -") is None
    assert runs("Über") is None


def test_title_words_of_a_batch_by_scan() -> None:
    records = parse_objects(
        [
            node("Story", "S-1", title="Card form", createdAt="2025-01-01T00:00:00Z"),
            node("Story", "S-1", title="Card page", createdAt="2025-01-01T00:00:00Z"),
            node("PullRequest", "pr-1", title="Card", createdAt="2025-01-01T00:00:00Z"),
            node("Team", "t", name="Card team"),
            rel("FOR_PRODUCT", ("Story", "S-1"), ("Product", "p")),
        ]
    )
    assert title_words(records) == [
        ["PullRequest:card", "PullRequest", "card"],
        ["Story:card", "Story", "card"],
        ["Story:form", "Story", "form"],
        ["Story:page", "Story", "page"],
    ]
