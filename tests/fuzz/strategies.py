"""Hypothesis strategies for malformed input: NDJSON records, JSON values, odd text.

An ingest input is built from *units*, each one or two lines whose validity is known by
construction: a fresh node (Team, Story or Skill, with a new id) and maybe a relationship
from/to the fixture organisation (`checks.ORG`). A unit may be spoiled by one mutation
that is invalid for sure (a missing field, a wrong type, an unknown label, a dangling end,
an integer too large to store...); garbage lines (not JSON, not an object, nested too
deeply) are always invalid. So a test knows which lines must be reported, and which nodes
and relationships a `skipInvalid` import must write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.factories import Record, node, rel
from tests.fuzz.checks import ORG

#: Text no validation should choke on: controls, bidi overrides, emoji, non-characters.
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\u202e", "😀" * 3, "\uffff", "\ud800", "a\udfffb"]),
    st.integers(1_000, 60_000).map(lambda n: "x" * n),
)

#: Any JSON value, including the numbers JSON's grammar allows but a database may not.
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ODD_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

#: Valid ISO 8601 timestamps whose UTC time is before year 1 or after 9999: refused.
EXTREME_TIMES = st.one_of(
    st.sampled_from(["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"]),
    st.builds(
        lambda m, h: f"0001-01-01T00:{m:02d}:00+{h:02d}:00", st.integers(0, 59), st.integers(1, 23)
    ),
    st.builds(
        lambda m, h: f"9999-12-31T23:{m:02d}:59.999999-{h:02d}:00",
        st.integers(0, 59),
        st.integers(1, 23),
    ),
)

#: Number literals Python's json reads but no JSON or database holds: refused.
NON_FINITE = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E+999", "123.5e9999", "-0.1e310"]
)

#: Byte sequences that are not UTF-8: a stray continuation byte, a truncated sequence,
#: an encoded surrogate, an overlong encoding, bytes UTF-8 never uses.
NOT_UTF8 = (
    b"\x80",
    b"\xff",
    b"\xc3(",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xf8\x88\x80\x80\x80",
)

#: Stands, JSON-escaped inside a line, for the `NOT_UTF8` bytes numbered n (see `inputs`).
_BYTES_MARK = "\x00\x01bytes{}\x01\x00"
#: Stands, as a JSON string, for a `NON_FINITE` literal put in its place.
_NUMBER_MARK = "\x00\x01number\x01\x00"

#: Timestamps as tools send them: with an offset (valid) and without (refused).
GOOD_TIMES = st.datetimes(timezones=st.timezones(no_cache=False)).map(
    lambda t: t.isoformat()
) | st.just("2025-03-01T09:00:00Z")


@dataclass(frozen=True)
class Unit:
    """Lines of an ingest input and what they are worth when imported."""

    lines: tuple[str, ...]
    #: 1-based offsets (within the unit) of the lines that must be reported as invalid.
    invalid: frozenset[int]
    #: Nodes and relationships a skipInvalid import writes for this unit.
    nodes: int
    relationships: int


def _storable(text: str) -> bool:
    """Whether text is Unicode (no lone surrogates): ingest refuses any other."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line(record: Any) -> str:
    # ASCII escapes: a lone surrogate travels as `\\ud800`, as JSON allows and tools send.
    return json.dumps(record)


# Each spoils a node record for sure (returns the spoiled copy).
NODE_SPOILERS = (
    lambda r, v: {k: x for k, x in r.items() if k != "id"},
    lambda r, v: {k: x for k, x in r.items() if k != "label"},
    lambda r, v: {**r, "id": v if not isinstance(v, str) else [v]},
    lambda r, v: {**r, "label": f"Gadget{v!s:.20}"},
    lambda r, v: {**r, "record": "nodes"},
    lambda r, v: {**r, "properties": [v]},
    lambda r, v: {**r, "properties": {**r["properties"], "bogus": "x"}},
    lambda r, v: {**r, "properties": {k: x for k, x in r["properties"].items() if k == "x"}},
    lambda r, v: {**r, "properties": {k: 7 for k in r["properties"]}},
    lambda r, v: {**r, "propeties": r["properties"]},  # a key records do not have
    lambda r, v: {**r, "source": v},
)

# Each spoils a relationship record for sure.
REL_SPOILERS = (
    lambda r, v: {**r, "type": "LIKES"},
    lambda r, v: {**r, "to": {"label": r["to"]["label"], "id": f"nope-{v!s:.20}"}},
    lambda r, v: {**r, "from": {"label": "Gadget", "id": r["from"]["id"]}},
    lambda r, v: {k: x for k, x in r.items() if k != "from"},
    lambda r, v: {**r, "to": "fz-product"},
    lambda r, v: {**r, "to": {**r["to"], "kind": v}},
    lambda r, v: {**r, "weight": v},
)


@st.composite
def units(draw: st.DrawFn, fresh: str, clean: bool = False) -> Unit:
    """One unit; `fresh` is an id no other unit of the input uses; a `clean` one is
    never spoiled on purpose (odd text may still make it invalid)."""
    kind = draw(st.sampled_from(["team", "story", "skill"]))
    name = draw(ODD_TEXT)
    if kind == "team":
        record = node("Team", fresh, name=name)
        link = rel("CONTRIBUTES_TO", ("Team", fresh), ("Product", ORG.product))
    elif kind == "story":
        record = node("Story", fresh, title=name, createdAt=draw(GOOD_TIMES))
        link = rel("FOR_PRODUCT", ("Story", fresh), ("Product", ORG.product))
    else:
        record = node("Skill", fresh, name=name)
        level = draw(st.integers(-(2**63), 2**63 - 1))
        link = rel("NEEDS_SKILL", ("Stage", ORG.stage("dev")), ("Skill", fresh), level=level)
    with_link = draw(st.booleans())
    value = draw(JSON_VALUES)
    spoil = (
        "none"
        if clean
        else draw(
            st.sampled_from(
                ["none", "none", "node", "link", "number", "time", "extreme", "nonfinite", "bytes"]
            )
        )
    )
    if spoil in ("time", "extreme") and kind != "story":
        spoil = "node"
    literal = None
    node_ok = link_ok = True
    if spoil == "node":
        record = draw(st.sampled_from(NODE_SPOILERS))(record, value)
        node_ok = False
    elif spoil == "link" and with_link:
        link = draw(st.sampled_from(REL_SPOILERS))(link, value)
        link_ok = False
    elif spoil == "number":
        # Integers a 64-bit database integer cannot hold, in an integer property.
        big = draw(st.integers(2**63, 2**80) | st.integers(-(2**80), -(2**63) - 1))
        if kind == "skill" and with_link:
            link = {**link, "properties": {"level": big}}
            link_ok = False
        else:
            record = {**record, "properties": {**record["properties"], "name": big}}
            node_ok = False
    elif spoil == "time":
        naive = draw(st.datetimes().map(lambda t: t.isoformat()) | ODD_TEXT)
        record = {**record, "properties": {**record["properties"], "createdAt": naive}}
        node_ok = False
    elif spoil == "extreme":
        extreme = draw(EXTREME_TIMES)
        record = {**record, "properties": {**record["properties"], "createdAt": extreme}}
        node_ok = False
    elif spoil == "nonfinite":
        # In any property (its type does not matter: the line is not JSON a record can be)
        key = draw(st.sampled_from([*record["properties"], "score"]))
        record = {**record, "properties": {**record["properties"], key: _NUMBER_MARK}}
        literal = draw(NON_FINITE)
        node_ok = False
    elif spoil == "bytes":
        # Inside the id or a value: the line is not UTF-8, so nothing of it is read.
        at = draw(st.sampled_from(["id", "name"]))
        mark = _BYTES_MARK.format(draw(st.integers(0, len(NOT_UTF8) - 1)))
        if at == "id":
            record = {**record, "id": record["id"] + mark}
        else:
            record = {**record, "properties": {**record["properties"], "name": mark}}
        node_ok = False
    node_ok = node_ok and _storable(name)
    lines = [_line(record)]
    if literal is not None:
        lines[0] = lines[0].replace(json.dumps(_NUMBER_MARK), literal)
    invalid = set() if node_ok else {1}
    if with_link:
        lines.append(_line(link))
        if not link_ok:
            invalid.add(2)
        # A valid link to a refused node is no problem: it waits for a node of that id
        # (docs/ingest.md, "Late references"), and is not written.
    return Unit(
        tuple(lines),
        frozenset(invalid),
        nodes=int(node_ok),
        relationships=int(with_link and node_ok and link_ok),
    )


#: Lines that are never a valid record.
GARBAGE = st.one_of(
    # an object never closed (no line breaks: they would make two lines of one)
    st.text(st.characters(exclude_characters="\r\n"), max_size=60).map(lambda t: "{" + t),
    st.sampled_from(["[", "]", "nul", "{'a': 1}", '{"record": "node",}', "NaN?"]),
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(_line),
    st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4).map(
        lambda d: _line({**d, "record": "edge"})
    ),
    st.integers(100, 100_000).map(lambda n: "[" * n + "]" * n),  # nested too deeply
    st.integers(100, 100_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.just(_line({"record": "state", "item": ORG.id("story1"), "state": "Nowhere", "at": "x"})),
)


@dataclass(frozen=True)
class Input:
    """An NDJSON body and what importing it must do."""

    body: bytes
    invalid_lines: frozenset[int]
    nodes: int
    relationships: int

    def fresh(self, prefix: str) -> bytes:
        """The body with its node ids made unique by `prefix`."""
        return self.body.replace(PREFIX, prefix.encode())


#: Stands for the test's fresh id prefix in generated bodies (see `Input.fresh`).
PREFIX = b"@@"


@st.composite
def inputs(draw: st.DrawFn) -> Input:
    """A body of units and garbage lines, blank lines and CRLF in between; node ids start
    with `PREFIX`, which the test replaces by one no earlier case used. One in three is
    clean (units only, none spoiled), so valid inputs are written often enough too."""
    clean = draw(st.integers(0, 2)) == 0
    kinds = st.just("unit") if clean else st.one_of(st.just("unit"), GARBAGE, st.just(""))
    parts = draw(st.lists(kinds, min_size=1, max_size=8))
    lines: list[str] = []
    invalid: set[int] = set()
    nodes = relationships = 0
    for i, part in enumerate(parts):
        if part == "unit":
            unit = draw(units(f"{PREFIX.decode()}-{i}", clean))
            invalid |= {len(lines) + n for n in unit.invalid}
            lines += unit.lines
            nodes += unit.nodes
            relationships += unit.relationships
        else:
            lines.append(part)
            if part:
                invalid.add(len(lines))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = newline.join(lines).encode("utf-8", errors="surrogatepass")
    for n, raw in enumerate(NOT_UTF8):
        body = body.replace(json.dumps(_BYTES_MARK.format(n))[1:-1].encode(), raw)
    return Input(body, frozenset(invalid), nodes, relationships)


def records_of(body: bytes) -> list[Record]:
    """The JSON objects of a body's lines that decode (for the GraphQL ingest mutation)."""
    out: list[Record] = []
    for line in body.splitlines():
        try:
            out.append(json.loads(line))
        except (ValueError, RecursionError):
            continue
    return out
