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
from tests.factories import SmallOrg

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
    assert stories["count"] == 2 and stories["nodes"] == [{"id": f"WorkItem:{org.id('story1')}"}]
    assert stories["edges"] == [
        {"type": "FOR_PRODUCT", "start": f"WorkItem:{org.id('story1')}", "end": product}
    ]
    assert groups["OWNS"]["endCursor"] is None  # one relationship: the page holds it all
    rest = await api.graphql(
        PAGE, id=product, type="FOR_PRODUCT", direction="INCOMING", label="WORK_ITEM",
        after=stories["endCursor"],
    )  # fmt: skip
    assert [n["id"] for n in rest["neighbourhood"]["nodes"]] == [f"WorkItem:{org.id('story2')}"]


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
    assert seen == [f"WorkItem:{org.id('story1')}", f"WorkItem:{org.id('story2')}"]
    # The other direction of the same type holds nothing.
    out = await api.graphql(PAGE, id=product, type="FOR_PRODUCT", direction="OUTGOING")
    assert out["neighbourhood"]["edges"] == []
