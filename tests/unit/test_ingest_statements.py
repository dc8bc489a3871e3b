"""The ingest statements that CREATE write every property out (not `SET n += map`, which
the embedded database runs several times slower): each must list exactly the model's
properties, so a property added to graph/model.py cannot be silently dropped."""

from __future__ import annotations

import re

from graph.ingest.history import STATE_LOG
from graph.ingest.service import INSERT, INSERT_LINK
from graph.model import (
    CURRENT_STAGE,
    LAST_MOVED_AT,
    RELATIONSHIPS,
    Label,
    WorkItemKind,
    node_properties,
)

_WRITTEN = re.compile(r"(\w+): row\.(?:properties|key)\.(\w+)")


def written(text: str) -> set[str]:
    """The properties a CREATE writes from the row's maps (each under its own name)."""
    pairs = _WRITTEN.findall(text)
    assert all(name == source for name, source in pairs), pairs
    return {name for name, _ in pairs}


def test_node_creates_write_every_property_of_the_model() -> None:
    for label in Label:
        if label is Label.WORK_ITEM:
            continue
        query = INSERT[label]
        assert "id: row.id" in query.text, query.name
        assert written(query.text) == set(node_properties(label)), query.name


def test_work_item_creates_write_every_property_and_where_the_item_is() -> None:
    expected = set(node_properties(Label.WORK_ITEM)) | {CURRENT_STAGE, LAST_MOVED_AT, STATE_LOG}
    for kind in WorkItemKind:
        query = INSERT[kind]
        assert f"(n:WorkItem:{kind.value} " in query.text, query.name
        assert written(query.text) == expected, query.name


def test_relationship_creates_write_every_property_of_their_type() -> None:
    for spec in RELATIONSHIPS:
        query = INSERT_LINK[spec]
        assert f"[:{spec.type}" in query.text, query.name
        assert written(query.text) == set(spec.properties), query.name
        code = [line for line in query.text.splitlines() if not line.startswith("//")]
        assert not any("SET " in line for line in code), query.name
