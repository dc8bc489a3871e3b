"""SHIPPED and DORA on a real repository's history, imported in any order.

The fixture (tests/fixtures/history/, see its README) is encode/starlette's git history
converted to ingest records by bench/history.py: its commits with their parents, and
its release tags as successful production deployments finished at the tag's date. It is
imported in order, split into several imports, with its deployments in a shuffled order,
and with one big deployment flipped to failure and back. After each, every deployment's
SHIPPED set must equal `git rev-list <head> ^<every earlier successful head>`, computed
here by an independent walk of the commit DAG (whose sizes equal git's own counts, kept
beside the fixture), and deployment frequency and lead time must equal an independent
recomputation from the same facts, per calendar year and over the whole history.

bench/history.py runs the same scenarios on larger histories.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graph.db.queries import parse
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.dora_queries import repositories_dora
from graph.metrics.flow import Window

pytestmark = pytest.mark.db

HISTORY = Path(__file__).resolve().parents[1] / "fixtures" / "history"
FIXTURE = HISTORY / "starlette.ndjson.gz"
GIT_COUNTS = HISTORY / "starlette.rev-list.json"

Record = dict[str, Any]

SHIPPED = parse(
    "test/history_shipped",
    "// cardinality: rows\n"
    "MATCH (d:Deployment)-[:SHIPPED]->(c:Commit) "
    "RETURN d.id AS deployment, collect(c.id) AS commits",
)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class Deployment:
    id: str
    head: str
    finished: datetime


@dataclass(frozen=True)
class History:
    """The records of a converted history, and the facts the references need."""

    repository: str
    records: tuple[Record, ...]
    #: commit -> (authoredAt, parents)
    commits: Mapping[str, tuple[datetime, tuple[str, ...]]]
    deployments: tuple[Deployment, ...]

    @classmethod
    def of(cls, records: Iterable[Record]) -> History:
        """The history the records hold (one repository)."""
        records = tuple(records)
        authored: dict[str, datetime] = {}
        parents: dict[str, list[str]] = {}
        finished: dict[str, datetime] = {}
        heads: dict[str, str] = {}
        repository = ""
        for r in records:
            kind = (r["record"], r.get("label") or r.get("type"))
            if kind == ("node", "Commit"):
                authored[r["id"]] = _instant(r["properties"]["authoredAt"])
                parents.setdefault(r["id"], [])
            elif kind == ("node", "Deployment"):
                finished[r["id"]] = _instant(r["properties"]["finishedAt"])
            elif kind == ("node", "Repository"):
                repository = r["id"]
            elif kind == ("relationship", "PARENT"):
                parents.setdefault(r["from"]["id"], []).append(r["to"]["id"])
            elif kind == ("relationship", "DEPLOYED"):
                heads[r["from"]["id"]] = r["to"]["id"]
        return cls(
            repository,
            records,
            {c: (authored[c], tuple(parents[c])) for c in authored},
            tuple(Deployment(d, heads[d], finished[d]) for d in sorted(finished)),
        )

    @classmethod
    def load(cls, path: Path) -> History:
        """The history in a (gzipped) NDJSON file."""
        opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            return cls.of(json.loads(line) for line in f if line.strip())

    def chain(self) -> list[Deployment]:
        """The deployments in chain order: finishedAt, then id."""
        return sorted(self.deployments, key=lambda d: (d.finished, d.id))

    def is_deployment(self, record: Record) -> bool:
        return record.get("label") == "Deployment" or record.get("type") == "DEPLOYED"

    def deployment_records(self, deployment: str, status: str = "success") -> list[Record]:
        """The node and DEPLOYED records of one deployment, with the given status."""
        out = []
        for r in self.records:
            if r["record"] == "node" and r["id"] == deployment:
                out.append({**r, "properties": {**r["properties"], "status": status}})
            elif r.get("type") == "DEPLOYED" and r["from"]["id"] == deployment:
                out.append(r)
        return out


# ---------------------------------------------------------------------------------------
# The references: written from the definitions, sharing no code with graph/


def ancestors(commits: Mapping[str, tuple[datetime, tuple[str, ...]]], head: str) -> set[str]:
    """`git rev-list <head>`: the head and every commit reachable over parents."""
    seen = {head}
    todo = [head]
    while todo:
        for parent in commits[todo.pop()][1]:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def expected_shipped(history: History, statuses: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Per successful deployment (status "success" unless `statuses` says otherwise):
    `git rev-list <head> ^<every earlier successful head>`, empty sets left out."""
    out: dict[str, frozenset[str]] = {}
    earlier: set[str] = set()
    for d in history.chain():
        if statuses.get(d.id, "success") != "success":
            continue
        reach = ancestors(history.commits, d.head)
        if reach - earlier:
            out[d.id] = frozenset(reach - earlier)
        earlier |= reach
    return out


def windows(history: History) -> list[Window]:
    """Every calendar year of the deployments, and the whole history."""
    times = [d.finished for d in history.deployments]
    first, last = min(times), max(times)
    years = [
        Window(datetime(y, 1, 1, tzinfo=UTC), datetime(y + 1, 1, 1, tzinfo=UTC))
        for y in range(first.year, last.year + 1)
    ]
    return [*years, Window(first, last + timedelta(seconds=1))]


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (rank q * (n - 1))."""
    if not values:
        return None
    xs = sorted(values)
    rank = q * (len(xs) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (rank - low) * (xs[high] - xs[low])


def deployment_days(finished: Sequence[datetime], window: Window, days: int) -> float:
    """Median distinct deployment dates per whole period of `days`, counted back from
    the window's end (one period, the window itself, if it is shorter)."""
    span = window.end - window.start
    period = min(timedelta(days=days), span)
    count = max(1, span // timedelta(days=days))
    dates: list[set[object]] = [set() for _ in range(count)]
    for t in finished:
        back = (window.end - t) // period  # 0 for the last period
        if window.start <= t < window.end and back < count:
            dates[back].add(t.date())
    sizes = sorted(len(d) for d in dates)
    middle = len(sizes) // 2
    return float(sizes[middle] if len(sizes) % 2 else (sizes[middle - 1] + sizes[middle]) / 2)


def expected_dora(
    history: History,
    statuses: Mapping[str, str],
    shipped: Mapping[str, frozenset[str]],
    window: Window,
) -> dict[str, Any]:
    """Deployment frequency and lead time per the definitions (graph/metrics/dora.py docstring):
    every change is a commit here (the fixture has no pull requests)."""
    ok = [d for d in history.chain() if statuses.get(d.id, "success") == "success"]
    inside = [d for d in ok if window.start <= d.finished < window.end]
    days = (window.end - window.start).total_seconds() / 86400
    finished = [d.finished for d in inside]
    first = ok[0].id if ok else None
    hours: list[float] = []
    excluded = 0
    for d in inside:
        for commit in shipped.get(d.id, ()):
            if d.id == first:
                excluded += 1
            else:
                authored = history.commits[commit][0]
                hours.append((d.finished - authored).total_seconds() / 3600)
    return {
        "deployments": len(inside),
        "per_day": len(inside) / days if inside else None,
        "days_per_week": deployment_days(finished, window, 7) if inside else None,
        "days_per_month": deployment_days(finished, window, 30) if inside else None,
        "changes": len(hours),
        "excluded": excluded,
        "median": quantile(hours, 0.5),
        "p85": quantile(hours, 0.85),
    }


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


async def compare(
    store: GraphStore, history: History, statuses: Mapping[str, str]
) -> dict[str, Any]:
    """The graph against the references: deployments and commits compared, and the
    differences (a deployment's commit shipped by one side only, or a DORA figure that
    differs), with the first few described."""
    expected = expected_shipped(history, statuses)
    rows = await store.read(SHIPPED)
    found = {r["deployment"]: frozenset(r["commits"]) for r in rows}
    ids = {d.id for d in history.deployments}
    differences = 0
    notes: list[str] = []
    for d in sorted(ids | set(found)):
        missing = expected.get(d, frozenset()) - found.get(d, frozenset())
        extra = found.get(d, frozenset()) - expected.get(d, frozenset())
        if missing or extra:
            differences += len(missing) + len(extra)
            notes.append(f"{d}: {len(missing)} missing, {len(extra)} extra")
    dora_rows = 0
    for window in windows(history):
        want = expected_dora(history, statuses, expected, window)
        got = await repositories_dora(store, [history.repository], window)
        f, lt = got.deployment_frequency, got.lead_time
        have = {
            "deployments": f.deployments,
            "per_day": f.per_day,
            "days_per_week": f.median_days_per_week,
            "days_per_month": f.median_days_per_month,
            "changes": lt.changes,
            "excluded": lt.excluded,
            "median": lt.median_hours,
            "p85": lt.p85_hours,
        }
        dora_rows += 1
        for key, value in want.items():
            if not _close(value, have[key]):
                differences += 1
                notes.append(f"{window.start:%Y-%m-%d}..{window.end:%Y-%m-%d} {key}: "
                             f"expected {value}, found {have[key]}")  # fmt: skip
    return {
        "deployments": len(ids),
        "commits": sum(len(c) for c in expected.values()),
        "differences": differences,
        "dora_rows": dora_rows,
        "notes": notes[:10],
    }


# ---------------------------------------------------------------------------------------
# The scenarios: each imports the history its way and yields, at every point where the
# graph must agree with the references, the deployments' statuses and the seconds spent
# importing since the last point.

Scenario = Callable[..., AsyncIterator[tuple[dict[str, str], float]]]


async def _timed(store: GraphStore, records: Sequence[Record]) -> float:
    began = time.perf_counter()
    await ingest(store, parse_objects(records))
    return time.perf_counter() - began


async def in_order(
    store: GraphStore, history: History, **_: Any
) -> AsyncIterator[tuple[dict[str, str], float]]:
    """The whole history in one import."""
    yield {}, await _timed(store, history.records)


async def split(
    store: GraphStore, history: History, *, parts: int = 5, **_: Any
) -> AsyncIterator[tuple[dict[str, str], float]]:
    """In `parts` imports along the history: each deployment right after its head commit,
    so deployments arrive in the order of their heads, not of their times."""
    commits = [r for r in history.records if not history.is_deployment(r)]
    deployments: dict[str, list[Record]] = {}
    for d in history.deployments:
        deployments.setdefault(d.head, []).extend(history.deployment_records(d.id))
    ordered: list[Record] = []
    for r in commits:
        ordered.append(r)
        if r.get("label") == "Commit":
            ordered += deployments.get(r["id"], [])
    # Cut only before a commit's node: its IN_REPO and PARENT records follow it.
    starts = [i for i, r in enumerate(ordered) if r.get("label") == "Commit"]
    cuts = [0, *(starts[len(starts) * k // parts] for k in range(1, parts)), len(ordered)]
    took = 0.0
    for a, b in itertools.pairwise(cuts):
        took += await _timed(store, ordered[a:b])
    yield {}, took


async def shuffled(
    store: GraphStore, history: History, *, group: int = 20, seed: int = 21, **_: Any
) -> AsyncIterator[tuple[dict[str, str], float]]:
    """Commits first, then the deployments in a shuffled order, `group` per import."""
    took = await _timed(store, [r for r in history.records if not history.is_deployment(r)])
    order = [d.id for d in history.deployments]
    random.Random(seed).shuffle(order)
    for start in range(0, len(order), group):
        batch = [r for d in order[start : start + group] for r in history.deployment_records(d)]
        took += await _timed(store, batch)
    yield {}, took


async def late(
    store: GraphStore, history: History, *, parts: int = 4, **_: Any
) -> AsyncIterator[tuple[dict[str, str], float]]:
    """The chain cut in `parts` blocks of consecutive deployments; everything but the
    first and the third block in one import, then those two blocks, each an import:
    the first deployment after a late block had shipped the whole gap, and gives most
    of it back (hundreds of SHIPPED links of one deployment deleted at once)."""
    chain = [d.id for d in history.chain()]
    blocks = [chain[len(chain) * k // parts : len(chain) * (k + 1) // parts] for k in range(parts)]
    held = [blocks[0], blocks[2]] if parts > 2 else blocks[:1]
    late = {d for block in held for d in block}
    first = [
        r
        for r in history.records
        if not history.is_deployment(r)
        or (r["id"] if r["record"] == "node" else r["from"]["id"]) not in late
    ]
    took = await _timed(store, first)
    for block in held:
        took += await _timed(store, [r for d in block for r in history.deployment_records(d)])
    yield {}, took


async def flipped(
    store: GraphStore, history: History, **_: Any
) -> AsyncIterator[tuple[dict[str, str], float]]:
    """In order, then the deployment that shipped the most re-imported as failed, and
    as successful again."""
    yield {}, await _timed(store, history.records)
    shipped = expected_shipped(history, {})
    biggest = max(shipped, key=lambda d: (len(shipped[d]), d))
    yield (
        {biggest: "failure"},
        await _timed(store, history.deployment_records(biggest, "failure")),
    )
    yield {}, await _timed(store, history.deployment_records(biggest))


SCENARIOS: dict[str, Scenario] = {
    "in order": in_order,
    "split": split,
    "shuffled": shuffled,
    "late": late,
    "flipped": flipped,
}


@pytest.fixture(scope="module")
def history() -> History:
    return History.load(FIXTURE)


def test_the_reference_agrees_with_git(history: History) -> None:
    git = json.loads(GIT_COUNTS.read_text())
    expected = expected_shipped(history, {})
    assert len(history.commits) > 1000 and len(history.deployments) > 100
    assert {d: len(expected.get(d, ())) for d in git} == git


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_shipped_and_dora_equal_the_references(
    store: GraphStore, history: History, name: str
) -> None:
    points = 0
    async for statuses, _ in SCENARIOS[name](store, history):
        result = await compare(store, history, statuses)
        assert result["differences"] == 0, result["notes"]
        assert result["commits"] > 1000
        points += 1
    assert points == (3 if name == "flipped" else 1)
