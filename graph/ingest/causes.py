"""Attribute incidents to deployments after ingest: explicit CAUSED_BY, else inferred.

An incident whose records name its cause keeps that `CAUSED_BY` (marked `inferred:
false`; a record may say `inferred: true` to hand the choice to this rule). An incident
without one is attributed to the **latest successful deployment of a product it
AFFECTS** (the deployment `FOR_PRODUCT` that product, or whose head commit is in one of
its repositories) **to its environment** **that finished strictly before the incident
was created** — stored as `CAUSED_BY {inferred: true}`. Environments match as DORA reads
them (graph/metrics/dora.py `environment_pattern`): an incident without an `environment`, or
with `production` in any case, matches every deployment whose environment matches the
organisation's production pattern (`production_pattern`, which every entry point takes
from `VSG_PRODUCTION_PATTERN`; by default DevLake's `(?i)prod.*`: prod, Production,
prod-eu); any other environment matches deployments to the same name in any case
(`Staging` matches `staging`). The deployments' environments are matched by the
database (`=~`), with the patterns of the incidents at hand as a parameter. Ties on
`finishedAt` go to the greatest deployment id, so the answer does not depend on the
order of ingest. When an explicit cause arrives later, the inferred one is removed; when
a better candidate arrives (a deployment ingested out of order), the inferred cause
moves. Re-deriving writes nothing when nothing changed; the changes of a
batch are written in one transaction, so a failure leaves every cause as it was and the
retry of the batch recomputes them. When the production pattern changes, causes
inferred under the old one are stale: `reattribute_all` infers every incident's again
(`vsg rederive --causes`); explicit causes are never touched.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore, collected
from graph.ingest.plan import Plan
from graph.metrics.dora import (
    PRODUCTION,
    PRODUCTION_PATTERN,
    environment_pattern,
    production_pattern_of,
)
from graph.model import Label, RelType
from graph.times import instant

MARK_EXPLICIT = cypher("ingest/causes/mark_explicit")
AFFECTED = cypher("ingest/causes/find_affected_incidents")
INCIDENTS = cypher("ingest/causes/find_incidents")
PRODUCT_DEPLOYMENTS = cypher("ingest/causes/find_product_deployments")
ALL_INCIDENTS = cypher("ingest/causes/list_incidents")
DELETE_INFERRED = cypher("ingest/causes/delete_inferred")
CREATE_INFERRED = cypher("ingest/causes/create_inferred")

#: The environment of an incident that names none.
DEFAULT_ENVIRONMENT = PRODUCTION

_CHUNK = 20_000


@dataclass
class CausesReport:
    """What an attribution did."""

    incidents: int = 0
    created: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class Candidates:
    """Successful deployments of one product and environment, by (finishedAt, id)."""

    finished: tuple[tuple[datetime, str], ...]

    def latest_before(self, at: datetime) -> tuple[datetime, str] | None:
        """(finishedAt, id) of the deployment that finished last strictly before `at`."""
        # Every (t, id) with t < at sorts before (at, ""): ids are non-empty strings.
        index = bisect.bisect_left(self.finished, (at, ""))
        return self.finished[index - 1] if index else None


def incident_pattern(environment: str | None, production_pattern: str = PRODUCTION_PATTERN) -> str:
    """The regular expression (whole name, Cypher `=~`) the environments of an
    incident's candidate deployments match: `production_pattern` (in any case) for an
    incident naming no environment or `production`, else its own name in any case (one
    pattern per name whatever its spelling). A pattern that does not compile is an
    InvalidArgument."""
    return environment_pattern((environment or DEFAULT_ENVIRONMENT).lower(), production_pattern)


def infer_cause(
    created: datetime,
    environment: str | None,
    products: Sequence[str],
    candidates: Mapping[tuple[str, str], Candidates],
    production_pattern: str = PRODUCTION_PATTERN,
) -> str | None:
    """The inferred cause of an incident: over the products it affects, the deployment
    to its environment that finished last strictly before it was created. `candidates`
    are keyed by (product, the pattern their environments match: `incident_pattern`)."""
    pattern = incident_pattern(environment, production_pattern)
    found = [
        best
        for p in products
        if (c := candidates.get((p, pattern))) is not None
        and (best := c.latest_before(created)) is not None
    ]
    return max(found)[1] if found else None


def _touched(plan: Plan) -> tuple[set[str], set[str], set[str], list[dict[str, str]]]:
    incidents: set[str] = set()
    deployments: set[str] = set()
    repositories: set[str] = set()
    explicit: list[dict[str, str]] = []
    for (label, _), records in plan.nodes.items():
        if label is Label.INCIDENT:
            incidents.update(r.id for r in records)
        elif label is Label.DEPLOYMENT:
            deployments.update(r.id for r in records)
    for spec, rels in plan.relationships.items():
        if spec.type is RelType.CAUSED_BY:
            incidents.update(r.start.id for r in rels)
            explicit += [
                {"incident": r.start.id, "deployment": r.end.id}
                for r in rels
                if r.properties.get("inferred") is not True
            ]
        elif spec.type is RelType.AFFECTS:
            incidents.update(r.start.id for r in rels)
        elif spec.start is Label.DEPLOYMENT and spec.type in (
            RelType.DEPLOYED,
            RelType.FOR_PRODUCT,
        ):
            deployments.update(r.start.id for r in rels)
        elif spec.type is RelType.FOR_PRODUCT and spec.start is Label.REPOSITORY:
            repositories.update(r.start.id for r in rels)
    return incidents, deployments, repositories, explicit


async def attribute_incidents(
    store: GraphStore,
    plan: Plan,
    *,
    batch_size: int = 5000,
    production_pattern: str = PRODUCTION_PATTERN,
) -> CausesReport:
    """Mark the batch's CAUSED_BY records explicit, then re-infer the cause of every
    incident the batch may have changed, production being `production_pattern`; write
    only differences."""
    incidents, deployments, repositories, explicit = _touched(plan)
    # Marked in the same transaction as the rest: until then a CAUSED_BY without
    # `inferred` already reads as explicit (find_incidents).
    statements: list[tuple[Query, Mapping[str, Any]]] = [
        (MARK_EXPLICIT, {"rows": explicit[start : start + batch_size]})
        for start in range(0, len(explicit), batch_size)
    ]
    if deployments or repositories:
        rows = await store.read(
            AFFECTED, deployments=sorted(deployments), repositories=sorted(repositories)
        )
        incidents.update(r["incident"] for r in rows)
    return await _reattribute(store, sorted(incidents), statements, batch_size, production_pattern)


async def reattribute_all(
    store: GraphStore,
    *,
    production_pattern: str = PRODUCTION_PATTERN,
    batch_size: int = 5000,
    chunk: int = _CHUNK,
) -> CausesReport:
    """Infer the cause of every incident of the graph again, production being
    `production_pattern` (after the organisation's pattern changed); explicit causes
    stay as they are. `chunk` incidents at a time, each chunk's changes in one
    transaction; writes only differences, so running it twice changes nothing."""
    production_pattern_of(production_pattern)  # a bad pattern fails before any read
    report = CausesReport()
    after = ""
    while ids := [r["incident"] for r in await store.read(ALL_INCIDENTS, after=after, first=chunk)]:
        async with store.derive_lock:  # as ingest's derivations: one at a time per process
            part = await _reattribute(store, ids, [], batch_size, production_pattern)
        report.incidents += part.incidents
        report.created += part.created
        report.deleted += part.deleted
        after = ids[-1]
    return report


async def _reattribute(
    store: GraphStore,
    ids: list[str],
    statements: list[tuple[Query, Mapping[str, Any]]],
    batch_size: int,
    production_pattern: str,
) -> CausesReport:
    """Infer the causes of the incidents `ids` and write, after `statements`, the
    differences with the stored inferred ones, all in one transaction."""
    report = CausesReport()
    if not ids:
        if statements:
            await store.write_together(statements)
        return report
    found = []
    for start in range(0, len(ids), _CHUNK):
        found += await store.read(INCIDENTS, ids=ids[start : start + _CHUNK])
    products = sorted({p for row in found for p in row["products"]})
    patterns = sorted({incident_pattern(row["environment"], production_pattern) for row in found})
    by_key: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
    rows = await store.read(PRODUCT_DEPLOYMENTS, products=products, patterns=patterns)
    for product, deployment, matched, finished in collected(rows, "deployments"):
        for n in matched:
            by_key[(product, patterns[n])].append((instant(finished), deployment))
    candidates = {k: Candidates(tuple(sorted(set(v)))) for k, v in by_key.items()}
    deletes: list[dict[str, str]] = []
    creates: list[dict[str, str]] = []
    for row in found:
        cause = None
        if not row["explicit"]:
            cause = infer_cause(
                row["createdAt"], row["environment"], row["products"], candidates,
                production_pattern,
            )  # fmt: skip
        for old in row["inferred"]:
            if old != cause:
                deletes.append({"incident": row["incident"], "deployment": old})
        if cause is not None and cause not in row["inferred"]:
            creates.append({"incident": row["incident"], "deployment": cause})
    # All in one transaction: a failure leaves every cause as it was, for the retry.
    statements = statements + [
        (DELETE_INFERRED, {"rows": deletes[start : start + batch_size]})
        for start in range(0, len(deletes), batch_size)
    ]
    statements += [
        (CREATE_INFERRED, {"rows": creates[start : start + batch_size]})
        for start in range(0, len(creates), batch_size)
    ]
    if statements:
        await store.write_together(statements)
    report.incidents, report.created, report.deleted = len(found), len(creates), len(deletes)
    return report
