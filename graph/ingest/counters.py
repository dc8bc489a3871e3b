"""Ingest counters: what this process wrote since it started, per entry point.

`GET /metrics` exposes them as Prometheus counters. They live in the process (a
restart starts them at 0 again, which Prometheus' `rate()` and `increase()` expect);
with several API replicas each counts its own, and a dashboard sums them.

The counters belong to a store (one per app), so every entry point that holds the store
— `POST /ingest`, the `ingest` mutation, the webhooks — reaches the same counters
without more plumbing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from weakref import WeakKeyDictionary

from graph.db.store import GraphStore
from graph.ingest.service import IngestReport


class EntryPoint(StrEnum):
    """Where records came in: the value of the `entry_point` label."""

    HTTP = "http"
    GRAPHQL = "graphql"
    WEBHOOK_GITHUB = "webhook_github"
    WEBHOOK_GITLAB = "webhook_gitlab"
    WEBHOOK_JIRA = "webhook_jira"


@dataclass(frozen=True)
class Written:
    """What one entry point wrote since the process started."""

    batches: int = 0
    records: int = 0
    nodes: int = 0
    relationships: int = 0
    visits: int = 0


class IngestCounters:
    """Running totals per entry point; only successful writes count."""

    def __init__(self) -> None:
        self._totals: dict[EntryPoint, Written] = {}

    def add(self, entry: EntryPoint, report: IngestReport) -> None:
        """Count one written batch."""
        held = self._totals.get(entry, Written())
        self._totals[entry] = Written(
            held.batches + 1,
            held.records + report.records,
            held.nodes + report.nodes,
            held.relationships + report.relationships,
            held.visits + report.visits,
        )

    def snapshot(self) -> dict[EntryPoint, Written]:
        """Every entry point's totals, zeros included, in a stable order."""
        return {entry: self._totals.get(entry, Written()) for entry in EntryPoint}


_BY_STORE: WeakKeyDictionary[GraphStore, IngestCounters] = WeakKeyDictionary()


def ingest_counters(store: GraphStore) -> IngestCounters:
    """The counters of the process's store (created on first use)."""
    counters = _BY_STORE.get(store)
    if counters is None:
        counters = _BY_STORE[store] = IngestCounters()
    return counters
