"""GraphQL types of the data-quality report (graph/read/quality.py)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.read import quality


@strawberry.type(description="What one data-quality check found.")
class DataQualityFinding:
    key: str = strawberry.field(description="The check, e.g. unmappedStates.")
    title: str = strawberry.field(description="What it looks for.")
    count: int = strawberry.field(description="How many it found (0: nothing to fix).")
    examples: list[str] = strawberry.field(description="A few of them.")
    affects: str = strawberry.field(description="Which numbers it makes empty or doubtful.")
    fix: str = strawberry.field(description="How to fix it at the source.")


@strawberry.type(description="A deployment environment name seen in the graph.")
class DeploymentEnvironment:
    name: str = strawberry.field(description="As the tools spell it.")
    deployments: int = strawberry.field(description="Deployments to it.")
    production: bool = strawberry.field(description="Whether it matches the production pattern.")


@strawberry.type(description="Records waiting for a node of one label (late references).")
class PendingRecords:
    label: str = strawberry.field(description="The label of the missing node.")
    records: int = strawberry.field(description="How many records wait for such nodes.")
    oldest: datetime | None = strawberry.field(description="Since when the oldest waits.")
    example: str | None = strawberry.field(description="One missing node, Label:id.")


@strawberry.type(
    description="What makes the flow and DORA numbers empty or doubtful, with counts, "
    "examples, what each affects and how to fix it (docs/metrics.md, Data quality)."
)
class DataQuality:
    production_pattern: str = strawberry.field(
        description="The pattern environments are read as production by."
    )
    problems: int = strawberry.field(
        description="Checks that found something (discarded items are not a problem), "
        "plus 1 if records wait."
    )
    findings: list[DataQualityFinding] = strawberry.field(description="Every check, in order.")
    environments: list[DeploymentEnvironment] = strawberry.field(
        description="Every deployment environment, most used first."
    )
    pending: list[PendingRecords] = strawberry.field(description="What waits, by label.")

    @classmethod
    def from_domain(cls, d: quality.DataQuality) -> DataQuality:
        """Map the domain report."""
        return cls(
            production_pattern=d.production_pattern,
            problems=d.problems,
            findings=[
                DataQualityFinding(
                    key=f.key,
                    title=f.title,
                    count=f.count,
                    examples=list(f.examples),
                    affects=f.affects,
                    fix=f.fix,
                )
                for f in d.findings
            ],
            environments=[
                DeploymentEnvironment(
                    name=e.name, deployments=e.deployments, production=e.production
                )
                for e in d.environments
            ],
            pending=[
                PendingRecords(label=p.label, records=p.records, oldest=p.oldest, example=p.example)
                for p in d.pending
            ],
        )
