"""`POST /ingest`: NDJSON records in the body, counts or line-numbered errors out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from graph.errors import InvalidInput, Problem
from graph.ingest.counters import EntryPoint, ingest_counters
from graph.ingest.records import parse_lines
from graph.ingest.service import ingest
from graph.settings import Settings
from graph.store import GraphStore


def _problem(p: Problem) -> dict[str, object]:
    return {"line": p.line, "field": p.field, "message": p.message}


async def post_ingest(request: Request) -> JSONResponse:
    """Validate the whole body, then write it; 422 with every problem and nothing written.

    `?skipInvalid=true` writes the valid records and lists the skipped ones instead.
    """
    store: GraphStore = request.app.state.store
    settings: Settings = request.app.state.settings
    skip_invalid = request.query_params.get("skipInvalid", "false").lower() in ("1", "true")
    body = await request.body()
    try:
        report = await ingest(
            store,
            parse_lines(body.splitlines()),
            batch_size=settings.ingest_batch_size,
            skip_invalid=skip_invalid,
        )
    except InvalidInput as error:
        return JSONResponse(
            {"written": False, "problems": [_problem(p) for p in error.problems]},
            status_code=422,
        )
    ingest_counters(store).add(EntryPoint.HTTP, report)
    return JSONResponse(
        {
            "written": True,
            "records": report.records,
            "nodes": report.nodes,
            "relationships": report.relationships,
            "visits": report.visits,
            "skipped": [_problem(p) for p in report.skipped],
        }
    )
