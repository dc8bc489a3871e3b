"""A commit's `branchCommit`, derived from its pull request relationships: true when a
pull request CONTAINS it and none was MERGED_AS it (docs/graph-model.md, derived
properties).

DORA's lead time counts changes: a pull request, through the commit it was merged as, or
a commit outside every pull request. A branch commit is neither (its pull request is the
change), and most shipped commits are branch commits: asked of each shipped commit as
two traversals, that question was half of what a product's lead time read
(cypher/dora/find_changes.cypher reads the flag instead).

A `CONTAINS` or `MERGED_AS` is written only once both its ends exist (until then it
waits: docs/ingest.md, "Late references") and relationships are not removed, so a
commit's flag follows from its relationships alone. After each batch, the commit of
every `CONTAINS` and `MERGED_AS` the batch wrote gets its flag recomputed from the graph
as it is then: the same links give the same flags in any order, split or re-delivery.
"""

from __future__ import annotations

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.plan import Plan
from graph.model import RelType

SET_BRANCH_COMMITS = cypher("ingest/branch_commits/set_branch_commits")
#: The relationships a commit's flag is read from.
PULL_REQUEST_LINKS = frozenset({RelType.CONTAINS, RelType.MERGED_AS})


def linked_commits(plan: Plan) -> list[str]:
    """The commits at the end of a CONTAINS or MERGED_AS the plan writes."""
    ids: set[str] = set()
    for spec, records in plan.relationships.items():
        if spec.type in PULL_REQUEST_LINKS:
            ids.update(r.end.id for r in records)
    return sorted(ids)


async def set_branch_commits(store: GraphStore, ids: list[str], *, batch_size: int) -> int:
    """Recompute the `branchCommit` of the commits `ids` from their pull request
    relationships; return how many changed (a transaction per `batch_size` commits)."""
    changed = 0
    for start in range(0, len(ids), batch_size):
        rows = await store.write(SET_BRANCH_COMMITS, ids=ids[start : start + batch_size])
        changed += int(rows[0]["commits"])
    return changed


async def derive_branch_commits(store: GraphStore, plan: Plan, *, batch_size: int) -> int:
    """Recompute the `branchCommit` of the commits the plan's pull request links reach."""
    return await set_branch_commits(store, linked_commits(plan), batch_size=batch_size)
