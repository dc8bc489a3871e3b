"""A deployment's product, when its source could not name it: its repository's.

A webhook names a deployment's product through its repository's `FOR_PRODUCT`, which may
not be in the graph yet when the deployment arrives (the repository is mapped to its
product later). After each batch, every deployment the batch wrote or linked, and every
deployment of a repository the batch gave a product, that is for no product yet is
linked to the product of its head commit's repository; so the graph is the same whether
the mapping came first or last (docs/ingest.md, "Late references").
"""

from __future__ import annotations

from graph.ingest.plan import Plan
from graph.model import Label, RelType
from graph.queries import cypher
from graph.store import GraphStore

LINK_DEPLOYMENTS = cypher("ingest/products/link_deployments")


def _touched(plan: Plan) -> tuple[list[str], list[str]]:
    deployments = {
        r.id
        for (label, _), records in plan.nodes.items()
        if label is Label.DEPLOYMENT
        for r in records
    }
    repositories: set[str] = set()
    for spec, rels in plan.relationships.items():
        if spec.start is Label.DEPLOYMENT and spec.type is RelType.DEPLOYED:
            deployments.update(r.start.id for r in rels)
        elif spec.start is Label.REPOSITORY and spec.type is RelType.FOR_PRODUCT:
            # A repository new in this batch has no deployments of earlier batches, and
            # this batch's are in `deployments`: no need to walk its commits.
            repositories.update(r.start.id for r in rels if not plan.is_new(r.start))
    return sorted(deployments), sorted(repositories)


async def link_deployment_products(store: GraphStore, plan: Plan, *, batch_size: int) -> None:
    """Give the deployments the batch touched their repository's product where they have
    none (a write only where one is missing)."""
    deployments, repositories = _touched(plan)
    for start in range(0, max(len(deployments), 1), batch_size):
        part = deployments[start : start + batch_size]
        if part or (start == 0 and repositories):
            await store.write(
                LINK_DEPLOYMENTS,
                deployments=part,
                repositories=repositories if start == 0 else [],
            )
