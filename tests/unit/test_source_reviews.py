"""Pull request reviews from GitHub and merge request approvals from GitLab become
`(:Person)-[:REVIEWED {submittedAt, state}]->(:PullRequest)`, which the lead time's
pickup and review steps read (docs/metrics.md).

The stored vendor examples hold no review: octokit's `pull_request_review` example is not
among them, and GitLab's documented merge request hook is an `open`. So each test builds
the delivery in code from a stored example, changing only what a review delivery has in
addition, in the shape the vendor documents it (GitHub: a `review` object beside the
`pull_request`; GitLab: `object_attributes.action` `approved`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from graph.ingest.records import NodeRecord, RelationshipRecord
from graph.ingest.sources import github, gitlab
from graph.ingest.sources.mapping import SourceMapping
from graph.model import RelType

VENDOR = Path(__file__).parents[1] / "fixtures" / "vendor"
MAPPING = SourceMapping(default_product="hello")


def reviews(converted: object) -> list[RelationshipRecord]:
    return [
        r
        for r in converted.records  # type: ignore[attr-defined]
        if isinstance(r, RelationshipRecord) and r.type is RelType.REVIEWED
    ]


def test_a_github_review_is_a_reviewed_relationship_from_its_reviewer() -> None:
    opened = json.loads((VENDOR / "github/webhooks/pull_request.opened.payload.json").read_text())
    delivery = {
        "action": "submitted",
        "review": {
            "id": 237895671,
            "user": {"login": "Codertocat", "id": 21031067, "type": "User"},
            "body": None,
            "commit_id": opened["pull_request"]["head"]["sha"],
            "submitted_at": "2019-05-15T15:20:38Z",
            "state": "APPROVED",
        },
        "pull_request": opened["pull_request"],
        "repository": opened["repository"],
        "sender": opened["sender"],
    }
    converted = github.convert_event("pull_request_review", json.dumps(delivery).encode(), MAPPING)
    assert converted is not None
    (review,) = reviews(converted)
    assert review.start.id.endswith(":Codertocat") and review.end.id.endswith("#2")
    assert review.properties == {
        "submittedAt": datetime(2019, 5, 15, 15, 20, 38, tzinfo=UTC),
        "state": "approved",
    }
    people = [r for r in converted.records if isinstance(r, NodeRecord) and r.id == review.start.id]
    assert people[0].properties["name"] == "Codertocat"


def test_a_gitlab_approval_is_a_review_by_the_hook_s_user() -> None:
    text = (VENDOR / "gitlab/webhooks/merge-request-hook.json").read_text()
    delivery = json.loads(text)
    delivery["object_attributes"]["action"] = "approved"
    converted = gitlab.convert_event("Merge Request Hook", json.dumps(delivery).encode(), MAPPING)
    assert converted is not None
    (review,) = reviews(converted)
    assert review.start.id.endswith(":root")
    assert review.properties["state"] == "approved"
    assert review.properties["submittedAt"] == datetime(2013, 12, 3, 17, 23, 34, tzinfo=UTC)
    # an ordinary merge request event is no review
    plain = gitlab.convert_event("Merge Request Hook", text.encode(), MAPPING)
    assert plain is not None and reviews(plain) == []
