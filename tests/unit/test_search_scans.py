"""Which title scans a search sends (graph/read/entities.py): every titled label's
nodes are searched, work items a kind at a time, and only those the search wants."""

from __future__ import annotations

from graph.model import TITLED, Label, WorkItemKind
from graph.read.entities import SEARCH_TITLES, TITLE_SCANS, _scans


def test_every_titled_label_is_scanned_once_work_items_by_kind() -> None:
    assert len(TITLE_SCANS) == len(set(TITLE_SCANS))
    assert set(TITLE_SCANS) == {*WorkItemKind, *(TITLED - {Label.WORK_ITEM})}
    assert set(SEARCH_TITLES) == set(TITLE_SCANS)


def test_only_the_wanted_labels_and_kinds_are_scanned() -> None:
    every = [label.value for label in Label]
    assert _scans(every) == list(TITLE_SCANS)
    assert set(_scans([Label.WORK_ITEM.value])) == set(WorkItemKind)
    assert _scans([WorkItemKind.DEFECT.value, Label.TEAM.value]) == [WorkItemKind.DEFECT]
    assert _scans([Label.PULL_REQUEST.value, Label.PRODUCT.value]) == [Label.PULL_REQUEST]
    assert _scans([Label.PRODUCT.value]) == []
