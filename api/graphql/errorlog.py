"""Errors the caller made are logged as one line; only the server's own carry a traceback.

Strawberry logs every error of a GraphQL request with its original exception's
traceback ("strawberry.execution"), and the error itself over several lines (the
document, a caret under the place). For a bad id, a permission denial, a refused
argument or a document that does not validate that is noise that hides real failures:
`quiet_input_errors` puts a filter on that logger that logs them at WARNING, on one
line (message, place, path, kind), without the traceback. `vsg serve --debug` leaves
it off.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError

from graph.errors import AccessDenied, AlreadyExists, GraphError, InvalidArgument, InvalidInput
from graph.errors import NotFound as GraphNotFound

#: What a caller's request caused: answered with a message, nothing for an operator to fix.
INPUT_ERRORS: tuple[type[BaseException], ...] = (
    InvalidArgument,
    InvalidInput,
    GraphNotFound,
    AlreadyExists,
    AccessDenied,
    StrawberryInputCoercionError,
    GraphQLError,
)
LOGGERS = ("strawberry.execution",)


class OneLineInputErrors(logging.Filter):
    """Drops the traceback of input errors and logs them at WARNING; other domain errors
    (the database unreachable, a timeout) keep their level, also without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        # A GraphQL error with no exception behind it: syntax, validation, limits.
        document = error is None and isinstance(record.msg, GraphQLError)
        if document or isinstance(error, INPUT_ERRORS):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        if document or isinstance(error, (*INPUT_ERRORS, GraphError)):
            record.exc_info, record.exc_text = None, None
            kind = "" if error is None else f" ({type(error).__name__})"
            record.msg, record.args = _one_line(record.msg) + kind, ()
        return True


def _one_line(message: object) -> str:
    """A GraphQL error as `message (at 1:12, path a.b)`; anything else on one line."""
    if not isinstance(message, GraphQLError):
        return " ".join(str(message).split("\n"))
    where = [f"at {p.line}:{p.column}" for p in message.locations or ()]
    if message.path:
        where.append("path " + ".".join(str(key) for key in message.path))
    text = " ".join(message.message.split("\n"))
    return f"{text} ({', '.join(where)})" if where else text


_FILTER = OneLineInputErrors()


def quiet_input_errors() -> None:
    """Log input errors as one line (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
