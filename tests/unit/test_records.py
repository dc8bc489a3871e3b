"""Parsing ingest records: every problem names its line, field and reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from graph.errors import Problem
from graph.ingest.records import (
    NodeRecord,
    RelationshipRecord,
    StateRecord,
    parse_lines,
    parse_record,
)
from graph.model import Label, RelType, WorkItemKind


def one(obj: object) -> object:
    [result] = list(parse_lines([json.dumps(obj)]))
    return result


def test_a_work_item_node_record_is_parsed_and_converted() -> None:
    record = one(
        {
            "record": "node",
            "label": "Story",
            "id": "PAY-1",
            "properties": {"title": "x", "createdAt": "2025-01-01T10:00:00+02:00", "points": 3},
        }
    )
    assert record == NodeRecord(
        1,
        Label.WORK_ITEM,
        "PAY-1",
        {"title": "x", "createdAt": datetime(2025, 1, 1, 8, tzinfo=UTC), "points": 3.0},
        WorkItemKind.STORY,
    )


def test_relationship_ends_may_name_a_kind_and_count_as_work_items() -> None:
    record = one(
        {
            "record": "relationship",
            "type": "PARENT_OF",
            "from": {"label": "Epic", "id": "E"},
            "to": {"label": "Story", "id": "S"},
        }
    )
    assert isinstance(record, RelationshipRecord)
    assert record.type is RelType.PARENT_OF
    assert (record.start.label, record.end.label) == (Label.WORK_ITEM, Label.WORK_ITEM)


@pytest.mark.parametrize(
    ("obj", "field", "reason"),
    [
        ("not an object", "record", "expected a JSON object"),
        ({"record": "edge"}, "record", "expected 'node', 'relationship' or 'state'"),
        ({"record": "node", "label": "Team", "id": "t"}, "properties.name", "is required"),
        (
            {"record": "node", "label": "Team", "id": "t", "properties": {"name": "a", "x": 1}},
            "properties.x",
            "unknown property of Team",
        ),
        ({"record": "node", "label": "WorkItem", "id": "w"}, "label", "needs its kind"),
        (
            {
                "record": "node",
                "label": "Stage",
                "id": "s",
                "properties": {"name": "a", "order": 1, "state": "busy"},
            },
            "properties.state",
            "is not one of",
        ),
        (
            {
                "record": "node",
                "label": "Stage",
                "id": "s",
                "properties": {"name": "a", "order": True, "state": "new"},
            },
            "properties.order",
            "expected an integer, got bool",
        ),
        (
            {
                "record": "relationship",
                "type": "OWNS",
                "from": {"label": "Team", "id": "t"},
                "to": {"label": "Skill", "id": "s"},
            },
            "type",
            "does not connect Team to Skill",
        ),
        (
            {"record": "relationship", "type": "LIKES", "from": {}, "to": {}},
            "type",
            "unknown relationship type",
        ),
        (
            {"record": "relationship", "type": "OWNS", "to": {"label": "Team", "id": "t"}},
            "from",
            "expected an object",
        ),
        ({"record": "state", "item": "w", "at": "2025-01-01T00:00:00Z"}, "state", "exactly one of"),
        (
            {"record": "state", "item": "w", "state": "Done", "at": "yesterday"},
            "at",
            "not an ISO 8601 timestamp",
        ),
    ],
)
def test_problems_name_the_field_and_reason(obj: object, field: str, reason: str) -> None:
    problem = one(obj)
    assert isinstance(problem, Problem)
    assert (problem.line, problem.field) == (1, field)
    assert reason in problem.message


def test_lines_are_numbered_from_one_and_blank_lines_count() -> None:
    results = list(
        parse_lines(
            [
                '{"record": "state", "item": "w", "stage": "s", "at": "2025-01-01T00:00:00Z"}',
                "",
                "{oops",
            ]
        )
    )
    assert isinstance(results[0], StateRecord)
    assert isinstance(results[1], Problem)
    assert (results[1].line, results[1].field) == (3, "json")


def test_a_choice_is_matched_in_any_case_and_stored_as_the_model_spells_it() -> None:
    record = parse_record(
        {
            "record": "node",
            "label": "Deployment",
            "id": "d",
            "properties": {
                "environment": "Production",
                "status": "SUCCESS",
                "startedAt": "2025-03-01T09:00:00Z",
            },
        },
        1,
    )
    assert isinstance(record, NodeRecord)
    assert record.properties["status"] == "success"
    assert record.properties["environment"] == "Production"  # free text stays as given
