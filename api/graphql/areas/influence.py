"""Influence: raise a backlog item from the evidence (a stage, a team or feedback)."""

from enum import Enum
from typing import Annotated

import strawberry

from api.graphql.areas.ingest import RecordProblem
from api.graphql.context import Info
from api.graphql.permissions import IsEditor
from api.graphql.types.base import split_global_id
from api.graphql.types.work import WorkItem
from graph.analysis.influence import BacklogRequest, EvidenceKind, raise_backlog_item
from graph.errors import InvalidInput
from graph.model import Label, WorkItemKind


@strawberry.enum(description="The kinds of backlog item an architect may raise: every kind.")
class RaisableKind(Enum):
    DEBT = "Debt"
    RISK = "Risk"
    FEATURE = "Feature"
    DEFECT = "Defect"
    STORY = "Story"
    EPIC = "Epic"
    INITIATIVE = "Initiative"


@strawberry.input(description="The evidence a backlog item is raised from: give exactly one.")
class EvidenceInput:
    stage: strawberry.ID | None = strawberry.field(
        default=None, description="A stage (key or global id), e.g. the constraint."
    )
    team: strawberry.ID | None = strawberry.field(
        default=None, description="A team (key or global id), e.g. the most waited-on."
    )
    feedback: strawberry.ID | None = strawberry.field(
        default=None, description="A feedback item (key or global id)."
    )


@strawberry.input(description="A backlog item to raise for a product.")
class RaiseBacklogItemInput:
    product: strawberry.ID = strawberry.field(description="The product (key or global id).")
    kind: RaisableKind = strawberry.field(
        description="What to raise: DEBT, RISK, FEATURE, DEFECT, STORY, EPIC or INITIATIVE."
    )
    title: str = strawberry.field(description="Title of the new item.")
    description: str | None = strawberry.field(default=None, description="Free text.")
    evidence: EvidenceInput = strawberry.field(description="What it is raised from.")


@strawberry.type(description="The backlog item was created.")
class BacklogItemRaised:
    item_key: strawberry.Private[str]

    @strawberry.field(description="The new work item, in the backlog of the product's stream.")
    async def item(self, info: Info) -> WorkItem | None:
        node = await info.context.loaders.node(Label.WORK_ITEM).load(self.item_key)
        return WorkItem.from_domain(node) if node else None


@strawberry.type(description="The item was not created; nothing was written.")
class BacklogItemRejected:
    problems: list[RecordProblem] = strawberry.field(description="What is wrong.")


RaiseBacklogItemResult = Annotated[
    BacklogItemRaised | BacklogItemRejected,
    strawberry.union("RaiseBacklogItemResult", description="Outcome of raising an item."),
]


def _key(value: strawberry.ID, label: Label) -> str:
    parsed = split_global_id(str(value))
    return parsed[1] if parsed is not None and parsed[0] is label else str(value)


def _rejected(field: str, message: str) -> BacklogItemRejected:
    return BacklogItemRejected(problems=[RecordProblem(line=1, field=field, message=message)])


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Raise a Debt, Risk or Feature for a product from evidence: the item is "
        "written through ingest, FOR_PRODUCT the product, RAISED_FROM the stage, team or "
        "feedback, and enters the first stage of the product's value stream now, so it shows "
        "in trace and in the flow metrics (stage WIP) at once.",
    )
    async def raise_backlog_item(
        self, info: Info, input: RaiseBacklogItemInput
    ) -> RaiseBacklogItemResult:
        given = [
            (kind, value)
            for kind, value in (
                (EvidenceKind.STAGE, input.evidence.stage),
                (EvidenceKind.TEAM, input.evidence.team),
                (EvidenceKind.FEEDBACK, input.evidence.feedback),
            )
            if value is not None
        ]
        if len(given) != 1:
            return _rejected("evidence", "give exactly one of stage, team or feedback")
        kind, value = given[0]
        request = BacklogRequest(
            product=_key(input.product, Label.PRODUCT),
            kind=WorkItemKind(input.kind.value),
            title=input.title,
            description=input.description,
            evidence=kind,
            evidence_id=_key(value, Label(kind.value)),
        )
        try:
            key = await raise_backlog_item(
                info.context.store,
                request,
                production_pattern=info.context.settings.production_pattern,
            )
        except InvalidInput as error:
            return BacklogItemRejected(
                problems=[
                    RecordProblem(line=p.line, field=p.field, message=p.message)
                    for p in error.problems
                ]
            )
        return BacklogItemRaised(item_key=key)
