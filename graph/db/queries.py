"""The Cypher catalogue: every statement vsgraph runs, one per file under `cypher/`.

A query's name is its path without the suffix (`cypher/trace/lineage.cypher` is
`trace/lineage`). The catalogue loads once, fails fast on an empty file, a file holding
more than one statement, or an unknown name, and knows each query's `$parameters`, so
the store can refuse a call that passes any other set. Modules bind the queries they
use at import (`LINEAGE = cypher("trace/lineage")`): a typo fails at import time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graph.settings import REPO_ROOT

SUFFIX = ".cypher"

# Strings and comments are blanked before looking for parameters and semicolons, so a
# `$x` or `;` inside a string literal or a comment is not mistaken for syntax.
_STRING_OR_COMMENT = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""", re.DOTALL
)
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class CatalogueError(LookupError):
    """Raised when the catalogue is malformed or a query name is unknown."""


@dataclass(frozen=True)
class Query:
    """One Cypher statement: its name, text and the parameters it reads."""

    name: str
    text: str
    parameters: frozenset[str]

    @property
    def summary(self) -> str:
        """The leading `//` comment lines: what the query returns and how many rows."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("//"):
                break
            lines.append(line.removeprefix("//").strip())
        return " ".join(lines)


def parse(name: str, text: str) -> Query:
    """Check one file's text is exactly one statement and find its parameters."""
    code = _STRING_OR_COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    body = code.strip().removesuffix(";")
    if not body.strip():
        raise CatalogueError(f"{name}: the file holds no statement")
    if ";" in body:
        raise CatalogueError(f"{name}: one statement per file, found a ';' inside")
    return Query(name, text.strip().removesuffix(";"), frozenset(_PARAMETER.findall(code)))


def load(root: Path) -> dict[str, Query]:
    """Read every `.cypher` file below `root` into a name -> Query mapping."""
    if not root.is_dir():
        raise CatalogueError(f"no Cypher directory at {root}")
    catalogue: dict[str, Query] = {}
    for path in sorted(root.rglob(f"*{SUFFIX}")):
        name = path.relative_to(root).with_suffix("").as_posix()
        # Names differing only in case would collide on case-insensitive file systems.
        if any(other.lower() == name.lower() for other in catalogue):
            raise CatalogueError(f"{name}: duplicate query name")
        catalogue[name] = parse(name, path.read_text(encoding="utf-8"))
    return catalogue


@cache
def catalogue() -> dict[str, Query]:
    """The project's own catalogue, loaded once per process."""
    return load(REPO_ROOT / "cypher")


def cypher(name: str) -> Query:
    """The query called `name`; raises CatalogueError for an unknown name."""
    try:
        return catalogue()[name]
    except KeyError:
        raise CatalogueError(f"unknown query {name!r}") from None
