"""Webhooks through the real ASGI app: signatures, replays, ordering, concurrency."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.db.queries import cypher, parse
from graph.db.store import Connection, GraphStore
from graph.model import Label
from graph.read.entities import COUNT, nodes_by_ids
from graph.settings import Settings
from tests.factories import SmallOrg, ndjson

pytestmark = pytest.mark.db

COUNT_RELATIONSHIPS = cypher("admin/count_relationships")
SECRET, TOKEN, JIRA = "gh-secret", "gl-token", "jira-secret"
REPO = {"full_name": "acme/payments", "html_url": "https://github.com/acme/payments"}
DEPLOYMENT = {
    "id": 501,
    "sha": "e" * 40,
    "ref": "main",
    "environment": "production",
    "created_at": "2025-03-05T14:00:00Z",
    "updated_at": "2025-03-05T14:00:00Z",
    "url": "https://api.github.com/repos/acme/payments/deployments/501",
}


@pytest.fixture
async def client(connection: Connection, store: GraphStore) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        github_webhook_secret=SECRET, gitlab_webhook_token=TOKEN, jira_webhook_secret=JIRA
    )
    app = create_app(settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            yield c


async def counts(store: GraphStore) -> dict[str, int]:
    out = {str(label): (await store.read(COUNT[label]))[0]["total"] for label in COUNT}
    for row in await store.read(COUNT_RELATIONSHIPS):
        out[row["type"]] = row["total"]
    return {k: v for k, v in out.items() if v}


RELEASE_PRODUCT = parse(
    "test/release_product",
    "// cardinality: rows\n"
    "MATCH (:Release {id: $id})-[:FOR_PRODUCT]->(p:Product) RETURN p.id AS product",
)


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def github(
    client: httpx.AsyncClient, event: str, payload: Any, *, delivery: str = "d-1", sign: bool = True
) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery}
    if sign:
        headers["X-Hub-Signature-256"] = signed(body)
    return await client.post("/webhooks/github", content=body, headers=headers)


def push(*shas: str, before: str = "0" * 40) -> dict[str, Any]:
    return {
        "ref": "refs/heads/main",
        "before": before,
        "after": shas[-1],
        "forced": False,
        "repository": REPO,
        "commits": [
            {
                "id": sha,
                "message": f"commit {n}",
                "timestamp": f"2025-03-06T1{n}:00:00+01:00",
                "url": f"https://github.com/acme/payments/commit/{sha}",
                "author": {"name": "Ben", "username": "ben"},
            }
            for n, sha in enumerate(shas)
        ],
    }


async def test_a_bad_or_missing_signature_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    body = json.dumps(push("a" * 40)).encode()
    for headers in (
        {},
        {"X-Hub-Signature-256": signed(body, "wrong")},
        {"X-Hub-Signature-256": signed(body + b" ")},  # signed another body
    ):
        response = await client.post(
            "/webhooks/github", content=body, headers={"X-GitHub-Event": "push", **headers}
        )
        assert response.status_code == 401, response.text
    assert await counts(store) == {}


async def test_an_unconfigured_webhook_refuses_every_delivery(
    connection: Connection, store: GraphStore
) -> None:
    app = create_app(Settings(), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            for path in ("/webhooks/github", "/webhooks/gitlab", "/webhooks/jira"):
                response = await c.post(path, content=b"{}")
                assert response.status_code == 503
                assert "not configured" in response.json()["error"]


async def test_a_push_is_written_once_however_often_it_is_delivered(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    payload = push("a" * 40, "b" * 40)
    first = await github(client, "push", payload)
    assert first.status_code == 200, first.text
    # Tool, Repository, 2 commits; 2 IN_REPO and b -> a (the first has no `before`).
    expected = {"Tool": 1, "Repository": 1, "Commit": 2, "IN_REPO": 2, "PARENT": 1}
    assert await counts(store) == expected
    replay = await github(client, "push", payload)  # same delivery id, same body
    assert replay.status_code == 200
    assert await counts(store) == expected


async def test_unknown_events_are_accepted_and_ignored(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    response = await github(client, "star", {"action": "created", "repository": REPO})
    assert response.status_code == 202
    assert response.json()["ignored"] is True
    assert await counts(store) == {}


async def test_a_malformed_payload_is_a_400_with_reasons(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    bad = push("a" * 40)
    del bad["commits"][0]["timestamp"]
    response = await github(client, "push", bad)
    assert response.status_code == 400, response.text
    assert response.json()["problems"] == [
        {"position": "commits[0].timestamp", "message": "missing"}
    ]
    not_json = b"{nope"
    response = await client.post(
        "/webhooks/github",
        content=not_json,
        headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": signed(not_json)},
    )
    assert response.status_code == 400
    assert await counts(store) == {}


async def test_a_status_before_its_deployment_ends_in_the_right_state(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    await github(client, "push", push("e" * 40))
    status = {
        "action": "created",
        "deployment_status": {"state": "success", "created_at": "2025-03-05T14:09:00Z"},
        "deployment": DEPLOYMENT,
        "repository": REPO,
    }
    assert (await github(client, "deployment_status", status, delivery="d-2")).status_code == 200
    late = {"action": "created", "deployment": DEPLOYMENT, "repository": REPO}
    assert (await github(client, "deployment", late, delivery="d-3")).status_code == 200
    # An in_progress status arriving last does not roll the success back either.
    running = {
        **status,
        "deployment_status": {"state": "in_progress", "created_at": "2025-03-05T14:01:00Z"},
    }
    assert (await github(client, "deployment_status", running, delivery="d-4")).status_code == 200
    [deployment] = await nodes_by_ids(
        store, Label.DEPLOYMENT, ["github.com/acme/payments/deployments/501"]
    )
    assert deployment is not None
    finished = deployment.time("finishedAt")
    assert deployment.get("status") == "success"
    assert finished is not None and finished.isoformat() == "2025-03-05T14:09:00+00:00"
    assert (await counts(store))["DEPLOYED"] == 1


async def test_a_release_includes_the_stored_deployments_of_its_commit_only_by_export(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    release = {
        "action": "published",
        "repository": REPO,
        "release": {
            "tag_name": "v1.0.0",
            "name": "1.0.0",
            "draft": False,
            "target_commitish": "main",
            "published_at": "2025-03-14T12:00:00Z",
            "html_url": "https://github.com/acme/payments/releases/tag/v1.0.0",
        },
    }
    assert (await github(client, "release", release)).status_code == 200
    draft = {**release, "release": {**release["release"], "draft": True, "tag_name": "v9"}}
    assert (await github(client, "release", draft, delivery="d-2")).status_code == 200
    # The draft is not a release; a webhook release names no deployments (see the docs).
    assert await counts(store) == {"Tool": 1, "Repository": 1, "Release": 1, "IN_REPO": 1}


async def test_a_release_before_its_repository_has_a_product_gets_it_when_mapped(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    release = {
        "action": "published",
        "repository": REPO,
        "release": {
            "tag_name": "v2.0.0",
            "name": "2.0.0",
            "draft": False,
            "published_at": "2025-03-20T12:00:00Z",
            "html_url": "https://github.com/acme/payments/releases/tag/v2.0.0",
        },
    }
    assert (await github(client, "release", release)).status_code == 200
    assert "FOR_PRODUCT" not in await counts(store)
    org = SmallOrg()
    mapping = [
        {"record": "node", "label": "Product", "id": org.product, "properties": {"name": "P"}},
        {
            "record": "relationship",
            "type": "FOR_PRODUCT",
            "from": {"label": "Repository", "id": "github.com/acme/payments"},
            "to": {"label": "Product", "id": org.product},
        },
    ]
    response = await client.post(
        "/ingest", content=ndjson(mapping), headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text
    rows = await store.read(RELEASE_PRODUCT, id="github.com/acme/payments@v2.0.0")
    assert rows == [{"product": org.product}]


async def test_a_merged_pull_before_its_merge_commit_gets_the_link_when_it_arrives(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    pull = {
        "action": "closed",
        "repository": REPO,
        "pull_request": {
            "number": 3,
            "title": "Webhooks",
            "head": {"ref": "feature/pay-4-webhooks"},
            "created_at": "2025-03-05T08:30:00Z",
            "merged_at": "2025-03-05T13:00:00Z",
            "merge_commit_sha": "c" * 40,
            "user": {"login": "ana"},
        },
    }
    response = await github(client, "pull_request", pull)
    assert response.status_code == 200, response.text
    # No PAY work item and no commit c... in the graph: IMPLEMENTS and MERGED_AS wait.
    assert await counts(store) == {"Tool": 1, "Repository": 1, "PullRequest": 1, "IN_REPO": 1}
    # The merge commit's push completes MERGED_AS (IMPLEMENTS waits for the work item).
    assert (await github(client, "push", push("c" * 40), delivery="d-2")).status_code == 200
    assert (await counts(store)).get("MERGED_AS") == 1


async def test_concurrent_deliveries_lose_no_write(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    shas = [f"{n:040x}" for n in range(1, 9)]
    responses = await asyncio.gather(
        *(github(client, "push", push(sha), delivery=f"d-{sha}") for sha in shas)
    )
    assert [r.status_code for r in responses] == [200] * 8
    assert await counts(store) == {"Tool": 1, "Repository": 1, "Commit": 8, "IN_REPO": 8}
    # A deployment and its success delivered at once end as success, in either order.
    status = {
        "deployment_status": {"state": "success", "created_at": "2025-03-05T14:09:00Z"},
        "deployment": DEPLOYMENT,
        "repository": REPO,
    }
    created = {"deployment": DEPLOYMENT, "repository": REPO}
    responses = await asyncio.gather(
        github(client, "deployment_status", status, delivery="s"),
        github(client, "deployment", created, delivery="c"),
    )
    assert [r.status_code for r in responses] == [200, 200]
    [deployment] = await nodes_by_ids(
        store, Label.DEPLOYMENT, ["github.com/acme/payments/deployments/501"]
    )
    assert deployment is not None and deployment.get("status") == "success"


async def test_gitlab_checks_its_token_and_maps_every_hook(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    project = {"path_with_namespace": "acme/web", "web_url": "https://gitlab.com/acme/web"}
    sha = "9" * 40

    async def send(event: str, payload: Any, token: str = TOKEN) -> httpx.Response:
        headers = {"X-Gitlab-Event": event, "X-Gitlab-Token": token, "X-Gitlab-Event-UUID": "u-1"}
        return await client.post("/webhooks/gitlab", json=payload, headers=headers)

    pushed = {
        "object_kind": "push",
        "project": project,
        "commits": [{"id": sha, "message": "PAY-1 x", "timestamp": "2025-03-10T09:00:00+01:00"}],
    }
    assert (await send("Push Hook", pushed, token="nope")).status_code == 401
    assert await counts(store) == {}
    assert (await send("Push Hook", pushed)).status_code == 200
    merge = {
        "object_kind": "merge_request",
        "project": project,
        "object_attributes": {
            "iid": 7,
            "title": "Saved cards",
            "source_branch": "pay-7",
            "created_at": "2025-03-10 10:30:00 UTC",
            "updated_at": "2025-03-11 09:00:00 UTC",
            "state": "merged",
            "merge_commit_sha": sha,
            "last_commit": {"id": sha},
        },
    }
    assert (await send("Merge Request Hook", merge)).status_code == 200
    deployment = {
        "object_kind": "deployment",
        "status": "success",
        "status_changed_at": "2025-03-11 11:36:00 +0100",
        "deployment_id": 133,
        "environment": "production",
        "project": project,
        "commit_url": f"https://gitlab.com/acme/web/-/commit/{sha}",
    }
    assert (await send("Deployment Hook", deployment)).status_code == 200
    release = {
        "object_kind": "release",
        "action": "create",
        "tag": "v2.0.0",
        "name": "Saved cards",
        "released_at": "2025-03-11 11:00:00 UTC",
        "commit": {"id": sha},
        "project": project,
    }
    assert (await send("Release Hook", release)).status_code == 200
    assert (await send("Pipeline Hook", {"project": project})).status_code == 202
    assert await counts(store) == {
        "Tool": 1,
        "Repository": 1,
        "Commit": 1,
        "PullRequest": 1,
        "Deployment": 1,
        "Release": 1,
        "IN_REPO": 3,  # the commit, the merge request, the release
        "CONTAINS": 1,
        "MERGED_AS": 1,
        "DEPLOYED": 1,
        "SHIPPED": 1,  # derived by ingest: the successful deployment shipped its head
    }


async def test_jira_moves_an_issue_through_its_stages(
    client: httpx.AsyncClient, store: GraphStore
) -> None:
    org = SmallOrg()  # product with key PAY; stages To Do -> In Progress -> ...
    assert (await client.post("/ingest", content=ndjson(org.records()))).status_code == 200
    issue = {
        "key": "PAY-12",
        "fields": {
            "summary": "Refund to wallet",
            "issuetype": {"name": "Story"},
            "created": "2025-03-01T09:00:00.000+0100",
            "status": {"name": "To Do"},
            "project": {"key": "PAY"},
        },
    }
    created = {"webhookEvent": "jira:issue_created", "timestamp": 1740816000000, "issue": issue}
    updated = {
        "webhookEvent": "jira:issue_updated",
        "timestamp": 1740906000000,  # 2025-03-02T09:00:00Z
        "issue": issue,
        "changelog": {
            "items": [{"field": "status", "fromString": "To Do", "toString": "In Progress"}]
        },
    }
    assert (await client.post("/webhooks/jira", json=created)).status_code == 401
    before = await counts(store)
    response = await client.post("/webhooks/jira?secret=" + JIRA, json=created)
    assert response.status_code == 200, response.text
    response = await client.post(
        "/webhooks/jira", json=updated, headers={"X-Vsg-Webhook-Secret": JIRA}
    )
    assert response.status_code == 200, response.text
    after = await counts(store)
    # One more story (and the Jira Tool), its FOR_PRODUCT, two visits: To Do, In Progress.
    assert after["IN_STAGE"] == before.get("IN_STAGE", 0) + 2
    assert after["FOR_PRODUCT"] == before["FOR_PRODUCT"] + 1
    assert after["Tool"] == before.get("Tool", 0) + 1
    ignored = await client.post(
        "/webhooks/jira?secret=" + JIRA, json={"webhookEvent": "comment_created"}
    )
    assert ignored.status_code == 202
    malformed = await client.post(
        "/webhooks/jira?secret=" + JIRA, json={**updated, "timestamp": 10**20}
    )
    assert malformed.status_code == 400
    unmapped = {
        **updated,
        "changelog": {"items": [{"field": "status", "toString": "Parked"}]},
    }
    # A status no stage lists yet is kept as a fact (a visit once a stage maps it,
    # docs/ingest.md): the delivery is not refused.
    response = await client.post("/webhooks/jira?secret=" + JIRA, json=unmapped)
    assert response.status_code == 200, response.text
