"""A commit's flags, derived from its relationships (docs/graph-model.md, derived
properties):

- `branchCommit`: true when a pull request CONTAINS it and none was MERGED_AS it;
- `implementsWork`: true when it IMPLEMENTS a work item, itself or through a pull
  request that CONTAINS it or was MERGED_AS it.

DORA's lead time counts changes: a pull request, through the commit it was merged as, or
a commit outside every pull request. A branch commit is neither (its pull request is the
change), and most shipped commits are branch commits: asked of each shipped commit as
two traversals, that question was half of what a product's lead time read
(cypher/dora/find_changes.cypher reads the flag instead). The recommendations ask of
every commit a window shipped whether it implements work
(cypher/analysis/find_shipped_commits_without_work_item.cypher).

A relationship is written only once both its ends exist (until then it waits:
docs/ingest.md, "Late references") and these are not removed, so a commit's flags follow
from its relationships alone. After each batch, the commits the batch linked get their
flags recomputed from the graph as it is then: the commit of every `CONTAINS` and
`MERGED_AS`, the commit of every `IMPLEMENTS` from a commit, and the commits of every
pull request with an `IMPLEMENTS`. The same links give the same flags in any order,
split or re-delivery.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.plan import Plan
from graph.model import Label, RelType

SET_COMMIT_FLAGS = cypher("ingest/commit_flags/set_commit_flags")
#: The pull request relationships whose commit (their end) a batch recomputes.
PULL_REQUEST_LINKS = frozenset({RelType.CONTAINS, RelType.MERGED_AS})


def linked(plan: Plan) -> tuple[list[str], list[str]]:
    """The commits whose flags the plan's relationships may change, and the pull
    requests whose commits' flags they may change (each sorted)."""
    commits: set[str] = set()
    pull_requests: set[str] = set()
    for spec, records in plan.relationships.items():
        if spec.type in PULL_REQUEST_LINKS:
            commits.update(r.end.id for r in records)
        elif spec.type is RelType.IMPLEMENTS and spec.start is Label.COMMIT:
            commits.update(r.start.id for r in records)
        elif spec.type is RelType.IMPLEMENTS and spec.start is Label.PULL_REQUEST:
            pull_requests.update(r.start.id for r in records)
    return sorted(commits), sorted(pull_requests)


async def set_commit_flags(
    store: GraphStore,
    commits: Sequence[str] = (),
    pull_requests: Sequence[str] = (),
    items: Sequence[str] = (),
    *,
    batch_size: int,
) -> int:
    """Recompute the flags of the commits `commits`, of the commits of the pull requests
    `pull_requests` and of the commits that implement the work items `items`; return how
    many changed (a transaction per `batch_size` ids of each)."""
    changed = 0
    for start in range(0, max(len(commits), len(pull_requests), len(items)), batch_size):
        rows = await store.write(
            SET_COMMIT_FLAGS,
            ids=list(commits[start : start + batch_size]),
            pullRequests=list(pull_requests[start : start + batch_size]),
            items=list(items[start : start + batch_size]),
        )
        changed += int(rows[0]["commits"])
    return changed


async def derive_commit_flags(store: GraphStore, plan: Plan, *, batch_size: int) -> int:
    """Recompute the flags of the commits the plan's relationships may change."""
    commits, pull_requests = linked(plan)
    return await set_commit_flags(store, commits, pull_requests, batch_size=batch_size)
