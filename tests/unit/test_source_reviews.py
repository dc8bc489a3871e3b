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


def test_a_listed_review_is_the_same_record_as_the_webhook_s() -> None:
    """GitHub's published `GET /pulls/{n}/reviews` example (github/rest-api-description,
    tests/fixtures/vendor/README.md), listed with its pull in an export (as `vsg sync
    github` fetches it) and sent as a `pull_request_review` delivery's `review` (built in
    code around the published `GET /pulls/{n}` example: no such delivery is stored)."""
    rest = VENDOR / "github/rest"
    listed = json.loads((rest / "pull-request-review-items.json").read_text())
    pull = json.loads((rest / "pull-request.json").read_text())
    repository = json.loads((rest / "full-repository-default-response.json").read_text())
    export = {"repository": repository, "pulls": [{**pull, "commits": [], "reviews": listed}]}
    from_export = github.convert(json.dumps(export).encode(), MAPPING)
    delivery = {"action": "submitted", "review": listed[0], "pull_request": pull,
                "repository": repository}  # fmt: skip
    from_webhook = github.convert_event(
        "pull_request_review", json.dumps(delivery).encode(), MAPPING
    )
    assert from_webhook is not None
    (review,) = reviews(from_export)
    assert [(r.start, r.end, r.properties) for r in reviews(from_webhook)] == [
        (review.start, review.end, review.properties)
    ]
    assert review.start.id.endswith(":octocat") and review.end.id.endswith("#1347")
    assert review.properties == {
        "submittedAt": datetime(2019, 11, 17, 17, 43, 43, tzinfo=UTC),
        "state": "approved",
    }


def test_a_pending_or_broken_listed_review_leaves_the_others() -> None:
    rest = VENDOR / "github/rest"
    (item,) = json.loads((rest / "pull-request-review-items.json").read_text())
    pull = json.loads((rest / "pull-request.json").read_text())
    repository = json.loads((rest / "full-repository-default-response.json").read_text())
    # A pending review has no submitted_at (GitHub: seen by its author only): no review
    # yet. One without a user is skipped and reported; the pull and the others stay.
    pending = {**item, "id": 81, "state": "PENDING"}
    pending.pop("submitted_at")
    broken = {**item, "id": 82, "user": None}
    export = {
        "repository": repository,
        "pulls": [{**pull, "commits": [], "reviews": [pending, broken, item]}],
    }
    converted = github.convert(json.dumps(export).encode(), MAPPING)
    assert len(reviews(converted)) == 1
    assert [s.id for s in converted.skipped] == ["82"]
    assert any(isinstance(r, NodeRecord) and r.label == "PullRequest" for r in converted.records)
