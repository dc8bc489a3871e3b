"""What the `vsg` report commands share: the id and `--from`/`--to` parsers, JSON and CSV output."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from graph.errors import InvalidArgument
from graph.ids import plain_id
from graph.model import Label

#: The `--format` choices of a report command (the default is the table).
FORMATS = ("table", "json", "csv")

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a formula-like string gets a leading `'`.

    Numbers are left alone (a negative number is a number, not a formula); every string
    is judged, so an id or a query parameter echoed into a file cannot run in Excel.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:  # csv.DictWriter takes no type argument at run time before Python 3.12
    _DictWriter = csv.DictWriter


class SafeDictWriter(_DictWriter):
    """`csv.DictWriter` writing every cell through `safe_cell`; `None` as an empty cell.

    A row with a carriage return in a cell is written with every cell quoted: Python
    3.11's writer quotes only the characters of its `\\n` line terminator, and an
    unquoted CR starts a new row in a spreadsheet.
    """

    def __init__(self, f: Any, fieldnames: Sequence[str], **kwargs: Any) -> None:
        super().__init__(f, fieldnames, **kwargs)
        self._plain = self.writer
        self._quoted = csv.writer(
            f, quoting=csv.QUOTE_ALL, lineterminator=kwargs.get("lineterminator", "\r\n")
        )

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        cells = {k: "" if v is None else safe_cell(v) for k, v in rowdict.items()}
        cr = any(isinstance(v, str) and "\r" in v for v in cells.values())
        self.writer = self._quoted if cr else self._plain
        return super().writerow(cells)

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


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
