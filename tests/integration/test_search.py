"""Search (graph/read/entities.py) on the real database: ids through indexes, then names and
titles, each kind of match in its place."""

from __future__ import annotations

import random
from typing import Any

import pytest

from graph.db.migrations import add_title_vocabulary
from graph.db.queries import Query, parse, snake
from graph.db.store import GraphStore, Row
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.model import Label, Node, WorkItemKind
from graph.read import entities
from graph.read.entities import TITLE_SCANS, search
from tests.factories import node, rel

pytestmark = pytest.mark.db


@pytest.fixture
async def graph(store: GraphStore) -> None:
    created = "2025-01-01T00:00:00Z"
    records = [
        node("Product", "ZX", name="Zephyr Checkout", key="ZX"),
        node("Team", "zx-team", name="Zebras"),
        node("Story", "ZX-1", title="Card form", createdAt=created),
        node("Story", "ZX-10", title="Refunds", createdAt=created),
        node("Defect", "ZX-2", title="Crash after zx-1 went live", createdAt=created),
        node("Story", "AB-7", title="Checkout button", createdAt=created),
        node("PullRequest", "pr-9", title="Checkout: faster totals", createdAt=created),
        rel("FOR_PRODUCT", ("Story", "ZX-1"), ("Product", "ZX")),
    ]
    await ingest(store, parse_objects(records))


TITLE_SCAN_NAMES = [snake(scan) for scan in TITLE_SCANS]


def keys(found: list[Node]) -> list[str]:
    return [n.id for n in found]


async def test_exact_id_first_then_id_prefixes_then_names(store: GraphStore, graph: None) -> None:
    # "zx-1": ZX-1 by its id in capitals, ZX-10 starting with it, ZX-2 by its title.
    assert keys(await search(store, "zx-1", None, 10)) == ["ZX-1", "ZX-10", "ZX-2"]
    # Names and titles, ignoring case: the organisation's labels first (the product),
    # then the work (the story), then delivery (the pull request).
    assert keys(await search(store, "CHECKOUT", None, 10)) == ["ZX", "AB-7", "pr-9"]


async def test_labels_and_kinds_limit_what_is_found(store: GraphStore, graph: None) -> None:
    found = await search(store, "checkout", [Label.PULL_REQUEST.value], 10)
    assert keys(found) == ["pr-9"]
    # Both by their ids (as typed, and in capitals): the organisation's label first.
    found = await search(store, "zx", [WorkItemKind.DEFECT.value, Label.TEAM.value], 10)
    assert keys(found) == ["zx-team", "ZX-2"]
    # The exact id, then id prefixes, the organisation's labels (the team) before work.
    assert keys(await search(store, "zx", None, 2)) == ["ZX", "zx-team"]


def _reads(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the statements `store` reads from now on."""
    names: list[str] = []
    read = store.read

    async def spy(query: Query, **params: Any) -> list[Row]:
        names.append(query.name)
        return await read(query, **params)

    monkeypatch.setattr(store, "read", spy)
    return names


def _whole_scans(names: list[str]) -> set[str]:
    return {n.removeprefix("explore/search/") for n in names if "/titles_of_" in n}


async def test_titles_are_read_whole_only_where_the_page_is_not_full(
    store: GraphStore, graph: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _reads(store, monkeypatch)
    monkeypatch.setattr(entities, "TITLE_SAMPLE", 0)  # no titles read with the lookups
    # Two results asked for: the ids ZX-1 and ZX-10 fill them, no title is read whole.
    assert keys(await search(store, "zx-1", None, 2)) == ["ZX-1", "ZX-10"]
    assert _whole_scans(names) == set()
    # Three: ZX-2's title (a defect's) could be the third, so the titles that could
    # hold "zx-1" are read whole: the defects', the one kind with titles with words
    # holding "zx" and "1" (graph/ingest/title_words.py).
    names.clear()
    assert keys(await search(store, "zx-1", None, 3)) == ["ZX-1", "ZX-10", "ZX-2"]
    assert _whole_scans(names) == {"titles_of_defect"}
    # A text no title holds: no title is read whole.
    names.clear()
    assert await search(store, "zzqq", None, 3) == []
    assert _whole_scans(names) == set()
    # Text the vocabulary cannot rule out (no letter or digit, or beyond ASCII): every
    # titled label's titles are read whole (work items a kind at a time).
    for text in ("::", "zürich"):
        names.clear()
        assert await search(store, text, None, 3) == []
        assert _whole_scans(names) == {f"titles_of_{n}" for n in TITLE_SCAN_NAMES}


async def test_titles_the_first_nodes_hold_fill_the_page_without_whole_scans(
    store: GraphStore, graph: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _reads(store, monkeypatch)
    # "checkout": the product by name, the story by title, in the few nodes of each
    # titled label read with the lookups: two results, nothing read whole.
    assert keys(await search(store, "checkout", None, 2)) == ["ZX", "AB-7"]
    assert _whole_scans(names) == set()
    # Three: more work items could come before the pull request found, so the work
    # items' titles that could hold "checkout" are read whole (the stories': no other
    # kind's titles have the word); nothing after them could (the page is full).
    names.clear()
    assert keys(await search(store, "checkout", None, 3)) == ["ZX", "AB-7", "pr-9"]
    assert _whole_scans(names) == {"titles_of_story"}
    # With no titles read with the lookups, the whole scans find the same.
    monkeypatch.setattr(entities, "TITLE_SAMPLE", 0)
    names.clear()
    assert keys(await search(store, "checkout", None, 3)) == ["ZX", "AB-7", "pr-9"]
    assert "titles_of_pull_request" in _whole_scans(names)


TITLES = {
    "ZZ-1": "Fix: payments-API timeout (v2.3)",
    "ZZ-2": "Über-fast checkout, Zürich",
    "ZZ-3": "snake_case & CamelCase 42x",
    "ZZ-4": "ends with punctuation!!",
}
VOCABULARY = parse(
    "test/title_vocabulary",
    "// cardinality: one\nMATCH (w:TitleWord) RETURN collect([w.id, w.scan, w.word]) AS words",
)
FORGET_VOCABULARY = parse(
    "test/forget_title_vocabulary",
    "// cardinality: write\nMATCH (w:TitleWord) DETACH DELETE w RETURN count(*) AS forgotten",
)


async def vocabulary(store: GraphStore) -> list[list[str]]:
    [row] = await store.read(VOCABULARY)
    return sorted(row["words"])


async def test_every_substring_of_a_title_is_found_whatever_the_vocabulary_prunes(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vocabulary only rules out scans that cannot match: every piece of every title
    (across punctuation, spaces, case and non-ASCII letters) still finds it, with no
    title read with the lookups (every match from a whole scan)."""
    created = "2025-01-01T00:00:00Z"
    await ingest(
        store,
        parse_objects([node("Story", k, title=t, createdAt=created) for k, t in TITLES.items()]),
    )
    monkeypatch.setattr(entities, "TITLE_SAMPLE", 0)
    rng = random.Random(7)
    for key, title in TITLES.items():
        pieces = {title, title.upper()}
        for _ in range(12):
            start = rng.randrange(len(title))
            pieces.add(title[start : start + rng.randint(1, 9)])
        for piece in pieces:
            found = keys(await search(store, piece, [WorkItemKind.STORY.value], 10))
            assert key in found, (piece, found)


async def test_the_vocabulary_is_every_title_given_in_any_order(store: GraphStore) -> None:
    """A renamed title's words stay (a search reads titles to find matches, and a stale
    word only costs it a scan); the same records give the same words in any order or
    split, and again change nothing."""
    created = "2025-01-01T00:00:00Z"
    first = node("Story", "ZZ-9", title="Alpha beta", createdAt=created)
    second = node("Story", "ZZ-9", title="Gamma beta", createdAt=created)
    pr = node("PullRequest", "pr-1", title="Alpha: delta", createdAt=created)
    seen = []
    for batches in ([[first, pr], [second]], [[second], [pr, first]], [[first, second, pr]]):
        await store.write(FORGET_VOCABULARY)
        for batch in batches:
            await ingest(store, parse_objects(batch))
        seen.append(await vocabulary(store))
    assert (
        seen[0]
        == seen[1]
        == seen[2]
        == [
            ["PullRequest:alpha", "PullRequest", "alpha"],
            ["PullRequest:delta", "PullRequest", "delta"],
            ["Story:alpha", "Story", "alpha"],
            ["Story:beta", "Story", "beta"],
            ["Story:gamma", "Story", "gamma"],
        ]
    )
    await ingest(store, parse_objects([first, second, pr]))
    assert await vocabulary(store) == seen[0]


async def test_the_migration_gives_stored_titles_their_words(
    store: GraphStore, graph: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database written before ingest kept the vocabulary gets the words of every
    stored title from migration 006, as ingest would have given them."""
    kept = await vocabulary(store)
    assert ["Defect:zx", "Defect", "zx"] in kept
    await store.write(FORGET_VOCABULARY)
    monkeypatch.setattr(entities, "TITLE_SAMPLE", 0)
    assert await search(store, "refund", None, 5) == []  # no words: every scan ruled out
    await add_title_vocabulary(store)
    assert await vocabulary(store) == kept
    assert keys(await search(store, "refund", None, 5)) == ["ZX-10"]
