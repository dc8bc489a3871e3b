"""`POST /ingest` parses its body as it arrives (api/http/ingest.py), over real HTTP to a
served app: a body past `VSG_MAX_BODY_BYTES` is answered 413 while the client is still
sending, long before the rest would have come; a large batch streamed in chunks that cut
lines (and CRLFs) anywhere imports whole; a bad record deep in such a batch writes
nothing and is named by its line and field."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from graph.db.store import Connection, GraphStore
from graph.settings import Settings
from tests.api.test_security_heavy import _served
from tests.factories import SmallOrg, node, rel
from tests.fuzz.checks import counts

pytestmark = pytest.mark.db

MiB = 1024 * 1024
CHUNK = 64 * 1024


async def _post_reading_while_sending(base: str, path: str, total: int) -> tuple[bytes, int]:
    """POST a chunked body of valid NDJSON records that would go on for `total` bytes,
    reading the socket while sending, as browsers and curl do; stop sending once an
    answer arrives or the server closes. Returns the answer and the bytes sent.

    (httpx reads only after its whole body is sent, or a write fails: by then the
    server, which stopped reading at the limit, has closed the connection with the
    body unread, and the kernel's reset destroys the 413 before httpx reads it.)"""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-ndjson\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
    )
    answer = bytearray()

    async def read() -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(CHUNK):
                answer.extend(data)

    reading = asyncio.create_task(read())
    line = json.dumps(node("Team", "t-pad", name="x" * 1000)).encode() + b"\n"
    chunk = line * (CHUNK // len(line))
    sent = 0
    with contextlib.suppress(ConnectionError):
        while sent < total and not answer:
            writer.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
            await writer.drain()
            sent += len(chunk)
    await asyncio.wait_for(reading, 10)
    writer.close()
    return bytes(answer), sent


async def test_a_body_past_the_limit_is_refused_while_it_is_still_being_sent(
    connection: Connection, store: GraphStore
) -> None:
    """The server stops reading at the limit and answers 413 with the rest of the body
    unread. Whether a client still sending reads that answer is a race it cannot win
    every time: closing a connection with unread data makes the kernel reset it, and a
    reset that reaches the client first discards the answer (on an idle machine, most
    attempts here). So what is asserted every time is what the server does: it stops
    reading long before the gibibyte and writes nothing; the answer's content is
    asserted when one is read, and always in-process by tests/api/test_security_limits.py
    (no kernel between them)."""
    before = await counts(store)
    answers: list[bytes] = []
    with _served(Settings(max_body_bytes=MiB), connection) as base:
        for _ in range(3):
            started = time.monotonic()
            answer, sent = await _post_reading_while_sending(base, "/ingest", 1024 * MiB)
            took = time.monotonic() - started
            # Ended after little more than the limit was sent (what the sockets' buffers
            # held when the server stopped reading), not the gibibyte.
            assert sent < 32 * MiB, sent
            assert took < 10, took
            if answer:
                answers.append(answer)
    for answer in answers:
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert b"connection: close" in head.lower()
        assert json.loads(body) == {
            "written": False,
            "error": "the request body is larger than 1,048,576 bytes (VSG_MAX_BODY_BYTES); "
            "send it in parts, or import a large file with `vsg import`",
        }
    assert await counts(store) == before


def _batch(org: SmallOrg, teams: int, bad_at: int | None = None) -> bytes:
    """The org's records, then `teams` teams with a 1 KB description each, CONTRIBUTES_TO
    its product, in CRLF lines; the team of line `bad_at` has no name."""
    records = org.records()
    for n in range(teams):
        team = org.id(f"team-{n}")
        properties = {"name": f"Team {n}", "description": "d" * 1000}
        records.append(node("Team", team, **properties))
        records.append(rel("CONTRIBUTES_TO", ("Team", team), ("Product", org.product)))
    if bad_at is not None:
        assert records[bad_at - 1]["label"] == "Team"
        del records[bad_at - 1]["properties"]["name"]
    return b"".join(json.dumps(r).encode() + b"\r\n" for r in records)


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


TEAMS = 3000


async def test_a_large_batch_streamed_in_chunks_imports_whole(
    connection: Connection, store: GraphStore
) -> None:
    org = SmallOrg()
    body = _batch(org, TEAMS)
    assert len(body) > 3 * MiB
    with _served(Settings(), connection) as base:
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            # 4099 bytes: chunks end anywhere in a line, some between a CR and its LF.
            response = await client.post("/ingest", content=_chunks(body, 4099))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "written": True,
        "records": 24 + 2 * TEAMS,
        "nodes": 10 + TEAMS,
        "relationships": 14 + TEAMS,
        "visits": 0,
        "skipped": [],
    }
    found = await counts(store)
    assert found["Team"] == 1 + TEAMS
    assert found["CONTRIBUTES_TO"] == 1 + TEAMS


async def test_a_bad_record_deep_in_a_streamed_batch_writes_nothing(
    connection: Connection, store: GraphStore
) -> None:
    org = SmallOrg()
    bad_at = 24 + 2 * (TEAMS - 10) + 1  # the tenth team from the end
    body = _batch(org, TEAMS, bad_at=bad_at)
    before = await counts(store)
    with _served(Settings(), connection) as base:
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            response = await client.post("/ingest", content=_chunks(body, CHUNK))
    assert response.status_code == 422, response.text
    assert response.json() == {
        "written": False,
        "problems": [
            {"line": bad_at, "field": "properties.name", "message": "is required for Team"}
        ],
    }
    assert await counts(store) == before
