"""`POST /webhooks/{github,gitlab,jira}`: verified deliveries into the graph.

Every answer says what happened, and only a 200 wrote anything:

| status | when |
|---|---|
| 200 | mapped and written (counts; a redelivery writes the same values again) |
| 202 | an event type vsgraph does not map (`ignored`), nothing written |
| 400 | not the vendor's shape, or its one item invalid (positions, reasons): nothing written |
| 401 | missing or wrong signature / token / secret, nothing written |
| 422 | the records fail validation (e.g. a state mapped to no stage), nothing written |
| 503 | the endpoint's secret is not configured: it refuses every delivery |

Items of a delivery left out as invalid (one bad commit of a push) are listed in the
answer's `skipped` (source, kind, id, position, field, reason); the rest is written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.runtime import runtime
from graph.errors import InvalidInput
from graph.ingest.counters import EntryPoint, ingest_counters
from graph.ingest.hooks import ingest_event, webhook_mapping
from graph.ingest.records import NodeRecord, RelationshipRecord
from graph.ingest.sources import github, gitlab, jira_webhook
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted, PayloadError
from graph.model import Label

Convert = Callable[[bytes, SourceMapping], Converted | None]


def _same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a received secret with the configured one."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _github_signed(body: bytes, header: str | None, secret: str) -> bool:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _same(header, f"sha256={digest}")


def _unconfigured(variable: str) -> JSONResponse:
    return JSONResponse(
        {"written": False, "error": f"this webhook is not configured: set {variable}"},
        status_code=503,
    )


def _unauthorised(what: str) -> JSONResponse:
    return JSONResponse({"written": False, "error": f"{what} is missing or wrong"}, status_code=401)


async def _deliver(
    request: Request,
    body: bytes,
    event: str,
    delivery: str | None,
    convert: Convert,
    entry: EntryPoint,
) -> JSONResponse:
    store, settings = runtime(request).store, runtime(request).settings
    try:
        converted = convert(body, await webhook_mapping(store))
    except PayloadError as error:
        problems = [{"position": p.position, "message": p.message} for p in error.problems]
        return JSONResponse(
            {"written": False, "event": event, "problems": problems}, status_code=400
        )
    if converted is None:
        return JSONResponse(
            {"written": False, "event": event, "delivery": delivery, "ignored": True},
            status_code=202,
        )
    skipped = [s.to_dict() for s in converted.skipped]
    if skipped and not converted.deleted and not _maps_anything(converted):
        problems = [{"position": s["field"], "message": s["reason"]} for s in skipped]
        return JSONResponse(
            {"written": False, "event": event, "problems": problems, "skipped": skipped},
            status_code=400,
        )
    try:
        report = await ingest_event(
            store,
            converted,
            batch_size=settings.ingest_batch_size,
            production_pattern=settings.production_pattern,
        )
    except InvalidInput as error:
        problems = [
            {"position": converted.origin(p.line), "field": p.field, "message": p.message}
            for p in error.problems
        ]
        return JSONResponse(
            {"written": False, "event": event, "problems": problems}, status_code=422
        )
    ingest_counters(store).add(entry, report)
    return JSONResponse(
        {
            "written": True,
            "event": event,
            "delivery": delivery,
            "nodes": report.nodes,
            "relationships": report.relationships,
            "visits": report.visits,
            "skipped": skipped,
            # What the vendor says is gone: a deleted release is removed after the
            # event's facts are written (graph/ingest/hooks.py ingest_event).
            "deleted": [{"label": label, "id": id} for label, id in converted.deleted],
        }
    )


def _maps_anything(converted: Converted) -> bool:
    """Whether a conversion holds more than its envelope: the instance's Tool node and
    the repository (with its product) that every git delivery names."""
    for r in converted.records:
        if isinstance(r, NodeRecord) and r.label in (Label.TOOL, Label.REPOSITORY):
            continue
        if isinstance(r, RelationshipRecord) and r.start.label is Label.REPOSITORY:
            continue
        return True
    return False


async def post_github(request: Request) -> JSONResponse:
    """A GitHub delivery: `X-Hub-Signature-256` is the HMAC-SHA256 of the body."""
    secret = runtime(request).settings.github_webhook_secret
    if not secret:
        return _unconfigured("VSG_GITHUB_WEBHOOK_SECRET")
    body = await request.body()
    if not _github_signed(body, request.headers.get("x-hub-signature-256"), secret):
        return _unauthorised("X-Hub-Signature-256")
    event = request.headers.get("x-github-event", "")
    delivery = request.headers.get("x-github-delivery")
    return await _deliver(
        request,
        body,
        event,
        delivery,
        lambda data, m: github.convert_event(event, data, m),
        EntryPoint.WEBHOOK_GITHUB,
    )


async def post_gitlab(request: Request) -> JSONResponse:
    """A GitLab delivery: `X-Gitlab-Token` is the webhook's secret token."""
    token = runtime(request).settings.gitlab_webhook_token
    if not token:
        return _unconfigured("VSG_GITLAB_WEBHOOK_TOKEN")
    if not _same(request.headers.get("x-gitlab-token"), token):
        return _unauthorised("X-Gitlab-Token")
    body = await request.body()
    event = request.headers.get("x-gitlab-event", "")
    delivery = request.headers.get("x-gitlab-event-uuid")
    return await _deliver(
        request,
        body,
        event,
        delivery,
        lambda data, m: gitlab.convert_event(event, data, m),
        EntryPoint.WEBHOOK_GITLAB,
    )


async def post_jira(request: Request) -> JSONResponse:
    """A Jira delivery: the shared secret in `X-Vsg-Webhook-Secret` or `?secret=`."""
    secret = runtime(request).settings.jira_webhook_secret
    if not secret:
        return _unconfigured("VSG_JIRA_WEBHOOK_SECRET")
    given = request.headers.get("x-vsg-webhook-secret") or request.query_params.get("secret")
    if not _same(given, secret):
        return _unauthorised("the webhook secret")
    body = await request.body()
    delivery = request.headers.get("x-atlassian-webhook-identifier")
    return await _deliver(
        request, body, "jira", delivery, jira_webhook.convert_event, EntryPoint.WEBHOOK_JIRA
    )
