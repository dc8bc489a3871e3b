"""Sources give each work item its tool resolution, which the flow metrics read as the
item's outcome (docs/metrics.md, outcomes).

Atlassian's published search example has no resolution (nor the fields an issue needs),
so the test starts from the project's own Jira export and sets the `resolution` field in
code, in the shape Jira's REST API gives it (an object with `name`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.ingest.records import NodeRecord
from graph.ingest.sources import jira
from graph.ingest.sources.mapping import MissingLinks, SourceMapping
from graph.metrics.flow import discarded_by_tool

PAGE = Path(__file__).parents[1] / "fixtures" / "sources" / "jira" / "search-page-1.json"
MAPPING = SourceMapping(projects={"PAY": "payments"}, missing_links=MissingLinks.KEEP)


def converted(resolution: Any, present: bool = True) -> dict[str, Any]:
    issue = next(i for i in json.loads(PAGE.read_text())["issues"] if i["key"] == "PAY-3")
    if present:
        issue["fields"]["resolution"] = resolution
    else:
        issue["fields"].pop("resolution", None)
    result = jira.convert(json.dumps({"issues": [issue]}).encode(), MAPPING)
    (item,) = (r for r in result.records if isinstance(r, NodeRecord) and r.id == "PAY-3")
    return dict(item.properties)


def test_a_jira_resolution_is_kept_as_the_item_s_resolution() -> None:
    wont = {
        "self": "https://example.atlassian.net/rest/api/3/resolution/10001",
        "id": "10001",
        "description": "This will not be worked on.",
        "name": "Won't Do",
    }
    properties = converted(wont)
    assert properties["resolution"] == "Won't Do"
    assert discarded_by_tool(properties.get("outcome"), properties["resolution"])
    assert not discarded_by_tool(None, converted({"name": "Done"})["resolution"])


def test_an_unresolved_issue_erases_a_stored_resolution_and_an_absent_field_keeps_it() -> None:
    assert converted(None)["resolution"] is None  # Jira clears it when reopening
    assert "resolution" not in converted(None, present=False)  # not asked for: unknown
