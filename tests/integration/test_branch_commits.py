"""A commit's `branchCommit` (graph/ingest/branch_commits.py): true when a pull request
contains it and none was merged as it, whatever the order, split and re-delivery of the
commits, pull requests and links; and migration 007 gives it to commits written before
ingest kept it.
"""

from __future__ import annotations

import random
import uuid

import pytest

from graph.db.migrations import prepare
from graph.db.queries import parse
from graph.db.store import GraphStore
from tests.factories import Record, commit, node, rel
from tests.integration.test_ingest import load

pytestmark = pytest.mark.db

FLAGS = parse(
    "test/branch_commits",
    "// cardinality: rows\n"
    "UNWIND $ids AS id MATCH (c:Commit {id: id}) RETURN c.id AS id, c.branchCommit AS flag",
)
FORGET_FLAGS = parse(
    "test/forget_branch_commits",
    "// cardinality: write\n"
    "MATCH (c:Commit) REMOVE c.branchCommit "
    "WITH count(c) AS commits MATCH (m:Migration {id: '007_branch_commits'}) "
    "DETACH DELETE m",
)


def pull_requests(p: str) -> tuple[list[Record], dict[str, bool | None]]:
    """Two pull requests: one contains a1 and a2 and was merged as m1; the other
    contains b1, which is also the merge commit of the first's follow-up (contained and
    merged as: not a branch commit), and x1 belongs to none. Records and each commit's
    expected flag."""
    repo = f"{p}-repo"
    at = "2025-03-01T10:00:00Z"
    records: list[Record] = [node("Repository", repo, name="shop")]
    for name in ("a1", "a2", "m1", "b1", "x1"):
        records += commit(p, repo, name, "03-01T08:00")
    for pr in ("pr1", "pr2", "pr3"):
        records.append(node("PullRequest", f"{p}-{pr}", title=pr, createdAt=at))
    links = [("pr1", "CONTAINS", "a1"), ("pr1", "CONTAINS", "a2"), ("pr1", "MERGED_AS", "m1"),
             ("pr2", "CONTAINS", "b1"), ("pr3", "MERGED_AS", "b1")]  # fmt: skip
    records += [rel(t, ("PullRequest", f"{p}-{a}"), ("Commit", f"{p}-{b}")) for a, t, b in links]
    expected = {f"{p}-a1": True, f"{p}-a2": True, f"{p}-m1": None, f"{p}-b1": None,
                f"{p}-x1": None}  # fmt: skip
    return records, expected


async def flags_of(store: GraphStore, ids: list[str]) -> dict[str, bool | None]:
    return {r["id"]: r["flag"] for r in await store.read(FLAGS, ids=ids)}


@pytest.mark.parametrize("seed", range(4))
async def test_the_same_links_give_the_same_flags_in_any_order_and_split(
    store: GraphStore, seed: int
) -> None:
    p = uuid.uuid4().hex[:6]
    records, expected = pull_requests(p)
    shuffled = list(records)
    random.Random(seed).shuffle(shuffled)
    # Seed 0: links before the commits they join (they wait for them), one record a
    # batch; the others: shuffled into random batches.
    if seed == 0:
        shuffled.sort(key=lambda r: r["record"] != "relationship")
        batches = [[r] for r in shuffled]
    else:
        cuts = sorted(random.Random(seed).sample(range(1, len(shuffled)), 3))
        batches = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
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
    assert await flags_of(store, sorted(expected)) == dict.fromkeys(expected)
    assert await prepare(store) == ["007_branch_commits"]
    assert await flags_of(store, sorted(expected)) == expected
    assert await prepare(store) == []
