"""`GET /export/{flow,dora,cfd}.{csv,json}`: metrics as files for spreadsheets and BI tools.

The same figures and the same report shapes as `vsg metrics` and `vsg dora`
(api/reports.py):

- `flow.json`, `flow.csv`: what `vsg metrics --format json|csv` prints for `?valueStream=`
  (required); `interval` (day or week, default day) buckets its CFD.
- `dora.json`, `dora.csv`: what `vsg dora --format json|csv` prints for `?product=`
  (required); `environment` defaults to production.
- `cfd.csv`: the CFD rows of `flow.csv` alone, for `?valueStream=` and `interval`.

`from`/`to` take an ISO date (00:00 UTC) or a datetime with an offset; the window is
`[from, to)`, by default the 90 days up to now. A bad parameter answers 400 with what
is wrong, an unknown id or export 404 (api/http/errors.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.http.auth import client_key, request_principal
from api.reports import (
    DORA_COLUMNS,
    csv_text,
    dora_row,
    flow_report,
    parse_instant,
    to_json,
    write_cfd_csv,
    write_flow_csv,
)
from api.runtime import runtime
from graph.db.store import GraphStore
from graph.errors import InvalidArgument, NotFound
from graph.ids import plain_id
from graph.metrics.dora import PRODUCTION
from graph.metrics.dora_queries import product_dora
from graph.metrics.flow import FlowQuery, Interval, ScopeKind, Window, cfd
from graph.metrics.flow_queries import load_flow_data
from graph.model import Label
from graph.read.entities import nodes_by_ids

CSV = "text/csv; charset=utf-8"
T = TypeVar("T")


def _required(request: Request, name: str, label: Label) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise InvalidArgument(f"give ?{name}=ID")
    try:
        return plain_id(label, value)  # as the pages write it, `Label:key`, or the key
    except InvalidArgument as error:
        raise InvalidArgument(f"{name}: {error}") from None


def _window(request: Request) -> Window:
    bounds: dict[str, datetime | None] = {}
    for name in ("from", "to"):
        text = request.query_params.get(name)
        try:
            bounds[name] = parse_instant(text) if text else None
        except InvalidArgument as error:
            raise InvalidArgument(f"{name}: {error}") from None
    try:
        window = Window.of(bounds["from"], bounds["to"], datetime.now(UTC))
    except OverflowError as error:
        raise InvalidArgument(str(error)) from None
    longest = runtime(request).settings.graphql_max_window_days
    if window.end - window.start > timedelta(days=longest):
        days = (window.end - window.start).days
        raise InvalidArgument(
            f"the window of {days:,} days is longer than the longest allowed, {longest:,} "
            "days (VSG_GRAPHQL_MAX_WINDOW_DAYS): export it in parts"
        )
    return window


async def _run(request: Request, function: Callable[..., T], *args: object) -> T:
    """`function(*args)` off the event loop, in the caller's share (api/compute.py)."""
    client = client_key(
        request_principal(request.state), request.client.host if request.client else None
    )
    return await runtime(request).compute.run(client, function, *args)


def _interval(request: Request) -> Interval:
    text = request.query_params.get("interval", Interval.DAY.value)
    try:
        return Interval(text)
    except ValueError:
        raise InvalidArgument(f"interval: {text!r} is not day or week") from None


async def _known(store: GraphStore, label: Label, id: str) -> None:
    if (await nodes_by_ids(store, label, [id]))[0] is None:
        raise NotFound(f"no {label} with id {id!r}")


def _csv(text: str, filename: str) -> Response:
    return Response(
        text, media_type=CSV, headers={"content-disposition": f'inline; filename="{filename}"'}
    )


async def _flow(request: Request, store: GraphStore, fmt: str) -> Response:
    id = _required(request, "valueStream", Label.VALUE_STREAM)
    window, interval = _window(request), _interval(request)
    await _known(store, Label.VALUE_STREAM, id)
    data = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, id, window))
    result = await _run(request, flow_report, ScopeKind.VALUE_STREAM, id, data, interval)
    if fmt == "json":
        return JSONResponse(to_json(result))
    out = io.StringIO()
    write_flow_csv(result, out)
    return _csv(out.getvalue(), f"flow-{id}.csv")


async def _cfd(request: Request, store: GraphStore, fmt: str) -> Response:
    id = _required(request, "valueStream", Label.VALUE_STREAM)
    window, interval = _window(request), _interval(request)
    await _known(store, Label.VALUE_STREAM, id)
    data = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, id, window))
    chart = await _run(request, cfd, data, interval)
    out = io.StringIO()
    write_cfd_csv(chart, out)
    return _csv(out.getvalue(), f"cfd-{id}.csv")


async def _dora(request: Request, store: GraphStore, fmt: str) -> Response:
    id, window = _required(request, "product", Label.PRODUCT), _window(request)
    environment = request.query_params.get("environment") or PRODUCTION
    pattern = (
        request.query_params.get("productionPattern")
        or runtime(request).settings.production_pattern
    )
    await _known(store, Label.PRODUCT, id)
    found = await product_dora(store, id, window, environment, pattern, details=False)
    rows = [dora_row(id, found)]  # figures only: no change is listed
    if fmt == "json":
        return JSONResponse(rows)  # what `vsg dora --format json` prints
    return _csv(csv_text(rows, DORA_COLUMNS), f"dora-{id}.csv")


Export = Callable[[Request, GraphStore, str], Coroutine[Any, Any, Response]]
EXPORTS: dict[tuple[str, str], Export] = {
    ("flow", "json"): _flow,
    ("flow", "csv"): _flow,
    ("cfd", "csv"): _cfd,
    ("dora", "json"): _dora,
    ("dora", "csv"): _dora,
}


async def export(request: Request) -> Response:
    """One of `EXPORTS`, by the path's name and format."""
    name, fmt = request.path_params["name"], request.path_params["format"]
    run = EXPORTS.get((name, fmt))
    if run is None:
        known = ", ".join(f"/export/{n}.{f}" for n, f in EXPORTS)
        raise NotFound(f"no export {name}.{fmt}; there are {known}")
    return await run(request, runtime(request).store, fmt)
