"""The data-quality report: what makes the flow and DORA numbers empty or doubtful.

Each check is one statement in cypher/quality/ answering a count and a few examples;
`data_quality` runs them side by side and returns them in a fixed order with what each
one affects and how to fix it. `vsg doctor` and the GraphQL field `dataQuality` print
this report (docs/metrics.md, "Data quality").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore
from graph.metrics.dora import PRODUCTION_PATTERN, production_pattern_of
from graph.metrics.flow import DISCARDED_RESOLUTIONS

PENDING = cypher("ingest/pending/summary")
ENVIRONMENTS = cypher("quality/environments")
#: Examples listed per check.
EXAMPLES = 5


@dataclass(frozen=True)
class Check:
    """One check: its statement, what it finds, what that affects and how to fix it."""

    key: str
    query: Query
    title: str
    affects: str
    fix: str


CHECKS: tuple[Check, ...] = (
    Check(
        "unmappedStates",
        cypher("quality/unmapped_states"),
        "work items with tool states no stage maps",
        "those moves make no stage visit: the items are missing or misplaced in every flow metric",
        "add the states to a stage's `states` (any case) of the item's product's value stream",
    ),
    Check(
        "itemsWithoutProduct",
        cypher("quality/items_without_product"),
        "work items without a product (FOR_PRODUCT)",
        "their state changes cannot be mapped: they are in no value stream",
        "map the project or repository to a product in the source mapping",
    ),
    Check(
        "itemsInNoStream",
        cypher("quality/items_in_no_stream"),
        "work items with state changes that sit in no stage",
        "in no flow metric",
        "give the product a value stream whose stages map the items' states",
    ),
    Check(
        "doneWithoutStart",
        cypher("quality/done_without_start"),
        "work items done without ever being in an active or waiting stage",
        "counted in velocity (if delivered) but with no flow time",
        "map the tool's in-progress states to an active stage, or declare the closing "
        "stage or resolution discarded if the item was dropped",
    ),
    Check(
        "discardedItems",
        cypher("quality/discarded_items"),
        "work items done as discarded (Won't Do, Duplicate, a discarding stage)",
        "left out of velocity, flow time, efficiency and distribution, reported apart",
        "nothing to fix if they were dropped; else check the stage's `outcome` or the resolution",
    ),
    Check(
        "deploymentsWithoutCommits",
        cypher("quality/deployments_without_commits"),
        "deployments without a head commit or a commit list",
        "they count in deployment frequency but ship nothing: no lead time ends at them",
        "send DEPLOYED (the deployed sha) or the deployment's `commits`",
    ),
    Check(
        "listedCommitsUnknown",
        cypher("quality/listed_commits_unknown"),
        "commits named by deployments' commit lists that are not in the graph",
        "those changes have no lead time",
        "import the repository's commits (same ids as the list)",
    ),
    Check(
        "pullRequestsWithoutMergeCommit",
        cypher("quality/pull_requests_without_merge_commit"),
        "merged pull requests without a merge commit (MERGED_AS)",
        "no deployment can be found for them: no lead time",
        "send the merge commit sha of each merged pull request",
    ),
    Check(
        "mergeCommitsWithoutMergeTime",
        cypher("quality/merge_commits_without_merge_time"),
        "pull requests with a merge commit but no mergedAt",
        "their lead time has no review and deploy steps; a deployment before the merge "
        "goes unnoticed",
        "send mergedAt",
    ),
    Check(
        "contradictoryTimestamps",
        cypher("quality/contradictory_timestamps"),
        "timestamps that contradict each other",
        "durations from them would be negative or too short; the rules in "
        "docs/metrics.md decide which one wins",
        "check the source's clocks and time zones, and which event each time comes from",
    ),
    Check(
        "productsWithoutProduction",
        cypher("quality/products_without_production"),
        "products with deployments, none to an environment read as production",
        "their DORA figures are empty",
        "name the environment so that it matches the production pattern, or ask for it "
        "by name (`environment`), or change the pattern",
    ),
    Check(
        "environmentSpellings",
        cypher("quality/environment_spellings"),
        "environments spelled in several cases",
        "nothing derived (SHIPPED chains and inferred incident causes compare "
        "environments in any case), but reports and exports show each spelling apart",
        "send one spelling",
    ),
)


@dataclass(frozen=True)
class Finding:
    """What one check found: a count, a few examples, what it affects, the fix."""

    key: str
    title: str
    count: int
    examples: tuple[str, ...]
    affects: str
    fix: str


@dataclass(frozen=True)
class Environment:
    """A deployment environment name, its deployments, and whether it reads as production."""

    name: str
    deployments: int
    production: bool


@dataclass(frozen=True)
class PendingRecords:
    """Records waiting for a node of one label (docs/ingest.md, late references)."""

    label: str
    records: int
    oldest: datetime | None
    example: str | None


@dataclass(frozen=True)
class DataQuality:
    """Every check, the environments seen and what waits for missing nodes."""

    production_pattern: str
    findings: tuple[Finding, ...]
    environments: tuple[Environment, ...]
    pending: tuple[PendingRecords, ...]

    @property
    def problems(self) -> int:
        """How many checks found something (discarded items are not a problem)."""
        return sum(1 for f in self.findings if f.count and f.key != "discardedItems") + (
            1 if self.pending else 0
        )


async def data_quality(
    store: GraphStore, production_pattern: str = PRODUCTION_PATTERN
) -> DataQuality:
    """Run every check over the whole graph; environments are production when their whole
    name matches the pattern in any case."""
    production_pattern = production_pattern_of(production_pattern)
    params: dict[str, Any] = {
        "examples": EXAMPLES,
        "resolutions": sorted(DISCARDED_RESOLUTIONS),
        "production": production_pattern,
    }
    answers = await asyncio.gather(
        *(store.read(c.query, **{k: params[k] for k in c.query.parameters}) for c in CHECKS),
        store.read(ENVIRONMENTS, production=production_pattern),
        store.read(PENDING),
    )
    *checks, environments, pending = answers
    findings = []
    for check, rows in zip(CHECKS, checks, strict=True):
        count, examples = (rows[0]["count"], rows[0]["examples"]) if rows else (0, [])
        findings.append(
            Finding(
                check.key,
                check.title,
                int(count),
                tuple(str(e) for e in examples or ()),
                check.affects,
                check.fix,
            )
        )
    return DataQuality(
        production_pattern,
        tuple(findings),
        tuple(
            Environment(str(r["environment"]), int(r["deployments"]), bool(r["production"]))
            for r in environments
        ),
        tuple(
            PendingRecords(str(r["label"]), int(r["records"]), r["oldest"], r["example"])
            for r in pending
        ),
    )
