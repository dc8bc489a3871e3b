"""A commit's flags (graph/ingest/commit_flags.py): `branchCommit`, true when a pull
request contains it and none was merged as it, and `implementsWork`, true when it or a
pull request that contains it or was merged as it implements a work item, whatever the
order, split and re-delivery of the commits, pull requests, items and links; and
migration 007 gives them to commits written before ingest kept them.
"""

from __future__ import annotations

import uuid

import pytest

from graph.db.migrations import prepare
from graph.db.queries import parse
from graph.db.store import GraphStore
from tests.factories import Record, commit, deliveries, node, rel
from tests.integration.test_ingest import load

pytestmark = pytest.mark.db

FLAGS = parse(
    "test/commit_flags",
    "// cardinality: rows\n"
    "UNWIND $ids AS id MATCH (c:Commit {id: id}) "
    "RETURN c.id AS id, [c.branchCommit, c.implementsWork] AS flags",
)
FORGET_FLAGS = parse(
    "test/forget_commit_flags",
    "// cardinality: write\n"
    "MATCH (c:Commit) REMOVE c.branchCommit, c.implementsWork "
    "WITH count(c) AS commits MATCH (m:Migration {id: '007_commit_flags'}) "
    "DETACH DELETE m",
)


Flags = list[bool | None]


def pull_requests(p: str) -> tuple[list[Record], dict[str, Flags]]:
    """Three pull requests: pr1 contains a1 and a2, was merged as m1 and implements a
    story; pr2 contains b1, which pr3 was merged as (so b1 is not a branch commit) and
    which implements the story itself; x1 belongs to no pull request and implements
    nothing. Records and each commit's expected [branchCommit, implementsWork]."""
    repo = f"{p}-repo"
    at = "2025-03-01T10:00:00Z"
    records: list[Record] = [
        node("Repository", repo, name="shop"),
        node("Story", f"{p}-story", title="Pay", createdAt=at),
    ]
    for name in ("a1", "a2", "m1", "b1", "x1"):
        records += commit(p, repo, name, "03-01T08:00")
    for pr in ("pr1", "pr2", "pr3"):
        records.append(node("PullRequest", f"{p}-{pr}", title=pr, createdAt=at))
    links = [("pr1", "CONTAINS", "a1"), ("pr1", "CONTAINS", "a2"), ("pr1", "MERGED_AS", "m1"),
             ("pr2", "CONTAINS", "b1"), ("pr3", "MERGED_AS", "b1")]  # fmt: skip
    records += [rel(t, ("PullRequest", f"{p}-{a}"), ("Commit", f"{p}-{b}")) for a, t, b in links]
    records += [
        rel("IMPLEMENTS", ("PullRequest", f"{p}-pr1"), ("Story", f"{p}-story")),
        rel("IMPLEMENTS", ("Commit", f"{p}-b1"), ("Story", f"{p}-story")),
    ]
    expected: dict[str, Flags] = {
        f"{p}-a1": [True, True],
        f"{p}-a2": [True, True],
        f"{p}-m1": [None, True],
        f"{p}-b1": [None, True],
        f"{p}-x1": [None, None],
    }
    return records, expected


async def flags_of(store: GraphStore, ids: list[str]) -> dict[str, Flags]:
    return {r["id"]: r["flags"] for r in await store.read(FLAGS, ids=ids)}


@pytest.mark.parametrize("seed", range(4))
async def test_the_same_links_give_the_same_flags_in_any_order_and_split(
    store: GraphStore, seed: int
) -> None:
    p = uuid.uuid4().hex[:6]
    records, expected = pull_requests(p)
    # Links first, one record a batch (seed 0), or four random batches.
    batches = deliveries(records, seed)
    for batch in batches:
        await load(store, batch)
    assert await flags_of(store, sorted(expected)) == expected
    # Delivered again, whole: nothing changes.
    await load(store, records)
    assert await flags_of(store, sorted(expected)) == expected


async def test_commits_written_before_the_flag_get_it_from_their_links(
    store: GraphStore,
) -> None:
    p = uuid.uuid4().hex[:6]
    records, expected = pull_requests(p)
    await prepare(store)
    await load(store, records)
    await store.write(FORGET_FLAGS)
    assert await flags_of(store, sorted(expected)) == {id: [None, None] for id in expected}
    assert await prepare(store) == ["007_commit_flags"]
    assert await flags_of(store, sorted(expected)) == expected
    assert await prepare(store) == []
