"""The naive reference for a product's DORA figures: every deployment and incident the
product ever had, read whole, then the window's changes.

This is how `product_dora` (graph/metrics/dora_queries.py) read the graph before it read
only what the window needs (docs/performance.md, "DORA: the window, not the history").
The four keys are the same pure functions (graph/metrics/dora.py); only the reading
differs, so a test compares the two answers on the demo organisation. Nothing but tests
calls it: its cost grows with the product's history.
"""

from __future__ import annotations

import asyncio

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.metrics.dora import PRODUCTION, PRODUCTION_PATTERN, Dora, environment_pattern, four_keys
from graph.metrics.dora_queries import deployments_of, incidents_of, window_changes
from graph.metrics.flow import Window

PRODUCT_DEPLOYMENTS = cypher("dora/find_product_deployments")
PRODUCT_INCIDENTS = cypher("dora/find_product_incidents")


async def product_dora_from_history(
    store: GraphStore,
    product: str,
    window: Window,
    environment: str = PRODUCTION,
    production_pattern: str = PRODUCTION_PATTERN,
) -> Dora:
    """The four keys of a product from every deployment and incident it ever had."""
    pattern = environment_pattern(environment, production_pattern)
    deployment_rows, incident_rows = await asyncio.gather(
        store.read(PRODUCT_DEPLOYMENTS, product=product, environment=pattern),
        store.read(
            PRODUCT_INCIDENTS,
            product=product,
            environment=pattern,
            production=environment.strip().lower() == PRODUCTION,
        ),
    )
    deployments = deployments_of(deployment_rows)
    changes = (await window_changes(store, deployments, window, pattern)).changes()
    return four_keys(window, environment, deployments, changes, incidents_of(incident_rows))
