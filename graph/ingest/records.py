"""The ingest record format (docs/ingest.md) and its parsing: pure, no database.

One JSON object per NDJSON line, told apart by `record`:

    {"record": "node", "label": "Story", "id": "PAY-1", "properties": {...}}
    {"record": "relationship", "type": "PARENT_OF",
     "from": {"label": "Epic", "id": "PAY-E1"}, "to": {"label": "Story", "id": "PAY-1"},
     "properties": {...}}
    {"record": "state", "item": "PAY-1", "state": "In Progress", "at": "2025-03-01T09:00:00Z"}
    {"record": "state", "item": "PAY-1", "stage": "pay-build", "at": "..."}

Parsing checks each record on its own (shape, label, type, property types); what needs
the whole batch or the database (does the other end exist?) is `validate`'s job.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.errors import Problem
from graph.model import (
    RELATIONSHIP_INDEX,
    Label,
    PropSpec,
    PropType,
    RelType,
    WorkItemKind,
    node_properties,
    parse_label,
)

Properties = dict[str, Any]


@dataclass(frozen=True)
class Ref:
    """One end of a relationship: a node by label and id (kinds count as WorkItem)."""

    label: Label
    id: str


@dataclass(frozen=True)
class NodeRecord:
    """Create or update one node."""

    line: int
    label: Label
    id: str
    properties: Properties
    kind: WorkItemKind | None = None

    @property
    def ref(self) -> Ref:
        """How relationships refer to this node."""
        return Ref(self.label, self.id)


@dataclass(frozen=True)
class RelationshipRecord:
    """Create or update one relationship between two nodes."""

    line: int
    type: RelType
    start: Ref
    end: Ref
    properties: Properties

    def key(self) -> tuple[Any, ...]:
        """What identifies this relationship: its type, ends and key properties."""
        spec = RELATIONSHIP_INDEX[(self.type, self.start.label, self.end.label)]
        return (self.type, self.start, self.end, *(self.properties.get(k) for k in spec.key))


@dataclass(frozen=True)
class StateRecord:
    """A work item moved into a tool state (mapped to a stage) or a stage, at a time."""

    line: int
    item: str
    at: datetime
    state: str | None
    stage: str | None
    #: The sender assumes the item was in this state at `at` without knowing its history
    #: (a webhook for an issue first seen when it moved): a change known for certain at
    #: the same instant wins over it (docs/ingest.md, "State history").
    assumed: bool = False
    #: The item left `stage` at `at` (to no stage that is known), rather than entered it.
    left: bool = False


Record = NodeRecord | RelationshipRecord | StateRecord


class RecordError(ValueError):
    """One problem with one record, raised while parsing it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_time(value: Any, field: str) -> datetime:
    """An ISO 8601 timestamp with an offset, as an aware UTC datetime."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise RecordError(field, f"not an ISO 8601 timestamp: {value!r}") from None
    else:
        raise RecordError(field, f"expected an ISO 8601 timestamp string, got {_kind(value)}")
    if parsed.tzinfo is None:
        raise RecordError(field, f"timestamp {value!r} has no timezone (add Z or +hh:mm)")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:30+01:00 is before the first UTC datetime
        raise RecordError(
            field, f"timestamp {_shown(value)} is outside the years 1 to 9999 in UTC"
        ) from None


def _shown(value: Any) -> str:
    return repr(value.isoformat() if isinstance(value, datetime) else value)


#: The integers a property can hold: Neo4j's (and Bolt's) 64-bit signed integers.
_INT64 = range(-(2**63), 2**63)


#: The longest text a property may hold, in characters (docs/ingest.md, "Values"): a
#: write is one database message per statement, and the embedded database refuses a
#: message over 16 MiB; ingest splits statements by size, which no single value may beat.
MAX_TEXT = 1_000_000


def _unicode(value: str, field: str) -> str:
    """`value`, if it is text the database can store: JSON's `\\ud800` escapes decode to
    lone surrogates, which are no Unicode characters (and UTF-8 cannot encode them)."""
    if len(value) > MAX_TEXT:
        raise RecordError(
            field, f"{len(value):,} characters: a value may hold at most {MAX_TEXT:,}"
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise RecordError(
                field, f"not valid Unicode text: a lone surrogate at position {error.start}"
            ) from None
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def convert(value: Any, spec: PropSpec, field: str) -> Any:
    """Check one property value against its spec and convert it for storage."""
    if value is None:
        if spec.required:
            raise RecordError(field, "is required and cannot be null")
        return None
    match spec.type:
        case PropType.STRING:
            if not isinstance(value, str):
                raise RecordError(field, f"expected a string, got {_kind(value)}")
            if spec.choices:
                # Tools spell them as they like (`SUCCESS`, `Done`): stored as the model's.
                canonical = {choice.casefold(): choice for choice in spec.choices}
                chosen = canonical.get(value.casefold())
                if chosen is None:
                    raise RecordError(field, f"{value!r} is not one of {sorted(spec.choices)}")
                return chosen
            return _unicode(value, field)
        case PropType.INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise RecordError(field, f"expected an integer, got {_kind(value)}")
            if value not in _INT64:  # the database (Bolt) cannot hold it: refuse, not crash
                raise RecordError(field, f"{value} is outside the 64-bit integer range")
            return value
        case PropType.FLOAT:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RecordError(field, f"expected a number, got {_kind(value)}")
            try:
                number = float(value)
            except OverflowError:  # an integer beyond the largest float
                raise RecordError(field, f"{value} is too large for a number") from None
            if not math.isfinite(number):  # NaN, or 1e400 read as infinity
                raise RecordError(field, f"{value} is not a finite number")
            return number
        case PropType.BOOLEAN:
            if not isinstance(value, bool):
                raise RecordError(field, f"expected true or false, got {_kind(value)}")
            return value
        case PropType.DATETIME:
            return parse_time(value, field)
        case PropType.STRING_LIST:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise RecordError(field, "expected a list of strings")
            return [_unicode(v, field) for v in value]


def convert_properties(
    raw: Any, specs: Mapping[str, PropSpec], owner: str, *, partial: bool = False
) -> Properties:
    """Check a record's `properties` object against the specs of its label or type."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RecordError("properties", f"expected an object, got {_kind(raw)}")
    properties: Properties = {}
    for key, value in raw.items():
        spec = specs.get(key)
        if spec is None:
            known = ", ".join(sorted(specs)) or "none"
            raise RecordError(f"properties.{key}", f"unknown property of {owner} (known: {known})")
        properties[key] = convert(value, spec, f"properties.{key}")
    if not partial:
        for key, spec in specs.items():
            if spec.required and key not in properties:
                raise RecordError(f"properties.{key}", f"is required for {owner}")
    return properties


def _text(obj: Mapping[str, Any], key: str, prefix: str = "") -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        what = "missing" if value is None else f"expected a non-empty string, got {_kind(value)}"
        raise RecordError(prefix + key, what)
    return _unicode(value, prefix + key)


def _label(obj: Mapping[str, Any], prefix: str = "") -> tuple[Label, WorkItemKind | None]:
    name = _text(obj, "label", prefix)
    parsed = parse_label(name)
    if parsed is None:
        known = ", ".join([*Label, *WorkItemKind])
        raise RecordError(prefix + "label", f"unknown label {name!r} (known: {known})")
    if isinstance(parsed, WorkItemKind):
        return Label.WORK_ITEM, parsed
    return parsed, None


def _ref(obj: Mapping[str, Any], end: str) -> Ref:
    raw = obj.get(end)
    if not isinstance(raw, dict):
        raise RecordError(end, "expected an object {label, id}")
    _known_keys(raw, _REF_KEYS, f"'{end}'", f"{end}.")
    label, _ = _label(raw, f"{end}.")
    return Ref(label, _text(raw, "id", f"{end}."))


#: The keys each kind of record may have; any other is refused, not ignored (a typo such
#: as `propeties` would otherwise drop data without a word).
RECORD_KEYS: dict[str, frozenset[str]] = {
    "node": frozenset({"record", "label", "id", "properties"}),
    "relationship": frozenset({"record", "type", "from", "to", "properties"}),
    "state": frozenset({"record", "item", "state", "stage", "at", "assumed", "left"}),
}
_REF_KEYS = frozenset({"label", "id"})


def _known_keys(obj: Mapping[str, Any], known: frozenset[str], what: str, prefix: str = "") -> None:
    unknown = sorted(str(key) for key in obj if key not in known)
    if unknown:
        raise RecordError(
            prefix + _unicode_shown(unknown[0]),
            f"unknown key '{_unicode_shown(unknown[0])}' in {what} "
            f"(known: {', '.join(sorted(known))})",
        )


def _unicode_shown(text: str) -> str:
    """`text` with what UTF-8 cannot encode (lone surrogates) escaped, for messages."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def parse_record(obj: Any, line: int) -> Record:
    """Turn one decoded JSON value into a record, or raise RecordError."""
    if not isinstance(obj, dict):
        raise RecordError("record", f"expected a JSON object, got {_kind(obj)}")
    kind = obj.get("record")
    if isinstance(kind, str) and kind in RECORD_KEYS:
        _known_keys(obj, RECORD_KEYS[kind], f"a {kind} record")
    if kind == "node":
        label, work_kind = _label(obj)
        if label is Label.WORK_ITEM and work_kind is None:
            kinds = ", ".join(WorkItemKind)
            raise RecordError("label", f"a work item needs its kind as label ({kinds})")
        properties = convert_properties(obj.get("properties"), node_properties(label), label)
        return NodeRecord(line, label, _text(obj, "id"), properties, work_kind)
    if kind == "relationship":
        type_name = _text(obj, "type")
        try:
            rel_type = RelType(type_name)
        except ValueError:
            raise RecordError("type", f"unknown relationship type {type_name!r}") from None
        start, end = _ref(obj, "from"), _ref(obj, "to")
        spec = RELATIONSHIP_INDEX.get((rel_type, start.label, end.label))
        if spec is None:
            allowed = [
                f"{s.start}->{s.end}" for s in RELATIONSHIP_INDEX.values() if s.type is rel_type
            ]
            raise RecordError(
                "type",
                f"{rel_type} does not connect {start.label} to {end.label} "
                f"(allowed: {', '.join(allowed)})",
            )
        properties = convert_properties(obj.get("properties"), spec.properties, rel_type)
        return RelationshipRecord(line, rel_type, start, end, properties)
    if kind == "state":
        if ("state" in obj) == ("stage" in obj):
            raise RecordError("state", "give exactly one of 'state' (a tool state) or 'stage'")
        item, at = _text(obj, "item"), parse_time(obj.get("at"), "at")
        assumed, left = obj.get("assumed", False), obj.get("left", False)
        for name, flag in (("assumed", assumed), ("left", left)):
            if not isinstance(flag, bool):
                raise RecordError(name, f"expected true or false, got {_kind(flag)}")
        if "state" in obj:
            if left:
                raise RecordError("left", "an item leaves a stage, not a tool state")
            return StateRecord(line, item, at, _text(obj, "state"), None, assumed)
        if assumed:
            raise RecordError("assumed", "only a tool state can be assumed, not a stage")
        return StateRecord(line, item, at, None, _text(obj, "stage"), left=left)
    raise RecordError("record", "expected 'node', 'relationship' or 'state'")


class NonFinite(ValueError):
    """A JSON number no database stores: NaN, Infinity, or one beyond a float (1e400)."""


def _no_constant(name: str) -> float:
    # json accepts NaN, Infinity and -Infinity, which are not JSON (RFC 8259)
    raise NonFinite(f"not valid JSON: {name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFinite(f"the number {text[:40]} is too large to store")
    return value


def parse_line(raw: str | bytes, number: int) -> Record | Problem | None:
    """Parse one NDJSON line numbered `number` into a record or a problem (None: blank)."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            # Not replaced with U+FFFD: an id spoilt that way would be stored silently.
            return Problem(number, "json", f"not UTF-8 text: byte {error.start + 1} of the line")
    else:
        text = raw
    if not text.strip():
        return None
    try:
        obj = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        return Problem(number, "json", f"not valid JSON: {error.msg} at column {error.colno}")
    except NonFinite as error:
        return Problem(number, "json", str(error))
    except RecursionError:  # json's decoder recurses once per nesting level
        return Problem(number, "json", "nested too deeply: no record needs that many levels")
    try:
        return parse_record(obj, number)
    except RecordError as error:
        return Problem(number, error.field, error.message)


def parse_lines(lines: Iterable[str | bytes]) -> Iterator[Record | Problem]:
    """Parse NDJSON lines (1-based numbering, blank lines skipped) into records or problems."""
    for number, raw in enumerate(lines, start=1):
        parsed = parse_line(raw, number)
        if parsed is not None:
            yield parsed


class LineSplitter:
    """Cut a byte stream that arrives in chunks into lines, as `bytes.splitlines` cuts a
    whole body (at LF, CR or CRLF, a CRLF split across two chunks counting once), holding
    only the unfinished last line between chunks."""

    def __init__(self) -> None:
        self._unfinished: list[bytes] = []
        self._after_cr = False

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines the chunk completes."""
        if not chunk:
            return []
        if self._after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the LF of a CRLF whose CR ended the chunk before
        self._after_cr = chunk.endswith(b"\r")
        cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1
        if cut == 0:
            self._unfinished.append(chunk)
            return []
        complete = b"".join([*self._unfinished, chunk[:cut]])
        self._unfinished = [chunk[cut:]]
        return complete.splitlines()

    def end(self) -> list[bytes]:
        """The last line, if the stream did not end with a line break."""
        rest = b"".join(self._unfinished)
        self._unfinished = []
        return [rest] if rest else []


def parse_objects(objects: Iterable[Any]) -> Iterator[Record | Problem]:
    """Parse already-decoded records (e.g. from GraphQL), numbering them from 1."""
    for number, obj in enumerate(objects, start=1):
        try:
            yield parse_record(obj, number)
        except RecordError as error:
            yield Problem(number, error.field, error.message)
