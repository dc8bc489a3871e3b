"""The Jira source on the Payments fixtures: kinds, state history, links, releases, teams,
and the awkward cases (renamed statuses, moved issues, links outside the export, offsets,
malformed payloads). Expected values are read off the fixture tables in
tests/fixtures/sources/README.md."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.ingest.records import NodeRecord, StateRecord
from graph.ingest.sources import jira
from graph.ingest.sources.mapping import (
    MAPPING_KEYS,
    MappingError,
    MissingLinks,
    SourceMapping,
    ToolMapping,
    load_mapping,
    mapping_from_dict,
)
from graph.ingest.sources.payload import Converted, PayloadError
from graph.ingest.sources.registry import SOURCES
from graph.model import Label, RelType, WorkItemKind
from tests.converted import rels

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
MAPPING = load_mapping(FIXTURES / "mapping.json")


def page(n: int) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((FIXTURES / "jira" / f"search-page-{n}.json").read_text())
    return result


def both_pages() -> bytes:
    """The two pages written one after another, as `curl ... >> export.json` leaves them."""
    return b"".join((FIXTURES / "jira" / f"search-page-{n}.json").read_bytes() for n in (1, 2))


def convert(data: bytes | Any = None, mapping: SourceMapping = MAPPING) -> Converted:
    if data is None:
        data = both_pages()
    elif not isinstance(data, bytes):
        data = json.dumps(data).encode()
    return jira.convert(data, mapping)


def items(converted: Converted) -> dict[str, NodeRecord]:
    return {
        r.id: r
        for r in converted.records
        if isinstance(r, NodeRecord) and r.label is Label.WORK_ITEM
    }


def states(converted: Converted, item: str) -> list[tuple[str, datetime]]:
    return [
        (r.state or "", r.at)
        for r in converted.records
        if isinstance(r, StateRecord) and r.item == item
    ]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_issue_becomes_one_work_item_of_its_mapped_kind() -> None:
    found = items(convert())
    assert sorted(found, key=lambda k: int(k.split("-")[1])) == [f"PAY-{n}" for n in range(1, 13)]
    kinds = {key: record.kind for key, record in found.items()}
    # Epic -> Epic, Bug -> Defect, Task -> Story, Tech Debt -> Debt (DEFAULT_ISSUE_TYPES).
    assert kinds["PAY-1"] is WorkItemKind.EPIC
    assert kinds["PAY-3"] is WorkItemKind.STORY
    assert kinds["PAY-5"] is WorkItemKind.DEFECT
    assert kinds["PAY-8"] is WorkItemKind.STORY
    assert kinds["PAY-9"] is WorkItemKind.DEBT


def test_the_issue_type_mapping_overrides_the_defaults_in_any_case() -> None:
    mapping = mapping_from_dict({"projects": {"PAY": "payments"}, "issueTypes": {"TASK": "Debt"}})
    assert items(convert(mapping=mapping))["PAY-8"].kind is WorkItemKind.DEBT


def test_work_item_properties_come_from_the_fields_with_offsets_in_utc() -> None:
    pay3 = items(convert())["PAY-3"].properties
    # created "2025-02-25T10:00:00.000+0100" is 09:00 UTC.
    assert pay3["createdAt"] == utc("2025-02-25T09:00:00")
    assert pay3["title"] == "Tokenise card numbers"
    assert pay3["priority"] == "High"
    assert pay3["points"] == 5.0  # customfield_10016, the story point estimate
    assert pay3["url"] == "https://acme.atlassian.net/browse/PAY-3"
    assert pay3["source"] == "jira"


def test_the_status_history_becomes_state_records_in_time_order() -> None:
    # Created in "To Do" (the first change's fromString), then every change's toString;
    # each +0100 time is an hour earlier in UTC.
    assert states(convert(), "PAY-3") == [
        ("To Do", utc("2025-02-25T09:00:00")),
        ("In Progress", utc("2025-03-03T09:00:00")),
        ("Code Review", utc("2025-03-05T15:00:00")),
        ("Done", utc("2025-03-06T10:00:00")),
    ]


def test_histories_listed_newest_first_are_put_in_time_order() -> None:
    # PAY-4's histories are stored newest first in the fixture.
    assert [name for name, _ in states(convert(), "PAY-4")] == [
        "To Do",
        "In Progress",
        "Code Review",
        "In Progress",
        "In Review",
        "Done",
    ]


def test_an_issue_without_status_changes_sits_in_its_current_status_since_creation() -> None:
    assert states(convert(), "PAY-11") == [("To Do", utc("2025-03-18T15:20:00"))]


def test_a_renamed_status_keeps_its_old_name_for_the_stage_states_to_map() -> None:
    # PAY-6 is "In Review" now, but its history says "Code Review" (renamed on 03-11):
    # the record carries the name as it was; the review stage lists both names.
    converted = convert()
    assert states(converted, "PAY-6")[-1] == ("Code Review", utc("2025-03-11T16:00:00"))
    organisation = [
        json.loads(line) for line in (FIXTURES / "organisation.ndjson").read_text().splitlines()
    ]
    review = next(r for r in organisation if r.get("id") == "payments-in-review")
    assert {"In Review", "Code Review"} <= set(review["properties"]["states"])


def test_parent_and_epic_link_both_become_parent_of() -> None:
    parents = rels(convert(), RelType.PARENT_OF)
    assert ("PAY-1", "PAY-3") in parents  # fields.parent
    assert ("PAY-2", "PAY-6") in parents  # fields.customfield_10014 (Epic Link), no parent
    # PAY-3,4,5,8,10 under PAY-1; PAY-6,7,11,12 under PAY-2; PAY-1,2,9 have none.
    assert len(parents) == 9


def test_blocks_links_become_blocked_by_from_either_side_and_others_are_ignored() -> None:
    blocked = rels(convert(), RelType.BLOCKED_BY)
    # PAY-3 "blocks" PAY-4 and PAY-4 "is blocked by" PAY-3: one relationship, as is
    # PAY-6/PAY-7. PAY-4 "relates to" PAY-10 is no dependency; OPS-77 is not exported.
    assert blocked == {("PAY-4", "PAY-3"), ("PAY-7", "PAY-6")}


def test_a_link_outside_the_export_is_skipped_with_a_note_by_default() -> None:
    converted = convert()
    assert ("PAY-9", "OPS-77") not in rels(converted, RelType.BLOCKED_BY)
    assert any("OPS-77 is not in the export" in note for note in converted.notes)


def test_a_link_outside_the_export_is_kept_when_the_mapping_says_so() -> None:
    mapping = mapping_from_dict({"projects": {"PAY": "payments"}, "missingLinks": "keep"})
    assert mapping.missing_links is MissingLinks.KEEP
    assert ("PAY-9", "OPS-77") in rels(convert(mapping=mapping), RelType.BLOCKED_BY)


def test_released_fix_versions_become_releases_that_deliver() -> None:
    converted = convert()
    releases = {
        r.id: r.properties
        for r in converted.records
        if isinstance(r, NodeRecord) and r.label is Label.RELEASE
    }
    assert set(releases) == {"payments@1.0.0", "payments@1.0.1"}
    # releaseDate "2025-03-14" is a day: taken as 00:00 UTC.
    assert releases["payments@1.0.0"]["releasedAt"] == utc("2025-03-14T00:00:00")
    assert rels(converted, RelType.DELIVERS) == {
        ("payments@1.0.0", "PAY-3"),
        ("payments@1.0.0", "PAY-4"),
        ("payments@1.0.0", "PAY-8"),
        ("payments@1.0.1", "PAY-5"),
    }
    assert ("payments@1.0.0", "payments") in rels(converted, RelType.FOR_PRODUCT)
    assert any("1.1.0 is not released" in note for note in converted.notes)


def test_teams_own_items_through_the_team_mapping() -> None:
    converted = convert()
    owns = rels(converted, RelType.OWNS)
    assert ("team-payments-core", "PAY-3") in owns
    assert ("team-checkout", "PAY-6") in owns
    assert not any(item == "PAY-11" for _, item in owns)  # no team set
    assert len(owns) == 11
    # Mapped teams exist in the graph already: no Team node is written for them.
    assert not any(isinstance(r, NodeRecord) and r.label is Label.TEAM for r in converted.records)


def test_an_unmapped_team_is_created_under_the_slug_of_its_name() -> None:
    converted = convert(
        mapping=SourceMapping(default_product="payments", team_field="customfield_10001")
    )
    teams = {
        r.id: r.properties["name"]
        for r in converted.records
        if isinstance(r, NodeRecord) and r.label is Label.TEAM
    }
    assert teams == {"payments-core": "Payments Core", "checkout-experience": "Checkout Experience"}
    assert ("payments-core", "PAY-1") in rels(converted, RelType.OWNS)


def test_projects_map_to_products_and_default_to_the_project_key() -> None:
    assert ("PAY-1", "payments") in rels(convert(), RelType.FOR_PRODUCT)
    assert ("PAY-1", "PAY") in rels(convert(mapping=SourceMapping()), RelType.FOR_PRODUCT)


def test_the_tool_is_recorded_and_every_node_names_it_as_source() -> None:
    converted = convert()
    nodes = [r for r in converted.records if isinstance(r, NodeRecord)]
    tool = next(r for r in nodes if r.label is Label.TOOL)
    assert (tool.id, tool.properties["kind"]) == ("jira", "planning")
    assert tool.properties["url"] == "https://acme.atlassian.net"
    assert {r.properties["source"] for r in nodes} == {"jira"}
    custom = SourceMapping(default_product="payments", tool=ToolMapping(id="jira-acme"))
    assert {
        r.properties["source"] for r in convert(mapping=custom).records if isinstance(r, NodeRecord)
    } == {"jira-acme"}


def test_a_moved_issue_is_one_work_item_under_its_current_key() -> None:
    # PAY-8 was CHK-14 until 2025-03-04; add a stale snapshot of it under the old key
    # (as an export taken before the move would hold) and a link naming the old key.
    first, second = page(1), page(2)
    stale = json.loads(json.dumps(second["issues"][1]))
    stale["key"] = "CHK-14"
    stale["fields"]["project"]["key"] = "CHK"
    stale["changelog"] = {"startAt": 0, "maxResults": 0, "total": 0, "histories": []}
    first["issues"].insert(0, stale)
    first["issues"][4]["fields"]["issuelinks"].append(  # PAY-4 is blocked by CHK-14
        {
            "id": "39999",
            "type": {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
            "inwardIssue": {"id": "10008", "key": "CHK-14"},
        }
    )
    converted = convert([first, second])
    found = items(converted)
    assert "CHK-14" not in found
    assert "PAY-8" in found
    assert ("PAY-4", "PAY-8") in rels(converted, RelType.BLOCKED_BY)
    assert all(r.item != "CHK-14" for r in converted.records if isinstance(r, StateRecord))
    # The snapshot kept is the current one: its history, not the stale one's.
    assert states(converted, "PAY-8")[-1] == ("Done", utc("2025-03-10T11:00:00"))
    assert "[0].issues[0]: CHK-14 is now PAY-8: kept the newer snapshot" in converted.notes


@pytest.mark.parametrize(
    "shape",
    ["concatenated pages", "array of pages", "bare array of issues"],
)
def test_every_export_shape_gives_the_same_records(shape: str) -> None:
    expected = convert()
    pages = [page(1), page(2)]
    data: Any = {
        "concatenated pages": None,
        "array of pages": pages,
        "bare array of issues": [*pages[0]["issues"], *pages[1]["issues"]],
    }[shape]
    converted = convert(data)
    assert len(converted.records) == len(expected.records) == 92
    assert [type(r) for r in converted.records] == [type(r) for r in expected.records]


def test_a_partial_export_says_how_many_issues_are_missing() -> None:
    converted = convert(page(1))
    assert any("6 of the 12 issues" in note for note in converted.notes)


def test_positions_name_the_page_and_issue_each_record_came_from() -> None:
    converted = convert([page(1), page(2)])
    origin = dict(zip((id(r) for r in converted.records), converted.origins, strict=True))
    pay7 = next(r for r in converted.records if isinstance(r, NodeRecord) and r.id == "PAY-7")
    assert origin[id(pay7)] == "[1].issues[0]"
    first_state = next(
        r for r in converted.records if isinstance(r, StateRecord) and r.item == "PAY-7"
    )
    assert converted.origin(first_state.line) == "[1].issues[0].fields.created"


def _malformed() -> dict[str, Any]:
    broken = page(1)
    broken["issues"][3]["fields"]["created"] = "yesterday"
    broken["issues"][4]["fields"]["created"] = "2025-03-15T08:30:00.000"  # no offset
    del broken["issues"][5]["fields"]["summary"]
    return broken


def test_invalid_issues_are_skipped_and_reported_and_the_others_convert() -> None:
    converted = convert(_malformed())
    assert [(s.id, s.field, s.reason) for s in converted.skipped] == [
        (
            "PAY-4",
            "issues[3].fields.created",
            "not an ISO 8601 timestamp with an offset: 'yesterday'",
        ),
        (
            "PAY-5",
            "issues[4].fields.created",
            "not an ISO 8601 timestamp with an offset: '2025-03-15T08:30:00.000'",
        ),
        ("PAY-6", "issues[5].fields.summary", "missing"),
    ]
    assert {s.source for s in converted.skipped} == {"jira"}
    written = {
        r.item if isinstance(r, StateRecord) else getattr(r, "id", None) for r in converted.records
    }
    assert {"PAY-1", "PAY-2", "PAY-3"} <= written
    assert not {"PAY-4", "PAY-5", "PAY-6"} & written
    assert any("skipped issue PAY-6" in note for note in converted.notes)


def test_a_malformed_timestamp_in_strict_mode_names_its_position_and_nothing_is_converted() -> None:
    with pytest.raises(PayloadError) as error:
        convert(_malformed(), replace(MAPPING, strict=True))
    assert [str(p) for p in error.value.problems] == [
        "issues[3].fields.created: not an ISO 8601 timestamp with an offset: 'yesterday'",
        "issues[4].fields.created: not an ISO 8601 timestamp with an offset: "
        "'2025-03-15T08:30:00.000'",
        "issues[5].fields.summary: missing",
    ]


def test_a_malformed_history_names_its_position() -> None:
    broken = page(1)
    broken["issues"][2]["changelog"]["histories"][1]["created"] = 17
    broken["issues"][2]["changelog"]["histories"][2]["items"][0] = "status"
    with pytest.raises(PayloadError) as error:
        convert(broken, replace(MAPPING, strict=True))
    assert [str(p) for p in error.value.problems] == [
        "issues[2].changelog.histories[1].created: not an ISO 8601 timestamp with an offset: '17'",
        "issues[2].changelog.histories[2].items[0]: expected an object, got str",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"issues": [', "line 1, column 13: not valid JSON: Expecting value"),
        (b'{"startAt": 0, "total": 0}', "issues: missing: not a Jira search result page"),
        (b'{"issues": {"key": "PAY-1"}}', "issues: expected an array, got dict"),
        (b"", "line 1: the file is empty"),
    ],
)
def test_a_payload_that_is_no_search_result_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(PayloadError) as error:
        jira.convert(data, MAPPING)
    assert str(error.value.problems[0]) == message


def test_the_fixture_mapping_loads_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    assert MAPPING.product_of_project("CHK") == "payments"
    assert MAPPING.team_id("Payments Core") == "team-payments-core"
    assert MAPPING.service("nope", "P7Q2X9L").environment == "production"
    with pytest.raises(MappingError, match=re.escape("unknown key(s) teamfield")):
        mapping_from_dict({"teamfield": "customfield_1"})
    with pytest.raises(
        MappingError,
        match=re.escape("issueTypes.Bug: 'Bugfix' is not a work-item kind"),
    ):
        mapping_from_dict({"issueTypes": {"Bug": "Bugfix"}})
    bad = tmp_path / "mapping.json"
    bad.write_text("{")
    with pytest.raises(MappingError, match=re.escape("mapping.json: not valid JSON")):
        load_mapping(bad)


def test_the_sources_page_names_every_source_and_mapping_key() -> None:
    page = (Path(__file__).parents[2] / "docs" / "sources.md").read_text()
    for name in SOURCES:
        assert f"`{name}`" in page, name
    for key in MAPPING_KEYS:
        assert f"| `{key}` |" in page, key
