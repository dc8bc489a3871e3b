"""The demo organisation: deterministic, valid ingest records, the promised shape, times
that hang together, and a constraint that is real in the simulated flow."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from graph.demo import DemoConfig, DemoTruth, generate
from graph.ingest.plan import Existing, StoredHistory, build_plan
from graph.ingest.records import (
    NodeRecord,
    Record,
    Ref,
    RelationshipRecord,
    parse_record,
)
from graph.ingest.stage_map import StageMap
from graph.model import Label, RelType, WorkItemKind

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)


def config(work_items: int = 1500, seed: int = 7) -> DemoConfig:
    return DemoConfig(work_items=work_items, seed=seed, until=UNTIL)


@dataclass
class Demo:
    """One generated demo, indexed for the checks."""

    records: list[Record]
    truth: DemoTruth
    nodes: dict[Ref, NodeRecord] = field(default_factory=dict)
    outgoing: dict[tuple[RelType, Ref], list[Ref]] = field(default_factory=dict)
    incoming: dict[tuple[RelType, Ref], list[Ref]] = field(default_factory=dict)
    visits: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, config: DemoConfig) -> Demo:
        records, truth = generate(config)
        demo = cls(list(records), truth)
        for record in demo.records:
            if isinstance(record, NodeRecord):
                demo.nodes[record.ref] = record
            elif isinstance(record, RelationshipRecord):
                demo.outgoing.setdefault((record.type, record.start), []).append(record.end)
                demo.incoming.setdefault((record.type, record.end), []).append(record.start)
            else:
                assert record.stage is not None
                demo.visits.setdefault(record.item, []).append((record.at, record.stage))
        return demo

    def props(self, label: Label, id: str) -> dict[str, Any]:
        return self.nodes[Ref(label, id)].properties

    def out(self, type: RelType, start: Ref) -> list[Ref]:
        return self.outgoing.get((type, start), [])

    def into(self, type: RelType, end: Ref) -> list[Ref]:
        return self.incoming.get((type, end), [])

    def of_label(self, label: Label) -> list[NodeRecord]:
        return [n for n in self.nodes.values() if n.label is label]

    def stage_state(self, stage: str) -> str:
        return str(self.props(Label.STAGE, stage)["state"])


@pytest.fixture(scope="module")
def demo() -> Demo:
    return Demo.of(config())


def item(id: str) -> Ref:
    return Ref(Label.WORK_ITEM, id)


# --- determinism and validity ---------------------------------------------------------


def digest(config: DemoConfig) -> str:
    records, _ = generate(config)
    hashed = hashlib.sha256()
    for record in records:
        hashed.update(repr(record).encode())
    return hashed.hexdigest()


def test_the_same_config_gives_the_same_records_and_another_seed_others() -> None:
    assert digest(config(400, seed=3)) == digest(config(400, seed=3))
    assert digest(config(400, seed=3)) != digest(config(400, seed=4))
    assert generate(config(400, seed=3))[1] == generate(config(400, seed=3))[1]


def as_json(record: Record) -> dict[str, Any]:
    """The NDJSON object form of a record, as a file for `vsg import` would hold it."""

    def plain(properties: dict[str, Any]) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in properties.items()}

    def end(ref: Ref) -> dict[str, str]:
        return {"label": str(ref.label), "id": ref.id}

    if isinstance(record, NodeRecord):
        label = str(record.kind or record.label)
        props = plain(record.properties)
        return {"record": "node", "label": label, "id": record.id, "properties": props}
    if isinstance(record, RelationshipRecord):
        return {
            "record": "relationship",
            "type": str(record.type),
            "from": end(record.start),
            "to": end(record.end),
            "properties": plain(record.properties),
        }
    return {
        "record": "state",
        "item": record.item,
        "stage": record.stage,
        "at": record.at.isoformat(),
    }


def test_every_record_reads_back_unchanged_through_the_ingest_parser(demo: Demo) -> None:
    for record in demo.records:
        assert parse_record(json.loads(json.dumps(as_json(record))), record.line) == record


class EmptyGraph:
    """A graph with nothing in it yet, as ingest's batch validation sees it."""

    async def existing_any(self, wanted: Mapping[Label, Iterable[str]]) -> Existing:
        return Existing({}, {})

    async def stage_map(self) -> StageMap:
        return StageMap({})

    async def histories(self, ids: list[str]) -> dict[str, StoredHistory]:
        return {}

    async def product_items(self, products: list[str]) -> list[str]:
        return []


async def test_ingest_would_write_every_record_of_the_stream(demo: Demo) -> None:
    plan, problems = await build_plan(demo.records, EmptyGraph())
    assert problems == []
    kinds = Counter(type(r).__name__ for r in demo.records)
    assert plan.node_count == kinds["NodeRecord"]
    assert plan.relationship_count == kinds["RelationshipRecord"]  # no duplicates
    assert len(plan.visits) == kinds["StateRecord"]  # no visit collapses into another
    assert plan.pending == [] and plan.unmapped == 0


def test_records_are_numbered_from_one(demo: Demo) -> None:
    assert [r.line for r in demo.records] == list(range(1, len(demo.records) + 1))


def test_nodes_come_before_whatever_refers_to_them_and_ids_are_unique(demo: Demo) -> None:
    seen: set[Ref] = set()
    for record in demo.records:
        if isinstance(record, NodeRecord):
            assert record.ref not in seen, record
            seen.add(record.ref)
        elif isinstance(record, RelationshipRecord):
            assert record.start in seen and record.end in seen, record
        else:
            assert record.state is None
            assert item(record.item) in seen and Ref(Label.STAGE, str(record.stage)) in seen


def test_every_node_names_the_tool_it_came_from(demo: Demo) -> None:
    tools = {n.id for n in demo.of_label(Label.TOOL)}
    assert {str(n.properties["kind"]) for n in demo.of_label(Label.TOOL)} >= {
        "planning",
        "source_control",
        "ci",
        "cd",
        "incidents",
        "feedback",
    }
    for node in demo.nodes.values():
        assert node.properties["source"] in tools, node


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="work_items"):
        DemoConfig(work_items=199)
    with pytest.raises(ValueError, match="work_items"):
        DemoConfig(work_items=1_000_001)
    with pytest.raises(ValueError, match="timezone"):
        DemoConfig(until=datetime(2025, 6, 1))


# --- the organisation ------------------------------------------------------------------


@pytest.mark.parametrize("work_items", [200, 1500, 5001])
def test_the_work_item_count_is_exact(work_items: int) -> None:
    records, _ = generate(config(work_items))
    items = [r for r in records if isinstance(r, NodeRecord) and r.label is Label.WORK_ITEM]
    assert len(items) == work_items


def test_work_comes_in_every_kind_in_roughly_the_planned_shares(demo: Demo) -> None:
    kinds = Counter(n.kind for n in demo.of_label(Label.WORK_ITEM))
    assert sum(kinds.values()) == 1500
    shares = {"Initiative": 1, "Epic": 3, "Feature": 15, "Story": 55, "Defect": 16}
    for kind, percent in shares.items():
        assert kinds[WorkItemKind(kind)] == pytest.approx(15 * percent, abs=1)
    assert kinds[WorkItemKind.RISK] == kinds[WorkItemKind.DEBT] == 75


def test_the_organisation_has_the_promised_shape(demo: Demo) -> None:
    truth = demo.truth
    assert len(truth.business_lines) >= 3
    assert 6 <= len(truth.products) <= 12
    assert len(truth.teams) >= 10
    for product in truth.products:
        ref = Ref(Label.PRODUCT, product)
        assert len(demo.into(RelType.OWNS, ref)) == 1  # one business line
        assert len(demo.out(RelType.HAS_VALUE_STREAM, ref)) == 1
        repos = [r for r in demo.into(RelType.FOR_PRODUCT, ref) if r.label is Label.REPOSITORY]
        assert 1 <= len(repos) <= 2
        assert len(demo.into(RelType.CONTRIBUTES_TO, ref)) >= 2
    for team in truth.teams:
        ref = Ref(Label.TEAM, team)
        assert demo.into(RelType.MEMBER_OF, ref) and demo.out(RelType.USES, ref)
    assert sum(len(demo.out(RelType.DEPENDS_ON, Ref(Label.TEAM, t))) for t in truth.teams) > 10


def test_each_value_stream_has_six_to_eight_ordered_stages(demo: Demo) -> None:
    for stream, stages in demo.truth.stages.items():
        assert 6 <= len(stages) <= 8
        assert [r.id for r in demo.out(RelType.HAS_STAGE, Ref(Label.VALUE_STREAM, stream))] == (
            stages
        )
        assert [demo.props(Label.STAGE, s)["order"] for s in stages] == list(
            range(1, len(stages) + 1)
        )
        states = [demo.stage_state(s) for s in stages]
        assert states[0] == "new" and states[-1] == "done"
        assert "active" in states and "waiting" in states
        for a, b in itertools.pairwise(stages):
            assert demo.out(RelType.NEXT, Ref(Label.STAGE, a)) == [Ref(Label.STAGE, b)]
        for stage in stages:
            ref = Ref(Label.STAGE, stage)
            assert demo.props(Label.STAGE, stage)["states"]
            assert len(demo.into(RelType.SUPPORTS, ref)) == 1
            if demo.stage_state(stage) == "active":
                assert demo.out(RelType.NEEDS_SKILL, ref)


def test_the_teams_at_each_constraint_lack_the_skills_it_needs(demo: Demo) -> None:
    levels = {
        (r.start.id, r.end.id): r.properties["level"]
        for r in demo.records
        if isinstance(r, RelationshipRecord) and r.type is RelType.HAS_SKILL
    }
    for stream, stage in demo.truth.constraints.items():
        product = demo.into(RelType.HAS_VALUE_STREAM, Ref(Label.VALUE_STREAM, stream))[0]
        # Its stream-aligned teams: those contributing to no other product.
        home = [
            t
            for t in demo.into(RelType.CONTRIBUTES_TO, product)
            if len(demo.out(RelType.CONTRIBUTES_TO, t)) == 1
        ]
        assert home
        people = [p.id for t in home for p in demo.into(RelType.MEMBER_OF, t)]
        for need in demo.records:
            if not (
                isinstance(need, RelationshipRecord)
                and need.type is RelType.NEEDS_SKILL
                and need.start.id == stage
            ):
                continue
            held = [levels[(p, need.end.id)] for p in people if (p, need.end.id) in levels]
            assert all(level < need.properties["level"] for level in held)


# --- the simulated flow ----------------------------------------------------------------


def flow_hours(demo: Demo) -> dict[str, float]:
    """Hours all work items spent in each stage, open visits counted to the end."""
    hours: dict[str, float] = defaultdict(float)
    for visits in demo.visits.values():
        ends = [at for at, _ in visits[1:]] + [demo.truth.until]
        for (entered, stage), left in zip(visits, ends, strict=True):
            hours[stage] += (left - entered).total_seconds() / 3600
    return hours


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_constraint_takes_the_largest_share_of_flow_time(seed: int) -> None:
    demo = Demo.of(config(seed=seed))
    hours = flow_hours(demo)
    for stream, stages in demo.truth.stages.items():
        # An active stage's share: its own time and the time queued in front of it.
        share = {
            stage: hours[stage] + (hours[before] if demo.stage_state(before) == "waiting" else 0)
            for before, stage in itertools.pairwise(stages)
            if demo.stage_state(stage) == "active"
        }
        assert max(share, key=share.__getitem__) == demo.truth.constraints[stream]


def test_the_constraint_varies_between_value_streams(demo: Demo) -> None:
    names = {demo.props(Label.STAGE, s)["name"] for s in demo.truth.constraints.values()}
    assert len(names) > 1


def test_visits_run_forward_from_the_backlog_at_creation(demo: Demo) -> None:
    backlog = {stages[0] for stages in demo.truth.stages.values()}
    for id, visits in demo.visits.items():
        created = demo.props(Label.WORK_ITEM, id)["createdAt"]
        assert visits[0] == (created, visits[0][1]) and visits[0][1] in backlog
        times = [at for at, _ in visits]
        assert times == sorted(set(times)) and times[-1] <= demo.truth.until
        assert all(a != b for (_, a), (_, b) in itertools.pairwise(visits))


def test_some_items_are_reworked_in_flight_or_never_started(demo: Demo) -> None:
    last_states = Counter(demo.stage_state(visits[-1][1]) for visits in demo.visits.values())
    assert last_states["new"] > 0 and last_states["done"] > 0
    assert last_states["active"] + last_states["waiting"] > 0
    reworked = [v for v in demo.visits.values() if len({s for _, s in v}) < len(v)]
    assert len(reworked) > 10


def test_a_feature_starts_with_its_first_story_and_is_done_after_its_last(demo: Demo) -> None:
    checked = 0
    for feature in demo.of_label(Label.WORK_ITEM):
        if feature.kind is not WorkItemKind.FEATURE or len(demo.visits[feature.id]) < 2:
            continue
        stories = [demo.visits[s.id] for s in demo.out(RelType.PARENT_OF, feature.ref)]
        started = min(v[1][0] for v in stories if len(v) > 1)
        visits = demo.visits[feature.id]
        assert visits[1][0] == started
        if demo.stage_state(visits[-1][1]) == "done":
            assert all(visits[-1][0] > v[-1][0] for v in stories)
            assert all(demo.stage_state(v[-1][1]) == "done" for v in stories)
            checked += 1
    assert checked > 10


# --- delivery and outcomes -------------------------------------------------------------


def test_pull_requests_follow_their_items_through_review(demo: Demo) -> None:
    for pr in demo.of_label(Label.PULL_REQUEST):
        [work] = demo.out(RelType.IMPLEMENTS, pr.ref)
        assert pr.properties["title"].startswith(work.id + " ")
        visit_times = {at for at, _ in demo.visits[work.id]}
        assert pr.properties["createdAt"] in visit_times  # left development
        commits = [demo.nodes[c].properties for c in demo.out(RelType.CONTAINS, pr.ref)]
        assert commits and all(c["authoredAt"] <= pr.properties["createdAt"] for c in commits)
        assert all(c["message"].startswith(work.id + " ") for c in commits)
        merged = pr.properties.get("mergedAt")
        merges = demo.out(RelType.MERGED_AS, pr.ref)
        assert len(merges) == (0 if merged is None else 1)
        if merges:
            assert merged in visit_times  # left review for test
            assert demo.nodes[merges[0]].properties["authoredAt"] == merged
            assert pr.properties["createdAt"] < merged


def test_each_deployment_ships_the_head_ancestors_the_previous_one_had_not(demo: Demo) -> None:
    parents = {
        ref: demo.out(RelType.PARENT, ref) for ref in demo.nodes if ref.label is Label.COMMIT
    }
    deployments: dict[tuple[str, str], list[NodeRecord]] = defaultdict(list)
    for d in demo.of_label(Label.DEPLOYMENT):
        [head] = demo.out(RelType.DEPLOYED, d.ref)
        [repo] = demo.out(RelType.IN_REPO, head)
        deployments[(repo.id, d.properties["environment"])].append(d)
    assert {env for _, env in deployments} == {"staging", "production"}
    for runs in deployments.values():
        shipped_before: set[Ref] = set()
        for d in sorted(runs, key=lambda d: d.properties["startedAt"]):
            [head] = demo.out(RelType.DEPLOYED, d.ref)
            assert demo.nodes[head].properties["authoredAt"] < d.properties["startedAt"]
            shipped = set(demo.out(RelType.SHIPPED, d.ref))
            if d.properties["status"] != "success":
                assert not shipped
                continue
            assert d.properties["startedAt"] < d.properties["finishedAt"]
            ancestors, todo = set(), [head]
            while todo:
                commit = todo.pop()
                if commit not in ancestors and commit not in shipped_before:
                    ancestors.add(commit)
                    todo += parents[commit]
            assert shipped == ancestors
            shipped_before |= shipped


def test_production_cadences_differ_between_products(demo: Demo) -> None:
    cadence = demo.truth.deployment_cadence
    assert {"daily", "weekly", "monthly"} <= set(cadence.values())
    days: dict[str, set[object]] = defaultdict(set)
    for d in demo.of_label(Label.DEPLOYMENT):
        if d.properties["environment"] == "production" and d.properties["status"] == "success":
            [product] = demo.out(RelType.FOR_PRODUCT, d.ref)
            days[product.id].add(d.properties["startedAt"].date())
    daily = min(len(days[p]) for p, c in cadence.items() if c == "daily")
    monthly = max(len(days[p]) for p, c in cadence.items() if c == "monthly")
    assert daily > 4 * monthly


def test_releases_follow_their_deployments_and_deliver_shipped_features(demo: Demo) -> None:
    for release in demo.of_label(Label.RELEASE):
        released = release.properties["releasedAt"]
        for ref in demo.out(RelType.INCLUDES, release.ref):
            d = demo.nodes[ref].properties
            assert d["environment"] == "production" and d["status"] == "success"
            assert d["finishedAt"] < released
        features = demo.out(RelType.DELIVERS, release.ref)
        for feature in features:
            assert demo.nodes[feature].kind is WorkItemKind.FEATURE
            for about in demo.into(RelType.ABOUT, feature):
                assert demo.nodes[about].properties["createdAt"] > released
    assert sum(len(demo.out(RelType.DELIVERS, r.ref)) for r in demo.of_label(Label.RELEASE))


def test_incident_causes_are_explicit_or_inferable_and_agree(demo: Demo) -> None:
    production: dict[str, list[tuple[datetime, Ref]]] = defaultdict(list)
    for d in demo.of_label(Label.DEPLOYMENT):
        if d.properties["environment"] == "production" and d.properties["status"] == "success":
            [product] = demo.out(RelType.FOR_PRODUCT, d.ref)
            production[product.id].append((d.properties["finishedAt"], d.ref))
    explicit = 0
    incidents = demo.of_label(Label.INCIDENT)
    for incident in incidents:
        created = incident.properties["createdAt"]
        assert incident.properties.get("resolvedAt", created) >= created
        [product] = demo.out(RelType.AFFECTS, incident.ref)
        # The rule analysis uses: the latest successful deployment finished before it.
        inferred = max(p for p in production[product.id] if p[0] < created)[1]
        causes = demo.out(RelType.CAUSED_BY, incident.ref)
        if causes:
            explicit += 1
            assert causes == [inferred]
    assert 0 < explicit < len(incidents)
    assert any("resolvedAt" not in i.properties for i in incidents)


def test_feedback_led_to_work_created_after_it(demo: Demo) -> None:
    led = 0
    for feedback in demo.of_label(Label.FEEDBACK):
        for work in demo.out(RelType.LED_TO, feedback.ref):
            led += 1
            assert demo.nodes[work].kind in (WorkItemKind.DEFECT, WorkItemKind.FEATURE)
            created = demo.nodes[work].properties["createdAt"]
            assert created > feedback.properties["createdAt"]
    assert led > 0
    about = {
        ref.label for f in demo.of_label(Label.FEEDBACK) for ref in demo.out(RelType.ABOUT, f.ref)
    }
    assert about == {Label.WORK_ITEM, Label.PRODUCT}


def test_traced_features_have_the_whole_chain(demo: Demo) -> None:
    assert demo.truth.traced_features
    for id in demo.truth.traced_features:
        feature = item(id)
        assert demo.nodes[feature].kind is WorkItemKind.FEATURE
        [epic] = demo.into(RelType.PARENT_OF, feature)
        assert demo.nodes[epic].kind is WorkItemKind.EPIC
        [release] = demo.into(RelType.DELIVERS, feature)
        included = set(demo.out(RelType.INCLUDES, release))
        stories = demo.out(RelType.PARENT_OF, feature)
        assert stories
        shipped_in_release = False
        for story in stories:
            for pr in demo.into(RelType.IMPLEMENTS, story):
                if pr.label is not Label.PULL_REQUEST:
                    continue
                [merge] = demo.out(RelType.MERGED_AS, pr)
                deployments = demo.into(RelType.SHIPPED, merge)
                environments = {
                    demo.props(Label.DEPLOYMENT, d.id)["environment"] for d in deployments
                }
                assert "production" in environments
                shipped_in_release |= bool(included & set(deployments))
        assert shipped_in_release
        assert demo.into(RelType.ABOUT, feature)


def test_the_truth_names_what_the_records_hold(demo: Demo) -> None:
    truth = demo.truth
    assert set(truth.constraints) == set(truth.value_streams) == set(truth.stages)
    for stream, stage in truth.constraints.items():
        assert stage in truth.stages[stream] and demo.stage_state(stage) == "active"
    for label, ids in (
        (Label.PRODUCT, truth.products),
        (Label.BUSINESS_LINE, truth.business_lines),
        (Label.TEAM, truth.teams),
    ):
        assert {n.id for n in demo.of_label(label)} == set(ids)
