"""Jira, incident and feedback exports imported into the real database with `vsg import
--source`: the graph they make, re-imports that change nothing, payloads that write
nothing. Counts are worked out from tests/fixtures/sources/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidInput
from graph.ingest.records import parse_lines
from graph.ingest.service import ingest
from graph.ingest.sources import incidents
from graph.ingest.sources.mapping import SourceMapping
from graph.queries import parse
from graph.store import Connection, GraphStore
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
MAPPING = str(FIXTURES / "mapping.json")

# Not the Migration nodes: `vsg import` records the data migrations it ran at start-up
# (graph/migrations.py); they are not part of what an import writes.
COUNTS = parse(
    "test/source_counts",
    "CALL () { MATCH (n) WHERE NOT n:Migration RETURN count(n) AS nodes } "
    "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
    "RETURN nodes, relationships",
)
SNAPSHOT = parse(
    "test/source_snapshot",
    "MATCH (n) WHERE NOT n:Migration "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id",
)
VISITS = parse(
    "test/source_visits",
    "MATCH (w:WorkItem {id: $id})-[r:IN_STAGE]->(s:Stage) "
    "RETURN s.id AS stage, r.exitedAt IS NULL AS open ORDER BY r.enteredAt",
)
ABOUT = parse(
    "test/source_about",
    "MATCH (f:Feedback)-[:ABOUT]->(w:WorkItem {id: $id}) RETURN f.id AS id ORDER BY id",
)
INCIDENTS = parse(
    "test/source_incidents",
    "MATCH (i:Incident)-[:AFFECTS]->(p:Product {id: 'payments'}) "
    "RETURN i.id AS id, i.environment AS environment ORDER BY id",
)
CAUSES = parse(
    "test/source_causes",
    "MATCH (i:Incident)-[c:CAUSED_BY]->(d:Deployment) "
    "RETURN i.id AS incident, d.id AS deployment, c.inferred AS inferred",
)


def jira_export(tmp_path: Path) -> Path:
    """Both search pages in one file, written one after the other."""
    path = tmp_path / "jira-export.json"
    pages = [(FIXTURES / "jira" / f"search-page-{n}.json").read_bytes() for n in (1, 2)]
    path.write_bytes(b"".join(pages))
    return path


def sources(tmp_path: Path) -> list[tuple[str, Path]]:
    return [
        ("jira", jira_export(tmp_path)),
        ("pagerduty", FIXTURES / "pagerduty" / "incidents.json"),
        ("incidents-csv", FIXTURES / "pagerduty" / "incidents.csv"),
        ("feedback", FIXTURES / "feedback" / "nps.csv"),
        ("feedback", FIXTURES / "feedback" / "tickets.json"),
    ]


async def counts(store: GraphStore) -> tuple[int, int]:
    row = (await store.read(COUNTS))[0]
    return row["nodes"], row["relationships"]


def import_organisation(connection: Connection) -> None:
    result = vsg(connection, "import", str(FIXTURES / "organisation.ndjson"))
    assert result.returncode == 0, result.stderr


async def test_the_exports_import_into_one_connected_graph(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    import_organisation(connection)
    outputs = {}
    for name, path in sources(tmp_path):
        result = vsg(connection, "import", str(path), "--source", name, "--mapping", MAPPING)
        assert result.returncode == 0, result.stderr
        outputs[(name, path.name)] = " ".join(result.stderr.split())  # unwrapped
    # Jira: Tool + 12 work items + 2 releases = 15 nodes; FOR_PRODUCT 12 + 2, OWNS 11,
    # PARENT_OF 9, BLOCKED_BY 2, DELIVERS 4 = 40; visits per item 2+2+4+6+4+3+2+4+1+2+1+4 = 35.
    jira = outputs[("jira", "jira-export.json")]
    assert "Read 92 records: wrote 15 nodes, 40 relationships, 35 stage visits" in jira
    # PAY-9 is blocked by OPS-77, in neither the export nor the graph: left out, said.
    assert "left out BLOCKED_BY from WorkItem 'PAY-9' to WorkItem 'OPS-77'" in jira
    # PagerDuty: Tool + 3 incidents, 3 AFFECTS.
    assert "wrote 4 nodes, 3 relationships" in outputs[("pagerduty", "incidents.json")]

    # PAY-4 went back from review to work once; "Code Review" (before the rename) and
    # "In Review" (after) both land in the review stage; it is done now.
    assert await store.read(VISITS, id="PAY-4") == [
        {"stage": "payments-to-do", "open": False},
        {"stage": "payments-in-progress", "open": False},
        {"stage": "payments-in-review", "open": False},
        {"stage": "payments-in-progress", "open": False},
        {"stage": "payments-in-review", "open": False},
        {"stage": "payments-done", "open": True},
    ]
    # PAY-6 is still in review, entered under the old status name.
    assert (await store.read(VISITS, id="PAY-6"))[-1] == {
        "stage": "payments-in-review",
        "open": True,
    }
    # PAY-5 (the double charge) has the NPS detractor and the Zendesk ticket about it.
    assert [r["id"] for r in await store.read(ABOUT, id="PAY-5")] == ["35436", "nps-5002"]
    assert await store.read(INCIDENTS) == [
        {"id": "INC-2041", "environment": "production"},
        {"id": "INC-2042", "environment": "production"},
        {"id": "Q1VXP7K3B2JQ4M", "environment": "production"},
        {"id": "Q2HZ9R8C1LWE5N", "environment": "production"},
        {"id": "Q3MC4T6Y8DRF2P", "environment": "staging"},
    ]

    before, snapshot = await counts(store), await store.read(SNAPSHOT)
    for name, path in sources(tmp_path):
        again = vsg(connection, "import", str(path), "--source", name, "--mapping", MAPPING)
        assert again.returncode == 0, again.stderr
    assert await counts(store) == before
    assert await store.read(SNAPSHOT) == snapshot


async def test_a_malformed_payload_writes_nothing_and_names_its_position(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    import_organisation(connection)
    before = await counts(store)
    text = (FIXTURES / "jira" / "search-page-1.json").read_text()
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"created": "2025-02-25T10:30:00.000+0100"', '"created": 7'))
    result = vsg(connection, "import", str(broken), "--source", "jira", "--mapping", MAPPING)
    assert result.returncode == 1
    output = " ".join(result.stderr.split())
    assert "Nothing was written: 1 problem(s) in the jira payload" in output
    assert "issues[3].fields.created: not an ISO 8601 timestamp with an offset: '7'" in output
    assert await counts(store) == before


async def test_an_unmapped_status_is_refused_at_its_payload_position(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    import_organisation(connection)
    before = await counts(store)
    text = (FIXTURES / "jira" / "search-page-1.json").read_text()
    # PAY-3's second change moves it into a status no stage lists.
    blocked = tmp_path / "blocked.json"
    blocked.write_text(text.replace('"toString": "Code Review"', '"toString": "Blocked"', 1))
    result = vsg(connection, "import", str(blocked), "--source", "jira", "--mapping", MAPPING)
    assert result.returncode == 1, result.stderr
    assert (
        "issues[2].changelog.histories[1].items[0]: state: state 'Blocked' is mapped to no "
        "stage of product 'payments'"
    ) in " ".join(result.stderr.split())
    assert await counts(store) == before


async def test_without_the_organisation_the_import_is_refused_whole(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    result = vsg(
        connection, "import", str(jira_export(tmp_path)), "--source", "jira", "--mapping", MAPPING
    )
    assert result.returncode == 1
    assert "no Product with id 'payments'" in result.stderr
    assert await counts(store) == (0, 0)


async def test_a_csv_incident_with_a_deployment_is_caused_by_it(store: GraphStore) -> None:
    deployment = (
        '{"record": "node", "label": "Deployment", "id": "dep-9", "properties": '
        '{"environment": "production", "status": "success", '
        '"startedAt": "2025-03-14T13:00:00Z"}}'
    )
    organisation = (FIXTURES / "organisation.ndjson").read_text().splitlines()
    await ingest(store, parse_lines([*organisation, deployment]))
    data = (
        b"id,title,severity,created_at,resolved_at,product,environment,deployment_id\n"
        b"INC-1,Down,sev1,2025-03-14T16:00:00Z,,payments,production,dep-9\n"
        b"INC-2,Slow,sev3,2025-03-15T16:00:00Z,,payments,production,dep-404\n"
    )
    converted = incidents.convert_csv(data, SourceMapping())
    with pytest.raises(InvalidInput) as error:
        await ingest(store, converted.records)
    # The second row names a deployment that does not exist: nothing is written.
    [problem] = error.value.problems
    assert converted.origin(problem.line) == "line 3, column deployment_id"
    assert await store.read(CAUSES) == []
    await ingest(
        store, incidents.convert_csv(data.rsplit(b"\n", 2)[0] + b"\n", SourceMapping()).records
    )
    assert await store.read(CAUSES) == [
        {"incident": "INC-1", "deployment": "dep-9", "inferred": False}
    ]
