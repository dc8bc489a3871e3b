"""Issue keys (`PAY-123`) in branch names, titles and commit messages: pure text rules.

A key is a project key (an ASCII letter, then ASCII letters, digits or `_`), a hyphen and
an issue number (ASCII digits, no leading zero), standing on its own: not glued to a
letter or digit on either side, so `PAY-12` is not found inside `PAY-123` nor `XPAY-1`,
and Unicode digits (`PAY-١٢`) are not issue numbers.

Which candidates count:

- with known project keys (the usual case, `projects=("PAY",)`), any case matches and
  only those projects count: `feature/pay-123-refunds` gives `PAY-123`, `ABC-1` nothing;
- without them, branch names still match in any case, but titles and messages only in
  upper case (prose is full of `utf-8` and `sha-256`), and a few well-known non-keys
  (`UTF-8`, `SHA-256`, `ISO-8601`, `CVE-2024`...) are dropped.

In URLs only a Jira-style issue link (`.../browse/PAY-7`, `?selectedIssue=PAY-7`) counts;
any other URL text (`https://github.com/acme/pay-123-service`) is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

#: A candidate key: not preceded or followed by a letter or digit of any script.
_KEY = re.compile(r"(?<![^\W_])([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)(?![^\W_])")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_URL_KEY = re.compile(r"(?:/browse/|[?&]selectedIssue=)([A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*)\b")

#: Upper-case words that look like keys in prose but never are (used without known keys).
NOT_PROJECTS = frozenset(
    {"UTF", "SHA", "ISO", "RFC", "CVE", "HTTP", "TLS", "SSL", "MD", "AES", "RSA", "X", "COVID"}
)


def _accept(project: str, projects: Collection[str] | None, any_case: bool) -> bool:
    if projects is not None:
        return project.upper() in projects
    if not any_case and project != project.upper():
        return False
    return project.upper() not in NOT_PROJECTS


def _normalise(projects: Iterable[str] | None) -> frozenset[str] | None:
    return None if projects is None else frozenset(p.upper() for p in projects)


def _find(text: str, projects: Iterable[str] | None, any_case: bool) -> list[str]:
    known = _normalise(projects)
    found: list[str] = []

    def add(project: str, number: str) -> None:
        if "_" in project and not _accept(project, known, any_case):
            project = project.rsplit("_", 1)[1]  # `bugfix_PAY-12`: `_` as a separator
            if not project[:1].isalpha():
                return
        key = f"{project.upper()}-{number}"
        if _accept(project, known, any_case) and key not in found:
            found.append(key)

    # Keys in links first (they keep their place in the text), then the text without links.
    pieces: list[str] = []
    last = 0
    for url in _URL.finditer(text):
        pieces.append(text[last : url.start()])
        for link in _URL_KEY.finditer(url.group()):
            project, number = link.group(1).rsplit("-", 1)
            pieces.append(f" {project}-{number} ")
        last = url.end()
    pieces.append(text[last:])
    for match in _KEY.finditer(" ".join(pieces)):
        add(match.group(1), match.group(2))
    return found


def keys_in_branch(branch: str, projects: Iterable[str] | None = None) -> list[str]:
    """The issue keys in a branch name, in any case (`feature/pay-12-x` gives `PAY-12`)."""
    return _find(branch, projects, any_case=True)


def keys_in_text(text: str, projects: Iterable[str] | None = None) -> list[str]:
    """The issue keys in a title or commit message, first mention first, each once."""
    return _find(text, projects, any_case=projects is not None)
