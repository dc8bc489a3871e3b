"""A page of several relationship groups laid end to end (graph/read/explore.py): which
part of each group it reads, and whether more follow."""

from __future__ import annotations

from graph.model import Label, NeighbourGroup, RelType, neighbour_groups
from graph.read.explore import _Slice, _slices, _wanted

A = NeighbourGroup(RelType.FOR_PRODUCT, False, Label.REPOSITORY)
B = NeighbourGroup(RelType.FOR_PRODUCT, False, Label.WORK_ITEM)
C = NeighbourGroup(RelType.OWNS, False, Label.BUSINESS_LINE)


def test_a_page_takes_the_end_of_one_group_and_the_start_of_the_next() -> None:
    counts = {A: 2, B: 5, C: 1}
    assert _slices([A, B, C], counts, 0, 3) == ([_Slice(A, 0, 2), _Slice(B, 0, 1)], True)
    assert _slices([A, B, C], counts, 3, 3) == ([_Slice(B, 1, 3)], True)
    assert _slices([A, B, C], counts, 6, 3) == ([_Slice(B, 4, 1), _Slice(C, 0, 1)], False)
    # An empty group is passed over; a page past the end is empty.
    assert _slices([A, B, C], {A: 2, C: 1}, 1, 5) == ([_Slice(A, 1, 1), _Slice(C, 0, 1)], False)
    assert _slices([A, B, C], counts, 8, 3) == ([], False)


def test_the_filters_keep_the_groups_in_their_order() -> None:
    product = neighbour_groups(Label.PRODUCT)
    assert [g.other for g in _wanted(Label.PRODUCT, ["FOR_PRODUCT"], None, None)] == [
        Label.DEPLOYMENT, Label.RELEASE, Label.REPOSITORY, Label.WORK_ITEM,
    ]  # fmt: skip
    assert _wanted(Label.PRODUCT, None, True, None) == [
        NeighbourGroup(RelType.HAS_VALUE_STREAM, True, Label.VALUE_STREAM)
    ]
    assert _wanted(Label.PRODUCT, None, None, None) == list(product)
    assert _wanted(Label.PRODUCT, ["NO_SUCH_TYPE"], None, None) == []
    # A type between nodes of one label is a group each way, outgoing first.
    nexts = [g for g in neighbour_groups(Label.STAGE) if g.type is RelType.NEXT]
    assert [g.outgoing for g in nexts] == [True, False]
