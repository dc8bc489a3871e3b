"""A work item's family kinds, derived from PARENT_OF: the kinds of its parents
(`parentKinds`) and of its children (`childKinds`), each a list in `WorkItemKind` order,
absent when it has none (docs/graph-model.md, derived properties).

The flow-item level leaves nested items out of the flow metrics (a Story with a Feature
parent when Features are the flow items, a Feature with Stories when Stories are:
docs/metrics.md, Flow Items). Asked of every item a window reads, a traversal each cost
the flow reads half their time on the embedded database; the item's own list answers it.

A work item's kind never changes (graph/ingest/plan.py refuses it) and a PARENT_OF is
written only once both its ends exist (until then it waits: docs/ingest.md, "Late
references"), so an item's family kinds follow from its PARENT_OF relationships alone.
After each batch, both ends of every PARENT_OF the batch wrote get theirs recomputed from
the graph as it is then, whatever came before: the same links give the same kinds in any
order, split or re-delivery.
"""

from __future__ import annotations

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.plan import Plan
from graph.model import RelType, WorkItemKind

SET_FAMILY_KINDS = cypher("ingest/families/set_family_kinds")
#: Every kind, in the order the lists keep.
KINDS = [kind.value for kind in WorkItemKind]


def linked_items(plan: Plan) -> list[str]:
    """The work items at either end of a PARENT_OF the plan writes."""
    ids: set[str] = set()
    for spec, records in plan.relationships.items():
        if spec.type is RelType.PARENT_OF:
            ids.update(end.id for r in records for end in (r.start, r.end))
    return sorted(ids)


async def set_family_kinds(store: GraphStore, ids: list[str], *, batch_size: int) -> int:
    """Recompute the family kinds of the work items `ids` from their PARENT_OF; return
    how many changed (written a transaction per `batch_size` items)."""
    changed = 0
    for start in range(0, len(ids), batch_size):
        rows = await store.write(SET_FAMILY_KINDS, ids=ids[start : start + batch_size], kinds=KINDS)
        changed += int(rows[0]["items"])
    return changed


async def derive_family_kinds(store: GraphStore, plan: Plan, *, batch_size: int) -> int:
    """Recompute the family kinds of the work items the plan's PARENT_OF link."""
    return await set_family_kinds(store, linked_items(plan), batch_size=batch_size)
