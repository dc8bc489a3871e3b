"""The analysis fields of ValueStream and Team, and the raiseBacklogItem mutation, over
real HTTP.

A demo organisation (seeded, fixed history) answers the analyses: the constraint found
must be the one the demo built in. A SmallOrg (Backlog -> Dev -> Review -> Done, one
team) takes the raised backlog items and shows them in trace and flow metrics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph import demo
from graph.db.queries import Query, parse
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import SmallOrg, node, rel, state

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)
RAISED_FROM = parse(
    "test/raised_from",
    "// cardinality: rows\n"
    "MATCH (:WorkItem {id: $item})-[:RAISED_FROM]->(e) RETURN e.id AS evidence",
)
COUNT_WORK_ITEMS_FOR = parse(
    "test/count_work_items_for",
    "// cardinality: one\n"
    "MATCH (w:WorkItem)-[:FOR_PRODUCT]->(:Product {id: $product}) RETURN count(w) AS items",
)
WINDOW = {"from": "2025-03-03T00:00:00Z", "to": "2025-06-01T00:00:00Z"}

ANALYSES = """
query($id: ID!, $from: DateTime, $to: DateTime, $by: DateTime) { node(id: $id) {
  ... on ValueStream {
    constraints(from: $from, to: $to) {
      from to
      constraint { rank stage { key name } queue { key } flowTimeShare queueGrowth wip
                   timeInStageDays score reason }
      ranking { rank stage { key state } score }
    }
    teamNetwork(from: $from, to: $to) {
      teams { team { key } betweenness waitedOnBy waits }
      edges { team { key } on { key } blocked handoffs dependsOn weight }
      mostWaitedOn { team { key } waitedOnBy }
      cycles { keys }
    }
    criticalPath(from: $from, to: $to) {
      keys days medianFlowTimeDays items { key } cycles { keys }
    }
    traceabilityGaps(from: $from, to: $to) {
      commitsWithoutWorkItemCount doneFeaturesNotDeployedCount
      deployedFeaturesWithoutFeedbackCount deployedFeaturesWithoutFeedback { key kind }
    }
    forecast(items: 20, by: $by, from: $to, trials: 2000) {
      start samples meanDaily trials
      when { items p50 p85 p95 } howMany { by days p50 p85 p95 }
    }
    recommendations(from: $from, to: $to) {
      kind title evidence itemKeys stages { key } teams { key }
    }
    skillGaps(from: $from, to: $to) {
      stage { key } skill { name } needed best shortfall atConstraint teams { key }
    }
  }
} }
"""


async def test_the_analyses_of_a_demo_value_stream(api: Api) -> None:
    records, truth = demo.generate(demo.DemoConfig(work_items=1500, seed=7, until=UNTIL))
    await ingest(api.store, records)
    stream = truth.value_streams[1]
    by = (UNTIL + timedelta(days=28)).isoformat()
    data = await api.graphql(ANALYSES, id=f"ValueStream:{stream}", by=by, **WINDOW)
    vs: dict[str, Any] = data["node"]

    c = vs["constraints"]
    assert c["constraint"]["stage"]["key"] == truth.constraints[stream]
    assert c["constraint"]["rank"] == 1 and c["constraint"]["queue"]
    assert c["constraint"]["reason"].startswith(c["constraint"]["stage"]["name"] + " (queue: ")
    assert [r["rank"] for r in c["ranking"]] == list(range(1, len(c["ranking"]) + 1))
    assert all(r["stage"]["state"] in ("active", "waiting") for r in c["ranking"])

    network = vs["teamNetwork"]
    keys = {t["team"]["key"] for t in network["teams"]}
    # The product's two stream teams are in its network, and Core waits on Platform
    # (DEPENDS_ON, docs/demo.md).
    product = truth.products[1]
    assert {f"team-{product}-core", f"team-{product}-experience"} <= keys
    assert any(
        e["team"]["key"] == f"team-{product}-core" and e["on"]["key"] == "team-platform"
        for e in network["edges"]
    )

    path = vs["criticalPath"]
    assert [i["key"] for i in path["items"]] == path["keys"]
    assert path["medianFlowTimeDays"] > 0

    f = vs["forecast"]
    assert len(f["samples"]) == 56 and f["trials"] == 2000
    assert f["start"] == "2025-06-01T00:00:00+00:00"
    # "At least" counts fall as confidence rises; dates get later.
    assert f["howMany"]["p95"] <= f["howMany"]["p85"] <= f["howMany"]["p50"]
    assert f["when"]["p50"] <= f["when"]["p85"] <= f["when"]["p95"]

    gaps = vs["traceabilityGaps"]
    # Feedback covers only some of the demo's shipped features (docs/demo.md), listed a
    # page at a time (20 without `first`) and counted whole.
    unheard = gaps["deployedFeaturesWithoutFeedbackCount"]
    assert unheard >= 4 and len(gaps["deployedFeaturesWithoutFeedback"]) == min(unheard, 20)
    assert all(g["kind"] == "FEATURE" for g in gaps["deployedFeaturesWithoutFeedback"])
    await check_gap_pages(api, f"ValueStream:{stream}", unheard)

    # The demo's teams lack the skills its constraint needs (docs/demo.md): those gaps
    # come first.
    skills = vs["skillGaps"]
    assert skills and skills[0]["atConstraint"]
    assert skills[0]["stage"]["key"] == truth.constraints[stream]
    assert all(g["best"] < g["needed"] for g in skills)

    recs = vs["recommendations"]
    first = recs[0]
    assert first["kind"] == "CONSTRAINT"
    assert f"{c['constraint']['flowTimeShare']:.0%} of flow time" in first["evidence"]
    assert truth.constraints[stream] in [s["key"] for s in first["stages"]]
    assert any(r["kind"] == "SKILLS" for r in recs)


GAP_PAGE = """
query($id: ID!, $from: DateTime, $to: DateTime, $first: Int!, $after: String) { node(id: $id) {
  ... on ValueStream { traceabilityGaps(from: $from, to: $to) {
    deployedFeaturesWithoutFeedbackCount
    deployedFeaturesWithoutFeedback(first: $first, after: $after) { key }
  } }
} }
"""


async def check_gap_pages(api: Api, stream: str, total: int) -> None:
    """`first` bounds a gap's list, `after` pages on from the last key, the count stays
    the whole list's, and the pages make up the whole list once."""

    async def page(first: int, after: str | None = None) -> tuple[int, list[str]]:
        data = await api.graphql(GAP_PAGE, id=stream, first=first, after=after, **WINDOW)
        gaps = data["node"]["traceabilityGaps"]
        keys = [g["key"] for g in gaps["deployedFeaturesWithoutFeedback"]]
        return gaps["deployedFeaturesWithoutFeedbackCount"], keys

    count, whole = await page(500)
    assert count == total == len(whole) and whole == sorted(set(whole))
    paged: list[str] = []
    after: str | None = None
    while True:
        count, keys = await page(2, after)
        assert count == total and len(keys) <= 2
        if not keys:
            break
        paged += keys
        after = keys[-1]
    assert paged == whole
    # A page starts after the key given, whether or not that key is in the list.
    assert (await page(2, whole[1]))[1] == whole[2:4]
    assert (await page(2, whole[1] + " "))[1] == whole[2:4]
    # Past the largest page, the request is refused before anything runs.
    refused = await api.graphql_raw(GAP_PAGE, id=stream, first=501, after=None, **WINDOW)
    assert "asks for more than the largest page, 500" in refused["errors"][0]["message"]


RAISE = """
mutation($input: RaiseBacklogItemInput!) { raiseBacklogItem(input: $input) {
  __typename
  ... on BacklogItemRaised { item { key kind title product { key } } }
  ... on BacklogItemRejected { problems { field message } }
} }
"""
AFTER = """
query($item: ID!, $vs: ID!) {
  trace(workItemId: $item) { product { key } }
  node(id: $vs) { ... on ValueStream { stageMetrics { stage { key } wip } } }
}
"""


async def test_a_raised_backlog_item_shows_in_trace_and_flow_metrics(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    result = await api.graphql(
        RAISE,
        input={
            "product": org.product,
            "kind": "DEBT",
            "title": "Automate the review checklist",
            "description": "Review holds 41% of flow time",
            "evidence": {"stage": f"Stage:{org.stage('review')}"},
        },
    )
    raised = result["raiseBacklogItem"]
    assert raised["__typename"] == "BacklogItemRaised", raised
    item = raised["item"]
    assert item["kind"] == "DEBT" and item["title"] == "Automate the review checklist"
    assert item["key"].startswith("PAY-")  # the product's key
    assert item["product"]["key"] == org.product

    after = await api.graphql(AFTER, item=item["key"], vs=f"ValueStream:{org.id('vs')}")
    assert after["trace"]["product"]["key"] == org.product
    wip = {m["stage"]["key"]: m["wip"] for m in after["node"]["stageMetrics"]}
    # It entered the stream's first stage, Backlog, just now; nothing else is anywhere.
    assert wip == {
        org.stage("backlog"): 1,
        org.stage("dev"): 0,
        org.stage("review"): 0,
        org.stage("done"): 0,
    }
    rows = await api.store.read(RAISED_FROM, item=item["key"])
    assert rows == [{"evidence": org.stage("review")}]


@pytest.mark.parametrize("kind", ["DEFECT", "STORY", "RISK"])
async def test_any_kind_may_be_raised_defects_included(api: Api, kind: str) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    result = await api.graphql(
        RAISE,
        input={
            "product": f"Product:{org.product}",
            "kind": kind,
            "title": "Payments fail on retries",
            "evidence": {"team": org.id("team")},
        },
    )
    raised = result["raiseBacklogItem"]
    assert raised["__typename"] == "BacklogItemRaised", raised
    assert raised["item"]["kind"] == kind


BOTH_WAYS = """
query($feedback: ID!, $item: ID!, $key: ID!) {
  feedback: node(id: $feedback) { ... on Feedback { ledTo { key } } }
  item: node(id: $item) { ... on WorkItem { feedback { key } } }
  trace(workItemId: $key) { feedback { key } }
}
"""


async def test_an_item_raised_from_feedback_shows_on_both_and_in_its_trace(api: Api) -> None:
    org = SmallOrg()
    said = org.id("nps-1")
    at = "2025-03-01T00:00:00Z"
    feedback = [
        node("Feedback", said, title="Retries fail", channel="nps", createdAt=at),
        rel("ABOUT", ("Feedback", said), ("Product", org.product)),
    ]
    await ingest(api.store, parse_objects([*org.records(), *feedback]))
    result = await api.graphql(
        RAISE,
        input={
            "product": org.product,
            "kind": "DEFECT",
            "title": "Retries fail",
            "evidence": {"feedback": f"Feedback:{said}"},
        },
    )
    key = result["raiseBacklogItem"]["item"]["key"]
    seen = await api.graphql(
        BOTH_WAYS, feedback=f"Feedback:{said}", item=f"WorkItem:{key}", key=key
    )
    assert seen["feedback"]["ledTo"] == [{"key": key}]
    assert seen["item"]["feedback"] == [{"key": said}]
    assert seen["trace"]["feedback"] == [{"key": said}]


async def test_raising_from_missing_evidence_is_rejected_and_writes_nothing(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    base = {"product": org.product, "kind": "RISK", "title": "Single reviewer"}
    missing = await api.graphql(RAISE, input={**base, "evidence": {"team": "no-such-team"}})
    rejected = missing["raiseBacklogItem"]
    assert rejected["__typename"] == "BacklogItemRejected"
    assert "no-such-team" in rejected["problems"][0]["message"]
    two = await api.graphql(
        RAISE, input={**base, "evidence": {"team": org.id("team"), "stage": org.stage("dev")}}
    )
    assert two["raiseBacklogItem"]["problems"][0]["field"] == "evidence"
    nowhere = await api.graphql(
        RAISE, input={**base, "product": "no-product", "evidence": {"team": org.id("team")}}
    )
    assert nowhere["raiseBacklogItem"]["problems"][0]["field"] == "product"
    rows = await api.store.read(COUNT_WORK_ITEMS_FOR, product=org.product)
    assert rows == [{"items": 2}]  # the factory's two stories, nothing raised


MATRIX = """
query($id: ID!) { node(id: $id) { ... on Team { skillMatrix {
  skills { key } best rows { person { key } levels }
} } } }
"""


async def test_team_skill_matrix(api: Api) -> None:
    org = SmallOrg()
    team = ("Team", org.id("team"))
    ann, bob = ("Person", org.id("ann")), ("Person", org.id("bob"))
    sql, py = ("Skill", org.id("sql")), ("Skill", org.id("py"))
    records = [
        *org.records(),
        node("Person", ann[1], name="Ann"),
        node("Person", bob[1], name="Bob"),
        node("Skill", sql[1], name="SQL"),
        node("Skill", py[1], name="Python"),
        rel("MEMBER_OF", ann, team),
        rel("MEMBER_OF", bob, team),
        rel("HAS_SKILL", ann, py, level=4),
        rel("HAS_SKILL", ann, sql, level=2),
        rel("HAS_SKILL", bob, sql, level=3),
    ]
    await ingest(api.store, parse_objects(records))
    data = await api.graphql(MATRIX, id=f"Team:{org.id('team')}")
    matrix = data["node"]["skillMatrix"]
    # Columns by skill id: "<prefix>-py" < "<prefix>-sql"; rows by person id: ann, bob.
    assert [s["key"] for s in matrix["skills"]] == [py[1], sql[1]]
    assert [(r["person"]["key"], r["levels"]) for r in matrix["rows"]] == [
        (ann[1], [4, 2]),
        (bob[1], [None, 3]),
    ]
    assert matrix["best"] == [4, 3]  # Python: Ann's 4; SQL: max(2, 3)


STREAM_WORK_FIELDS = {
    "teamNetwork": "teamNetwork(from: $from, to: $to) { teams { waits } cycles { keys } }",
    "criticalPath": "criticalPath(from: $from, to: $to) { keys days medianFlowTimeDays }",
    "skillGaps": "skillGaps(from: $from, to: $to) { needed best shortfall atConstraint }",
    "recommendations": "recommendations(from: $from, to: $to) { kind title itemKeys }",
}


def stream_query(*fields: str) -> str:
    asked = " ".join(STREAM_WORK_FIELDS[f] for f in fields)
    return (
        "query($id: ID!, $from: DateTime, $to: DateTime) { node(id: $id) {"
        " ... on ValueStream { " + asked + " } } }"
    )


async def test_the_analyses_of_one_stream_load_its_work_once(api: Api) -> None:
    org = SmallOrg()
    s1, s2 = org.id("story1"), org.id("story2")
    records = [
        *org.records(),
        state(s1, "2025-03-01T00:00:00Z", state="In Progress"),
        state(s1, "2025-03-04T00:00:00Z", state="Done"),
        state(s2, "2025-03-05T00:00:00Z", state="In Progress"),
        rel("BLOCKED_BY", ("Story", s2), ("Story", s1)),
    ]
    await ingest(api.store, parse_objects(records))
    window = {"from": "2025-03-03T00:00:00Z", "to": "2025-03-10T00:00:00Z"}
    vs = f"ValueStream:{org.id('vs')}"

    async def cost(*fields: str) -> tuple[int, dict[str, Any]]:
        """Reads asked for: those sent, and those answered by an identical one in flight
        (graph/db/read_gate.py), which the fields' own reads may be when they overlap."""
        before = api.store.round_trips + api.store.reads.shared
        data = await api.graphql(stream_query(*fields), id=vs, **window)
        return api.store.round_trips + api.store.reads.shared - before, data["node"]

    # teamNetwork alone: node 1 + flow data 2 (stages; items with resting counts) + stream
    # work 1 (owners and blockers) + team dependencies 1 = 5.
    alone, network = await cost("teamNetwork")
    assert alone == 5
    # All four: node 1 + flow 2 + stream work 1, each once, then what the fields read
    # besides, each once too (api/graphql/types/analysis/inputs.py): dependencies
    # (teamNetwork, recommendations), item progress (criticalPath, recommendations), skill
    # needs and team skills (skillGaps, recommendations), and recommendations' own
    # delivery 2 = 4 + 6 = 10 (names: no team, skill or stage to name here). Reading
    # them per field, as before, cost 17.
    together, answers = await cost(*STREAM_WORK_FIELDS)
    assert together == 10
    # The shared loads change no answer.
    assert answers["teamNetwork"] == network["teamNetwork"]
    for name in ("criticalPath", "skillGaps", "recommendations"):
        _, single = await cost(name)
        assert answers[name] == single[name]


def _counting(
    read: Callable[..., Awaitable[list[dict[str, Any]]]], sent: list[str]
) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    async def counted(query: Query, **params: Any) -> list[dict[str, Any]]:
        sent.append(query.name)
        return await read(query, **params)

    return counted


async def test_every_analysis_of_a_demo_stream_reads_each_statement_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every analysis field at once, recommendations (which runs them all) among them:
    each statement is sent once in the request, whatever fields share what it reads."""
    records, truth = demo.generate(demo.DemoConfig(work_items=300, seed=7, until=UNTIL))
    await ingest(api.store, records)
    sent: list[str] = []
    # Both ways a statement is read (GraphStore.read_plain: the flow items among them).
    for method in ("read", "read_plain"):
        monkeypatch.setattr(api.store, method, _counting(getattr(api.store, method), sent))
    stream = truth.value_streams[1]
    await api.graphql(ALL_ANALYSES, id=f"ValueStream:{stream}", **WINDOW)
    twice = {name: n for name, n in Counter(sent).items() if n > 1}
    assert twice == {}
    # What the fields share was read: the flow data, the work and the delivery among it.
    assert {
        "metrics/load_visits",
        "analysis/find_item_owners",
        "analysis/find_done_features",
    } <= set(sent)


ALL_ANALYSES = """
query($id: ID!, $from: DateTime, $to: DateTime) { node(id: $id) { ... on ValueStream {
  constraints(from: $from, to: $to) { ranking { rank score } }
  teamNetwork(from: $from, to: $to) { teams { waits } cycles { keys } }
  criticalPath(from: $from, to: $to) { keys days medianFlowTimeDays }
  traceabilityGaps(from: $from, to: $to) {
    commitsWithoutWorkItemCount doneFeaturesNotDeployedCount deployedFeaturesWithoutFeedbackCount
  }
  skillGaps(from: $from, to: $to) { needed best shortfall atConstraint }
  recommendations(from: $from, to: $to) { kind title itemKeys }
} } }
"""


SKILL_MATRICES = """
query($id: ID!) { node(id: $id) { ... on Product { teams { key skillMatrix {
  skills { key } best rows { person { key } levels }
} } } } }
"""


async def test_skill_matrices_of_many_teams_cost_what_one_does(api: Api) -> None:
    org = SmallOrg()
    sql = ("Skill", org.id("sql"))
    records = [*org.records(), node("Skill", sql[1], name="SQL")]

    def team(n: int) -> list[dict[str, Any]]:
        # Team n with one member, Person n, at SQL level n.
        t, p = ("Team", org.id(f"team{n}")), ("Person", org.id(f"person{n}"))
        return [
            node("Team", t[1], name=f"Team {n}"),
            node("Person", p[1], name=f"Person {n}"),
            rel("CONTRIBUTES_TO", t, ("Product", org.product)),
            rel("MEMBER_OF", p, t),
            rel("HAS_SKILL", p, sql, level=n),
        ]

    async def cost() -> tuple[int, list[dict[str, Any]]]:
        before = api.store.round_trips
        data = await api.graphql(SKILL_MATRICES, id=f"Product:{org.product}")
        return api.store.round_trips - before, data["node"]["teams"]

    await ingest(api.store, parse_objects([*records, *team(1)]))
    # node and product teams in one composed statement 1 (api/graphql/compose.py; 2
    # before) + team skills 1 + skills 1 + people 1 = 4, with SmallOrg's own team (no
    # members: an empty matrix) and team 1.
    few, teams = await cost()
    assert few == 4
    assert len(teams) == 2
    await ingest(api.store, parse_objects([*team(2), *team(3), *team(4)]))
    many, teams = await cost()
    assert many == few  # the same 4 for five teams
    matrices = {t["key"]: t["skillMatrix"] for t in teams}
    assert len(matrices) == 5
    assert matrices[org.id("team")] == {"skills": [], "best": [], "rows": []}
    for n in (1, 2, 3, 4):
        assert matrices[org.id(f"team{n}")] == {
            "skills": [{"key": sql[1]}],
            "best": [n],
            "rows": [{"person": {"key": org.id(f"person{n}")}, "levels": [n]}],
        }
