"""The explorer's shortest-path statement finds either end through its label's index,
one branch per label: every label of the model must have its branch."""

from __future__ import annotations

from graph.model import Label
from graph.read.explore import SHORTEST_PATH


def test_every_label_can_be_either_end_of_a_path() -> None:
    for label in Label:
        assert f"(a:{label} {{id: $fromKey}}) WHERE $fromLabel = '{label}'" in SHORTEST_PATH.text
        assert f"(b:{label} {{id: $toKey}}) WHERE $toLabel = '{label}'" in SHORTEST_PATH.text
