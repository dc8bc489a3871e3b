"""The GitLab source: export and webhook payloads -> ingest records (no database)."""

from __future__ import annotations

import json
from pathlib import Path

from graph.ingest.records import NodeRecord
from graph.ingest.sources import gitlab
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted
from tests.converted import rels

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "gitlab"
MAPPING = SourceMapping(
    projects={"PAY": "payments"}, repositories={"acme/payments-web": "payments"}
)
REPO = "gitlab.com/acme/payments-web"
# History g1 <- g2 (merge commit of !7, squashed into s7) <- s8 (squash of !8, fast-forward);
# !9 is open. Everything ships to staging only (production is in the GitHub fixture).
G1 = "c96f16d471560fbc6d67593c1c4bbfdb002a0434"
G2 = "8101a8cfae6417182104c04343285be0b3f46470"
S8 = "e1ab7aa8fbba15fb9a003e46accd33283d0d3144"


def convert() -> Converted:
    return gitlab.convert((FIXTURES / "payments-web.json").read_bytes(), MAPPING)


def test_merged_as_is_the_merge_commit_else_the_squash_commit() -> None:
    # !7 squashed with a merge commit: g2 (which has the squash commit as parent);
    # !8 squashed and fast-forwarded: no merge commit, the squash commit s8.
    assert rels(convert(), "MERGED_AS") == {(f"{REPO}!7", G2), (f"{REPO}!8", S8)}


def test_deployments_map_statuses_and_reruns() -> None:
    converted = convert()
    status = {
        r.id.rsplit("/", 1)[1]: r.properties["status"]
        for r in converted.records
        if isinstance(r, NodeRecord) and r.label == "Deployment"
    }
    # canceled counts as not successful; 132 failed and 133 re-ran the same commit g2.
    assert status == {
        "131": "success",
        "132": "failure",
        "133": "success",
        "134": "failure",
        "135": "in_progress",
    }
    assert {d.rsplit("/", 1)[1] for d, c in rels(converted, "DEPLOYED") if c == G2} == {
        "132",
        "133",
    }
    assert rels(converted, "INCLUDES") == {
        (f"{REPO}@v2.0.0", f"{REPO}/deployments/132"),
        (f"{REPO}@v2.0.0", f"{REPO}/deployments/133"),
    }


def test_keys_come_from_titles_branches_and_messages() -> None:
    implements = rels(convert(), "IMPLEMENTS")
    # !9 "Draft: PAY-10 Apple Pay"; !8 via its branch pay-7-partial-refunds; g2 via the
    # branch in its merge message.
    assert {(f"{REPO}!9", "PAY-10"), (f"{REPO}!8", "PAY-7"), (G2, "PAY-12")} <= implements
    assert len(implements) == 8  # 5 commits (g1, m7a, s7, g2, s8) + 3 merge requests


def test_deployment_hook_reads_gitlab_times_and_the_sha_from_the_commit_url() -> None:
    hook = {
        "object_kind": "deployment",
        "status": "success",
        "status_changed_at": "2025-03-20 11:36:00 +0100",
        "deployment_id": 133,
        "environment": "production",
        "project": {
            "path_with_namespace": "acme/payments-web",
            "web_url": "https://gitlab.com/acme/payments-web",
        },
        "short_sha": G2[:8],
        "commit_url": f"https://gitlab.com/acme/payments-web/-/commit/{G2}",
    }
    converted = gitlab.convert_event("Deployment Hook", json.dumps(hook).encode(), MAPPING)
    assert converted is not None
    deployment = next(
        r for r in converted.records if isinstance(r, NodeRecord) and r.label == "Deployment"
    )
    assert deployment.properties["finishedAt"].isoformat() == "2025-03-20T10:36:00+00:00"
    assert rels(converted, "DEPLOYED") == {(f"{REPO}/deployments/133", G2)}
    assert gitlab.convert_event("Pipeline Hook", b"{}", MAPPING) is None
