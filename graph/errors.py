"""The domain's errors, translated into HTTP/GraphQL answers at each edge.

GraphError
 ├── NotFound        an entity that was asked for by id does not exist
 ├── AlreadyExists   an entity that must be new exists already
 ├── InvalidInput    input that fails validation (carries per-record problems)
 ├── InvalidArgument a malformed argument (a cursor, an id)
 ├── AccessDenied    the caller's role does not allow what it asked for
 ├── StoreUnavailable  the graph database cannot be reached
 └── QueryTimeout    a read took longer than the configured timeout and was abandoned
"""

from __future__ import annotations

from dataclasses import dataclass


class GraphError(Exception):
    """Base of every error vsgraph raises on purpose."""


class NotFound(GraphError):
    """Raised when an entity asked for by id does not exist."""


class AlreadyExists(GraphError):
    """Raised when an entity that must be new exists already."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input record: where (line, field) and why."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class InvalidInput(GraphError):
    """Raised when input fails validation; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} invalid record(s), nothing written: {shown}{more}")


class InvalidArgument(GraphError):
    """Raised when an argument is malformed, e.g. a cursor that no page produced."""


class AccessDenied(GraphError):
    """Raised when the caller's role does not allow what it asked for."""


class StoreUnavailable(GraphError):
    """Raised when the graph database cannot be reached or is not ready."""


class QueryTimeout(GraphError):
    """Raised when a read takes longer than the configured timeout and is abandoned."""


class QueryTooLarge(GraphError):
    """Raised when the database refuses a read for the memory it needs (the embedded
    database's query heap budget), after the retries a busy moment deserves."""
