"""Every `.cypher` file passes Neo4j 5's own Cypher semantic analysis.

The embedded default database (ArcadeDB) accepts some Cypher that Neo4j 5 rejects, such as
`exists(n.prop)`, and rejects the `CYPHER 5` prefix, so the database tests alone cannot
show that a statement runs on Neo4j. `tools/cypher-lint/lint.mjs` runs Neo4j's linter
(`@neo4j-cypher/language-support`) offline under node; only its errors fail the check.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import TypedDict

import pytest

REPO = Path(__file__).resolve().parents[2]
CYPHER_DIR = REPO / "cypher"
LINT_DIR = REPO / "tools" / "cypher-lint"
ERROR, WARNING = 1, 2  # LSP DiagnosticSeverity


class Diagnostic(TypedDict):
    severity: int
    message: str
    line: int  # 0-based, as the linter reports it
    character: int


class Linted(TypedDict):
    name: str
    diagnostics: list[Diagnostic]


def lint(statements: dict[str, str]) -> dict[str, list[Diagnostic]]:
    """Run the Neo4j linter once over named statements; return diagnostics by name."""
    if shutil.which("node") is None or not (LINT_DIR / "node_modules").is_dir():
        pytest.fail(
            "the offline Cypher linter is not installed (needs node and "
            "tools/cypher-lint/node_modules): run scripts/bootstrap.sh"
        )
    entries = [{"name": name, "text": text} for name, text in statements.items()]
    done = subprocess.run(
        ["node", "tools/cypher-lint/lint.mjs"],
        cwd=REPO,
        input=json.dumps(entries),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"tools/cypher-lint/lint.mjs exited with {done.returncode}:\n{done.stderr}")
    linted: list[Linted] = json.loads(done.stdout)
    return {entry["name"]: entry["diagnostics"] for entry in linted}


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d["severity"] == ERROR]


def cypher_files() -> list[Path]:
    return sorted(CYPHER_DIR.rglob("*.cypher"))


def test_there_are_cypher_files_to_check() -> None:
    assert cypher_files(), f"no .cypher files under {CYPHER_DIR}: the lint would pass vacuously"


def test_every_cypher_file_passes_neo4j_5_semantic_analysis() -> None:
    files = {str(path.relative_to(REPO)): path.read_text() for path in cypher_files()}
    assert files, "no .cypher files to check"
    diagnostics = lint(files)
    assert diagnostics.keys() == files.keys()
    problems = [
        f"{name}:{d['line'] + 1}:{d['character'] + 1}: {d['message']}"
        for name, found in diagnostics.items()
        for d in errors(found)
    ]
    assert not problems, "Neo4j 5 rejects these statements:\n" + "\n".join(problems)


def test_the_check_rejects_what_neo4j_5_rejects_and_ignores_parameters() -> None:
    diagnostics = lint(
        {
            "property_existence": "MATCH (n) WHERE exists(n.prop) RETURN n",
            "undefined_variable": "MATCH (n) RETURN m",
            "good": "UNWIND $rows AS row MERGE (n:Team {id: row.id}) SET n += row.props",
            "deprecated": "MATCH (n) RETURN id(n) AS id",
        }
    )
    assert "IS NOT NULL" in errors(diagnostics["property_existence"])[0]["message"]
    assert "`m` not defined" in errors(diagnostics["undefined_variable"])[0]["message"]
    assert diagnostics["good"] == []
    # Warnings are reported but do not fail the check.
    assert errors(diagnostics["deprecated"]) == []
    assert [d["severity"] for d in diagnostics["deprecated"]] == [WARNING]
