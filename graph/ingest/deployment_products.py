"""A deployment's or release's product, when its source could not name it: its
repository's.

A webhook names the product of a deployment or a release through its repository's
`FOR_PRODUCT`, which may not be in the graph yet when they arrive (the repository is
mapped to its product later). After each batch, every deployment and release the batch
wrote or linked, and every one of a repository the batch gave a product, that is for no
product yet is linked to its repository's product (a deployment through its head
commit's repository, a release through its own `IN_REPO`); so the graph is the same
whether the mapping came first or last (docs/ingest.md, "Late references").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.plan import Plan
from graph.model import Label, RelType

LINK_DEPLOYMENTS = cypher("ingest/products/link_deployments")
LINK_RELEASES = cypher("ingest/products/link_releases")


@dataclass
class _Touched:
    deployments: set[str] = field(default_factory=set)
    releases: set[str] = field(default_factory=set)
    repositories: set[str] = field(default_factory=set)


def _touched(plan: Plan) -> _Touched:
    touched = _Touched()
    for (label, _), records in plan.nodes.items():
        if label is Label.DEPLOYMENT:
            touched.deployments.update(r.id for r in records)
        elif label is Label.RELEASE:
            touched.releases.update(r.id for r in records)
    for spec, rels in plan.relationships.items():
        if spec.start is Label.DEPLOYMENT and spec.type is RelType.DEPLOYED:
            touched.deployments.update(r.start.id for r in rels)
        elif spec.start is Label.RELEASE and spec.type is RelType.IN_REPO:
            touched.releases.update(r.start.id for r in rels)
        elif spec.start is Label.REPOSITORY and spec.type is RelType.FOR_PRODUCT:
            # A repository new in this batch has nothing of earlier batches, and this
            # batch's deployments and releases are named already: no need to walk it.
            touched.repositories.update(r.start.id for r in rels if not plan.is_new(r.start))
    return touched


async def link_deployment_products(store: GraphStore, plan: Plan, *, batch_size: int) -> None:
    """Give the deployments and releases the batch touched their repository's product
    where they have none (a write only where one is missing)."""
    touched = _touched(plan)
    repositories = sorted(touched.repositories)
    for query, ids, name in (
        (LINK_DEPLOYMENTS, sorted(touched.deployments), "deployments"),
        (LINK_RELEASES, sorted(touched.releases), "releases"),
    ):
        for start in range(0, max(len(ids), 1), batch_size):
            part = ids[start : start + batch_size]
            if part or (start == 0 and repositories):
                await store.write(
                    query, **{name: part, "repositories": repositories if start == 0 else []}
                )
