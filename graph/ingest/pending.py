"""Late references: records that name a node the graph does not hold yet.

Real feeds deliver a deployment before the push that brings its commit, a pull request
before its merge commit, a status change before the issue. Such a record is not an
error and not dropped: it is kept as an internal `(:Pending {id, waitsFor, record,
since})` node, `waitsFor` naming the missing node as `Label:id`, and written by the
ingest that brings that node, through whatever channel (docs/ingest.md, "Late
references"). The same record kept twice is one `Pending` (its id is a digest of the
record), so re-delivery changes nothing.

Examples:

>>> from graph.ingest.records import parse_record
>>> record = parse_record({"record": "state", "item": "PAY-1", "state": "Done",
...                        "at": "2025-03-02T10:00:00+01:00"}, 7)
>>> to_object(record)["at"]
'2025-03-02T09:00:00+00:00'
>>> parse_record(to_object(record), 7) == record
True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.ingest.records import Ref, RelationshipRecord, StateRecord
from graph.model import Label


def ref_key(ref: Ref) -> str:
    """How a `Pending` names the node it waits for: `Label:id`."""
    return f"{ref.label}:{ref.id}"


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def to_object(record: RelationshipRecord | StateRecord) -> dict[str, Any]:
    """The record in the ingest format, as `parse_record` reads it back."""
    if isinstance(record, StateRecord):
        obj: dict[str, Any] = {"record": "state", "item": record.item, "at": _value(record.at)}
        if record.state is not None:
            obj["state"] = record.state
            if record.assumed:
                obj["assumed"] = True
        else:
            obj["stage"] = record.stage
            if record.left:
                obj["left"] = True
        return obj
    return {
        "record": "relationship",
        "type": str(record.type),
        "from": {"label": str(record.start.label), "id": record.start.id},
        "to": {"label": str(record.end.label), "id": record.end.id},
        "properties": {k: _value(v) for k, v in sorted(record.properties.items())},
    }


@dataclass(frozen=True)
class PendingRecord:
    """A record kept until the node it waits for is in the graph."""

    record: RelationshipRecord | StateRecord
    waits_for: Ref

    @property
    def text(self) -> str:
        """The record as stored: canonical JSON (sorted keys), so equal records match."""
        return json.dumps(to_object(self.record), sort_keys=True, separators=(",", ":"))

    @property
    def id(self) -> str:
        """A digest of the record: the same record kept twice is one `Pending`."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:32]

    def row(self) -> dict[str, Any]:
        """A row of `ingest/pending/keep`."""
        return {"id": self.id, "waitsFor": ref_key(self.waits_for), "record": self.text}


def waits_for_work_item(item: str) -> Ref:
    """The node a state change of `item` waits for."""
    return Ref(Label.WORK_ITEM, item)
