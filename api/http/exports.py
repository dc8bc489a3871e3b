"""`GET /export/{flow,dora,cfd}.{csv,json}`: metrics as files for spreadsheets and BI tools.

The same figures and the same output code as `vsg metrics` and `vsg dora`:

- `flow.json`, `flow.csv`: what `vsg metrics --format json|csv` prints for `?valueStream=`
  (required); `interval` (day or week, default day) buckets its CFD.
- `dora.json`, `dora.csv`: what `vsg dora --format json|csv` prints for `?product=`
  (required); `environment` defaults to production.
- `cfd.csv`: the CFD rows of `flow.csv` alone, for `?valueStream=` and `interval`.

`from`/`to` take an ISO date (00:00 UTC) or a datetime with an offset; the window is
`[from, to)`, by default the 90 days up to now. A bad parameter answers 400 with what
is wrong, an unknown id or export 404.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.cli.dora import render as render_dora
from api.cli.dora import row as dora_row
from api.cli.metrics import CSV_COLUMNS, report, write_csv
from api.cli.output import SafeDictWriter, instant, to_json
from api.compute import Compute
from api.http.auth import client_key, request_principal
from graph.db.store import GraphStore
from graph.errors import InvalidArgument, QueryTimeout
from graph.ids import plain_id
from graph.metrics.dora import PRODUCTION
from graph.metrics.dora_queries import product_dora
from graph.metrics.flow import FlowQuery, Interval, ScopeKind, Window, cfd
from graph.metrics.flow_queries import load_flow_data
from graph.model import Label
from graph.read.entities import nodes_by_ids

CSV = "text/csv; charset=utf-8"
T = TypeVar("T")


class BadParameter(ValueError):
    """A query parameter the export cannot use; answered with 400."""


class UnknownId(LookupError):
    """The value stream or product asked for does not exist; answered with 404."""


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _required(request: Request, name: str, label: Label) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise BadParameter(f"give ?{name}=ID")
    try:
        return plain_id(label, value)  # as the pages write it, `Label:key`, or the key
    except InvalidArgument as error:
        raise BadParameter(f"{name}: {error}") from None


def _window(request: Request) -> Window:
    bounds: dict[str, datetime | None] = {}
    for name in ("from", "to"):
        text = request.query_params.get(name)
        try:
            bounds[name] = instant(text) if text else None
        except argparse.ArgumentTypeError as error:
            raise BadParameter(f"{name}: {error}") from None
    try:
        window = Window.of(bounds["from"], bounds["to"], datetime.now(UTC))
    except (InvalidArgument, OverflowError) as error:
        raise BadParameter(str(error)) from None
    longest = request.app.state.settings.graphql_max_window_days
    if window.end - window.start > timedelta(days=longest):
        days = (window.end - window.start).days
        raise BadParameter(
            f"the window of {days:,} days is longer than the longest allowed, {longest:,} "
            "days (VSG_GRAPHQL_MAX_WINDOW_DAYS): export it in parts"
        )
    return window


async def _run(request: Request, function: Callable[..., T], *args: object) -> T:
    """`function(*args)` off the event loop, in the caller's share (api/compute.py)."""
    compute: Compute = request.app.state.compute
    client = client_key(
        request_principal(request.state), request.client.host if request.client else None
    )
    return await compute.run(client, function, *args)


def _interval(request: Request) -> Interval:
    text = request.query_params.get("interval", Interval.DAY.value)
    try:
        return Interval(text)
    except ValueError:
        raise BadParameter(f"interval: {text!r} is not day or week") from None


async def _known(store: GraphStore, label: Label, id: str) -> None:
    if (await nodes_by_ids(store, label, [id]))[0] is None:
        raise UnknownId(f"no {label} with id {id!r}")


def _csv(text: str, filename: str) -> Response:
    return Response(
        text, media_type=CSV, headers={"content-disposition": f'inline; filename="{filename}"'}
    )


async def _flow(request: Request, store: GraphStore, fmt: str) -> Response:
    id = _required(request, "valueStream", Label.VALUE_STREAM)
    window, interval = _window(request), _interval(request)
    await _known(store, Label.VALUE_STREAM, id)
    data = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, id, window))
    result = await _run(request, report, ScopeKind.VALUE_STREAM, id, data, interval)
    if fmt == "json":
        return JSONResponse(to_json(result))
    out = io.StringIO()
    write_csv(result, out)
    return _csv(out.getvalue(), f"flow-{id}.csv")


async def _cfd(request: Request, store: GraphStore, fmt: str) -> Response:
    id = _required(request, "valueStream", Label.VALUE_STREAM)
    window, interval = _window(request), _interval(request)
    await _known(store, Label.VALUE_STREAM, id)
    data = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, id, window))
    chart = await _run(request, cfd, data, interval)
    out = io.StringIO()
    # The rows `vsg metrics --format csv` writes for its CFD section, alone.
    writer = SafeDictWriter(out, CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    section = f"cfd{interval.value.title()}"
    for point in chart.points:
        for stage in chart.stages:
            writer.writerow({"section": section, "stage": stage.id, "start": to_json(point.start),
                             "end": to_json(point.end), "metric": "items",
                             "value": point.counts[stage.id]})  # fmt: skip
    return _csv(out.getvalue(), f"cfd-{id}.csv")


async def _dora(request: Request, store: GraphStore, fmt: str) -> Response:
    id, window = _required(request, "product", Label.PRODUCT), _window(request)
    environment = request.query_params.get("environment") or PRODUCTION
    pattern = (
        request.query_params.get("productionPattern")
        or request.app.state.settings.production_pattern
    )
    await _known(store, Label.PRODUCT, id)
    try:
        found = await product_dora(store, id, window, environment, pattern)
    except InvalidArgument as error:
        raise BadParameter(str(error)) from None
    rows = [dora_row(id, found)]
    if fmt == "json":
        return JSONResponse(rows)  # what `vsg dora --format json` prints
    return _csv(render_dora(rows, "csv"), f"dora-{id}.csv")


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
        return _bad(f"no export {name}.{fmt}; there are {known}", 404)
    try:
        return await run(request, request.app.state.store, fmt)
    except BadParameter as error:
        return _bad(str(error))
    except QueryTimeout as error:
        return _bad(str(error), 503)
    except UnknownId as error:
        return _bad(str(error), 404)
