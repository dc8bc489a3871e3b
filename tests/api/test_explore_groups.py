"""The explorer's relationship groups: counted by type, direction and label, expanded
one group at a time, a page at a time.

SmallOrg's product: OWNS from the business line, HAS_VALUE_STREAM to the stream,
CONTRIBUTES_TO from the team, FOR_PRODUCT from its two stories.
"""

from __future__ import annotations

import pytest

from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import SmallOrg, node, rel

pytestmark = pytest.mark.db

GROUPS = "query($id: ID!) { relationshipGroups(id: $id) { type direction label count } }"
PAGE = """
query($id: ID!, $type: String!, $direction: Direction, $label: NodeLabel, $after: String) {
  neighbourhood(id: $id, relationshipTypes: [$type], direction: $direction,
                otherLabel: $label, first: 1, after: $after) {
    nodes { id } edges { type start end } hasNextPage endCursor
  }
}
"""


async def test_groups_count_each_type_direction_and_label(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    data = await api.graphql(GROUPS, id=f"Product:{org.product}")
    assert data["relationshipGroups"] == [
        {"type": "CONTRIBUTES_TO", "direction": "INCOMING", "label": "TEAM", "count": 1},
        {"type": "FOR_PRODUCT", "direction": "INCOMING", "label": "WORK_ITEM", "count": 2},
        {"type": "HAS_VALUE_STREAM", "direction": "OUTGOING", "label": "VALUE_STREAM", "count": 1},
        {"type": "OWNS", "direction": "INCOMING", "label": "BUSINESS_LINE", "count": 1},
    ]
    assert (await api.graphql(GROUPS, id="Product:no-such"))["relationshipGroups"] is None


FIRST_PAGES = """
query($id: ID!) {
  relationshipGroups(id: $id, first: 1) {
    type direction count nodes { id } edges { type start end } endCursor
  }
}
"""


async def test_groups_come_with_their_first_page_and_page_on(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    product = f"Product:{org.product}"
    groups = {
        g["type"]: g for g in (await api.graphql(FIRST_PAGES, id=product))["relationshipGroups"]
    }
    stories = groups["FOR_PRODUCT"]
    both = {f"WorkItem:{org.id('story1')}", f"WorkItem:{org.id('story2')}"}
    # One of the two stories (in the database's order), then the other on the next page.
    [first] = stories["nodes"]
    assert stories["count"] == 2 and first["id"] in both
    assert stories["edges"] == [{"type": "FOR_PRODUCT", "start": first["id"], "end": product}]
    assert groups["OWNS"]["endCursor"] is None  # one relationship: the page holds it all
    rest = await api.graphql(
        PAGE, id=product, type="FOR_PRODUCT", direction="INCOMING", label="WORK_ITEM",
        after=stories["endCursor"],
    )  # fmt: skip
    assert [n["id"] for n in rest["neighbourhood"]["nodes"]] == [*(both - {first["id"]})]
    assert rest["neighbourhood"]["hasNextPage"] is False


async def test_one_group_pages_on_its_own(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    product = f"Product:{org.product}"
    seen, after = [], None
    while True:
        page = (
            await api.graphql(
                PAGE, id=product, type="FOR_PRODUCT", direction="INCOMING", label="WORK_ITEM",
                after=after,
            )
        )["neighbourhood"]  # fmt: skip
        seen += [n["id"] for n in page["nodes"]]
        assert all(e["end"] == product for e in page["edges"])
        if not page["hasNextPage"]:
            break
        after = page["endCursor"]
    assert sorted(seen) == [f"WorkItem:{org.id('story1')}", f"WorkItem:{org.id('story2')}"]
    # The other direction of the same type holds nothing.
    out = await api.graphql(PAGE, id=product, type="FOR_PRODUCT", direction="OUTGOING")
    assert out["neighbourhood"]["edges"] == []


PAGES = """
query($id: ID!, $types: [String!], $first: Int!, $after: String) {
  neighbourhood(id: $id, relationshipTypes: $types, first: $first, after: $after) {
    nodes { id } edges { id type start end } hasNextPage endCursor
  }
}
"""


async def test_a_page_of_several_groups_runs_on_from_one_group_into_the_next(api: Api) -> None:
    # FOR_PRODUCT into the product from a repository and from two stories: two groups
    # (Repository, then WorkItem by label), laid end to end, a page crossing from one
    # into the other.
    org = SmallOrg()
    repo = org.id("repo")
    await ingest(
        api.store,
        parse_objects(
            [
                *org.records(),
                node("Repository", repo, name="checkout-api"),
                rel("FOR_PRODUCT", ("Repository", repo), ("Product", org.product)),
            ]
        ),
    )
    product = f"Product:{org.product}"
    groups = (await api.graphql(GROUPS, id=product))["relationshipGroups"]
    assert [(g["type"], g["label"], g["count"]) for g in groups if g["type"] == "FOR_PRODUCT"] == [
        ("FOR_PRODUCT", "REPOSITORY", 1),
        ("FOR_PRODUCT", "WORK_ITEM", 2),
    ]
    pages, after = [], None
    while True:
        page = (await api.graphql(PAGES, id=product, types=["FOR_PRODUCT"], first=2, after=after))[
            "neighbourhood"
        ]
        pages.append(page)
        if not page["hasNextPage"]:
            assert page["endCursor"] is None
            break
        after = page["endCursor"]
    starts = [[e["start"] for e in p["edges"]] for p in pages]
    stories = {f"WorkItem:{org.id('story1')}", f"WorkItem:{org.id('story2')}"}
    assert len(pages) == 2 and [len(s) for s in starts] == [2, 1]
    assert starts[0][0] == f"Repository:{repo}"
    assert {starts[0][1], starts[1][0]} == stories
    assert all(
        e["type"] == "FOR_PRODUCT" and e["end"] == product for p in pages for e in p["edges"]
    )
    # A type the node has none of: an empty page.
    none = await api.graphql(PAGES, id=product, types=["NO_SUCH_TYPE"], first=2, after=None)
    assert none["neighbourhood"]["edges"] == [] and none["neighbourhood"]["hasNextPage"] is False


async def test_a_type_between_nodes_of_one_label_is_a_group_each_way(api: Api) -> None:
    # The review stage: NEXT to done (outgoing) and from dev (incoming), outgoing first.
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    stage = f"Stage:{org.stage('review')}"
    found = (await api.graphql(FIRST_PAGES, id=stage))["relationshipGroups"]
    nexts = [g for g in found if g["type"] == "NEXT"]
    assert [(g["direction"], g["count"]) for g in nexts] == [("OUTGOING", 1), ("INCOMING", 1)]
    assert nexts[0]["edges"] == [
        {"type": "NEXT", "start": stage, "end": f"Stage:{org.stage('done')}"}
    ]
    assert nexts[1]["edges"] == [
        {"type": "NEXT", "start": f"Stage:{org.stage('dev')}", "end": stage}
    ]
    # Counted with no page asked for: the counts alone.
    counted = (await api.graphql(GROUPS, id=stage))["relationshipGroups"]
    assert [(g["type"], g["direction"], g["count"]) for g in counted] == [
        ("HAS_STAGE", "INCOMING", 1),
        ("NEXT", "OUTGOING", 1),
        ("NEXT", "INCOMING", 1),
    ]
