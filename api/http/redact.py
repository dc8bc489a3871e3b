"""Secrets out of the logs: query-string secrets, credentials, API token secrets.

A Jira webhook may carry its shared secret as `?secret=` (Jira Cloud cannot send custom
headers), and clients put tokens in URLs; the access log writes every URL. A
`logging.Filter` on every handler (and on uvicorn's loggers themselves) rewrites each
record before it is formatted:

- `secret=`, `token=`, `access_token=`, `api_key=`, `password=` ... in a URL: the value
  becomes `[redacted]`;
- `Authorization: Bearer ...` / `Basic ...` (and `X-...-Token:`, `X-Hub-Signature...`,
  `X-Vsg-Webhook-Secret:`), as headers show up in a message: the value redacted;
- an API token's secret (`vsg_` and 43 characters) anywhere: `vsg_[redacted]`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"

_QUERY_SECRET = re.compile(
    r"(?i)([?&;](?:[\w.-]*(?:secret|token|password|passwd|api[_-]?key|apikey|signature|sig|auth)"
    r"[\w.-]*)=)[^&#\s\"']*"
)
_HEADER_SECRET = re.compile(
    r"(?i)((?:proxy-)?authorization|x-[\w-]*(?:token|secret|signature)[\w-]*)"
    r"(['\"]?\s*[:=,]\s*['\"]?)(?:(?:bearer|basic|token|digest)\s+)?[^\s'\",;)]+"
)
_API_TOKEN = re.compile(r"vsg_[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    """`text` with the secrets it shows replaced (module docstring)."""
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    text = _HEADER_SECRET.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    return _API_TOKEN.sub("vsg_" + REDACTED, text)


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Rewrites a record's message, arguments and traceback text without secrets.

    The arguments are redacted one by one rather than merged into the message, so that
    formatters that read them (uvicorn's access log formatter unpacks the URL from
    them) keep working."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        elif record.exc_info:
            # Formatted here only when it shows a secret: a later filter may still drop
            # the traceback (api/graphql/errorlog.py), and a set exc_text would bring it back.
            text = logging.Formatter().formatException(record.exc_info)
            if redact(text) != text:
                record.exc_text = redact(text)
        return True


_FILTER = RedactSecrets()
#: Loggers whose own records are filtered even before reaching a handler.
_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "strawberry.execution", "vsgraph")


def install() -> None:
    """Put the filter on uvicorn's loggers and on every handler there is now (the root's,
    every named logger's, and Python's last-resort one). Idempotent; called when the app
    is made and again when it starts, after the server has configured its logging."""
    handlers: list[logging.Handler] = list(logging.getLogger().handlers)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    for known in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(known, logging.Logger):  # not a PlaceHolder for a dotted parent
            handlers.extend(known.handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
