"""SHIPPED and DORA on a real git history, against git's own answer.

    .venv/bin/python bench/history.py --git DIR --name OWNER/REPO [--group 20] [--seed 21]
    .venv/bin/python bench/history.py --fixture tests/fixtures/history/starlette.ndjson.gz
    .venv/bin/python bench/history.py --git DIR --name OWNER/REPO --write-fixture OUT.ndjson.gz

Converts a git repository (a clone or a bare mirror: `git` must be on the PATH) into
vsgraph ingest records: every commit reachable from HEAD or a tag (`authoredAt` = author
date, message = subject line, `IN_REPO`, `PARENT` edges) and every tag as a successful
production deployment of its commit, finished at the tag's date (the tagger's date of an
annotated tag, the commit date of a lightweight one). Then, each in a fresh embedded
database: imports it in order, split into imports by history, with deployments in a
shuffled order (commits first), and in order with the deployment that shipped the most
flipped to failure and back. After each, every deployment's SHIPPED set is compared
with `git rev-list <head> ^<every earlier head>` (from git itself, and from the test
tier's independent walk of the commit DAG), and deployment frequency and lead time per
calendar year and over the whole history with an independent recomputation
(tests/integration/test_real_history.py). Prints deployments and commits compared,
differences (0 expected) and import times; a JSON line last. A scenario's figures add up
over its checks (flipped has three: before, failed, successful again). One untimed import
first warms the database up (`--no-warm-up` to time it too).

`--write-fixture` writes the records (gzip NDJSON) and, beside them, git's rev-list
counts per deployment (`<name>.rev-list.json`): how tests/fixtures/history/ was made.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The references and scenarios are the test tier's (tests/ is a package of the
# repository root, not installed): run from anywhere, import them from there.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.migrations import prepare
from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.integration.test_real_history import (
    SCENARIOS,
    History,
    compare,
    expected_shipped,
)

Record = dict[str, Any]
DELETE_ALL = cypher("admin/delete_all")
#: Subjects are cut to this many characters: the message is not what is compared.
SUBJECT = 72


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    ).stdout


def _git_dir(path: Path) -> Path:
    dotgit = path / ".git"
    return dotgit if dotgit.exists() else path


def node(label: str, id: str, **properties: Any) -> Record:
    return {"record": "node", "label": label, "id": id, "properties": properties}


def rel(type: str, start: tuple[str, str], end: tuple[str, str]) -> Record:
    return {
        "record": "relationship",
        "type": type,
        "from": {"label": start[0], "id": start[1]},
        "to": {"label": end[0], "id": end[1]},
        "properties": {},
    }


def convert(path: Path, name: str) -> tuple[list[Record], str]:
    """The ingest records of a git repository, and the commit HEAD points at."""
    git_dir = _git_dir(path)
    head = _git(git_dir, "rev-parse", "HEAD").strip()
    product, repository = name.rsplit("/", 1)[-1], name
    records: list[Record] = [
        node("Product", product, name=product),
        node("Repository", repository, name=name, url=f"https://github.com/{name}"),
        rel("FOR_PRODUCT", ("Repository", repository), ("Product", product)),
    ]
    log = _git(git_dir, "log", "--topo-order", "--reverse", "--format=%H%x00%P%x00%aI%x00%s")
    log += _git(
        git_dir, "log", "--topo-order", "--reverse", "--format=%H%x00%P%x00%aI%x00%s",
        "--tags", "--not", "HEAD",
    )  # fmt: skip
    seen: set[str] = set()
    for line in log.splitlines():
        sha, parents, authored, subject = line.split("\x00", 3)
        if sha in seen:
            continue
        seen.add(sha)
        records += [
            node("Commit", sha, message=subject[:SUBJECT] or "(no subject)", authoredAt=authored),
            rel("IN_REPO", ("Commit", sha), ("Repository", repository)),
            *(rel("PARENT", ("Commit", sha), ("Commit", p)) for p in parents.split()),
        ]
    tags = _git(
        git_dir,
        "for-each-ref",
        "--format=%(refname:short)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)",
        "refs/tags",
    )
    for line in tags.splitlines():
        tag, target, peeled, created = line.split("\x00")
        commit = peeled or target
        if commit not in seen:  # a tag of a tree or a blob
            continue
        deployment = f"{repository}@{tag}"
        records += [
            node(
                "Deployment", deployment, name=tag, environment="production",
                status="success", startedAt=created, finishedAt=created,
            ),
            rel("DEPLOYED", ("Deployment", deployment), ("Commit", commit)),
        ]  # fmt: skip
    return records, head


def git_rev_list_counts(path: Path, history: History) -> dict[str, int]:
    """Per deployment: `git rev-list --count <head> --not <every earlier head>`."""
    git_dir = _git_dir(path)
    counts: dict[str, int] = {}
    earlier: list[str] = []
    for d in history.chain():
        counts[d.id] = int(_git(git_dir, "rev-list", "--count", d.head, "--not", *earlier))
        earlier.append(d.head)
    return counts


def write_fixture(records: Sequence[Record], out: Path, counts: dict[str, int]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
    stem = out.name.split(".")[0]
    (out.parent / f"{stem}.rev-list.json").write_text(
        json.dumps(counts, indent=0, sort_keys=True) + "\n"
    )


async def run(
    history: History, group: int, seed: int, git: dict[str, int] | None, warm_up: bool
) -> dict[str, Any]:
    expected = expected_shipped(history, {})
    biggest = max(expected, key=lambda d: (len(expected[d]), d))
    figures: dict[str, Any] = {
        "repository": history.repository,
        "commits": len(history.commits),
        "deployments": len(history.deployments),
        "flipped_deployment": f"{biggest} ({len(expected[biggest]):,} commits)",
        # The test tier's reference walk against git's own rev-list counts.
        "reference_vs_git_differences": None
        if git is None
        else sum(1 for d in history.deployments if git[d.id] != len(expected.get(d.id, ()))),
    }
    for key, value in figures.items():
        print(f"{key:<29}{value:,}" if isinstance(value, int) else f"{key:<29}{value}")
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedDatabase(EmbeddedConfig(Path(tmp), free_port(), free_port(), "bench"))
        connection = await embedded.start()
        try:
            store = await GraphStore.open(connection)
            await prepare(store)
            if warm_up:
                # The first import after the database starts is much the slowest (the JVM
                # compiles, caches fill): one untimed import, so that the figures below
                # are the steady state of a running server.
                began = time.perf_counter()
                await ingest(store, parse_objects(history.records))
                figures["warm_up_s"] = round(time.perf_counter() - began, 2)
                print(f"{'warm-up import (untimed)':<29}{figures['warm_up_s']} s")
            print(f"{'scenario':<10}{'checks':>7}{'deployments':>13}{'commits':>10}"
                  f"{'differences':>13}{'import s':>10}{'total s':>9}")  # fmt: skip
            for name, scenario in SCENARIOS.items():
                await store.write(DELETE_ALL)
                totals = {"checks": 0, "deployments": 0, "commits": 0, "differences": 0}
                notes: list[str] = []
                began = time.perf_counter()
                imported = 0.0
                async for statuses, took in scenario(store, history, group=group, seed=seed):
                    imported += took
                    result = await compare(store, history, statuses)
                    totals["checks"] += 1
                    for key in ("deployments", "commits", "differences"):
                        totals[key] += result[key]
                    notes += result["notes"]
                row = {**totals, "import_s": round(imported, 2)}
                row["total_s"] = round(time.perf_counter() - began, 2)
                figures[name] = row
                print(f"{name:<10}{row['checks']:>7}{row['deployments']:>13,}"
                      f"{row['commits']:>10,}{row['differences']:>13,}"
                      f"{row['import_s']:>10.2f}{row['total_s']:>9.2f}", flush=True)  # fmt: skip
                for note in notes[:5]:
                    print(f"  {note}")
            await store.close()
        finally:
            embedded.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--git", type=Path, help="a git clone or bare mirror to convert")
    source.add_argument("--fixture", type=Path, help="converted records (.ndjson or .ndjson.gz)")
    parser.add_argument("--name", help="OWNER/REPO, the repository's id (default: from --git)")
    parser.add_argument("--group", type=int, default=20, help="deployments per shuffled import")
    parser.add_argument("--seed", type=int, default=21, help="shuffle seed (default 21)")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="time the first import after start-up too"
    )
    parser.add_argument("--write-fixture", type=Path, help="write the records here and stop")
    args = parser.parse_args()
    git: dict[str, int] | None = None
    if args.git is not None:
        name = args.name or args.git.resolve().name.removesuffix(".git")
        started = time.perf_counter()
        records, head = convert(args.git, name)
        history = History.of(records)
        print(f"converted {name} at {head}: {len(records):,} records in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        git = git_rev_list_counts(args.git, history)
        if args.write_fixture is not None:
            write_fixture(records, args.write_fixture, git)
            print(f"wrote {args.write_fixture}", flush=True)
            return
    else:
        history = History.load(args.fixture)
        counts = args.fixture.parent / f"{args.fixture.name.split('.')[0]}.rev-list.json"
        if counts.exists():
            git = json.loads(counts.read_text())
    figures = asyncio.run(run(history, args.group, args.seed, git, not args.no_warm_up))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
