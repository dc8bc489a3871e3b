"""Outcomes: incidents after some production deployments, customer feedback after
releases, and feedback that led to new work."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass

from graph.demo.catalogue import _CHANNELS, _INCIDENTS, _SEVERITIES, _STARS
from graph.demo.config import DAY, HOUR
from graph.demo.delivery import _Deployment, _History, _in_production, _Release
from graph.demo.organisation import _Product
from graph.demo.work import _Item, _weighted
from graph.model import Sentiment, WorkItemKind


@dataclass(eq=False, slots=True)
class _Incident:
    id: str
    title: str
    severity: str
    created: int
    resolved: int | None
    cause: _Deployment
    explicit: bool  # False: the cause is left for analysis to infer


@dataclass(eq=False, slots=True)
class _Feedback:
    id: str
    title: str
    text: str
    channel: str
    score: float  # stars, 1 to 5
    sentiment: Sentiment
    created: int
    about: _Item | None  # None: about the product
    led_to: _Item | None = None


def _incidents(
    product: _Product, histories: list[_History], horizon: int, rng: random.Random
) -> list[_Incident]:
    """Incidents after some production deployments, always before the product's next
    successful one, so inferring the cause of those without one finds the true cause."""
    deployed = _in_production(histories)
    ends = [d.finished for d in deployed[1:]] + [horizon]
    incidents: list[_Incident] = []
    for deployment, next_finished in zip(deployed, ends, strict=True):
        quiet = next_finished - deployment.finished
        if rng.random() >= product.change_failure or quiet < HOUR:
            continue
        delay = min(10 * 60 + rng.expovariate(1 / (8 * HOUR)), 0.9 * quiet)
        created = deployment.finished + int(delay)
        restore = rng.lognormvariate(math.log(product.restore_hours * HOUR), 0.8)
        resolved = created + int(restore)
        # Unresolved: those that would be resolved after the horizon, and a few stragglers.
        still_open = resolved > horizon or rng.random() < 0.04
        noun = rng.choice(product.spec.nouns)
        incidents.append(
            _Incident(
                f"inc-{product.id}-{len(incidents) + 1}",
                f"{rng.choice(_INCIDENTS)} {noun}",
                _weighted(_SEVERITIES, rng),
                created,
                None if still_open else resolved,
                deployment,
                explicit=rng.random() < 0.6,
            )
        )
    return incidents


_FEEDBACK_TEXT = {
    Sentiment.POSITIVE: ("Love the new {}", "The new {} saves me a lot of time."),
    Sentiment.NEUTRAL: ("Mixed feelings about {}", "The {} work, but it took a while to see how."),
    Sentiment.NEGATIVE: (
        "Problems with {}",
        "Since the last update the {} keep getting in my way.",
    ),
}


def _feedback(
    product: _Product,
    releases: list[_Release],
    items: list[_Item],
    horizon: int,
    rng: random.Random,
) -> list[_Feedback]:
    """Feedback on delivered features after their release (always on the first few with
    an epic, so traces have it), some on the product, and some that led to new work."""
    feedback: list[_Feedback] = []

    def add(about: _Item | None, created: float) -> None:
        score: float = _weighted(_STARS, rng)
        sentiment = (
            Sentiment.POSITIVE
            if score >= 4
            else Sentiment.NEUTRAL
            if score >= 3
            else Sentiment.NEGATIVE
        )
        noun = about.noun if about is not None else rng.choice(product.spec.nouns)
        title, text = _FEEDBACK_TEXT[sentiment]
        feedback.append(
            _Feedback(
                f"fb-{product.id}-{len(feedback) + 1}",
                title.format(noun),
                text.format(noun),
                rng.choice(_CHANNELS),
                score,
                sentiment,
                int(created),
                about,
            )
        )

    showcased = 0
    for release in releases:
        for feature in release.features:
            showcase = showcased < 3 and _epic_of(feature) is not None
            if not showcase and rng.random() >= 0.35:
                continue
            showcased += showcase
            for _ in range(rng.randint(1, 3)):
                wait = rng.expovariate(1 / (10 * DAY))
                if showcase:  # squeezed into the history so the trace is complete
                    wait = min(wait, (horizon - release.at) * rng.uniform(0.1, 0.9))
                if release.at + HOUR + wait <= horizon:
                    add(feature, release.at + HOUR + wait)
    for _ in range(max(2, product.counts[WorkItemKind.FEATURE] // 5)):
        add(None, rng.uniform(0, horizon))
    _lead_to_work(feedback, items, rng)
    return feedback


def _epic_of(feature: _Item) -> _Item | None:
    parent = feature.parent
    return parent if parent is not None and parent.kind is WorkItemKind.EPIC else None


def _lead_to_work(feedback: list[_Feedback], items: list[_Item], rng: random.Random) -> None:
    """Link feedback to a defect (if negative) or feature created within 45 days after it."""
    created: dict[WorkItemKind, list[_Item]] = {WorkItemKind.DEFECT: [], WorkItemKind.FEATURE: []}
    for item in items:
        if item.kind in created:
            created[item.kind].append(item)
    times = {kind: [i.created for i in group] for kind, group in created.items()}
    taken: set[int] = set()
    for entry in feedback:
        negative = entry.sentiment is Sentiment.NEGATIVE
        if entry.about is None or rng.random() >= (0.6 if negative else 0.12):
            continue
        kind = WorkItemKind.DEFECT if negative else WorkItemKind.FEATURE
        group = created[kind]
        first = bisect.bisect_right(times[kind], entry.created + HOUR)
        for candidate in group[first : first + 20]:
            if candidate.created > entry.created + 45 * DAY:
                break
            if id(candidate) not in taken:
                taken.add(id(candidate))
                entry.led_to = candidate
                break
