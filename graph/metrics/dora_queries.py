"""Loading what DORA's four keys need (graph/metrics/dora.py) from the graph.

A product's figures are read for the window only (`product_dora`): its deployments and
incidents, the changes they shipped, and of the history before it only what those need;
graph/metrics/dora_reference.py reads the whole history, the naive way the tests compare
with. A set of repositories (`repositories_dora`) and pull requests' lead times
(`pull_request_lead_times`) are read the same way. Statements: `cypher/dora/`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime

from graph.db.queries import cypher
from graph.db.store import GraphStore, Row, collected
from graph.metrics.dora import (
    PRODUCTION,
    PRODUCTION_PATTERN,
    Change,
    ChangeColumns,
    DeploymentFact,
    Dora,
    IncidentFact,
    LeadTime,
    ShippedChange,
    environment_pattern,
    excluded,
    first_deployments,
    four_keys,
    lead_time,
    lead_time_figures,
    measure,
)
from graph.metrics.flow import Window
from graph.times import instant

PRODUCT_WINDOW_DEPLOYMENTS = cypher("dora/find_product_deployments_in_window")
CHAIN_BEFORE = cypher("dora/find_chain_deployments_before")
LISTING_BEFORE = cypher("dora/find_listing_deployments_before")
REPOSITORY_DEPLOYMENTS = cypher("dora/find_repository_deployments")
CHANGES = cypher("dora/find_changes")
PULL_REQUEST_SHIPPING = cypher("dora/find_pull_request_shipping")
PRODUCT_WINDOW_INCIDENTS = cypher("dora/find_product_incidents_in_window")
DEPLOYMENT_INCIDENTS = cypher("dora/find_deployment_incidents")


def _instant(us: int | None) -> datetime | None:
    return None if us is None else instant(us)


def deployments_of(rows: list[Row]) -> list[DeploymentFact]:
    """The deployment facts of a `{deployments}` row (dora/find_*_deployments*)."""
    return [
        DeploymentFact(
            id, status, _instant(finished), repository, int(incidents), tuple(commits or ())
        )
        for id, status, finished, repository, incidents, commits in collected(rows, "deployments")
    ]


def incidents_of(rows: list[Row]) -> list[IncidentFact]:
    """The incident facts of an `{incidents}` row (dora/find_*_incidents*)."""
    return [
        IncidentFact(id, instant(created), _instant(resolved))
        for id, created, resolved in collected(rows, "incidents")
    ]


async def window_changes(
    store: GraphStore,
    deployments: Sequence[DeploymentFact],
    window: Window,
    pattern: str,
    details: bool = True,
) -> ChangeColumns:
    """The changes the deployments that succeeded in the window shipped."""
    ids = [d.id for d in deployments if d.succeeded_in(window)]
    return await _changes_of_deployments(store, ids, pattern, details)


async def _changes_of_deployments(
    store: GraphStore, ids: Sequence[str], pattern: str, details: bool = True
) -> ChangeColumns:
    """The changes the deployments (by id) shipped: dora/find_changes, its columns as
    they come; without `details`, no titles or reviews (what a lead time's figures need,
    not its breakdown)."""
    # A plain answer (ids, epoch microseconds): not walked again in Python.
    [row] = await store.read_plain(
        CHANGES, deployments=list(ids), environment=pattern, details=details
    )
    return ChangeColumns(
        row["deployments"], row["commits"], row["pullRequests"], row["firstCommits"],
        row["shipped"], row["listed"], row["opened"], row["merged"], row["titles"],
        row["reviews"],
    )  # fmt: skip


def _lead_time(
    deployments: Sequence[DeploymentFact], columns: ChangeColumns, window: Window, details: bool
) -> LeadTime:
    """The lead time of the changes read: measured change by change for the details,
    else its figures on the columns as read (`lead_time_figures`)."""
    if details:
        return lead_time(deployments, columns.changes(), window)
    return lead_time_figures(deployments, columns, window)


async def product_dora(
    store: GraphStore,
    product: str,
    window: Window,
    environment: str = PRODUCTION,
    production_pattern: str = PRODUCTION_PATTERN,
    details: bool = True,
) -> Dora:
    """The four keys of a product: its deployments (FOR_PRODUCT or through its
    repositories) and the incidents affecting it, read for the window only: its
    deployments and incidents, the changes they shipped, and of the history before it
    only what those need (`_first_before`, `_listing_before`). The figures are those of
    the whole history (graph/metrics/dora_reference.py, compared by
    tests/integration/test_dora_window.py).
    Without `details`, lead time comes without its changes and findings
    (`graph.metrics.dora.lead_time`), for a quarter less of the reading."""
    pattern = environment_pattern(environment, production_pattern)
    bounds = {"product": product, "environment": pattern, "start": window.start}
    # The incidents do not depend on the deployments: read them side by side.
    deployment_rows, incident_rows = await asyncio.gather(
        store.read(PRODUCT_WINDOW_DEPLOYMENTS, **bounds, end=window.end),
        store.read(
            PRODUCT_WINDOW_INCIDENTS,
            **bounds,
            end=window.end,
            production=environment.strip().lower() == PRODUCTION,
        ),
    )
    deployments = deployments_of(deployment_rows)
    # The first deployments before the window do not depend on the changes: read them
    # beside the changes (the changes' listings before the window do).
    columns, firsts = await asyncio.gather(
        window_changes(store, deployments, window, pattern, details),
        _first_before(store, bounds, deployments, window),
    )
    facts = [*firsts, *await _listing_before(store, bounds, columns.commits), *deployments]
    incidents = incidents_of(incident_rows)
    lead = _lead_time(facts, columns, window, details)
    return four_keys(window, environment, facts, (), incidents, lead)


async def _first_before(
    store: GraphStore,
    bounds: Mapping[str, object],
    deployments: Sequence[DeploymentFact],
    window: Window,
) -> list[DeploymentFact]:
    """Of each repository with a successful deployment in the window, one successful
    deployment before the window, if any: since only a repository's first tracked
    deployment excludes the changes it ships (`first_deployments`), that is all the
    history before the window that exclusion needs. (Deployment frequency and change
    failure rate count the window's successful deployments only, and time to restore the
    incidents created or resolved in it.) A repository whose deployments in the window
    shipped no change through the commit graph needs none, but one more true deployment
    of the history changes no figure, and asking for it does not wait for the changes."""
    chains = {d.repository for d in deployments if d.succeeded_in(window)}
    if not chains:
        return []
    repositories = sorted(r for r in chains if r is not None)
    rows = await store.read(
        CHAIN_BEFORE, **bounds, repositories=repositories, unattached=None in chains
    )
    return deployments_of(rows)


async def _listing_before(
    store: GraphStore, bounds: Mapping[str, object], shipped: Sequence[str]
) -> list[DeploymentFact]:
    """The deployments before the window whose commit list names a commit of the
    window's changes (`shipped`): they shipped it first, so the change is not the
    window's. Lead time counts each change once, with the first deployment that
    shipped it."""
    commits = sorted(set(shipped))
    if not commits:
        return []
    return deployments_of(await store.read(LISTING_BEFORE, **bounds, commits=commits))


async def repositories_dora(
    store: GraphStore,
    repositories: Sequence[str],
    window: Window,
    environment: str = PRODUCTION,
    production_pattern: str = PRODUCTION_PATTERN,
    details: bool = True,
) -> Dora:
    """The four keys of a set of repositories: deployments of their commits and the
    incidents attributed to those deployments (`details` as in `product_dora`)."""
    pattern = environment_pattern(environment, production_pattern)
    deployments = deployments_of(
        await store.read(
            REPOSITORY_DEPLOYMENTS, repositories=list(repositories), environment=pattern
        )
    )
    columns = await window_changes(store, deployments, window, pattern, details)
    incidents = incidents_of(
        await store.read(DEPLOYMENT_INCIDENTS, deployments=[d.id for d in deployments])
    )
    lead = _lead_time(deployments, columns, window, details)
    return four_keys(window, environment, deployments, (), incidents, lead)


async def pull_request_lead_times(
    store: GraphStore,
    pull_requests: Sequence[str],
    environment: str = PRODUCTION,
    production_pattern: str = PRODUCTION_PATTERN,
) -> dict[str, Change]:
    """Each pull request's lead time, whatever the window, as `repositories_dora` of its
    repository measures it: the first successful deployment to the environment that
    shipped its merge commit (SHIPPED, or named in a deployment of its repository's
    commit list; the graph's wins a tie), measured by the same rules, excluded when that
    is the repository's first tracked deployment through the commit graph. Keyed by
    pull request id; one not merged, or not shipped there yet, is absent. Three
    statements whatever the number of pull requests."""
    pattern = environment_pattern(environment, production_pattern)
    rows = collected(
        await store.read(
            PULL_REQUEST_SHIPPING, pullRequests=list(pull_requests), environment=pattern
        ),
        "pullRequests",
    )
    merged = [(pr, merge, repo, shipped) for pr, merge, repo, shipped in rows if merge]
    repositories = sorted({repo for _, _, repo, _ in merged if repo is not None})
    facts = (
        deployments_of(
            await store.read(REPOSITORY_DEPLOYMENTS, repositories=repositories, environment=pattern)
        )
        if repositories
        else []
    )
    firsts = first_deployments(facts)
    # Per pull request, its first shipping deployment: (finishedAt, listed, id).
    first: dict[str, tuple[datetime, bool, str]] = {}
    for pr, merge, repo, shipped in merged:
        candidates = [(instant(at), False, id) for id, at in shipped]
        candidates += [
            (d.finished_at, True, d.id)
            for d in facts
            if d.repository == repo and merge in d.commits and d.succeeded and d.finished_at
        ]
        if candidates:
            best = min(candidates)
            if pr not in first or best < first[pr]:
                first[pr] = best
    if not first:
        return {}
    deployments = sorted({id for _, _, id in first.values()})
    found: dict[str, list[ShippedChange]] = {}
    for change in (await _changes_of_deployments(store, deployments, pattern)).changes():
        if change.pull_request is not None:
            found.setdefault(change.pull_request, []).append(change)
    out: dict[str, Change] = {}
    for pr, (at, _, deployment) in first.items():
        # The commit graph's entry before the list's for the same deployment.
        entries = sorted(
            (c for c in found.get(pr, ()) if c.deployment == deployment), key=lambda c: c.listed
        )
        if entries:
            change = entries[0]
            out[pr] = measure(change, at, excluded(change, firsts))
    return out
