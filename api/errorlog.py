"""Errors the caller made are logged as one line; only the server's own carry a traceback.

Strawberry logs every error of a GraphQL request with its original exception's
traceback ("strawberry.execution"). For a bad id, an unknown node or a refused argument
that is noise that hides real failures: `quiet_input_errors` puts a filter on that
logger that logs them at WARNING without the traceback. `vsg serve --debug` leaves it off.
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
        if isinstance(error, INPUT_ERRORS):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        if isinstance(error, (*INPUT_ERRORS, GraphError)):
            record.exc_info, record.exc_text = None, None
            record.msg = f"{record.msg} ({type(error).__name__})"
        return True


_FILTER = OneLineInputErrors()


def quiet_input_errors() -> None:
    """Log input errors as one line (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
