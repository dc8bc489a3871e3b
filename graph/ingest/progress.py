"""A deployment's progress: statuses arrive one by one and out of order, from webhooks,
sync and files; these rules decide which wins, whatever the order (the same rule merges
a stored deployment with an incoming one in `cypher/ingest/nodes/upsert_deployment`).

Examples:

>>> from datetime import UTC, datetime
>>> t = lambda h: datetime(2025, 3, 5, h, tzinfo=UTC)
>>> done = Progress(DeploymentStatus.SUCCESS, t(14), t(15))
>>> latest(done, Progress(DeploymentStatus.IN_PROGRESS, t(13), None)) == Progress(
...     DeploymentStatus.SUCCESS, t(13), t(15))
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.model import DeploymentStatus

_TERMINAL = frozenset({DeploymentStatus.SUCCESS, DeploymentStatus.FAILURE})


@dataclass(frozen=True)
class Progress:
    """A deployment's status as known: stored in the graph, or just received."""

    status: DeploymentStatus
    started_at: datetime
    finished_at: datetime | None


def latest(stored: Progress, incoming: Progress) -> Progress:
    """Merge a received deployment status into the stored one, whatever their order.

    A finished deployment (success or failure) never goes back to in progress; between
    two finished statuses the later one wins; the start is the earliest seen.
    """
    started = min(stored.started_at, incoming.started_at)
    if incoming.status not in _TERMINAL:
        winner = stored
    elif stored.status not in _TERMINAL:
        winner = incoming
    else:
        stored_end = stored.finished_at or stored.started_at
        incoming_end = incoming.finished_at or incoming.started_at
        winner = incoming if incoming_end >= stored_end else stored
    return Progress(winner.status, started, winner.finished_at)


def _progress(properties: Mapping[str, Any]) -> Progress:
    return Progress(
        DeploymentStatus(properties["status"]),
        properties["startedAt"],
        properties.get("finishedAt"),
    )


def merge_progress(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> dict[str, Any]:
    """The status, start and finish of a deployment given by two records' properties."""
    merged = latest(_progress(earlier), _progress(later))
    return {
        "status": merged.status.value,
        "startedAt": merged.started_at,
        "finishedAt": merged.finished_at,
    }
