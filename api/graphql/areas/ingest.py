"""Ingest over GraphQL: the same records and rules as `POST /ingest` and `vsg import`."""

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.permissions import IsEditor
from graph.errors import InvalidInput
from graph.ingest import records as record_format
from graph.ingest.counters import EntryPoint, ingest_counters
from graph.ingest.service import ingest


@strawberry.type(description="A problem with one input record; nothing was written for it.")
class RecordProblem:
    line: int = strawberry.field(description="1-based position of the record in the input.")
    field: str = strawberry.field(description="The field that is wrong, e.g. properties.name.")
    message: str = strawberry.field(description="What is wrong and how to fix it.")


@strawberry.type(description="The records were written.")
class IngestSucceeded:
    records: int = strawberry.field(description="Records read.")
    nodes: int = strawberry.field(description="Nodes created or updated.")
    relationships: int = strawberry.field(description="Relationships created or updated.")
    visits: int = strawberry.field(description="Stage visits recorded from state changes.")
    skipped: list[RecordProblem] = strawberry.field(
        description="Invalid records left out (only with skipInvalid)."
    )


@strawberry.type(description="The input was invalid; nothing at all was written.")
class IngestRejected:
    problems: list[RecordProblem] = strawberry.field(description="Every problem found.")


IngestResult = Annotated[
    IngestSucceeded | IngestRejected,
    strawberry.union("IngestResult", description="Outcome of an ingest."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Validate and write records (see docs/ingest.md for the format). The "
        "whole input is validated first: with any invalid record nothing is written, unless "
        "skipInvalid, which writes the valid records and reports the others. Idempotent.",
    )
    async def ingest(
        self, info: Info, records: list[JSON], skip_invalid: bool = False
    ) -> IngestResult:
        parsed = record_format.parse_objects(records)
        try:
            report = await ingest(
                info.context.store,
                parsed,
                batch_size=info.context.settings.ingest_batch_size,
                skip_invalid=skip_invalid,
                production_pattern=info.context.settings.production_pattern,
            )
        except InvalidInput as error:
            return IngestRejected(
                problems=[
                    RecordProblem(line=p.line, field=p.field, message=p.message)
                    for p in error.problems
                ]
            )
        ingest_counters(info.context.store).add(EntryPoint.GRAPHQL, report)
        return IngestSucceeded(
            records=report.records,
            nodes=report.nodes,
            relationships=report.relationships,
            visits=report.visits,
            skipped=[
                RecordProblem(line=p.line, field=p.field, message=p.message) for p in report.skipped
            ],
        )
