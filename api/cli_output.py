"""What the `vsg` report commands share: the id and `--from`/`--to` parsers, JSON output."""

from __future__ import annotations

import argparse
import dataclasses
import enum
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from graph.errors import InvalidArgument
from graph.ids import plain_id
from graph.model import Label

#: The `--format` choices of a report command (the default is the table).
FORMATS = ("table", "json", "csv")


def instant(text: str) -> datetime:
    """A `--from`/`--to` value: an ISO date (00:00 UTC) or a datetime with an offset."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or datetime: {text!r}") from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(f"give a timezone, e.g. {text}Z")
    return value.astimezone(UTC)


def node_id(label: Label) -> Callable[[str], str]:
    """An argparse type: the id of a `label` node, given as `key` or `Label:key`."""

    def parse(text: str) -> str:
        try:
            return plain_id(label, text)
        except InvalidArgument as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = f"{label} id"  # argparse names the type in its error message
    return parse


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def to_json(value: Any) -> Any:
    """A domain value as JSON data: camelCase keys, ISO times, null for None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(f.name): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value
