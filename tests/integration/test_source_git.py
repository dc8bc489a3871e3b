"""GitHub and GitLab exports through the registry into the real database, with Jira."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.records import parse_lines
from graph.ingest.service import ingest
from graph.ingest.sources.mapping import load_mapping
from graph.ingest.sources.registry import SOURCES
from graph.model import Label
from graph.read.entities import COUNT

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
COUNT_RELATIONSHIPS = cypher("admin/count_relationships")


async def load(store: GraphStore, source: str, *files: str) -> None:
    mapping = load_mapping(FIXTURES / "mapping.json")
    for name in files:
        converted = SOURCES[source].convert((FIXTURES / name).read_bytes(), mapping)
        await ingest(store, converted.records)


async def relationships(store: GraphStore) -> dict[str, int]:
    return {r["type"]: r["total"] for r in await store.read(COUNT_RELATIONSHIPS)}


async def test_the_payments_exports_import_together_and_twice_changes_nothing(
    store: GraphStore,
) -> None:
    organisation = (FIXTURES / "organisation.ndjson").read_text().splitlines()
    await ingest(store, parse_lines(organisation))
    await load(store, "jira", "jira/search-page-1.json", "jira/search-page-2.json")
    await load(store, "github", "github/payments.json")
    await load(store, "gitlab", "gitlab/payments-web.json")
    once = await relationships(store)
    commits = (await store.read(COUNT[Label.COMMIT]))[0]["total"]
    # 11 GitHub commits (test_source_github) + 8 GitLab (test_source_gitlab).
    assert commits == 19
    # 12 GitHub + 8 GitLab inferred links, all to PAY-1..12 from the Jira export.
    assert once["IMPLEMENTS"] == 20
    await load(store, "github", "github/payments.json")
    await load(store, "gitlab", "gitlab/payments-web.json")
    assert await relationships(store) == once


async def test_a_force_push_keeps_the_commits_the_pull_had(store: GraphStore) -> None:
    organisation = (FIXTURES / "organisation.ndjson").read_text().splitlines()
    await ingest(store, parse_lines(organisation))
    await load(store, "jira", "jira/search-page-1.json", "jira/search-page-2.json")
    await load(store, "github", "github/payments.json")
    before = await relationships(store)
    await load(store, "github", "github/payments-after-force-push.json")
    after = await relationships(store)
    # PR #5 had f2; after the force-push GitHub lists f3 only: both stay CONTAINed.
    assert after["CONTAINS"] == before["CONTAINS"] + 1
    assert after["IMPLEMENTS"] == before["IMPLEMENTS"] + 1  # f3 names PAY-12
