"""One product, built: plan its work, simulate its flow and derive delivery and outcomes
from it, with the product's own seeded generator (so products are independent and
memory holds one at a time)."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from graph.demo.catalogue import _QUEUED
from graph.demo.delivery import (
    _deliver,
    _deliver_features,
    _History,
    _Release,
    _releases,
    _write_code,
)
from graph.demo.organisation import _Org, _Product
from graph.demo.outcomes import _epic_of, _Feedback, _feedback, _Incident, _incidents
from graph.demo.simulation import _flow, _roll_up, _simulate
from graph.demo.work import _Item, _plan_work
from graph.ingest.records import Ref
from graph.model import Label, WorkItemKind


@dataclass(eq=False)
class _Built:
    product: _Product
    items: list[_Item]
    histories: list[_History]
    releases: list[_Release]
    incidents: list[_Incident]
    feedback: list[_Feedback]
    traced: list[str]


def _build_product(org: _Org, product: _Product) -> _Built:
    """Plan, simulate and derive everything of one product (its own seeded generator)."""
    rng = random.Random(f"vsgraph-demo:{org.config.seed}:{product.spec.key}")
    horizon = org.horizon
    items = _plan_work(org, product, rng)
    flowing = sorted(
        (i for i in items if i.arrival is not None and i.arrival <= horizon and i.kind in _QUEUED),
        key=lambda i: i.arrival or 0.0,
    )
    flow = _flow(product, len(flowing) / horizon, rng)
    _simulate(flow, flowing, horizon, rng)
    features = [i for i in items if i.kind is WorkItemKind.FEATURE]
    for feature in features:
        if feature.children:
            _roll_up(feature, flow.done, horizon, rng)
    _name(product, items)
    _block(org, items, rng)
    histories = _write_code(product, items, horizon, rng)
    for history in histories:
        _deliver(history, product, org.start, horizon, rng)
    releases = _releases(product, histories, org.start, horizon)
    _deliver_features(features, histories, flow.done)
    feedback = _feedback(product, releases, items, horizon, rng)
    return _Built(
        product,
        items,
        histories,
        releases,
        _incidents(product, histories, horizon, rng),
        feedback,
        _traced(releases, feedback)[:5],
    )


def _traced(releases: list[_Release], feedback: list[_Feedback]) -> list[str]:
    """Delivered features with an epic and feedback: their whole chain exists."""
    with_feedback = {id(entry.about) for entry in feedback}
    return [
        f.id
        for release in releases
        for f in release.features
        if _epic_of(f) is not None and id(f) in with_feedback
    ]


def _name(product: _Product, items: list[_Item]) -> None:
    """Jira-like keys numbered in order of creation, as a tracker hands them out."""
    items.sort(key=lambda i: i.created)
    for number, item in enumerate(items, start=1):
        item.id = f"{product.spec.key}-{number}"
        item.ref = Ref(Label.WORK_ITEM, item.id)


def _block(org: _Org, items: list[_Item], rng: random.Random) -> None:
    """Some items are blocked by another of their team, some by one of a team their team
    depends on (in this product or an earlier one): the cross-team waits analyses find."""
    by_team: dict[str, list[str]] = {}
    for item in items:
        by_team.setdefault(item.team.id, []).append(item.id)
    for item in items:
        if item.kind not in _QUEUED or rng.random() >= 0.05:
            continue
        team = item.team
        if team.depends_on and rng.random() < 0.35:
            team = rng.choice(team.depends_on)
        blockers = by_team.get(team.id) or list(org.recent.get(team.id, ()))
        if blockers:
            blocker = rng.choice(blockers)
            item.blocked_by = blocker if blocker != item.id else None
    for team_id, ids in by_team.items():
        org.recent.setdefault(team_id, deque(maxlen=50)).extend(ids[-50:])
