"""Small literal organisations as ingest records (NDJSON dicts), with random ids."""

from __future__ import annotations

import itertools
import json
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]


def node(label: str, id: str, **properties: Any) -> Record:
    return {"record": "node", "label": label, "id": id, "properties": properties}


def rel(type: str, start: tuple[str, str], end: tuple[str, str], **properties: Any) -> Record:
    return {
        "record": "relationship",
        "type": type,
        "from": {"label": start[0], "id": start[1]},
        "to": {"label": end[0], "id": end[1]},
        "properties": properties,
    }


def state(item: str, at: str, *, state: str | None = None, stage: str | None = None) -> Record:
    record: Record = {"record": "state", "item": item, "at": at}
    if state is not None:
        record["state"] = state
    if stage is not None:
        record["stage"] = stage
    return record


def ndjson(records: list[Record]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@dataclass
class SmallOrg:
    """One business line, product, value stream of four stages, a team and two stories."""

    prefix: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    def id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def product(self) -> str:
        return self.id("product")

    def stage(self, name: str) -> str:
        return self.id(f"stage-{name}")

    def records(self) -> list[Record]:
        p = self.id
        stages = [
            ("backlog", 1, "new", ["To Do", "Backlog"]),
            ("dev", 2, "active", ["In Progress"]),
            ("review", 3, "waiting", ["In Review"]),
            ("done", 4, "done", ["Done", "Closed"]),
        ]
        out: list[Record] = [
            node("BusinessLine", p("bl"), name="Payments"),
            node("Product", self.product, name="Checkout", key="PAY"),
            rel("OWNS", ("BusinessLine", p("bl")), ("Product", self.product)),
            node("ValueStream", p("vs"), name="Checkout delivery"),
            rel("HAS_VALUE_STREAM", ("Product", self.product), ("ValueStream", p("vs"))),
            node("Team", p("team"), name="Falcons"),
            rel("CONTRIBUTES_TO", ("Team", p("team")), ("Product", self.product)),
        ]
        for name, order, kind, states in stages:
            out.append(
                node(
                    "Stage",
                    self.stage(name),
                    name=name.title(),
                    order=order,
                    state=kind,
                    states=states,
                )
            )
            out.append(rel("HAS_STAGE", ("ValueStream", p("vs")), ("Stage", self.stage(name))))
        for (a, *_), (b, *_) in itertools.pairwise(stages):
            out.append(rel("NEXT", ("Stage", self.stage(a)), ("Stage", self.stage(b))))
        for n in (1, 2):
            story = p(f"story{n}")
            out += [
                node("Story", story, title=f"Story {n}", createdAt="2025-01-01T09:00:00Z"),
                rel("FOR_PRODUCT", ("Story", story), ("Product", self.product)),
                rel("OWNS", ("Team", p("team")), ("Story", story)),
            ]
        return out


def commit(p: str, repo: str, name: str, at: str, *parents: str) -> list[Record]:
    """Commit `{p}-{name}` of repository `repo`, authored at `2025-{at}:00Z`, whose
    parents are `{p}-{parent}`."""
    return [
        node("Commit", f"{p}-{name}", message=name, authoredAt=f"2025-{at}:00Z"),
        rel("IN_REPO", ("Commit", f"{p}-{name}"), ("Repository", repo)),
        *(rel("PARENT", ("Commit", f"{p}-{name}"), ("Commit", f"{p}-{x}")) for x in parents),
    ]


def deployment(p: str, name: str, environment: str, finished: str, head: str) -> list[Record]:
    """Successful deployment `{p}-{name}` to `environment`, started and finished at
    `2025-{finished}:00Z`, of head commit `{p}-{head}`."""
    return [
        node("Deployment", f"{p}-{name}", environment=environment, status="success",
             startedAt=f"2025-{finished}:00Z", finishedAt=f"2025-{finished}:00Z"),
        rel("DEPLOYED", ("Deployment", f"{p}-{name}"), ("Commit", f"{p}-{head}")),
    ]  # fmt: skip


def deliveries(records: list[Record], seed: int) -> list[list[Record]]:
    """The same records delivered another way, a batch at a time: for seed 0, links
    before the nodes they join (they wait for them), one record a batch; for any other,
    shuffled into four random batches."""
    shuffled = list(records)
    random.Random(seed).shuffle(shuffled)
    if seed == 0:
        shuffled.sort(key=lambda r: r["record"] != "relationship")
        return [[r] for r in shuffled]
    cuts = sorted(random.Random(seed).sample(range(1, len(shuffled)), 3))
    return [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
