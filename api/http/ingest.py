"""`POST /ingest`: NDJSON records in the body, counts or line-numbered errors out.

The body is parsed as it arrives (`request.stream()`), a line at a time: what is held is
the records parsed so far (and the problems found), the chunk being read and the
unfinished line at its end, never the raw body beside its records. The whole batch is
still validated before anything is written. `VSG_MAX_BODY_BYTES` is enforced by
api/http/body_limit.py as the chunks are read: the read that passes it stops the request with
a 413, the rest of the body unread and nothing written.

NDJSON is the only body format (a JSON array is one line that is not a record: a 422 at
line 1), so there is no document to hold whole before it can be parsed.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.http.errors import problem
from api.runtime import runtime
from graph.errors import Problem
from graph.ingest.counters import EntryPoint, ingest_counters
from graph.ingest.records import LineSplitter, Record, parse_line
from graph.ingest.service import ingest


async def read_records(request: Request) -> list[Record | Problem]:
    """The body's NDJSON lines parsed as they arrive (1-based numbers, blank lines
    skipped), one record or problem per line."""
    lines = LineSplitter()
    parsed: list[Record | Problem] = []
    number = 0

    def take(batch: list[bytes]) -> None:
        nonlocal number
        for line in batch:
            number += 1
            item = parse_line(line, number)
            if item is not None:
                parsed.append(item)

    async for chunk in request.stream():
        take(lines.feed(chunk))
        # A body already buffered is read without a pause: let other requests in
        # between chunks, so parsing 32 MiB never holds the loop for long.
        await asyncio.sleep(0)
    take(lines.end())
    return parsed


async def post_ingest(request: Request) -> JSONResponse:
    """Validate the whole body, then write it; 422 with every problem and nothing written
    (InvalidInput, api/http/errors.py).

    `?skipInvalid=true` writes the valid records and lists the skipped ones instead.
    """
    store, settings = runtime(request).store, runtime(request).settings
    skip_invalid = request.query_params.get("skipInvalid", "false").lower() in ("1", "true")
    records = await read_records(request)
    report = await ingest(
        store,
        records,
        batch_size=settings.ingest_batch_size,
        skip_invalid=skip_invalid,
        production_pattern=settings.production_pattern,
    )
    ingest_counters(store).add(EntryPoint.HTTP, report)
    return JSONResponse(
        {
            "written": True,
            "records": report.records,
            "nodes": report.nodes,
            "relationships": report.relationships,
            "visits": report.visits,
            "skipped": [problem(p) for p in report.skipped],
        }
    )
