"""The pages (home, explorer, dashboard, analyses) in headless Chromium on the demo
organisation.

Screenshots go to tests/artifacts/ (home.png, explorer*.png, dashboard*.png,
analysis*.png)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.analysis.stream import traceability_gaps
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.flow import Window
from graph.tokens import Role, create_token
from tests.browser.conftest import Site
from tests.factories import node

pytestmark = [pytest.mark.browser, pytest.mark.db]


def _clean(found: dict[str, object]) -> None:
    assert found["consoleErrors"] == []
    assert found["failedRequests"] == []


def test_every_page_loads_without_errors(site: Site) -> None:
    found = site.drive("pages")
    _clean(found)
    assert found["titles"] == {
        "/explorer": "vsgraph explorer",
        "/dashboard": "vsgraph dashboard",
        "/graphql": "vsgraph GraphQL IDE",
    }


def test_explorer_draws_expands_finds_a_path_and_traces(site: Site) -> None:
    truth = site.truth
    stream = truth.value_streams[0]
    stages = truth.stages[stream]
    product = truth.products[0]
    feature = truth.traced_features[0]
    found = site.drive(
        "explorer",
        node=f"ValueStream:{stream}",
        # The last stage (done) holds every finished item: expanding it draws more nodes.
        expand=f"Stage:{stages[-1]}",
        pathFrom=f"WorkItem:{feature}",
        pathTo=f"BusinessLine:{truth.business_lines[0]}",
        trace=feature,
        search=truth.products[0],
        badNode="Product:no-such-product",
    )
    _clean(found)
    # A value stream's neighbourhood: itself, its product (HAS_VALUE_STREAM) and its
    # stages (HAS_STAGE), nothing else.
    expected = {f"ValueStream:{stream}", f"Product:{product}", *(f"Stage:{s}" for s in stages)}
    assert set(found["drawn"]) == expected
    # Expanding the done stage draws the first page of each of its relationship groups:
    # at most 20 of its many work items, and whatever small groups it has whole.
    added = set(found["expanded"]) - expected
    items = {n for n in added if n.startswith("WorkItem:")}
    assert 0 < len(items) <= 20
    groups = {g["group"]: g["shown"] for g in found["groups"]}
    drawn, total = groups["IN_STAGE|INCOMING|WORK_ITEM"].replace(",", "").split(" / ")
    assert int(drawn) == len(items) < int(total)
    # Paging on within that group adds work items only, up to 50 more.
    more = set(found["paged"]) - set(found["expanded"])
    assert more and all(n.startswith("WorkItem:") for n in more) and len(more) <= 50
    # The path runs from the feature to the business line (through its product).
    path = found["path"]
    assert f"WorkItem:{feature}" in path and f"BusinessLine:{truth.business_lines[0]}" in path
    assert str(found["status"]).startswith("Path of ")
    assert set(found["relinked"]) == set(path)  # the path's deep link draws it again
    # A traced feature has the whole chain, laid out left to right.
    columns = found["columns"]
    assert columns[:2] == ["Business line", "Product"]
    for stop in ("Work item", "Commits", "Deployments", "Releases", "Feedback"):
        assert stop in columns
    assert columns.index("Work item") < columns.index("Commits") < columns.index("Feedback")
    # Search groups its hits by label, the organisation's first: the product, then its
    # value stream, before any release or work item.
    search = found["search"]
    assert search["heads"][0].startswith("Product")
    assert f"Product:{product}" in search["hits"]
    assert any(h.startswith("ValueStream:") for h in search["hits"])
    # Bad ids are named, not answered with "no path".
    assert 'There is no Product with key "no-such-product"' in str(found["badNode"])
    assert 'There is no Team with key "no-such-team"' in str(found["badPath"])


def test_dashboard_shows_the_constraint_and_the_cfd(site: Site) -> None:
    truth = site.truth
    stream = truth.value_streams[0]
    found = site.drive("dashboard", stream=f"ValueStream:{stream}", until="2025-06-01")
    _clean(found)
    # The demo builds one constraint stage per stream; the map highlights it (with any
    # waiting stages of its queue) and the reason line names it.
    assert f"Stage:{truth.constraints[stream]}" in found["constraint"]
    assert str(found["reason"]).startswith("Constraint: ")
    # The CFD: one series per stage, a point per day of the 90-day window, items in it.
    assert len(found["cfdStages"]) == len(truth.stages[stream])
    assert found["cfdPoints"] == 90
    assert found["cfdTotal"] > 0
    # Four flow tiles and four DORA tiles; some work is aging.
    assert found["tiles"] == 8
    assert found["agingRows"] > 0


async def test_pages_ask_for_a_token_where_the_api_requires_one(
    secured_site: Site, session_store: GraphStore
) -> None:
    issued = await create_token(session_store, "browser test", Role.VIEWER)
    stream = secured_site.truth.value_streams[0]
    found = secured_site.drive("token", token=issued.secret, node=f"ValueStream:{stream}")
    # Asked once (the first read answered 401), then every read carried the token.
    assert found["prompts"] == ["This vsgraph needs an API token (a viewer's is enough):"]
    assert found["drawn"] > 1
    # Chromium logs the refused first read as a failed resource; nothing else failed.
    unauthorised = "the server responded with a status of 401"
    assert [e for e in found["consoleErrors"] if unauthorised not in e] == []
    assert [r for r in found["failedRequests"] if not r.endswith("/graphql 401")] == []


def test_home_lists_every_value_stream_and_links_every_page(site: Site) -> None:
    truth = site.truth
    found = site.drive("home")
    _clean(found)
    assert set(found["streams"]) == {f"ValueStream:{s}" for s in truth.value_streams}
    assert found["links"] == 3  # dashboard, analyses, explorer of each stream
    assert {"/dashboard", "/explorer", "/analysis", "/graphql"} <= set(found["pages"])
    assert f"{len(truth.value_streams)} value streams" in str(found["status"])
    assert found["landed"] in found["streams"]  # the analyses link opened that stream
    assert {"/", "/dashboard", "/explorer", "/analysis"} <= set(found["ide"])


def test_analysis_shows_every_analysis_and_raises_a_defect(site: Site) -> None:
    truth = site.truth
    stream = truth.value_streams[0]
    found = site.drive(
        "analysis",
        stream=f"ValueStream:{stream}",
        until="2025-06-01",
        by="2025-07-01",
        title="Pair on the constraint's tests",
    )
    _clean(found)
    assert found["errors"] == []
    # The demo builds the constraint in: the page names it first, with the ranking.
    assert found["constraint"] == f"Stage:{truth.constraints[stream]}"
    assert found["stations"] >= 2
    assert found["teams"] >= 1 and found["mostWaitedOn"]
    assert "days of history" in str(found["forecast"]) and found["forecastRows"] == 2
    assert found["recommendations"] and "CONSTRAINT" in found["recommendations"]
    # Raised as a defect, linked to its evidence; the answer names the new item.
    assert found["raised"] and "editor" not in str(found["raised"])
    assert any(str(q).startswith("3 more items") for q in found["asked"])
    assert "There is no value stream ValueStream:no-such-stream" in str(found["unknown"])


async def test_analysis_lists_a_long_gap_a_page_at_a_time(
    site: Site, session_store: GraphStore
) -> None:
    # The stream whose list of deployed features without feedback is the longest: more
    # than the first page of 10 on the demo (docs/demo.md: feedback covers some features).
    window = Window(datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
    unheard = {
        stream: (
            await traceability_gaps(session_store, stream, window)
        ).deployed_features_without_feedback
        for stream in site.truth.value_streams
    }
    stream, whole = max(unheard.items(), key=lambda kv: len(kv[1]))
    total = len(whole)
    assert total > 10
    found = site.drive(
        "analysisGaps",
        stream=f"ValueStream:{stream}",
        until="2025-06-01",
        gap="deployedFeaturesWithoutFeedback",
    )
    _clean(found)
    # The count is the whole list's; the list shows its first page, in key order.
    assert found["counts"][2] == str(total)
    assert found["first"] == {"keys": list(whole[:10]), "shown": f" (10 of {total})", "more": True}
    # "more" lists the next 50 after the last key shown, and goes once nothing is left.
    listed = whole[:60]
    assert found["more"] == {
        "keys": list(listed),
        "shown": f" ({len(listed)} of {total})",
        "more": total > 60,
    }


async def test_dashboard_weeks_time_zone_filters_downloads_and_unknown_stream(
    site: Site, session_store: GraphStore
) -> None:
    truth = site.truth
    # A story of no product: a data-quality finding the empty dashboard points to.
    orphan = node("Story", "ORPHAN-1", title="Nobody's", createdAt="2025-01-01T00:00:00Z")
    await ingest(session_store, parse_objects([orphan]))
    stream = truth.value_streams[0]
    # 2025-06-04 is a Wednesday: the window's last week is two days old.
    found = site.drive(
        "dashboardTools", stream=f"ValueStream:{stream}", until="2025-06-04", zone="Asia/Tokyo"
    )
    _clean(found)
    plain = found["plain"]
    assert "last full week (2025-05-26 to 2025-06-01)" in plain["weeks"]
    assert "this week so far (since 2025-06-02)" in plain["weeks"]
    assert "UTC" in plain["status"]
    # The display zone changes what is shown, not the window.
    assert "Asia/Tokyo" in found["zoned"]["status"]
    assert found["zoned"]["velocity"] == plain["velocity"]
    # Filters narrow the figures and are kept in the address.
    defects = found["defects"]
    assert defects["velocity"] <= plain["velocity"] and "flow types defect" in defects["status"]
    assert "flowTypes=DEFECT" in defects["address"]
    assert found["teams"] and found["team"]["velocity"] <= plain["velocity"]
    assert "team=" in found["team"]["address"]
    # Every panel downloads as CSV, named after the stream and the panel.
    csv = found["csv"]
    panels = {"map", "flow", "cfd", "distribution", "flowtime", "forecast", "dora", "aging"}
    assert set(csv) == panels
    assert csv["cfd"]["file"] == f"{stream}-cfd.csv" and csv["cfd"]["rows"] == 90
    assert csv["map"]["header"].startswith("stage,name,state,constraint,wip")
    assert all(c["rows"] > 0 for c in csv.values()), csv
    assert found["quality"]["shown"] and "itemsWithoutProduct" in found["quality"]["findings"]
    assert "There is no value stream ValueStream:no-such-stream" in str(found["unknown"])
