"""The docs name what the code has: labels, relationship types, settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from graph.model import RELATIONSHIPS, Label
from graph.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_graph_model_page_lists_every_label_and_relationship() -> None:
    page = (DOCS / "graph-model.md").read_text()
    for label in Label:
        assert f"- `{label}`:" in page, label
    for spec in RELATIONSHIPS:
        assert f"| {spec.start} | `{spec.type}` | {spec.end} |" in page, spec


def test_the_configuration_page_lists_every_setting() -> None:
    page = (DOCS / "configuration.md").read_text()
    for field in dataclasses.fields(Settings):
        name = "VSG_" + field.name.upper()
        assert f"`{name}`" in page, name
