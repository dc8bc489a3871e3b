"""Jira webhook deliveries (`jira:issue_created`, `jira:issue_updated`) -> records: pure.

The delivery's `issue` is mapped by the same `jira.IssueMapping` as a search page of a
file import or a sync: the same work item, product, team, priority, parent, epic link,
issue links and fix versions. Its status history is what the delivery knows:

- the status the issue was created in, at `fields.created`: the first `status` item's
  `fromString` of the event's changelog if there is one, else `fields.status`. Vsgraph
  may not have the issue's history (the webhook was set up after it was created), and
  ingest derives stage visits from all the state facts it holds, so this gives the item
  a stage; a later sync or import with the full changelog adds the moves in between;
- for `jira:issue_updated`, each `status` item of the event's `changelog` as a move to
  its `toString` at the event's `timestamp` (epoch milliseconds).

Links to issues outside the delivery are kept: ingest completes them when the other
issue arrives. Other `webhookEvent`s give None (ignored).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from graph.ingest.sources.jira import Change, IssueMapping, site_of, tool_node
from graph.ingest.sources.mapping import MissingLinks, SourceMapping
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
    conv = Conversion(mapping.tool.id or "jira", strict=mapping.strict)
    issue = conv.obj(obj.get("issue"), "issue")
    stamp = obj.get("timestamp")
    # Epoch milliseconds, between 2000 and 2100: anything else is not a Jira timestamp.
    if (
        isinstance(stamp, bool)
        or not isinstance(stamp, int)
        or not 946_684_800_000 <= stamp < 4_102_444_800_000
    ):
        conv.problem("timestamp", "expected epoch milliseconds (an integer)")
        return conv.result()
    if issue is None:
        return conv.result()
    at = datetime.fromtimestamp(stamp / 1000, UTC)
    later: list[Change] = []
    changelog = obj.get("changelog")
    if event == "jira:issue_updated" and isinstance(changelog, dict):
        for item_at, item in conv.objects(changelog.get("items"), "changelog.items"):
            field, before, after = item.get("field"), item.get("fromString"), item.get("toString")
            if isinstance(field, str):
                later.append(
                    Change(
                        at,
                        item_at,
                        field.casefold(),
                        before if isinstance(before, str) else None,
                        after if isinstance(after, str) else None,
                    )
                )
    # Links to issues outside the delivery are kept: ingest holds them until they arrive.
    jira = IssueMapping(replace(mapping, missing_links=MissingLinks.KEEP), conv)
    key = issue.get("key")
    with conv.item("issue", key, "issue"):
        key = conv.text(issue, "key", "issue")
    if key is None:
        return conv.result()
    jira.exported = {key}
    # An update knows the status it left, not the one the issue was created in: that
    # is assumed (a created event, a sync or an import knows it for certain).
    jira.assume_initial = event == "jira:issue_updated"
    tool_node(conv, mapping, site_of(issue))
    jira.one("issue", issue, key, later)
    return conv.result()
