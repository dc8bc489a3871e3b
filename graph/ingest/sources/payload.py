"""Reading vendor payloads with positions, and building ingest records from them.

A malformed payload is reported by *position in the file* (`issues[3].fields.created`,
`line 4, column created_at`) and reason, never by a record line the user never wrote.
`Conversion` collects both the records a source builds and the problems it meets.

One bad item never stops a source: a source reads each item (an issue, a commit, a pull
request...) inside `Conversion.item`, and an item with a problem is left out whole (none
of its records) and reported as a `SkippedItem` (source, id, field, reason), while the
rest converts. In strict mode (`Conversion(strict=True)`, `"strict": true` in a mapping,
`vsg sync --strict`) a problem refuses the whole payload instead. A problem outside any
item (not JSON, no repository) always does: `result()` raises `PayloadError`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.errors import GraphError
from graph.ingest.records import Record, RecordError, parse_record


@dataclass(frozen=True)
class PayloadProblem:
    """One thing wrong with a vendor payload: where in the file, and why."""

    position: str
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"


class PayloadError(GraphError):
    """Raised when a vendor payload is malformed; no record was produced from it."""

    def __init__(self, problems: list[PayloadProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} problem(s) in the payload: {shown}{more}")


@dataclass(frozen=True)
class SkippedItem:
    """An item of a payload left out because it is invalid: which, where and why."""

    #: The Tool id of the source (`github.com`, `jira`).
    source: str
    #: What the item is (`issue`, `commit`, `pull request`...).
    kind: str
    #: The item's own id in the tool (an issue key, a sha), else its position.
    id: str
    #: Where in the payload the item is (`pulls[3]`).
    position: str
    #: The first problem: the field (a payload position) and the reason.
    field: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.kind} {self.id} ({self.source}): {self.field}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        """As JSON for reports (webhook answers, `vsg sync status`)."""
        return {
            "source": self.source,
            "kind": self.kind,
            "id": self.id,
            "position": self.position,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Converted:
    """Records built from a payload; `origins[i]` is where record line i + 1 came from."""

    records: tuple[Record, ...]
    origins: tuple[str, ...]
    #: What the conversion left out on purpose, for the user (a skipped link, say).
    notes: tuple[str, ...] = ()
    #: Invalid items left out (none in strict mode: there they refuse the payload).
    skipped: tuple[SkippedItem, ...] = ()
    #: Nodes the vendor says are gone (a deleted release), as (label, id).
    deleted: tuple[tuple[str, str], ...] = ()

    def origin(self, line: int) -> str:
        """The payload position of the record numbered `line` (1-based)."""
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return f"record {line}"


def load_json(data: bytes) -> Any:
    """Decode a JSON document, or raise PayloadError naming the line and column."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise PayloadError([PayloadProblem(f"byte {error.start}", "not UTF-8 text")]) from None
    except json.JSONDecodeError as error:
        position = f"line {error.lineno}, column {error.colno}"
        raise PayloadError([PayloadProblem(position, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:  # json's decoder recurses once per nesting level
        problem = PayloadProblem("line 1", "not valid JSON: nested too deeply")
        raise PayloadError([problem]) from None


def looks_like_json(data: bytes) -> bool:
    """Whether a payload is JSON (starts with `{` or `[`) rather than CSV."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


@dataclass(frozen=True)
class CsvRow:
    """One CSV data row: its line in the file and its cells by (stripped) column name."""

    line: int
    cells: Mapping[str, str]

    def at(self, column: str) -> str:
        """The position of one cell, for problems."""
        return f"line {self.line}, column {column}"


def read_csv(data: bytes, required: tuple[str, ...]) -> list[CsvRow]:
    """Parse a CSV export with a header row; raise PayloadError if a column is missing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PayloadError([PayloadProblem(f"byte {error.start}", "not UTF-8 text")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        known = ", ".join(header) or "none"
        raise PayloadError(
            [PayloadProblem("line 1", f"missing column(s) {', '.join(missing)} (found: {known})")]
        )
    rows: list[CsvRow] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        if len(cells) > len(header):
            raise PayloadError(
                [PayloadProblem(f"line {line}", f"{len(cells)} cells, header has {len(header)}")]
            )
        values = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        rows.append(CsvRow(line, values))
    return rows


def at_key(at: str, key: str) -> str:
    """The position of a field: `issues[3].fields.created`, or `line 4, column id` in CSV."""
    if not at:
        return key
    return f"{at}, column {key}" if at.startswith("line ") else f"{at}.{key}"


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def parse_vendor_time(value: str) -> datetime | None:
    """A vendor timestamp (`...Z`, `+01:00` or Jira's `+0100`) as aware UTC, else None."""
    try:
        parsed = datetime.fromisoformat(value.strip())
        return parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except ValueError:
        return None
    except OverflowError:  # valid ISO 8601, but before year 1 or after 9999 once in UTC
        return None


def _time_problem(value: str) -> str:
    """Why `parse_vendor_time` found no time in `value`."""
    try:
        with_offset = datetime.fromisoformat(value.strip()).tzinfo is not None
    except ValueError:
        with_offset = False
    if with_offset:  # it parsed, so only its conversion to UTC overflowed
        return f"outside the years 1 to 9999 in UTC: {value!r}"
    return f"not an ISO 8601 timestamp with an offset: {value!r}"


@dataclass
class ItemScope:
    """What `Conversion.item` tells its caller: whether the item converted cleanly."""

    ok: bool = True
    skipped: SkippedItem | None = None


class Conversion:
    """Collects the records a source builds and the problems it meets, with positions."""

    def __init__(self, tool: str, *, strict: bool = False) -> None:
        self.tool = tool
        self.strict = strict
        self.problems: list[PayloadProblem] = []
        self.notes: list[str] = []
        self.skipped: list[SkippedItem] = []
        self.deleted: list[tuple[str, str]] = []
        self._records: list[Record] = []
        self._origins: list[str] = []

    @contextmanager
    def item(self, kind: str, id: Any, at: str) -> Iterator[ItemScope]:
        """Read one item: if a problem is met inside, its records are taken back and it
        is reported as skipped (strict: the problems stay and refuse the payload)."""
        scope = ItemScope()
        problems, records = len(self.problems), len(self._records)
        yield scope
        found = self.problems[problems:]
        if not found:
            return
        scope.ok = False
        if self.strict:
            return
        del self.problems[problems:]
        del self._records[records:]
        del self._origins[records:]
        shown = str(id) if isinstance(id, str | int) and not isinstance(id, bool) and id else at
        scope.skipped = SkippedItem(
            self.tool, kind, shown, at or "(top level)", found[0].position, found[0].message
        )
        self.skipped.append(scope.skipped)
        self.notes.append(str(scope.skipped))

    # Reading: each reader returns None after recording a problem at `at`.

    def note(self, message: str) -> None:
        """Tell the user about something left out on purpose (not an error)."""
        self.notes.append(message)

    def problem(self, at: str, message: str) -> None:
        """Record one problem with the payload."""
        self.problems.append(PayloadProblem(at, message))

    def obj(self, value: Any, at: str) -> dict[str, Any] | None:
        """`value` if it is a JSON object."""
        if isinstance(value, dict):
            return value
        self.problem(at, f"expected an object, got {_kind(value)}")
        return None

    def objects(self, value: Any, at: str) -> list[tuple[str, dict[str, Any]]]:
        """The objects of a JSON array with their positions (`at[i]`); absent is empty."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(at, f"expected an array, got {_kind(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            found = self.obj(item, f"{at}[{index}]")
            if found is not None:
                out.append((f"{at}[{index}]", found))
        return out

    def text(
        self, obj: Mapping[str, Any], key: str, at: str, *, required: bool = True
    ) -> str | None:
        """A string field (numbers are taken as their text, as vendors mix them for ids)."""
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.problem(at_key(at, key), "missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(at_key(at, key), f"expected a string, got {_kind(value)}")
            return None
        return str(value)

    def time(
        self, obj: Mapping[str, Any], key: str, at: str, *, required: bool = True
    ) -> datetime | None:
        """A timestamp field with an offset, as aware UTC."""
        value = self.text(obj, key, at, required=required)
        return None if value is None else self.parse_time(value, at_key(at, key))

    def parse_time(self, value: str, at: str) -> datetime | None:
        """A timestamp with an offset, as aware UTC; a problem if it has none."""
        parsed = parse_vendor_time(value)
        if parsed is None:
            self.problem(at, _time_problem(value))
        return parsed

    def number(
        self, obj: Mapping[str, Any], key: str, at: str, *, required: bool = False
    ) -> float | None:
        """A number field (a numeric string counts, as in CSV exports)."""
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.problem(at_key(at, key), "missing")
            return None
        if isinstance(value, bool):
            self.problem(at_key(at, key), "expected a number, got bool")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            self.problem(at_key(at, key), f"expected a number, got {value!r}")
            return None

    # Building: records go through the record parser, so they are checked like NDJSON.

    def _add(self, raw: dict[str, Any], at: str) -> None:
        try:
            record = parse_record(raw, len(self._records) + 1)
        except RecordError as error:
            self.problem(at, f"{error.field}: {error.message}")
            return
        self._records.append(record)
        self._origins.append(at)

    def node(
        self, at: str, label: str, id: str, *, clear: Iterable[str] = (), **properties: Any
    ) -> None:
        """A node from the tool; None properties are left out (not erased), except those
        named in `clear`: the tool says they have no value (a reopened issue's resolution)."""
        props = {k: v for k, v in properties.items() if v is not None}
        props.update({k: None for k in clear if properties.get(k) is None})
        props.setdefault("source", self.tool)
        self._add({"record": "node", "label": label, "id": id, "properties": props}, at)

    def rel(
        self, at: str, type: str, start: tuple[str, str], end: tuple[str, str], **properties: Any
    ) -> None:
        """A relationship between two nodes given as (label, id)."""
        raw = {
            "record": "relationship",
            "type": type,
            "from": {"label": start[0], "id": start[1]},
            "to": {"label": end[0], "id": end[1]},
            "properties": {k: v for k, v in properties.items() if v is not None},
        }
        self._add(raw, at)

    def state(
        self, at: str, item: str, state: str, when: datetime, *, assumed: bool = False
    ) -> None:
        """A work item moved into a tool state at `when` (ingest maps it to a stage);
        `assumed`: the payload only suggests it (StateRecord.assumed)."""
        raw: dict[str, Any] = {"record": "state", "item": item, "state": state, "at": when}
        if assumed:
            raw["assumed"] = True
        self._add(raw, at)

    def delete(self, label: str, id: str) -> None:
        """The vendor says this node is gone (a deleted release)."""
        self.deleted.append((label, id))

    def result(self) -> Converted:
        """The records, or PayloadError if the payload had a problem outside the items
        skipped (or any problem, in strict mode)."""
        if self.problems:
            raise PayloadError(list(self.problems))
        return Converted(
            tuple(self._records),
            tuple(self._origins),
            tuple(self.notes),
            tuple(self.skipped),
            tuple(self.deleted),
        )
