"""Derive `(:Deployment)-[:SHIPPED]->(:Commit)` from the commit graph, after ingest.

The deployments of one repository (the `IN_REPO` of their head commit) to one
environment form a **chain**, ordered by `finishedAt` (else `startedAt`), then id. An
environment is compared in any case (`toLower`): `Production` and `production`
deployments form one chain, each keeping its own spelling. Each
successful deployment of a chain SHIPPED the commits reachable from its head over
`PARENT` (the head included) that no earlier successful deployment of the chain had
already brought; failed and in-progress deployments ship nothing. While an environment
only moves forward (each head descends from the previous one) that is exactly DESIGN.md's
"ancestors of the head not shipped by the previous successful deployment"; after a
rollback it does not ship the rolled-back commits a second time, so a change keeps the
first deployment that brought it (what lead time asks for).

Cost: after a batch, only the chains it touched are recomputed, and only from the
earliest deployment it touched (or whose commits' links it changed). A walk fetches the
commit graph 8 PARENT hops at a time from the heads down and stops at commits that
deployments before that point already shipped, so a new deployment on a long linear
history reads the commits it ships (plus a few hops), not the whole history; past
`_MAX_SLICES` slices it reads the repository's not-yet-shipped commits in one statement.
A deployment that already had SHIPPED relationships and is ingested again may have moved
in its chain (its time or status changed), so its whole chain is recomputed.
Re-deriving changes no SHIPPED when nothing changed (it sets and clears the marks below).

Writes: each chain's differences (deletes, then creates, in chunks of `batch_size` rows)
go in **one transaction per chain**, so a chain is never left half-derived. Before any is
written, every chain about to be derived is marked stale on its repository
(`shippedStale`, a list of environments); the chain's transaction clears its mark. A
chain whose derivation failed, or whose process stopped, keeps its mark, and the next
derivation (of any batch) recomputes it whole. Deletes match from the commit's side and
collect the relationships before deleting them: the embedded database fails a statement
that deletes many edges of one node while still matching that node's edges.

A deployment whose heads lie in several repositories belongs to each of their chains
(its SHIPPED is the union): chains sharing such a deployment are recomputed whole, in one
transaction. Not followed: commits without `IN_REPO` are not walked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore, collected
from graph.ingest.plan import Plan
from graph.ingest.records import Ref
from graph.model import DeploymentStatus, Label, RelType
from graph.times import instant

DEPLOYMENT_SCOPES = cypher("ingest/shipped/find_deployment_scopes")
COMMIT_SCOPES = cypher("ingest/shipped/find_commit_scopes")
CHILD_SCOPES = cypher("ingest/shipped/find_child_scopes")
CHAINS = cypher("ingest/shipped/find_chains")
REPOSITORY_COMMITS = cypher("ingest/shipped/find_repository_commits")
UNSHIPPED_COMMITS = cypher("ingest/shipped/find_unshipped_commits")
COMMIT_REGION = cypher("ingest/shipped/find_commit_region")
SHIPPED = cypher("ingest/shipped/find_shipped")
DELETE_SHIPPED = cypher("ingest/shipped/delete_shipped")
CREATE_SHIPPED = cypher("ingest/shipped/create_shipped")
MARK_STALE = cypher("ingest/shipped/mark_stale")
CLEAR_STALE = cypher("ingest/shipped/clear_stale")
STALE = cypher("ingest/shipped/find_stale")

# Ids per lookup statement; keeps parameter lists a sensible size.
_CHUNK = 20_000
# Slices of 8 PARENT hops a walk fetches before reading the repository's whole
# not-yet-shipped part in one statement instead (a long unshipped history).
_MAX_SLICES = 25

#: A chain: (repository id, environment in lower case: every spelling of it).
ChainKey = tuple[str, str]
#: Where a chain's recomputation starts: (at, deployment id); None for the whole chain.
Cut = tuple[datetime, str] | None


@dataclass(frozen=True)
class ChainDeployment:
    """A deployment as its chain sees it: status, order time and head commits."""

    id: str
    status: str
    at: datetime
    heads: tuple[str, ...]

    @property
    def position(self) -> tuple[datetime, str]:
        """Its place in the chain."""
        return (self.at, self.id)


@dataclass
class ShippedReport:
    """What a derivation did."""

    chains: int = 0
    deployments: int = 0
    created: int = 0
    deleted: int = 0


def ship(
    chain: Sequence[ChainDeployment], parents: Mapping[str, Sequence[str]]
) -> dict[str, frozenset[str]]:
    """What each deployment of a chain (in chain order) SHIPPED: the commits reachable
    from its heads through `parents` that no earlier successful one reached.

    `parents` holds the commits a walk may visit (those not shipped before the chain
    starts) with their parents; a walk stops at any commit it does not hold.
    """
    taken: set[str] = set()
    shipped: dict[str, frozenset[str]] = {}
    for deployment in chain:
        if deployment.status != DeploymentStatus.SUCCESS:
            shipped[deployment.id] = frozenset()
            continue
        stack = [h for h in dict.fromkeys(deployment.heads) if h in parents and h not in taken]
        taken.update(stack)
        reached: list[str] = []
        while stack:
            commit = stack.pop()
            reached.append(commit)
            for parent in parents[commit]:
                if parent in parents and parent not in taken:
                    taken.add(parent)
                    stack.append(parent)
        shipped[deployment.id] = frozenset(reached)
    return shipped


@dataclass(frozen=True)
class Touched:
    """What a batch changed that SHIPPED depends on."""

    #: deployments written: node, head (DEPLOYED) or a SHIPPED given by a record
    deployments: frozenset[str]
    #: commits the graph held before, given a parent: deployments that reach them reach
    #: more now
    with_parents: frozenset[str]
    #: commits the graph held before, given a repository: walks that stopped at them go
    #: on now
    in_repository: frozenset[str]
    #: deployments the batch created with no SHIPPED record: none has SHIPPED anything yet
    unshipped: frozenset[str]

    @classmethod
    def of(cls, plan: Plan) -> Touched:
        """What the plan's records touch.

        Commits the batch creates need no lookup: nothing stored can have SHIPPED them,
        what DEPLOYED them is in the batch (so among `deployments`), and a stored child
        can only have gained one of them as parent by a record of the batch (so it is
        among `with_parents`).
        """
        deployments = {
            r.id for (label, _), rs in plan.nodes.items() for r in rs if label is Label.DEPLOYMENT
        }
        with_parents: set[str] = set()
        in_repository: set[str] = set()
        given_shipped: set[str] = set()
        for spec, rels in plan.relationships.items():
            if spec.type in (RelType.DEPLOYED, RelType.SHIPPED):
                deployments.update(r.start.id for r in rels)
                if spec.type is RelType.SHIPPED:
                    given_shipped.update(r.start.id for r in rels)
            elif spec.type is RelType.PARENT:
                with_parents.update(r.start.id for r in rels if not plan.is_new(r.start))
            elif spec.type is RelType.IN_REPO and spec.start is Label.COMMIT:
                in_repository.update(r.start.id for r in rels if not plan.is_new(r.start))
        unshipped = {
            d
            for d in deployments
            if plan.is_new(Ref(Label.DEPLOYMENT, d)) and d not in given_shipped
        }
        return cls(
            frozenset(deployments),
            frozenset(with_parents),
            frozenset(in_repository),
            frozenset(unshipped),
        )


def _earlier(a: Cut, b: Cut) -> Cut:
    if a is None or b is None:
        return None
    return min(a, b)


async def _scopes(store: GraphStore, query: Query, ids: Sequence[str]) -> list[list[Any]]:
    """The `scopes` of a find_*_scopes query over `ids`, a chunk at a time."""
    scopes: list[list[Any]] = []
    for start in range(0, len(ids), _CHUNK):
        rows = await store.read(query, ids=list(ids[start : start + _CHUNK]))
        scopes += collected(rows, "scopes")
    return scopes


async def _cuts(store: GraphStore, touched: Touched) -> dict[ChainKey, Cut]:
    cuts: dict[ChainKey, Cut] = {}
    for deployment, repository, environment, at, shipped in await _scopes(
        store, DEPLOYMENT_SCOPES, sorted(touched.deployments)
    ):
        key = (repository, environment)
        cut: Cut = None if shipped else (instant(at), deployment)
        cuts[key] = _earlier(cuts[key], cut) if key in cuts else cut
    # A commit newly in a repository may also be a head or shipped itself.
    commits = sorted(touched.with_parents | touched.in_repository)
    scopes = await _scopes(store, COMMIT_SCOPES, commits)
    scopes += await _scopes(store, CHILD_SCOPES, sorted(touched.in_repository))
    for deployment, repository, environment, at in scopes:
        key = (repository, environment)
        cut = (instant(at), deployment)
        cuts[key] = _earlier(cuts[key], cut) if key in cuts else cut
    return cuts


@dataclass
class Chains:
    """The chains a derivation recomputes, each with its deployments in chain order, and
    the repositories of deployments whose heads lie in several (they join those chains
    too)."""

    deployments: dict[ChainKey, list[ChainDeployment]]
    elsewhere: dict[str, set[str]]


async def _chains(store: GraphStore, keys: Iterable[ChainKey]) -> Chains:
    wanted = [{"repository": r, "environment": e} for r, e in sorted(keys)]
    chains: dict[ChainKey, list[ChainDeployment]] = {k: [] for k in sorted(keys)}
    elsewhere: dict[str, set[str]] = defaultdict(set)
    found = collected(await store.read(CHAINS, chains=wanted), "deployments")
    for repository, environment, deployment, status, at, heads, others in found:
        chains[(repository, environment)].append(
            ChainDeployment(deployment, status, instant(at), tuple(sorted(heads)))
        )
        if others:
            elsewhere[deployment].update([repository, *others])
    for chain in chains.values():
        chain.sort(key=lambda d: d.position)
    return Chains(chains, dict(elsewhere))


def groups(
    keys: Iterable[ChainKey], elsewhere: Mapping[str, set[str]], environments: Mapping[str, str]
) -> list[list[ChainKey]]:
    """The chains that share a deployment (whose heads lie in several repositories),
    together; every other chain alone. Sorted, so the order of writes is the same run
    to run."""
    parent: dict[ChainKey, ChainKey] = {k: k for k in keys}

    def root(k: ChainKey) -> ChainKey:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for deployment, repositories in elsewhere.items():
        environment = environments[deployment]
        linked = sorted((r, environment) for r in repositories)
        for other in linked[1:]:
            parent[root(other)] = root(linked[0])
    together: dict[ChainKey, list[ChainKey]] = defaultdict(list)
    for k in parent:
        together[root(k)].append(k)
    return sorted(sorted(g) for g in together.values())


async def _region(
    store: GraphStore, key: ChainKey, recompute: Sequence[ChainDeployment]
) -> dict[str, list[str]] | None:
    """The not-yet-shipped commits reachable from the recomputed heads, with their
    parents, fetched 8 hops at a time from the heads down; None past `_MAX_SLICES`."""
    repository, environment = key
    ids = [d.id for d in recompute]
    seen: set[str] = set()
    region: dict[str, list[str]] = {}
    frontier = sorted(
        {h for d in recompute if d.status == DeploymentStatus.SUCCESS for h in d.heads}
    )
    for _ in range(_MAX_SLICES):
        if not frontier:
            return region
        rows = await store.read(
            COMMIT_REGION,
            frontier=frontier,
            repository=repository,
            environment=environment,
            recompute=ids,
        )
        for commit, parents, stop in collected(rows, "commits"):
            if commit not in seen:
                seen.add(commit)
                if not stop:
                    region[commit] = parents
        frontier = sorted({p for parents in region.values() for p in parents if p not in seen})
    return None


def fresh_commit_graphs(plan: Plan) -> dict[str, dict[str, list[str]]]:
    """The commit graphs the batch holds whole: per repository the batch creates whose
    commits it all creates too, every commit with its parents. Nothing stored can add to
    them (a new commit's links can only come from the batch), so a derivation over such
    a repository need not read back what the batch just wrote."""
    commits: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    for spec, rels in plan.relationships.items():
        if spec.type is RelType.IN_REPO and spec.start is Label.COMMIT:
            for r in rels:
                commits[r.end.id].append(r.start.id)
        elif spec.type is RelType.PARENT:
            for r in rels:
                parents[r.start.id].append(r.end.id)
    return {
        repository: {c: parents.get(c, []) for c in members}
        for repository, members in commits.items()
        if plan.is_new(Ref(Label.REPOSITORY, repository))
        and all(plan.is_new(Ref(Label.COMMIT, c)) for c in members)
    }


async def _parents(
    store: GraphStore,
    key: ChainKey,
    recompute: Sequence[ChainDeployment],
    whole: bool,
    fresh: Mapping[str, dict[str, list[str]]],
) -> dict[str, list[str]]:
    repository, environment = key
    if whole:  # nothing shipped before: every commit of the repository may be reached
        if repository in fresh:
            return fresh[repository]
        rows = await store.read(REPOSITORY_COMMITS, repository=repository)
        return dict(collected(rows, "commits"))
    region = await _region(store, key, recompute)
    if region is not None:
        return region
    rows = await store.read(
        UNSHIPPED_COMMITS,
        repository=repository,
        environment=environment,
        recompute=[d.id for d in recompute],
    )
    return dict(collected(rows, "commits"))


async def _existing(store: GraphStore, deployments: Sequence[str]) -> dict[str, set[str]]:
    existing: dict[str, set[str]] = {}
    for start in range(0, len(deployments), _CHUNK):
        chunk = list(deployments[start : start + _CHUNK])
        for deployment, commits in collected(
            await store.read(SHIPPED, deployments=chunk), "shipped"
        ):
            existing[deployment] = set(commits)
    return existing


def _by_repository(keys: Iterable[ChainKey]) -> list[dict[str, Any]]:
    environments: dict[str, set[str]] = defaultdict(set)
    for repository, environment in keys:
        environments[repository].add(environment)
    return [{"repository": r, "environments": sorted(e)} for r, e in sorted(environments.items())]


async def _stale(store: GraphStore) -> list[ChainKey]:
    return [(r, e) for r, e in collected(await store.read(STALE), "chains")]


async def _all_chains(store: GraphStore, cuts: dict[ChainKey, Cut]) -> Chains:
    """The chains of `cuts`, and of every repository a deployment of theirs also has a
    head in (added to `cuts` whole): a deployment's SHIPPED is derived in all its chains
    at once."""
    chains = Chains({}, {})
    pending = set(cuts)
    while pending:
        found = await _chains(store, pending)
        chains.deployments.update(found.deployments)
        chains.elsewhere.update(found.elsewhere)
        pending = set()
        for (_, environment), chain in found.deployments.items():
            for d in chain:
                for repository in found.elsewhere.get(d.id, ()):
                    if (repository, environment) not in cuts:
                        cuts[(repository, environment)] = None
                        pending.add((repository, environment))
    return chains


async def _derive_group(
    store: GraphStore,
    group: Sequence[ChainKey],
    chains: Chains,
    cuts: Mapping[ChainKey, Cut],
    touched: Touched,
    fresh: Mapping[str, dict[str, list[str]]],
    batch_size: int,
    report: ShippedReport,
) -> None:
    """Recompute the chains of one group and write the differences, with their stale
    marks cleared, in one transaction: all of the group or none of it."""
    desired: dict[str, set[str]] = defaultdict(set)
    for key in group:
        chain = chains.deployments.get(key, [])
        # A group of several chains shares a deployment: each is recomputed whole, so
        # that deployment's SHIPPED is the union of whole answers.
        cut = cuts[key] if len(group) == 1 else None
        first = (
            0
            if cut is None
            else next((i for i, d in enumerate(chain) if d.position >= cut), len(chain))
        )
        recompute = chain[first:]
        if not recompute:
            continue
        whole = not any(d.status == DeploymentStatus.SUCCESS for d in chain[:first])
        for deployment, commits in ship(
            recompute, await _parents(store, key, recompute, whole, fresh)
        ).items():
            desired[deployment] |= commits
        report.chains += 1
    ids = sorted(desired)
    existing = await _existing(store, [d for d in ids if d not in touched.unshipped])
    deletes = [
        {"deployment": d, "commit": c}
        for d in ids
        for c in sorted(existing.get(d, set()) - desired[d])
    ]
    creates = [
        {"deployment": d, "commit": c}
        for d in ids
        for c in sorted(desired[d] - existing.get(d, set()))
    ]
    statements: list[tuple[Query, Mapping[str, Any]]] = [
        (DELETE_SHIPPED, {"rows": deletes[start : start + batch_size]})
        for start in range(0, len(deletes), batch_size)
    ]
    statements += [
        (CREATE_SHIPPED, {"rows": creates[start : start + batch_size]})
        for start in range(0, len(creates), batch_size)
    ]
    statements.append((CLEAR_STALE, {"rows": _by_repository(group)}))
    await store.write_together(statements)
    report.deployments += len(ids)
    report.created += len(creates)
    report.deleted += len(deletes)


async def derive_shipped(store: GraphStore, plan: Plan, *, batch_size: int = 5000) -> ShippedReport:
    """Recompute SHIPPED for the chains a written batch touched, and for chains an
    earlier derivation left stale; write only differences, a transaction per chain."""
    report = ShippedReport()
    touched = Touched.of(plan)
    cuts = await _cuts(store, touched)
    for key in await _stale(store):
        cuts[key] = None
    if not cuts:
        return report
    chains = await _all_chains(store, cuts)
    # Marked before anything is derived: should a chain's transaction fail, or the
    # process stop, the chains not yet written stay marked and the next derivation (of
    # any batch) recomputes them whole.
    await store.write(MARK_STALE, rows=_by_repository(cuts))
    fresh = fresh_commit_graphs(plan)
    environments = {d.id: e for (_, e), chain in chains.deployments.items() for d in chain}
    for group in groups(cuts, chains.elsewhere, environments):
        await _derive_group(store, group, chains, cuts, touched, fresh, batch_size, report)
    return report
