"""Ids as people give them: a node's `id`, or the global `Label:key` the pages write."""

from __future__ import annotations

from graph.errors import InvalidArgument
from graph.model import Label, WorkItemKind

_LABELS = frozenset(label.value for label in Label)
#: A work item's global id may name its kind (`Feature:PAY-1`) as well as `WorkItem`.
_KINDS = frozenset(kind.value for kind in WorkItemKind)


def plain_id(label: Label, text: str) -> str:
    """The id of a `label` node from `key` or `Label:key`; a different label is an error.

    Only a known label before the colon is taken as a prefix: ids may hold colons.
    """
    text = text.strip()
    prefix, colon, key = text.partition(":")
    if not colon:
        return text
    if prefix == label.value or (label is Label.WORK_ITEM and prefix in _KINDS):
        if not key:
            raise InvalidArgument(f"{text!r} names no {label} id after the colon")
        return key
    if prefix in _LABELS | _KINDS:
        raise InvalidArgument(f"{text!r} is a {prefix} id; a {label} id is expected here")
    return text
