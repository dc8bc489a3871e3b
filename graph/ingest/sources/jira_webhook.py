"""Jira webhook deliveries (`jira:issue_created`, `jira:issue_updated`) -> records: pure.

The issue becomes a work item (kind from its issue type, product from its project) and
a status change a state record at the event's time, which ingest maps to a stage:

- `jira:issue_created`: the item, and its current status since it was created;
- `jira:issue_updated`: the item, and for a `status` item of the changelog, a move to
  its `toString` at the event's `timestamp` (epoch milliseconds).

Other `webhookEvent`s give None (ignored). The full Jira file source is `jira.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import (
    Conversion,
    Converted,
    PayloadError,
    PayloadProblem,
    load_json,
)

EVENTS = frozenset({"jira:issue_created", "jira:issue_updated"})


def convert_event(data: bytes, mapping: SourceMapping) -> Converted | None:
    """Convert one Jira webhook delivery; None when its `webhookEvent` is not mapped."""
    obj = load_json(data)
    if not isinstance(obj, dict):
        raise PayloadError([PayloadProblem("document", "expected a JSON object")])
    event = obj.get("webhookEvent")
    if event not in EVENTS:
        return None
    conv = Conversion(mapping.tool.id or "jira")
    issue = conv.obj(obj.get("issue"), "issue")
    fields = conv.obj(issue.get("fields"), "issue.fields") if issue is not None else None
    if issue is None or fields is None:
        return conv.result()
    key = conv.text(issue, "key", "issue")
    title = conv.text(fields, "summary", "issue.fields")
    created = conv.time(fields, "created", "issue.fields")
    kind_obj = conv.obj(fields.get("issuetype"), "issue.fields.issuetype")
    issue_type = conv.text(kind_obj, "name", "issue.fields.issuetype") if kind_obj else None
    project = conv.obj(fields.get("project"), "issue.fields.project")
    project_key = conv.text(project, "key", "issue.fields.project") if project else None
    stamp = obj.get("timestamp")
    # Epoch milliseconds, between 2000 and 2100: anything else is not a Jira timestamp.
    if (
        isinstance(stamp, bool)
        or not isinstance(stamp, int)
        or not 946_684_800_000 <= stamp < 4_102_444_800_000
    ):
        conv.problem("timestamp", "expected epoch milliseconds (an integer)")
        stamp = None
    if None in (key, title, created, issue_type, project_key, stamp):
        return conv.result()
    assert key and title and created and issue_type and project_key and stamp is not None
    at = datetime.fromtimestamp(stamp / 1000, UTC)
    kind = mapping.kind_of(issue_type)
    product = mapping.product_of_project(project_key)
    conv.node("tool", "Tool", conv.tool, name="Jira", kind="planning", url=mapping.tool.url)
    conv.node("issue", kind.value, key, title=title, createdAt=created)
    conv.rel("issue.fields.project", "FOR_PRODUCT", (kind.value, key), ("Product", product))
    if event == "jira:issue_created":
        status = fields.get("status")
        name = status.get("name") if isinstance(status, dict) else None
        if isinstance(name, str) and name:
            conv.state("issue.fields.status", key, name, created)
    else:
        changelog = obj.get("changelog") or {}
        items = conv.objects(
            changelog.get("items") if isinstance(changelog, dict) else None, "changelog.items"
        )
        for item_at, item in items:
            if item.get("field") == "status":
                to = conv.text(item, "toString", item_at)
                if to is not None:
                    conv.state(item_at, key, to, at)
    return conv.result()
