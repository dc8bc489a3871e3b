"""Influence (DESIGN.md §5): raise a backlog item from evidence, and recommend actions.

`raise_backlog_item` writes a Debt, Risk or Feature for a product through the normal
ingest path (records validated whole, then written idempotently): the item, `FOR_PRODUCT`
its product, `RAISED_FROM` its evidence (a stage, a team or a feedback item) and a first
stage visit into the first stage of the product's value stream (its backlog), so it is
counted by the flow metrics (WIP of that stage) and found by `trace` straight away.

`recommend` turns the analyses of a value stream into concrete suggestions, each
with the figures that back it (rules in docs/analysis.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from graph.analysis.constraints import Constraints
from graph.analysis.network import CriticalPath, SkillGap, TeamNetwork, TraceabilityGaps
from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.errors import InvalidInput, Problem
from graph.ingest import records as record_format
from graph.ingest.service import StoreLookup, ingest
from graph.model import Label, WorkItemKind
from graph.settings import DEFAULT_PRODUCTION_PATTERN

BACKLOG_STAGE = cypher("analysis/find_backlog_stage")

#: The kinds of item an architect may raise: any the model has (a Defect found in
#: feedback, a Debt at the constraint, a Risk in a dependency, a Feature, a Story...).
RAISABLE = tuple(WorkItemKind)


class EvidenceKind(StrEnum):
    """What a raised item was raised from."""

    STAGE = "Stage"
    TEAM = "Team"
    FEEDBACK = "Feedback"


@dataclass(frozen=True)
class BacklogRequest:
    """A backlog item to raise for a product, from one piece of evidence."""

    product: str
    kind: WorkItemKind
    title: str
    description: str | None
    evidence: EvidenceKind
    evidence_id: str
    id: str | None = None


def _problem(field: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(1, field, message)])


async def raise_backlog_item(
    store: GraphStore,
    request: BacklogRequest,
    now: datetime | None = None,
    *,
    production_pattern: str = DEFAULT_PRODUCTION_PATTERN,
) -> str:
    """Write the item, its links and its first visit; return its id. Raises InvalidInput
    (nothing written) when the kind, product or evidence is wrong. `production_pattern`:
    the organisation's production, as `ingest` takes it (for what ingest derives)."""
    if request.kind not in RAISABLE:
        known = ", ".join(k.value for k in RAISABLE)
        raise _problem("kind", f"raise one of {known}, not a {request.kind}")
    if not request.title.strip():
        raise _problem("title", "give the item a title")
    rows = await store.read(BACKLOG_STAGE, product=request.product)
    if not rows:
        raise _problem(
            "product", f"no Product {request.product!r} with a value stream: raise it for one"
        )
    # Ingest would keep a link to evidence not in the graph waiting for it; an architect
    # raising an item from evidence means evidence that is there.
    evidence = Label(request.evidence.value)
    if not await StoreLookup(store).existing(evidence, [request.evidence_id]):
        raise _problem(
            "evidence",
            f"no {evidence} {request.evidence_id!r}: raise the item from evidence in the graph",
        )
    key = rows[0]["key"] or request.product.upper()
    item = request.id or f"{key}-{uuid.uuid4().hex[:8].upper()}"
    at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
    properties: dict[str, Any] = {"title": request.title.strip(), "createdAt": at}
    if request.description:
        properties["description"] = request.description
    me = {"label": request.kind.value, "id": item}
    objects = [
        {"record": "node", **me, "properties": properties},
        {
            "record": "relationship",
            "type": "FOR_PRODUCT",
            "from": me,
            "to": {"label": Label.PRODUCT.value, "id": request.product},
        },
        {
            "record": "relationship",
            "type": "RAISED_FROM",
            "from": me,
            "to": {"label": request.evidence.value, "id": request.evidence_id},
        },
        {"record": "state", "item": item, "stage": rows[0]["stage"], "at": at},
    ]
    await ingest(store, record_format.parse_objects(objects), production_pattern=production_pattern)
    return item


# ---------------------------------------------------------------------------------------
# Recommendations


class RecommendationKind(StrEnum):
    """What part of the stream a recommendation is about."""

    CONSTRAINT = "constraint"
    DEPENDENCY = "dependency"
    CYCLE = "cycle"
    CRITICAL_PATH = "critical_path"
    TRACEABILITY = "traceability"
    SKILLS = "skills"


@dataclass(frozen=True)
class Recommendation:
    """A concrete suggestion, the figures behind it, and what it is about (ids)."""

    kind: RecommendationKind
    title: str
    evidence: str
    stages: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


#: A constraint is worth acting on when it holds at least this share of flow time.
CONSTRAINT_SHARE = 0.25
#: A team waited on by at least this many others is a dependency worth easing.
WAITED_ON_BY = 2


def recommend(
    constraints: Constraints,
    network: TeamNetwork,
    path: CriticalPath,
    gaps: TraceabilityGaps,
    skills: Sequence[SkillGap],
    names: dict[str, str],
) -> list[Recommendation]:
    """Suggestions from the analyses of one value stream, most pressing first; `names`
    maps ids to display names."""

    def name(id: str) -> str:
        return names.get(id, id)

    out: list[Recommendation] = []
    top = constraints.constraint
    if top is not None and top.flow_time_share >= CONSTRAINT_SHARE:
        days = constraints.window.end - constraints.window.start
        grew = (
            f", queue grew by {top.queue_growth} in {days.days} days"
            if top.queue_growth > 0
            else ""
        )
        out.append(
            Recommendation(
                RecommendationKind.CONSTRAINT,
                f"Add capacity to {top.stage.name}: it is the constraint of the stream",
                f"{top.flow_time_share:.0%} of flow time{grew}, {top.wip} items in it now",
                stages=(top.stage.id, *(q.id for q in top.queue)),
            )
        )
        at_constraint = [g for g in skills if g.at_constraint]
        if at_constraint:
            shown = ", ".join(f"{name(g.skill)} {g.best}/{g.needed}" for g in at_constraint)
            out.append(
                Recommendation(
                    RecommendationKind.SKILLS,
                    f"Grow or hire the skills {top.stage.name} needs",
                    f"best level in its teams vs needed: {shown}",
                    stages=(top.stage.id,),
                    teams=tuple(sorted({t for g in at_constraint for t in g.teams})),
                )
            )
    busiest = network.most_waited_on
    if busiest is not None and busiest.waited_on_by >= WAITED_ON_BY:
        waiting = tuple(sorted(e.team for e in network.edges if e.on == busiest.team))
        out.append(
            Recommendation(
                RecommendationKind.DEPENDENCY,
                f"Reduce dependencies on {name(busiest.team)}: offer self-service or embed "
                "its skills in the teams that wait",
                f"{name(busiest.team)} is waited on by {busiest.waited_on_by} teams "
                f"({busiest.waits} waits: blocked items, hand-offs, declared dependencies)",
                teams=(busiest.team, *waiting),
            )
        )
    for cycle in network.cycles[:3]:
        loop = "→".join(name(t) for t in (*cycle, cycle[0]))
        out.append(
            Recommendation(
                RecommendationKind.CYCLE,
                f"Break cycle {loop}",
                f"{len(cycle)} teams wait on each other in a loop",
                teams=cycle,
            )
        )
    if path.cycles:
        out.append(
            Recommendation(
                RecommendationKind.CYCLE,
                f"Untangle {len(path.cycles)} blocking cycle(s) among open items",
                "items block each other, so none of them can finish first: "
                + "; ".join("→".join((*c, c[0])) for c in path.cycles[:3]),
                items=tuple(i for c in path.cycles for i in c),
            )
        )
    if len(path.items) > 1:
        out.append(
            Recommendation(
                RecommendationKind.CRITICAL_PATH,
                f"Unblock {path.items[0]} first: it starts the longest blocking chain",
                f"{len(path.items)} open items in a chain, about {path.days:.0f} days of "
                "expected work left",
                items=path.items,
            )
        )
    if gaps.done_features_not_deployed:
        n = len(gaps.done_features_not_deployed)
        out.append(
            Recommendation(
                RecommendationKind.TRACEABILITY,
                "Check the done features that never reached production",
                f"{n} done feature(s) were never deployed",
                items=gaps.done_features_not_deployed,
            )
        )
    if gaps.commits_without_work_item:
        n = len(gaps.commits_without_work_item)
        out.append(
            Recommendation(
                RecommendationKind.TRACEABILITY,
                "Link deployed commits to work items (put the item key in the message)",
                f"{n} deployed commit(s) implement no work item",
                items=gaps.commits_without_work_item,
            )
        )
    if gaps.deployed_features_without_feedback:
        n = len(gaps.deployed_features_without_feedback)
        out.append(
            Recommendation(
                RecommendationKind.TRACEABILITY,
                "Ask customers about the features shipped without feedback",
                f"{n} deployed feature(s) have no feedback",
                items=gaps.deployed_features_without_feedback,
            )
        )
    other = [g for g in skills if not g.at_constraint]
    if other:
        shown = ", ".join(f"{name(g.skill)} at {name(g.stage)}" for g in other[:5])
        out.append(
            Recommendation(
                RecommendationKind.SKILLS,
                "Close the remaining skill gaps",
                f"{len(other)} needed skill level(s) not covered: {shown}",
                stages=tuple(sorted({g.stage for g in other})),
            )
        )
    return out
