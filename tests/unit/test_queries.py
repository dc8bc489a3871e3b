"""The Cypher catalogue: one statement per file, names by path, parameters known."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from graph.db.queries import CatalogueError, catalogue, cypher, load, parse

REPO = Path(__file__).resolve().parents[2]


def test_parameters_are_found_outside_strings_and_comments() -> None:
    query = parse(
        "x",
        "// returns $nothing\nMATCH (n {id: $id}) WHERE n.name <> '$notAParam' "
        "RETURN n LIMIT $first",
    )
    assert query.parameters == {"id", "first"}
    assert query.summary == "returns $nothing"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no statement"),
        ("// only a comment\n", "holds no statement"),
        ("MATCH (n) RETURN n; MATCH (m) RETURN m", "one statement per file"),
    ],
)
def test_malformed_files_fail_fast(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse("bad", text)


def test_a_trailing_semicolon_and_semicolons_in_strings_are_fine() -> None:
    assert parse("ok", "RETURN 'a;b' AS x;").text == "RETURN 'a;b' AS x"


def test_duplicate_names_differing_in_case_fail(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "q.cypher").write_text("RETURN 1")
    (tmp_path / "a" / "Q.cypher").write_text("RETURN 2")
    with pytest.raises(CatalogueError, match="duplicate"):
        load(tmp_path)


def test_unknown_names_fail() -> None:
    with pytest.raises(CatalogueError, match="unknown query"):
        cypher("trace/no_such_query")


def test_every_file_loads_and_says_what_it_returns() -> None:
    queries = catalogue()
    assert len(queries) > 100
    for name, query in queries.items():
        assert query.summary, f"{name} has no leading // comment saying what it returns"


def _query_names_in_source() -> set[str]:
    """Every literal passed to cypher(...) in the code (f-strings give their prefix)."""
    names: set[str] = set()
    for path in [*REPO.glob("graph/**/*.py"), *REPO.glob("api/**/*.py")]:
        for call in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(call, ast.Call)
                and getattr(call.func, "id", None) == "cypher"
                and call.args
                and isinstance(call.args[0], ast.Constant)
            ):
                names.add(str(call.args[0].value))
    return names


def test_every_literal_query_name_in_the_code_exists() -> None:
    names = _query_names_in_source()
    assert "trace/lineage" in names
    assert names <= set(catalogue())
