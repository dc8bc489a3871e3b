"""Issue keys in branch names, titles and commit messages."""

from __future__ import annotations

import pytest

from graph.ingest.sources.keys import keys_in_branch, keys_in_text

PAY = ("PAY",)


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("feature/pay-123-refunds", ["PAY-123"]),  # any case in a branch name
        ("PAY-7/pay-8", ["PAY-7", "PAY-8"]),
        ("bugfix_PAY-12-x", ["PAY-12"]),  # `_` is a separator, not part of the key
        ("feature/xpay-1", []),  # glued to a letter: XPAY, not a configured project
        ("main", []),
    ],
)
def test_branch_names_match_in_any_case(branch: str, expected: list[str]) -> None:
    assert keys_in_branch(branch, PAY) == expected


def test_a_key_is_not_found_inside_a_longer_one() -> None:
    # PAY-12 is a prefix of PAY-123: only the whole number is a key, each key once.
    assert keys_in_text("PAY-123 and PAY-123 again", PAY) == ["PAY-123"]
    assert keys_in_text("PAY-12, PAY-123", PAY) == ["PAY-12", "PAY-123"]


def test_only_configured_projects_count() -> None:
    assert keys_in_text("PAY-2 uses ABC-1 of the acquirer", PAY) == ["PAY-2"]


def test_unicode_digits_and_letters_are_not_ascii_keys() -> None:
    # Arabic-Indic digits are \d in Python but not issue numbers; an accented letter
    # glued before the key makes it part of another word.
    assert keys_in_text("PAY-١٢ and éPAY-3 and PAY-4é", PAY) == []
    # Non-ASCII text around a key does not hide it.
    assert keys_in_text("Rückerstattung für PAY-5 \N{EN DASH} fertig", PAY) == ["PAY-5"]


def test_only_issue_links_count_in_urls() -> None:
    text = (
        "Spec: https://acme.atlassian.net/browse/PAY-4, "
        "code in https://github.com/acme/pay-9-service/pull/3"
    )
    assert keys_in_text(text, PAY) == ["PAY-4"]
    assert keys_in_text("see https://x.example/jira?selectedIssue=PAY-6", PAY) == ["PAY-6"]


def test_without_projects_prose_needs_upper_case_and_skips_known_non_keys() -> None:
    assert keys_in_text("fix utf-8 and UTF-8 and SHA-256 for PAY-7, pay-8") == ["PAY-7"]
    assert keys_in_branch("fix/pay-8-retry") == ["PAY-8"]


def test_leading_zero_is_not_an_issue_number() -> None:
    assert keys_in_text("PAY-0 and PAY-07", PAY) == []
