"""Every mapped vendor event, converted from the vendors' own published examples.

The payloads under tests/fixtures/vendor/ are kept as the vendors publish them (sources
in its README); these tests read them unmodified, through the pure conversion.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.ingest.records import NodeRecord, RelationshipRecord, StateRecord
from graph.ingest.sources import github, gitlab, incidents, jira, jira_webhook
from graph.ingest.sources.mapping import MissingLinks, SourceMapping
from graph.ingest.sources.payload import Converted, PayloadError
from tests.converted import rels

VENDOR = Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
GH_HOOKS, GH_REST = VENDOR / "github" / "webhooks", VENDOR / "github" / "rest"
GL_HOOKS, GL_REST = VENDOR / "gitlab" / "webhooks", VENDOR / "gitlab" / "rest"
MAPPING = SourceMapping(default_product="hello")
GH_REPO = "github.com/Codertocat/Hello-World"


def hook(path: Path) -> bytes:
    """A published webhook example as sent: GitLab's docs annotate one field with a
    `// comment`, which no delivery carries; it is cut here, not in the fixture."""
    return re.sub(rb",\s*//[^\n]*", b",", path.read_bytes())


def nodes(converted: Converted, label: str) -> dict[str, NodeRecord]:
    return {r.id: r for r in converted.records if isinstance(r, NodeRecord) and r.label == label}


def event(source: Any, name: str, path: Path) -> Converted:
    converted = source.convert_event(name, hook(path), MAPPING)
    assert converted is not None
    return converted


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --- GitHub webhooks (octokit/webhooks payload examples) ---------------------------------


@pytest.mark.parametrize(
    "name", ["pull_request.opened", "pull_request.closed", "pull_request.synchronize"]
)
def test_every_github_pull_request_webhook_maps_with_its_commit_count(name: str) -> None:
    converted = event(github, "pull_request", GH_HOOKS / f"{name}.payload.json")
    pull = nodes(converted, "PullRequest")[f"{GH_REPO}#2"]
    assert pull.properties["title"] == "Update the README with new information."
    assert pull.properties["createdAt"] == utc("2019-05-15T15:20:33+00:00")
    assert pull.properties["branch"] == "changes"
    assert not converted.skipped
    # Closed without merging: no merge commit, whatever merge_commit_sha says.
    assert rels(converted, "MERGED_AS") == set()
    assert rels(converted, "CONTAINS") == set()  # a count, not the commits


def test_github_pushes_map_their_commits() -> None:
    empty = event(github, "push", GH_HOOKS / "push.payload.json")
    assert nodes(empty, "Commit") == {}
    assert GH_REPO in nodes(empty, "Repository")
    branch = event(github, "push", GH_HOOKS / "push.with-new-branch.payload.json")
    (commit,) = nodes(branch, "Commit").values()
    assert commit.id == "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
    assert commit.properties["authoredAt"] == utc("2019-05-15T15:19:25+00:00")
    assert rels(branch, "PARENT") == set()  # a new branch: `before` is all zeros


def test_github_deployment_and_its_status() -> None:
    created = event(github, "deployment", GH_HOOKS / "deployment.payload.json")
    deployment_id = f"{GH_REPO}/deployments/145988746"
    started = nodes(created, "Deployment")[deployment_id].properties
    assert started["status"] == "in_progress"
    assert started["environment"] == "production"
    assert rels(created, "DEPLOYED") == {
        (deployment_id, "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")
    }
    done = event(github, "deployment_status", GH_HOOKS / "deployment_status.payload.json")
    finished = nodes(done, "Deployment")[deployment_id].properties
    assert finished["status"] == "success"
    assert finished["startedAt"] == utc("2019-05-15T15:20:53+00:00")
    assert finished["finishedAt"] == utc("2019-05-15T15:20:55+00:00")


@pytest.mark.parametrize("name", ["published.payload", "released", "created.payload"])
def test_a_github_release_is_a_release(name: str) -> None:
    converted = event(github, "release", GH_HOOKS / f"release.{name}.json")
    release = nodes(converted, "Release")[f"{GH_REPO}@0.0.1"]
    assert release.properties["releasedAt"] == utc("2019-05-15T15:20:53+00:00")
    assert converted.deleted == ()


def test_a_github_prerelease_is_not_a_release_to_production() -> None:
    converted = event(github, "release", GH_HOOKS / "release.prereleased.payload.json")
    assert nodes(converted, "Release") == {}
    assert any("prerelease" in note for note in converted.notes)


def test_a_deleted_github_release_is_reported_gone() -> None:
    converted = event(github, "release", GH_HOOKS / "release.deleted.payload.json")
    assert nodes(converted, "Release") == {}
    assert converted.deleted == (("Release", f"{GH_REPO}@0.0.1"),)


# --- GitHub REST (OpenAPI examples) ------------------------------------------------------


def github_export() -> dict[str, Any]:
    def load(name: str) -> Any:
        return json.loads((GH_REST / f"{name}.json").read_text())

    pulls = load("pull-request-simple-items")
    deployments = load("deployment-items")
    return {
        "repository": load("full-repository-default-response"),
        "commits": load("commit-items"),
        "pulls": [{**pull, "commits": load("commit-items")} for pull in pulls],
        "deployments": [{**d, "statuses": load("deployment-status-items")} for d in deployments],
        "releases": load("release-items"),
        "tags": load("tag-items"),
    }


def test_a_github_rest_export_of_the_openapi_examples_maps_every_listing() -> None:
    converted = github.convert(json.dumps(github_export()).encode(), MAPPING)
    assert not converted.skipped
    repo = "github.com/octocat/Hello-World"
    assert set(nodes(converted, "Commit")) == {"6dcb09b5b57875f334f61aebed695e2e4193db5e"}
    pull = nodes(converted, "PullRequest")[f"{repo}#1347"]
    assert pull.properties["mergedAt"] == utc("2011-01-26T19:01:12+00:00")
    assert rels(converted, "MERGED_AS") == set()  # its merge commit is not in the export
    deployment = nodes(converted, "Deployment")[f"{repo}/deployments/1"].properties
    assert deployment["status"] == "success"
    assert set(nodes(converted, "Release")) == {f"{repo}@v1.0.0"}


# --- GitLab webhooks (doc/user/project/integrations/webhook_events.md) -------------------


def test_a_gitlab_push_hook_maps_its_commits_in_order() -> None:
    converted = event(gitlab, "Push Hook", GL_HOOKS / "push-hook.json")
    first, second = (
        "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
        "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    )
    assert set(nodes(converted, "Commit")) == {first, second}
    assert rels(converted, "PARENT") == {(second, first)}
    assert nodes(converted, "Commit")[first].properties["authoredAt"] == utc(
        "2011-12-12T14:27:31+02:00"
    )


def test_a_gitlab_merge_request_hook_maps_the_request_and_its_head() -> None:
    converted = event(gitlab, "Merge Request Hook", GL_HOOKS / "merge-request-hook.json")
    mr = nodes(converted, "PullRequest")["example.com/gitlabhq/gitlab-test!1"]
    assert mr.properties["title"] == "MS-Viewport"
    assert mr.properties["branch"] == "ms-viewport"
    assert rels(converted, "CONTAINS") == {
        ("example.com/gitlabhq/gitlab-test!1", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
    }


def test_a_gitlab_deployment_hook_maps_status_and_commit() -> None:
    converted = event(gitlab, "Deployment Hook", GL_HOOKS / "deployment-hook.json")
    deployment_id = "10.126.0.2:3000/root/test-deployment-webhooks/deployments/15"
    deployment = nodes(converted, "Deployment")[deployment_id].properties
    assert deployment["status"] == "success"
    assert deployment["environment"] == "staging"
    assert deployment["finishedAt"] == utc("2021-04-28T21:50:00+02:00")
    assert rels(converted, "DEPLOYED") == {
        (deployment_id, "279484c09fbe69ededfced8c1bb6e6d24616b468")
    }


def test_a_gitlab_release_hook_and_its_deletion() -> None:
    converted = event(gitlab, "Release Hook", GL_HOOKS / "release-hook.json")
    release_id = "example.com/gitlab-org/release-webhook-example@v1.1"
    assert nodes(converted, "Release")[release_id].properties["releasedAt"] == utc(
        "2020-11-02T12:55:12+00:00"
    )
    deleted = json.loads(hook(GL_HOOKS / "release-hook.json"))
    deleted["action"] = "delete"  # GitLab sends the same shape with action delete
    gone = gitlab.convert_event("Release Hook", json.dumps(deleted).encode(), MAPPING)
    assert gone is not None and nodes(gone, "Release") == {}
    assert gone.deleted == (("Release", release_id),)


# --- GitLab REST (doc/api/*.md examples) -------------------------------------------------


def gitlab_export(**lists: Any) -> bytes:
    project = {"path_with_namespace": "acme/web", "web_url": "https://gitlab.com/acme/web"}
    return json.dumps({"project": project, **lists}).encode()


def test_a_gitlab_commit_without_authored_date_does_not_refuse_the_export() -> None:
    commits = json.loads((GL_REST / "list-repository-commits.json").read_text())
    converted = gitlab.convert(gitlab_export(commits=commits), MAPPING)
    assert not converted.skipped
    found = nodes(converted, "Commit")
    # The docs' second commit has no authored_date: its created_at stands in.
    assert found["6104942438c14ec7bd21c6cd5bd995272b3faff6"].properties["authoredAt"] == utc(
        "2012-09-20T09:06:12+03:00"
    )
    assert found["ed899a2f4b50b4370feeea94676502b42383c746"].properties["authoredAt"] == utc(
        "2012-09-20T11:50:22+03:00"
    )


def test_a_gitlab_deployment_starts_when_its_job_did() -> None:
    single = json.loads((GL_REST / "get-a-specific-deployment.json").read_text())
    listed = json.loads((GL_REST / "list-project-deployments.json").read_text())
    converted = gitlab.convert(gitlab_export(deployments=[single]), MAPPING)
    deployment = nodes(converted, "Deployment")["gitlab.com/acme/web/deployments/42"].properties
    assert deployment["status"] == "success"
    assert deployment["startedAt"] == utc("2016-08-11T11:32:24.456+00:00")  # the job's creation
    assert deployment["finishedAt"] == utc("2016-08-11T11:32:35.145+00:00")  # the job's end
    assert deployment["startedAt"] < deployment["finishedAt"]
    both = gitlab.convert(gitlab_export(deployments=listed), MAPPING)
    assert {d.properties["status"] for d in nodes(both, "Deployment").values()} == {"in_progress"}


# --- Jira Cloud REST (the platform OpenAPI examples) -------------------------------------


def test_the_jira_search_example_is_skipped_and_reported_not_refused() -> None:
    # Atlassian's example issue has no summary, issue type, status nor created date.
    converted = jira.convert((VENDOR / "jira" / "rest" / "search.json").read_bytes(), MAPPING)
    (skipped,) = converted.skipped
    assert (skipped.source, skipped.kind, skipped.id) == ("jira", "issue", "ED-1")
    assert skipped.position == "issues[0]"
    assert skipped.field == "issues[0].fields.issuetype"
    with pytest.raises(PayloadError):
        jira.convert(
            (VENDOR / "jira" / "rest" / "search.json").read_bytes(), replace(MAPPING, strict=True)
        )


def test_a_jira_issue_maps_the_same_by_webhook_and_by_search() -> None:
    page = json.loads(
        (
            Path(__file__).parents[1] / "fixtures" / "sources" / "jira" / "search-page-1.json"
        ).read_text()
    )
    mapping = SourceMapping(
        projects={"PAY": "payments"},
        team_field="customfield_10001",
        missing_links=MissingLinks.KEEP,
    )
    issue = next(i for i in page["issues"] if i["key"] == "PAY-4")
    by_file = jira.convert(json.dumps({"issues": [issue]}).encode(), mapping)
    bare = {k: v for k, v in issue.items() if k != "changelog"}
    delivery = {"webhookEvent": "jira:issue_created", "timestamp": 1741000000000, "issue": bare}
    by_hook = jira_webhook.convert_event(json.dumps(delivery).encode(), mapping)
    assert by_hook is not None

    def shape(c: Converted) -> tuple[Any, ...]:
        node = {
            (r.label, r.id, tuple(sorted(r.properties.items())))
            for r in c.records
            if isinstance(r, NodeRecord)
        }
        links = {(r.type, r.start, r.end) for r in c.records if isinstance(r, RelationshipRecord)}
        return node, links

    assert shape(by_hook) == shape(by_file)
    first = next(r for r in by_hook.records if isinstance(r, StateRecord))
    assert first.at == utc(issue["fields"]["created"].replace("+0000", "+00:00"))


# --- PagerDuty (the REST API's OpenAPI example) ------------------------------------------


def test_the_pagerduty_incidents_example_maps() -> None:
    data = (VENDOR / "pagerduty" / "list-incidents.json").read_bytes()
    converted = incidents.convert_pagerduty(data, MAPPING)
    incident = nodes(converted, "Incident")["PT4KHLK"].properties
    assert incident["title"] == "The server is on fire."
    assert incident["createdAt"] == utc("2015-10-06T21:30:42+00:00")
    assert incident["resolvedAt"] == utc("2015-10-06T21:38:23+00:00")
    assert incident["severity"] == "P2"
