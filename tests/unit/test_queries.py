"""The Cypher catalogue: one statement per file, names by path, parameters known."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph.db.queries import (
    Cardinality,
    CardinalityError,
    CatalogueError,
    catalogue,
    cypher,
    load,
    parse,
)

REPO = Path(__file__).resolve().parents[2]


def test_parameters_are_found_outside_strings_and_comments() -> None:
    query = parse(
        "x",
        "// cardinality: rows\n// returns $nothing\nMATCH (n {id: $id}) "
        "WHERE n.name <> '$notAParam' RETURN n LIMIT $first",
    )
    assert query.parameters == {"id", "first"}
    assert query.summary == "returns $nothing"
    assert query.cardinality is Cardinality.ROWS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("// cardinality: one\n", "holds no statement"),
        ("// cardinality: one\n// only a comment\n", "holds no statement"),
        ("// cardinality: rows\nMATCH (n) RETURN n; MATCH (m) RETURN m", "one statement per file"),
    ],
)
def test_malformed_files_fail_fast(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse("bad", text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "MATCH (n) RETURN n",
        "// what it returns\n// cardinality: one\nMATCH (n) RETURN count(n) AS n",
        "// cardinality: many\nMATCH (n) RETURN n",
        "// cardinality: one or two\nMATCH (n) RETURN n",
    ],
)
def test_a_statement_that_does_not_state_its_cardinality_first_fails_to_load(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "q.cypher").write_text(text)
    with pytest.raises(CatalogueError, match=r"a/q: the first line must state the cardinality"):
        load(tmp_path)


def test_a_one_row_statement_refuses_more_rows_and_a_write_refuses_to_be_read() -> None:
    one = parse("one", "// cardinality: one\nMATCH (n) RETURN count(n) AS n")
    assert one.check_rows([]) == []
    assert one.check_rows([{"n": 1}]) == [{"n": 1}]
    with pytest.raises(CardinalityError, match="one: states `// cardinality: one` but answered 2"):
        one.check_rows([{"n": 1}, {"n": 2}])
    one.check_read()
    rows = parse("rows", "// cardinality: rows\nMATCH (n) RETURN n")
    assert len(rows.check_rows([{}, {}, {}])) == 3
    write = parse("write", "// cardinality: write\nMERGE (n:Team {id: $id})")
    with pytest.raises(CardinalityError, match="write: a write statement, run as a read"):
        write.check_read()


_WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP)\b")
_STRINGS_AND_COMMENTS = re.compile(r"'[^']*'|//[^\n]*")


def test_a_statement_is_stated_a_write_exactly_when_it_writes() -> None:
    # Reads go to a cluster's secondaries, which cannot write: `write` must be true.
    for name, query in catalogue().items():
        writes = bool(_WRITES.search(_STRINGS_AND_COMMENTS.sub("", query.text)))
        assert writes == (query.cardinality is Cardinality.WRITE), name


def test_a_trailing_semicolon_and_semicolons_in_strings_are_fine() -> None:
    text = "// cardinality: one\nRETURN 'a;b' AS x"
    assert parse("ok", text + ";").text == text


def test_duplicate_names_differing_in_case_fail(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "q.cypher").write_text("// cardinality: one\nRETURN 1")
    (tmp_path / "a" / "Q.cypher").write_text("// cardinality: one\nRETURN 2")
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
