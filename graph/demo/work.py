"""Work: a product's items, their hierarchy and owners, when each is created and when it
is pulled into the flow."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.demo.catalogue import (
    _ASPECTS,
    _BACKLOG_DAYS,
    _DEBTS,
    _POINTS,
    _PRIORITIES,
    _QUEUED,
    _RISKS,
    _SCOPES,
    _STEPS,
    _SYMPTOMS,
    _THEMES,
    _VERBS,
)
from graph.demo.config import DAY, HOUR
from graph.demo.organisation import _Org, _Product, _Team
from graph.ingest.records import Ref
from graph.model import Label, WorkItemKind

# A placeholder until ids are given (keys are numbered once all items of a product exist).
_UNNAMED_ITEM = Ref(Label.WORK_ITEM, "")


@dataclass(eq=False, slots=True)
class _Item:
    kind: WorkItemKind
    title: str
    noun: str
    team: _Team
    created: float = 0.0
    arrival: float | None = None  # when it is pulled into the flow; None: never
    parent: _Item | None = None
    children: list[_Item] = field(default_factory=list)
    visits: list[tuple[int, int]] = field(default_factory=list)  # (entered, stage index)
    repo: int = 0
    has_code: bool = False
    priority: str = "Medium"
    points: float | None = None
    blocked_by: str | None = None
    id: str = ""
    ref: Ref = _UNNAMED_ITEM


def _plan_work(org: _Org, product: _Product, rng: random.Random) -> list[_Item]:
    """Every work item of a product with its hierarchy, owner, creation and arrival time."""
    counts = product.counts
    home = product.home_teams
    nouns = product.spec.nouns

    def make(kind: WorkItemKind, team: _Team, parent: _Item | None) -> _Item:
        noun = parent.noun if parent and rng.random() < 0.8 else rng.choice(nouns)
        item = _Item(kind, _title(kind, noun, rng), noun, team, parent=parent)
        if parent is not None:
            parent.children.append(item)
        return item

    def pick(parents: list[_Item], i: int) -> _Item | None:
        # Round-robin first, so every parent gets a child when there are enough.
        if not parents:
            return None
        return parents[i] if i < len(parents) else rng.choice(parents)

    initiatives = [
        make(WorkItemKind.INITIATIVE, home[0], None) for _ in range(counts[WorkItemKind.INITIATIVE])
    ]
    epics = [
        make(WorkItemKind.EPIC, rng.choice(home), pick(initiatives, i))
        for i in range(counts[WorkItemKind.EPIC])
    ]
    features = [
        make(WorkItemKind.FEATURE, rng.choice(home), pick(epics, i))
        for i in range(counts[WorkItemKind.FEATURE])
    ]
    stories = []
    for i in range(counts[WorkItemKind.STORY]):
        feature = pick(features, i)
        team = feature.team if feature and rng.random() < 0.9 else rng.choice(home)
        stories.append(make(WorkItemKind.STORY, team, feature))
    others = [
        make(kind, _owner(kind, org, home, rng), None)
        for kind in (WorkItemKind.DEFECT, WorkItemKind.RISK, WorkItemKind.DEBT)
        for _ in range(counts[kind])
    ]
    _time_work(org.horizon, features, stories, others, rng)
    for group, gap in ((features, (1, 10)), (epics, (3, 20)), (initiatives, (7, 45))):
        for item in group:
            _created_before_children(item, gap, org.horizon, rng)
    items = initiatives + epics + features + stories + others
    for item in items:
        item.priority = _weighted(_PRIORITIES, rng)
        if item.kind in _QUEUED:
            item.has_code = item.kind is not WorkItemKind.RISK or rng.random() < 0.5
            item.repo = 0 if rng.random() < 0.75 else rng.randrange(len(product.repos))
            item.points = rng.choice(_POINTS)
        if item.kind not in (WorkItemKind.INITIATIVE, WorkItemKind.EPIC):
            item.visits.append((int(item.created), 0))
    return items


def _owner(kind: WorkItemKind, org: _Org, home: list[_Team], rng: random.Random) -> _Team:
    """Stream teams own most work; the platform team some debt, SRE some risks."""
    if kind is WorkItemKind.DEBT and rng.random() < 0.25:
        return org.platform
    if kind is WorkItemKind.RISK and rng.random() < 0.3:
        return org.sre
    return rng.choice(home)


def _title(kind: WorkItemKind, noun: str, rng: random.Random) -> str:
    match kind:
        case WorkItemKind.INITIATIVE:
            return f"{rng.choice(_THEMES)} {noun}"
        case WorkItemKind.EPIC:
            return f"{noun.capitalize()} {rng.choice(_SCOPES)}"
        case WorkItemKind.FEATURE:
            return f"{rng.choice(_VERBS)} {noun} {rng.choice(_ASPECTS)}"
        case WorkItemKind.STORY:
            return f"{rng.choice(_STEPS)} for {noun}"
        case WorkItemKind.DEFECT:
            return f"{noun.capitalize()} {rng.choice(_SYMPTOMS)}"
        case WorkItemKind.RISK:
            return f"{rng.choice(_RISKS)} {noun}"
        case _:
            return f"{rng.choice(_DEBTS)} {noun}"


def _weighted(choices: Sequence[tuple[Any, int]], rng: random.Random) -> Any:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _time_work(
    horizon: int,
    features: list[_Item],
    stories: list[_Item],
    others: list[_Item],
    rng: random.Random,
) -> None:
    """Arrival (pulled into the flow) and creation times of the items that flow.

    Arrivals run a little past the horizon, so some items are still only in the backlog
    at its end; a few defects, risks and debts are parked and never pulled at all.
    """
    end = horizon * 1.04
    for feature in features:
        arrival, spread = rng.uniform(0, end), rng.uniform(0, 10 * DAY)
        for story in feature.children:
            story.arrival = arrival + rng.uniform(0, spread)
    for item in stories + others:
        if item.arrival is None and (item.kind is WorkItemKind.STORY or rng.random() > 0.04):
            item.arrival = rng.uniform(0, end)
        age = HOUR + rng.expovariate(1 / (_BACKLOG_DAYS[item.kind] * DAY))
        if item.arrival is None:
            item.created = rng.uniform(-30 * DAY, horizon - HOUR)
        else:
            item.created = min(item.arrival - age, horizon - rng.uniform(HOUR, 3 * DAY))


def _created_before_children(
    item: _Item, gap_days: tuple[int, int], horizon: int, rng: random.Random
) -> None:
    gap = rng.uniform(gap_days[0] * DAY, gap_days[1] * DAY)
    if item.children:
        item.created = min(child.created for child in item.children) - gap
    else:
        item.created = rng.uniform(-30 * DAY, horizon - HOUR)
