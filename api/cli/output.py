"""What the `vsg` report commands share: the `--format` choices, the id and `--from`/`--to`
parsers (JSON and CSV output: api/reports.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from api.reports import parse_instant
from graph.errors import InvalidArgument
from graph.ids import plain_id
from graph.model import Label

#: The `--format` choices of a report command (the default is the table).
FORMATS = ("table", "json", "csv")


def instant(text: str) -> datetime:
    """An argparse type: a `--from`/`--to` value (`parse_instant`)."""
    try:
        return parse_instant(text)
    except InvalidArgument as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def node_id(label: Label) -> Callable[[str], str]:
    """An argparse type: the id of a `label` node, given as `key` or `Label:key`."""

    def parse(text: str) -> str:
        try:
            return plain_id(label, text)
        except InvalidArgument as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = f"{label} id"  # argparse names the type in its error message
    return parse
