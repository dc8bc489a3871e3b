"""`LineSplitter` cuts a body arriving in chunks into the lines `bytes.splitlines` cuts
the whole body into, however the chunks fall (a CRLF split across two counts once)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.ingest.records import LineSplitter

PIECES = st.sampled_from([b"a", b"{}", b" ", b"\n", b"\r", b"\r\n", b"\xff"])


def _split(body: bytes, cuts: list[int]) -> list[bytes]:
    lines = LineSplitter()
    out: list[bytes] = []
    start = 0
    for cut in [*sorted(cuts), len(body)]:
        out += lines.feed(body[start:cut])
        start = max(start, cut)
    return out + lines.end()


@given(st.lists(PIECES, max_size=40).map(b"".join), st.lists(st.integers(0, 60)))
def test_lines_are_those_of_the_whole_body(body: bytes, cuts: list[int]) -> None:
    assert _split(body, cuts) == body.splitlines()


def test_a_crlf_across_chunks_is_one_break_and_empty_chunks_change_nothing() -> None:
    lines = LineSplitter()
    assert lines.feed(b'{"a": 1}\r') == [b'{"a": 1}']
    assert lines.feed(b"") == []
    assert lines.feed(b"\n") == []
    assert lines.feed(b"\n{") == [b""]
    assert lines.feed(b"}") == []
    assert lines.end() == [b"{}"]
