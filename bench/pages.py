"""How long the pages' own requests take on a large organisation: home, dashboard,
analyses, explorer.

    .venv/bin/python bench/pages.py [--scale 1000000] [--keep DIR] [--runs 5]

Loads the demo organisation (as bench/suite.py does, seed 7; with --keep DIR a database
already in DIR is reused, so `--keep BENCH/scale-1000000` reuses the suite's), serves
the real app under uvicorn in a child process and sends, over HTTP, the GraphQL
documents the pages send: they are read out of api/web/static/app/*.js, so what is timed
is what a browser asks (the explorer's *more* on a relationship group is built as the
page builds it, for the largest group the server reports). For each request: the median and
the slowest of --runs runs after one warm-up, and the size of the answer (a page must
never receive an unbounded neighbourhood). Then the dashboard and the analysis page
opened on the largest stream as their scripts open them (requests sent together where the
script sends them together), from the first request to the last answer. Prints a table
and writes JSON (default bench/results/pages-<scale>.json). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402 - after the path set-up above
from demo_stream import UNTIL  # noqa: E402

from bench.suite import DATABASE, child, load, wait_http  # noqa: E402
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port  # noqa: E402
from graph.db.migrations import prepare  # noqa: E402
from graph.db.queries import parse  # noqa: E402
from graph.db.store import GraphStore  # noqa: E402

APP = ROOT / "api" / "web" / "static" / "app"
RESULTS_DIR = ROOT / "bench" / "results"
SUITE = ROOT / "bench" / "suite.py"
#: The dashboard's default window, in days.
WINDOW_DAYS = 90

#: Bench-only lookups (what to ask about), through indexes: the largest value stream by
#: where its items are now, its product and done stage, and two work items of two products.
LARGEST_STREAM = parse(
    "largest_stream",
    """// cardinality: one
MATCH (p:Product)-[:HAS_VALUE_STREAM]->(v:ValueStream)-[:HAS_STAGE]->(s:Stage)
    MATCH (w:WorkItem {currentStage: s.id})
    WITH p, v, count(w) AS items ORDER BY items DESC, v.id LIMIT 1
    MATCH (v)-[:HAS_STAGE]->(done:Stage {state: 'done'})
    RETURN p.id AS product, v.id AS stream, items, collect(done.id)[0] AS done""",
)
ITEM_AT = parse(
    "item_at",
    """// cardinality: one
MATCH (w:WorkItem {currentStage: $stage})
    RETURN w.id AS id, w.title AS title ORDER BY id LIMIT 1""",
)
OTHER_DONE_STAGE = parse(
    "other_done_stage",
    """// cardinality: one
MATCH (p:Product)-[:HAS_VALUE_STREAM]->(:ValueStream)-[:HAS_STAGE]->(s:Stage)
    WHERE p.id <> $product AND s.state = 'done'
    RETURN s.id AS id ORDER BY id LIMIT 1""",
)


#: Pieces of documents the scripts declare, not documents themselves.
TEMPLATES = frozenset({"CAPTION", "W", "GROUP_VARIABLES", "GROUP_FIELD"})
#: The first page of a relationship group the explorer draws (GROUP_PAGE in explorer.js).
GROUP_PAGE = 20


def documents(source: Path) -> dict[str, str]:
    """The GraphQL documents a page's script declares (`const NAME = \\`...\\``), with
    `${CAPTION}`-style fragments put in, plus those written inline (`gql(\\`...\\``)."""
    text = source.read_text()
    declared = dict(re.findall(r"const ([A-Z_]+) = `(.*?)`;", text, re.S))
    inline = re.findall(r"gql\(`(.*?)`", text, re.S)
    for n, document in enumerate(inline):
        declared[f"INLINE_{n}"] = document

    def expand(document: str) -> str:
        return re.sub(r"\$\{([A-Z_]+)\}", lambda m: declared[m.group(1)], document)

    return {name: expand(document) for name, document in declared.items()}


async def subjects(store: GraphStore) -> dict[str, Any]:
    """What the timed requests ask about: the largest stream, its product, its done
    stage, a work item there, one of another product, and words to search for."""
    [largest] = await store.read(LARGEST_STREAM)
    [item] = await store.read(ITEM_AT, stage=largest["done"])
    [other_done] = await store.read(OTHER_DONE_STAGE, product=largest["product"])
    [other] = await store.read(ITEM_AT, stage=other_done["id"])
    words = re.findall(r"[A-Za-z]{4,}", item["title"] or "")
    return {**largest, "item": item["id"], "other": other["id"], "word": (words or ["data"])[0]}


#: (page, what is asked, GraphQL document, variables)
Request = tuple[str, str, str, dict[str, Any]]


def iso(instant: datetime) -> str:
    """A UTC instant as GraphQL's DateTime takes it."""
    return instant.isoformat().replace("+00:00", "Z")


def pages() -> dict[str, dict[str, str]]:
    """Every page's documents, by page."""
    return {name: documents(APP / f"{name}.js") for name in PAGES}


PAGES = ("home", "dashboard", "analysis", "explorer")


def group_pages(explorer: dict[str, str], groups: list[dict[str, Any]], id: str) -> Request:
    """The explorer's request for the next page (50) of each of `groups` of node `id`, as
    its *more* button asks (explorer.js `groupPages`: the field and its variables once per
    group, numbered), after the first page expanding the node drew."""
    n = len(groups)
    each = [(explorer["GROUP_VARIABLES"].replace("_N", str(i)),
             explorer["GROUP_FIELD"].replace("_N", str(i))) for i in range(n)]  # fmt: skip
    variables = ", ".join(v for v, _ in each)
    fields = "\n".join(f for _, f in each)
    document = f"query($id: ID!, {variables}) {{ {fields} }}\n{explorer['CAPTION']}"
    values: dict[str, Any] = {"id": id}
    for i, g in enumerate(groups):
        values |= {f"t{i}": g["type"], f"d{i}": g["direction"], f"l{i}": g["label"],
                   f"f{i}": 50, f"a{i}": g.get("endCursor")}  # fmt: skip
    kinds = ", ".join(g["type"] for g in groups)
    return ("explorer", f"more of {id}: next 50 of {kinds}", document, values)


def requests(docs: dict[str, dict[str, str]], s: dict[str, Any]) -> list[Request]:
    """(page, what, document, variables) of every request timed but the explorer's group
    pages (`group_pages`, which depend on what the server counts)."""
    dashboard, analysis, explorer = docs["dashboard"], docs["analysis"], docs["explorer"]
    end = UNTIL
    start = end - timedelta(days=WINDOW_DAYS)
    window = {"id": f"ValueStream:{s['stream']}", "from": iso(start), "to": iso(end)}
    flow = {"scope": window["id"], "from": window["from"], "to": window["to"]}
    item, other = f"WorkItem:{s['item']}", f"WorkItem:{s['other']}"
    prefix = s["item"][:-1].lower()
    analyses = [
        ("analysis", f"{name.removeprefix('Q_').lower()} of {s['stream']}", document, window)
        for name, document in analysis.items()
        if name.startswith("Q_") and name not in ("Q_HEAD", "Q_FORECAST")
    ]
    return [
        ("home", "value streams by product", docs["home"]["QUERY"], {"first": 500}),
        ("dashboard", "value streams (selector)", dashboard["STREAMS"], {}),
        ("dashboard", f"{s['stream']}: map, constraint", dashboard["STREAM"], window),
        ("dashboard", f"{s['product']}: DORA", dashboard["DORA"], window),
        ("dashboard", f"{s['stream']}: flow figures", dashboard["FLOW"], flow),
        (
            "dashboard",
            f"{s['stream']}: flow figures, defects only",
            dashboard["FLOW"],
            {**flow, "flowTypes": ["DEFECT"]},
        ),
        (
            "dashboard",
            "forecast",
            dashboard["FORECAST"],
            {"id": window["id"], "start": iso(end), "by": iso(end + timedelta(days=30))},
        ),
        ("analysis", "value streams (selector)", analysis["STREAMS"], {}),
        ("analysis", f"{s['stream']} (head)", analysis["Q_HEAD"], {"id": window["id"]}),
        *analyses,
        (
            "analysis",
            "forecast (20 items, 30 days)",
            analysis["Q_FORECAST"],
            {
                "id": window["id"],
                "items": 20,
                "by": iso(end + timedelta(days=30)),
                "start": iso(end),
            },
        ),
        ("explorer", f"search '{s['item']}' (a key)", explorer["SEARCH"], {"text": s["item"]}),
        ("explorer", f"search '{prefix}' (a key's prefix)", explorer["SEARCH"], {"text": prefix}),
        (
            "explorer",
            f"search '{s['word']}' (a title word)",
            explorer["SEARCH"],
            {"text": s["word"]},
        ),
        ("explorer", "search 'zzqq' (nothing matches)", explorer["SEARCH"], {"text": "zzqq"}),
        (
            "explorer",
            f"expand product {s['product']} (groups, 20 of each)",
            explorer["GROUPS"],
            {"id": f"Product:{s['product']}", "first": GROUP_PAGE},
        ),
        (
            "explorer",
            f"expand stage {s['done']} (groups, 20 of each)",
            explorer["GROUPS"],
            {"id": f"Stage:{s['done']}", "first": GROUP_PAGE},
        ),
        (
            "explorer",
            f"expand {s['item']} (groups, 20 of each)",
            explorer["GROUPS"],
            {"id": item, "first": GROUP_PAGE},
        ),
        ("explorer", f"details of {s['item']}", explorer["DETAILS"], {"id": item}),
        (
            "explorer",
            f"path {s['item']} → product",
            explorer["PATH"],
            {"from": item, "to": f"Product:{s['product']}"},
        ),
        (
            "explorer",
            f"path {s['item']} → {s['other']}",
            explorer["PATH"],
            {"from": item, "to": other},
        ),
        ("explorer", f"trace of {s['item']}", explorer["TRACE"], {"key": s["item"]}),
    ]


#: A page opened as its script opens it: steps one after another, each step's requests
#: sent together (Promise.all).
PageLoad = tuple[str, list[list[tuple[str, dict[str, Any]]]]]


def page_loads(docs: dict[str, dict[str, str]], s: dict[str, Any]) -> list[PageLoad]:
    """The dashboard and the analysis page opened on the largest stream, request for
    request as dashboard.js and analysis.js send them once the stream is chosen."""
    dashboard, analysis = docs["dashboard"], docs["analysis"]
    end = UNTIL
    window = {
        "id": f"ValueStream:{s['stream']}",
        "from": iso(end - timedelta(days=WINDOW_DAYS)),
        "to": iso(end),
    }
    flow = {"scope": window["id"], "from": window["from"], "to": window["to"]}
    ahead = {"id": window["id"], "start": iso(end), "by": iso(end + timedelta(days=30))}
    sections: list[tuple[str, dict[str, Any]]] = [
        (document, window)
        for name, document in analysis.items()
        if name.startswith("Q_") and name not in ("Q_HEAD", "Q_FORECAST")
    ]
    sections.append((analysis["Q_FORECAST"], {**ahead, "items": 20}))
    return [
        (
            "dashboard",
            [
                [
                    (dashboard["STREAM"], window),
                    (dashboard["DORA"], window),
                    (dashboard["FLOW"], flow),
                    (dashboard["FORECAST"], ahead),
                ]
            ],
        ),
        ("analysis", [[(analysis["Q_HEAD"], {"id": window["id"]})], sections]),
    ]


async def time_page_loads(url: str, loads: list[PageLoad], runs: int) -> list[dict[str, Any]]:
    """Each page load once untimed, then `runs` times: median and slowest, from the first
    request to the last answer. Requests sent together may share the database's reads
    (graph/db/read_gate.py), as a browser's do."""
    rows = []
    async with httpx.AsyncClient(timeout=300) as http:
        for page, steps in loads:
            seconds, errors = [], 0
            for n in range(runs + 1):
                began = time.perf_counter()
                for step in steps:
                    answers = await asyncio.gather(
                        *(http.post(url, json={"query": d, "variables": v}) for d, v in step)
                    )
                    errors += sum(
                        a.status_code != 200 or bool(a.json().get("errors")) for a in answers
                    )
                if n:
                    seconds.append(time.perf_counter() - began)
            requests = sum(len(step) for step in steps)
            rows.append(
                {
                    "page": page,
                    "requests": requests,
                    "p50_ms": round(statistics.median(seconds) * 1000, 1),
                    "max_ms": round(max(seconds) * 1000, 1),
                    "errors": errors,
                }
            )
            print(f"  {page:9} page load ({requests} requests) {rows[-1]['p50_ms']:9.1f} ms")
    return rows


async def time_requests(url: str, asked: list[Request], runs: int) -> list[dict[str, Any]]:
    """Each request once untimed, then `runs` times: median, slowest, answer size. A
    request the server refuses (a time limit, say) is reported with its error, and the
    others are still timed."""
    rows = []
    async with httpx.AsyncClient(timeout=300) as http:
        for page, what, document, variables in asked:
            seconds, size, error = [], 0, None
            for n in range(runs + 1):
                began = time.perf_counter()
                response = await http.post(url, json={"query": document, "variables": variables})
                elapsed = time.perf_counter() - began
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    said = body.get("errors") or body
                    error = f"{response.status_code} {str(said)[:300]}"
                    seconds.append(elapsed)
                    break
                size = len(response.content)
                if n:
                    seconds.append(elapsed)
            rows.append(
                {
                    "page": page,
                    "request": what,
                    "p50_ms": round(statistics.median(seconds) * 1000, 1),
                    "max_ms": round(max(seconds) * 1000, 1),
                    "answer_kib": round(size / 1024, 1),
                    **({"error": error} if error else {}),
                }
            )
            note = f"  ERROR {error[:120]}" if error else ""
            print(f"  {page:9} {what:45} {rows[-1]['p50_ms']:9.1f} ms{note}", flush=True)
    return rows


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    where: Path = args.keep / f"scale-{args.scale}"
    where.mkdir(parents=True, exist_ok=True)
    embedded = EmbeddedDatabase(EmbeddedConfig(where, free_port(), free_port(), DATABASE))
    connection = await embedded.start()
    try:
        store = await GraphStore.open(connection)
        try:
            await prepare(store)
            print(f"[{args.scale:,}] the demo organisation ...", flush=True)
            await load(store, args.scale, where)
            about = await subjects(store)
        finally:
            await store.close()
        docs = pages()
        asked = requests(docs, about)
        port = free_port()
        command = [sys.executable, str(SUITE), "--serve-api", str(where)]
        command += [str(embedded.config.bolt_port), str(port)]
        log = where / "pages-api.log"
        with child(command, log) as api:
            url = f"http://127.0.0.1:{port}/graphql"
            async with httpx.AsyncClient(timeout=120) as http:
                await wait_http(http, url, api, log)
                # *more* on the largest group of each, after expanding the node.
                for id in (f"Product:{about['product']}", f"Stage:{about['done']}"):
                    asks = {"id": id, "first": GROUP_PAGE}
                    answer = await http.post(
                        url, json={"query": docs["explorer"]["GROUPS"], "variables": asks}
                    )
                    groups = answer.json()["data"]["relationshipGroups"]
                    largest = max(groups, key=lambda g: g["count"])
                    asked.append(group_pages(docs["explorer"], [largest], id))
            print(f"[{args.scale:,}] timing the pages' requests ...", flush=True)
            rows = await time_requests(url, asked, args.runs)
            print(f"[{args.scale:,}] timing the pages as they load ...", flush=True)
            loads = await time_page_loads(url, page_loads(docs, about), args.runs)
        return {
            "work_items": args.scale,
            "runs": args.runs,
            "subjects": about,
            "requests": rows,
            "page_loads": loads,
        }
    finally:
        embedded.stop()


def table(result: dict[str, Any]) -> str:
    lines = [
        f"### Pages on {result['work_items']:,} work items ({result['runs']} runs each)",
        "",
        "| page | request | p50 | slowest | answer |",
        "|---|---|---:|---:|---:|",
    ]
    for r in result["requests"]:
        answer = f"error: {r['error'][:60]}" if "error" in r else f"{r['answer_kib']:,.1f} KiB"
        lines.append(
            f"| {r['page']} | {r['request']} | {r['p50_ms']:,.1f} ms | {r['max_ms']:,.1f} ms "
            f"| {answer} |"
        )
    lines += [
        "",
        "| page load (as its script sends the requests) | requests | p50 | slowest | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in result.get("page_loads", []):
        lines.append(
            f"| {r['page']} | {r['requests']} | {r['p50_ms']:,.1f} ms | {r['max_ms']:,.1f} ms "
            f"| {r['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        epilog="Figures: docs/performance.md (Pages).",
    )
    parser.add_argument("--scale", type=int, default=1_000_000, help="work items (default 1000000)")
    parser.add_argument(
        "--keep",
        type=Path,
        default=Path(".bench-dbs"),
        metavar="DIR",
        help="keep the database in DIR/scale-N and reuse it (default .bench-dbs)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per request (default 5)")
    parser.add_argument("--out", type=Path, help="JSON path (default bench/results/pages-N.json)")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    out = args.out or RESULTS_DIR / f"pages-{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwritten to {out}", flush=True)


if __name__ == "__main__":
    main()
