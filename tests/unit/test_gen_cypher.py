"""The generated Cypher statements are what tools/gen_cypher.py writes from the model and
the templates: none drifted, none missing, none left over. This replaces tests that
compared the per-label copies with each other and with graph/model.py."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from graph.db.queries import GENERATED, catalogue
from graph.model import Label, node_properties

REPO = Path(__file__).resolve().parents[2]


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cypher", REPO / "tools" / "gen_cypher.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


gen = _load_tool()


def test_the_generated_statements_are_what_the_model_and_templates_give() -> None:
    drifted, missing, extra = gen.differences()
    assert (drifted, missing, extra) == ([], [], []), "run tools/gen_cypher.py"
    assert gen.main(["--check"]) == 0


def test_the_check_reports_drifted_missing_and_extra_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "cypher"
    shutil.copytree(REPO / "cypher", root)
    tool = root / "nodes" / "by_ids" / "tool.cypher"
    tool.write_text(tool.read_text().replace("RETURN key", "RETURN DISTINCT key"))
    (root / "nodes" / "count" / "team.cypher").unlink()
    hand = root / "nodes" / "count" / "stage.cypher"
    hand.write_text("\n".join(line for line in hand.read_text().splitlines()[::2]))
    (root / "nodes" / "count" / "gone.cypher").write_text(f"// cardinality: one\n{GENERATED}\n")
    assert gen.differences(root) == (
        ["nodes/by_ids/tool"],
        ["nodes/count/stage", "nodes/count/team"],
        ["nodes/count/gone"],
    )
    # Writing never overwrites a hand-written file; once it is gone, it repairs the rest.
    with pytest.raises(SystemExit, match=r"nodes/count/stage\.cypher is hand-written"):
        gen.write(root)
    hand.unlink()
    assert gen.write(root) == (3, 1)
    assert gen.differences(root) == ([], [], [])


def test_every_generated_statement_loads_and_hand_written_ones_are_left_alone() -> None:
    generated = gen.generate()
    queries = catalogue()
    assert set(generated) <= set(queries)
    assert "ingest/nodes/upsert_deployment" not in generated
    assert GENERATED not in queries["ingest/nodes/upsert_deployment"].text
    # A property added to the model is written out by the CREATE of its label.
    for name in node_properties(Label.RELEASE):
        assert f"{name}: row.properties.{name}" in generated["ingest/new_nodes/release"]


def test_the_template_language() -> None:
    template = (
        "// cardinality: rows\n"
        "MATCH (n:{{label}})\n"
        "{{#names}}\n"
        "  {{name}}{{^last}},{{/last}}\n"
        "{{/names}}\n"
        "{{^names}}\n"
        "  none\n"
        "{{/names}}\n"
    )
    names = [{"name": "a"}, {"name": "b"}]
    assert gen.render(template, {"label": "Team", "names": names}) == (
        "// cardinality: rows\nMATCH (n:Team)\n  a,\n  b\n"
    )
    assert gen.render(template, {"label": "Team", "names": []}).endswith("MATCH (n:Team)\n  none\n")
    with pytest.raises(gen.TemplateError, match="no value 'label'"):
        gen.render(template, {"names": []})
    with pytest.raises(gen.TemplateError, match="never closed"):
        gen.render("{{#names}}x", {"names": []})
