"""The GitHub source: export and webhook payloads -> ingest records (no database)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from graph.ingest.records import NodeRecord
from graph.ingest.sources import github
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Converted, PayloadError
from tests.converted import rels

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "github"
MAPPING = SourceMapping(projects={"PAY": "payments"}, repositories={"acme/payments": "payments"})
REPO = "github.com/acme/payments"
# The fixture's shas (sha1 of a short name): history c1 <- c2 <- c3 (squash of PR #2:
# p2a, p2b) <- c4 (merge of PR #3: p3a <- p3b) <- c5 (squash of PR #4: p4a), and f2 on
# c5 for the open PR #5 (force-pushed to f3 in payments-after-force-push.json).
C2, C3, C4, C5 = (
    "6b1f53303a732ccc8c6aae6640399827c15250e3",
    "a625406f6977d45c1391b078f4d3656e0b75bfcb",
    "e4666a670f042877c67a84473a71675ee0950a08",
    "8dc29fc58c0bd99068c2e5c752aa61521d4f11ce",
)
P2A, P2B = "d5de4ba635aecd3271c434fa115100257c0e01a5", "075328217ce530d9773e058cd194831f0b9fa592"
F2, F3 = "cf1126f67238bf3e85fcc8c8737b72e80ddcfddb", "619aae029dda528253a6af0ba619b45baa1df115"


def convert(name: str, mapping: SourceMapping = MAPPING) -> Converted:
    return github.convert((FIXTURES / name).read_bytes(), mapping)


def nodes(converted: Converted, label: str) -> dict[str, NodeRecord]:
    return {r.id: r for r in converted.records if isinstance(r, NodeRecord) and r.label == label}


def test_the_export_maps_every_vendor_thing() -> None:
    converted = convert("payments.json")
    counts = Counter(
        str(r.label) if isinstance(r, NodeRecord) else str(r.type) for r in converted.records
    )
    assert counts == {
        "Tool": 1,
        "Repository": 1,
        # 7 on main (c1..c5, p3a, p3b) + p2a, p2b (PR #2), p4a (PR #4), f2 (PR #5).
        "Commit": 11,
        "PullRequest": 4,
        "Deployment": 4,
        "Release": 2,  # the draft v1.1.0 is not released
        "IN_REPO": 17,  # 11 commits + 4 pulls + 2 releases
        # c2->c1, c3->c2, p2a->c2, p2b->p2a, p3a->c3, p3b->p3a, c4->c3, c4->p3b, c5->c4,
        # p4a->c4, f2->c5
        "PARENT": 11,
        # commits: c1 PAY-1, c2 PAY-8 (not ABC-1), p2a PAY-3, c3 PAY-3, p3b PAY-4 (a
        # browse link), c4 PAY-4 (branch name in the message), c5 PAY-5, f2 PAY-12;
        # pulls: #2 PAY-3, #3 PAY-4 (branch; not utf-8), #4 PAY-5 (branch), #5 PAY-12
        "IMPLEMENTS": 12,
        "FOR_PRODUCT": 7,  # the repository, 4 deployments, 2 releases
        "CONTAINS": 6,  # #2: p2a, p2b; #3: p3a, p3b; #4: p4a; #5: f2
        "MERGED_AS": 3,  # #2 c3 (squash), #3 c4 (merge), #4 c5 (squash); #5 is open
        "DEPLOYED": 4,
        # v1.0.0 (tag -> c4): 401, 402 (production), 403 (staging); v1.0.1 (c5): 501
        "INCLUDES": 4,
    }
    assert all(r.properties["source"] == "github.com" for r in nodes(converted, "Commit").values())
    assert nodes(converted, "Tool")["github.com"].properties["kind"] == "source_control"


def test_a_squash_merge_is_merged_as_a_commit_that_is_no_descendant_of_its_commits() -> None:
    converted = convert("payments.json")
    assert (f"{REPO}#2", C3) in rels(converted, "MERGED_AS")
    assert {(f"{REPO}#2", P2A), (f"{REPO}#2", P2B)} <= rels(converted, "CONTAINS")
    # c3's only parent is c2: the pull's commits stay off the main history.
    assert {p for c, p in rels(converted, "PARENT") if c == C3} == {C2}


def test_an_open_pull_has_no_merge_commit_though_github_lists_a_test_merge() -> None:
    converted = convert("payments.json")
    assert not any(pr == f"{REPO}#5" for pr, _ in rels(converted, "MERGED_AS"))
    assert nodes(converted, "PullRequest")[f"{REPO}#5"].properties.get("mergedAt") is None


def test_deployment_status_comes_from_the_latest_meaningful_status() -> None:
    deployments = nodes(convert("payments.json"), "Deployment")
    status = {
        i.rsplit("/", 1)[1]: (d.properties["status"], d.properties.get("finishedAt"))
        for i, d in deployments.items()
    }
    # 401 errored at 10:04; 402 re-ran the same commit and succeeded at 11:08 (queued
    # before); 501's later `inactive` (superseded) does not undo its success at 09:07.
    assert {k: (s, f.isoformat() if f else None) for k, (s, f) in status.items()} == {
        "401": ("failure", "2025-03-14T10:04:00+00:00"),
        "402": ("success", "2025-03-14T11:08:00+00:00"),
        "403": ("success", "2025-03-13T13:26:00+00:00"),
        "501": ("success", "2025-03-18T09:07:00+00:00"),
    }


def test_a_redeployed_commit_has_two_deployments() -> None:
    deployed = rels(convert("payments.json"), "DEPLOYED")
    assert {d.rsplit("/", 1)[1] for d, c in deployed if c == C4} == {"401", "402", "403"}


def test_a_release_on_a_branch_finds_its_commit_through_the_tags() -> None:
    includes = rels(convert("payments.json"), "INCLUDES")
    # v1.0.0 targets `main`; its tag names c4.
    assert {d.rsplit("/", 1)[1] for r, d in includes if r == f"{REPO}@v1.0.0"} == {
        "401",
        "402",
        "403",
    }


def test_a_force_pushed_pull_lists_its_new_commits_only_and_links_no_unknown_parent() -> None:
    converted = convert("payments-after-force-push.json")
    # f2 is gone from GitHub's list: the export says nothing about it (the graph keeps
    # the earlier CONTAINS); f3's parent c5 is not in this export, so no PARENT.
    assert rels(converted, "CONTAINS") == {(f"{REPO}#5", F3)}
    assert rels(converted, "PARENT") == set()


def test_without_a_product_mapping_nothing_is_for_a_product() -> None:
    assert rels(convert("payments.json", SourceMapping()), "FOR_PRODUCT") == set()


def _malformed() -> bytes:
    export = json.loads((FIXTURES / "payments.json").read_text())
    del export["commits"][1]["commit"]["author"]["date"]
    export["deployments"][0]["statuses"][0]["state"] = "exploded"
    return json.dumps(export).encode()


def test_a_malformed_item_is_skipped_and_reported_and_the_rest_converts() -> None:
    converted = github.convert(_malformed(), MAPPING)
    assert [(s.kind, s.field, s.reason) for s in converted.skipped] == [
        ("commit", "commits[1].commit.author.date", "missing"),
        (
            "deployment",
            "deployments[0].statuses[0].state",
            "unknown deployment state 'exploded' "
            "(success, failure, error, in_progress, queued, pending, inactive)",
        ),
    ]
    whole = convert("payments.json")
    assert len(nodes(converted, "Commit")) == len(nodes(whole, "Commit")) - 1
    assert len(nodes(converted, "Deployment")) == len(nodes(whole, "Deployment")) - 1
    assert nodes(converted, "PullRequest").keys() == nodes(whole, "PullRequest").keys()


def test_a_malformed_export_in_strict_mode_names_the_position() -> None:
    with pytest.raises(PayloadError) as caught:
        github.convert(_malformed(), replace(MAPPING, strict=True))
    assert [str(p) for p in caught.value.problems] == [
        "commits[1].commit.author.date: missing",
        "deployments[0].statuses[0].state: unknown deployment state 'exploded' "
        "(success, failure, error, in_progress, queued, pending, inactive)",
    ]


def test_webhook_push_links_commits_in_order_and_skips_unknown_events() -> None:
    payload = {
        "ref": "refs/heads/main",
        "before": C5,
        "after": F2,
        "forced": False,
        "repository": {
            "full_name": "acme/payments",
            "html_url": "https://github.com/acme/payments",
        },
        "commits": [
            {
                "id": F2,
                "message": "PAY-12 receipts",
                "timestamp": "2025-03-06T16:00:00+01:00",
                "url": "u",
                "author": {"name": "Ben", "username": "ben"},
            },
            {
                "id": F3,
                "message": "tidy",
                "timestamp": "2025-03-06T17:00:00+01:00",
                "url": "u",
                "author": {"name": "Ben", "username": "ben"},
            },
        ],
    }
    converted = github.convert_event("push", json.dumps(payload).encode(), MAPPING)
    assert converted is not None
    assert rels(converted, "PARENT") == {(F2, C5), (F3, F2)}
    assert rels(converted, "IMPLEMENTS") == {(F2, "PAY-12")}
    forced = github.convert_event("push", json.dumps({**payload, "forced": True}).encode(), MAPPING)
    assert forced is not None and rels(forced, "PARENT") == {(F3, F2)}
    assert github.convert_event("star", b"{}", MAPPING) is None
