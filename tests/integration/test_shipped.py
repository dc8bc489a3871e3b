"""SHIPPED derived at ingest from the commit graph, and inferred incident causes.

Every fixture is a literal commit graph; the expected SHIPPED sets are worked out by
hand in the comments: a deployment ships its head's ancestors (head included) that no
earlier successful deployment of the same repository and environment shipped.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph.db.queries import parse
from graph.db.store import GraphStore
from graph.demo import DemoConfig, generate
from graph.ingest import shipped as shipped_module
from graph.ingest.records import RelationshipRecord, parse_objects
from graph.ingest.service import ingest
from graph.model import RelType
from tests.factories import Record, node, rel

pytestmark = pytest.mark.db

ALL_SHIPPED = parse(
    "test/all_shipped",
    "// cardinality: rows\n"
    "MATCH (d:Deployment)-[:SHIPPED]->(c:Commit) RETURN d.id AS deployment, c.id AS commit",
)
STALE_MARKS = parse(
    "test/stale_marks",
    "// cardinality: rows\n"
    "MATCH (r:Repository) WHERE r.shippedStale IS NOT NULL "
    "RETURN r.id AS repository, r.shippedStale AS environments",
)
ALL_CAUSES = parse(
    "test/all_causes",
    "// cardinality: rows\n"
    "MATCH (i:Incident)-[c:CAUSED_BY]->(d:Deployment) "
    "RETURN i.id AS incident, d.id AS deployment, c.inferred AS inferred",
)


class Repo:
    """A repository of a product, with commits and deployments named by short names."""

    def __init__(self) -> None:
        self.prefix = uuid.uuid4().hex[:6]

    def id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def base(self) -> list[Record]:
        return [
            node("Product", self.id("product"), name="Shop"),
            node("Repository", self.id("repo"), name="shop-api"),
            rel("FOR_PRODUCT", ("Repository", self.id("repo")), ("Product", self.id("product"))),
        ]

    def commit(self, name: str, *parents: str, day: int = 1) -> list[Record]:
        c = self.id(name)
        out = [
            node("Commit", c, message=name, authoredAt=f"2025-03-{day:02d}T09:00:00Z"),
            rel("IN_REPO", ("Commit", c), ("Repository", self.id("repo"))),
        ]
        out += [rel("PARENT", ("Commit", c), ("Commit", self.id(p))) for p in parents]
        return out

    def linear(self, count: int) -> list[Record]:
        """c0 <- c1 <- ... <- c(count-1), commit ci authored on March i+1."""
        out = self.commit("c0")
        for i in range(1, count):
            out += self.commit(f"c{i}", f"c{i - 1}", day=i + 1)
        return out

    def deployment(
        self,
        name: str,
        head: str,
        finished: str,
        status: str = "success",
        environment: str = "production",
    ) -> list[Record]:
        d = self.id(name)
        props: dict[str, str] = {
            "environment": environment,
            "status": status,
            "startedAt": finished.replace("T10:", "T09:"),
        }
        if status != "in_progress":
            props["finishedAt"] = finished
        return [
            node("Deployment", d, **props),
            rel("DEPLOYED", ("Deployment", d), ("Commit", self.id(head))),
        ]

    def unprefix(self, pairs: set[tuple[str, str]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        cut = len(self.prefix) + 1
        for d, c in pairs:
            if d.startswith(self.prefix):
                out[d[cut:]].add(c[cut:])
        return dict(out)


async def load(store: GraphStore, records: list[Record]) -> None:
    await ingest(store, parse_objects(records))


async def shipped(store: GraphStore, repo: Repo) -> dict[str, set[str]]:
    rows = await store.read(ALL_SHIPPED)
    return repo.unprefix({(r["deployment"], r["commit"]) for r in rows})


async def test_a_deployment_with_no_previous_one_ships_its_heads_whole_history(
    store: GraphStore,
) -> None:
    repo = Repo()
    # c0 <- c1 <- c2 <- c3; d1 deploys c2: its ancestors c0, c1 and c2 itself; c3 is newer.
    await load(
        store, [*repo.base(), *repo.linear(4), *repo.deployment("d1", "c2", "2025-03-05T10:00:00Z")]
    )
    assert await shipped(store, repo) == {"d1": {"c0", "c1", "c2"}}


@pytest.mark.parametrize("apart", [False, True], ids=["one batch", "commits first"])
async def test_the_commit_graph_is_the_same_from_the_batch_or_from_the_graph(
    store: GraphStore, apart: bool
) -> None:
    repo = Repo()
    # c0 <- c1 <- c2 <- c3 and a branch c1 <- b1; d1 deploys b1: b1, c1, c0. In one batch
    # the derivation walks the batch's own commit graph (a new repository, all its
    # commits new); commits first, it reads the graph back: the same answer.
    commits = [*repo.base(), *repo.linear(4), *repo.commit("b1", "c1", day=9)]
    deploy = repo.deployment("d1", "b1", "2025-03-10T10:00:00Z")
    batches = [commits, deploy] if apart else [commits + deploy]
    for batch in batches:
        await load(store, batch)
    assert await shipped(store, repo) == {"d1": {"c0", "c1", "b1"}}


async def test_a_failed_deployment_between_two_successful_ones_ships_nothing(
    store: GraphStore,
) -> None:
    repo = Repo()
    # d1 (success, head c1) ships c0 c1; d2 (failure, head c3) ships nothing; d3
    # (success, head c4) ships what d1 had not: c2 c3 c4 — d2 does not count as previous.
    # d4 is still in progress: nothing.
    await load(
        store,
        [
            *repo.base(),
            *repo.linear(6),
            *repo.deployment("d1", "c1", "2025-03-10T10:00:00Z"),
            *repo.deployment("d2", "c3", "2025-03-11T10:00:00Z", status="failure"),
            *repo.deployment("d3", "c4", "2025-03-12T10:00:00Z"),
            *repo.deployment("d4", "c5", "2025-03-13T10:00:00Z", status="in_progress"),
        ],
    )
    assert await shipped(store, repo) == {"d1": {"c0", "c1"}, "d3": {"c2", "c3", "c4"}}


@pytest.mark.parametrize("slices", [25, 0], ids=["walk", "scan"])
async def test_out_of_order_ingest_recomputes_the_deployment_and_the_next_ones(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch, slices: int
) -> None:
    # With 0 slices the walk gives up at once and reads the repository's unshipped
    # commits in one statement: both ways must agree.
    monkeypatch.setattr(shipped_module, "_MAX_SLICES", slices)
    repo = Repo()
    await load(store, [*repo.base(), *repo.linear(6)])
    # First d3 (head c4) alone: no previous deployment, so it ships c0..c4.
    await load(store, repo.deployment("d3", "c4", "2025-03-12T10:00:00Z"))
    assert await shipped(store, repo) == {"d3": {"c0", "c1", "c2", "c3", "c4"}}
    # Then d1 (head c1, earlier): d1 ships c0 c1, and d3 keeps only c2 c3 c4.
    await load(store, repo.deployment("d1", "c1", "2025-03-10T10:00:00Z"))
    assert await shipped(store, repo) == {"d1": {"c0", "c1"}, "d3": {"c2", "c3", "c4"}}
    # Then d2 (head c2, between them): d2 ships c2; d3 now c3 c4.
    await load(store, repo.deployment("d2", "c2", "2025-03-11T10:00:00Z"))
    assert await shipped(store, repo) == {"d1": {"c0", "c1"}, "d2": {"c2"}, "d3": {"c3", "c4"}}
    # d2 turns out to have failed: its commits move on to d3 again.
    await load(store, repo.deployment("d2", "c2", "2025-03-11T10:00:00Z", status="failure"))
    assert await shipped(store, repo) == {"d1": {"c0", "c1"}, "d3": {"c2", "c3", "c4"}}


async def test_re_ingesting_changes_nothing_and_given_shipped_records_are_rederived(
    store: GraphStore,
) -> None:
    repo = Repo()
    records = [
        *repo.base(),
        *repo.linear(4),
        *repo.deployment("d1", "c1", "2025-03-10T10:00:00Z"),
        *repo.deployment("d2", "c3", "2025-03-12T10:00:00Z"),
        # A source claims d2 shipped c0: derivation is authoritative (d1 shipped c0).
        rel("SHIPPED", ("Deployment", repo.id("d2")), ("Commit", repo.id("c0"))),
    ]
    await load(store, records)
    expected = {"d1": {"c0", "c1"}, "d2": {"c2", "c3"}}
    assert await shipped(store, repo) == expected
    await load(store, records)
    assert await shipped(store, repo) == expected


async def test_branches_merges_and_environments(store: GraphStore) -> None:
    repo = Repo()
    # main: c0 <- c1 <- m (merge of c1 and branch head b2); branch: c0 <- b1 <- b2.
    # staging s1 deploys c1: c0 c1. production p1 deploys m: everything (own chain):
    # c0 c1 b1 b2 m. staging s2 deploys m: what s1 had not: b1 b2 m.
    await load(
        store,
        [
            *repo.base(),
            *repo.commit("c0"),
            *repo.commit("c1", "c0", day=2),
            *repo.commit("b1", "c0", day=2),
            *repo.commit("b2", "b1", day=3),
            *repo.commit("m", "c1", "b2", day=4),
            *repo.deployment("s1", "c1", "2025-03-02T10:00:00Z", environment="staging"),
            *repo.deployment("s2", "m", "2025-03-04T10:00:00Z", environment="staging"),
            *repo.deployment("p1", "m", "2025-03-05T10:00:00Z"),
        ],
    )
    assert await shipped(store, repo) == {
        "s1": {"c0", "c1"},
        "s2": {"b1", "b2", "m"},
        "p1": {"c0", "c1", "b1", "b2", "m"},
    }


DEPLOYMENT_ENVIRONMENTS = parse(
    "test/deployment_environments",
    "// cardinality: rows\n"
    "MATCH (d:Deployment) RETURN d.id AS deployment, d.environment AS environment",
)
MARK_STALE_AS = parse(
    "test/mark_stale_as",
    "// cardinality: write\nMATCH (r:Repository {id: $id}) SET r.shippedStale = $environments",
)


async def test_one_environment_in_any_case_is_one_chain(store: GraphStore) -> None:
    # Linear c0 <- ... <- c5; d1..d4 deploy c1, c2 (failed), c3, c5 to production,
    # spelled Production / production alternately. One chain, as if all were spelled
    # `production`: d1 c0 c1; d2 failed, nothing; d3 c2 c3; d4 c4 c5. (Two chains would
    # have d3 ship c0..c3 again and d4 c0..c5, as the first of the other spelling.)
    spellings = ("Production", "production", "PRODUCTION", "production")
    heads = (("d1", "c1", "success"), ("d2", "c2", "failure"))
    heads += (("d3", "c3", "success"), ("d4", "c5", "success"))
    expected = {"d1": {"c0", "c1"}, "d3": {"c2", "c3"}, "d4": {"c4", "c5"}}
    for environments in (spellings, ("production",) * 4):
        repo = Repo()
        records = [*repo.base(), *repo.linear(6)]
        for (name, head, status), environment in zip(heads, environments, strict=True):
            finished = f"2025-03-{10 + int(name[1:]):02d}T10:00:00Z"
            records += repo.deployment(name, head, finished, status, environment)
        await load(store, records)
        assert await shipped(store, repo) == expected
        # Each deployment keeps its own spelling.
        stored = {
            r["deployment"][len(repo.prefix) + 1 :]: r["environment"]
            for r in await store.read(DEPLOYMENT_ENVIRONMENTS)
            if r["deployment"].startswith(repo.prefix)
        }
        assert stored == dict(zip(("d1", "d2", "d3", "d4"), environments, strict=True))
        # Deployed one by one, in reverse, each in its own import: the same sets.
        again = Repo()
        await load(store, [*again.base(), *again.linear(6)])
        for (name, head, status), environment in reversed(
            list(zip(heads, environments, strict=True))
        ):
            finished = f"2025-03-{10 + int(name[1:]):02d}T10:00:00Z"
            await load(store, again.deployment(name, head, finished, status, environment))
        assert await shipped(store, again) == expected
    # A stale mark spelled in another case (left by an earlier version) is recomputed
    # and cleared like any other.
    await store.write(MARK_STALE_AS, id=again.id("repo"), environments=["Production"])
    await load(store, [node("Product", again.id("other"), name="Other")])
    assert await shipped(store, again) == expected
    assert await store.read(STALE_MARKS) == []


async def test_a_parent_link_arriving_later_reaches_the_deployments_that_need_it(
    store: GraphStore,
) -> None:
    repo = Repo()
    # c2's parent link is missing at first: d1 (head c2) ships only c2.
    await load(
        store,
        [
            *repo.base(),
            *repo.commit("c0"),
            *repo.commit("c1", "c0", day=2),
            *repo.commit("c2", day=3),
            *repo.deployment("d1", "c2", "2025-03-05T10:00:00Z"),
        ],
    )
    assert await shipped(store, repo) == {"d1": {"c2"}}
    # The link c2 -> c1 arrives: d1 now ships c0 c1 c2.
    await load(store, [rel("PARENT", ("Commit", repo.id("c2")), ("Commit", repo.id("c1")))])
    assert await shipped(store, repo) == {"d1": {"c0", "c1", "c2"}}


async def test_a_commit_arriving_in_its_repository_later_is_walked_through(
    store: GraphStore,
) -> None:
    repo = Repo()
    # c0 <- c1 <- c2, but c1 is in no repository at first: the walk from c2 stops there.
    c1 = repo.id("c1")
    await load(
        store,
        [
            *repo.base(),
            *repo.commit("c0"),
            node("Commit", c1, message="c1", authoredAt="2025-03-02T09:00:00Z"),
            rel("PARENT", ("Commit", c1), ("Commit", repo.id("c0"))),
            *repo.commit("c2", "c1", day=3),
            *repo.deployment("d1", "c2", "2025-03-05T10:00:00Z"),
        ],
    )
    assert await shipped(store, repo) == {"d1": {"c2"}}
    # c1 is IN_REPO now: d1 ships c0 c1 c2.
    await load(store, [rel("IN_REPO", ("Commit", c1), ("Repository", repo.id("repo")))])
    assert await shipped(store, repo) == {"d1": {"c0", "c1", "c2"}}


async def test_an_in_progress_deployment_ships_when_it_succeeds(store: GraphStore) -> None:
    repo = Repo()
    await load(
        store,
        [
            *repo.base(),
            *repo.linear(3),
            *repo.deployment("d1", "c0", "2025-03-02T10:00:00Z"),
            *repo.deployment("d2", "c2", "2025-03-04T10:00:00Z", status="in_progress"),
        ],
    )
    assert await shipped(store, repo) == {"d1": {"c0"}}
    await load(store, repo.deployment("d2", "c2", "2025-03-04T10:00:00Z"))
    assert await shipped(store, repo) == {"d1": {"c0"}, "d2": {"c1", "c2"}}


async def test_links_arriving_after_the_node_and_a_deployment_moved_later(
    store: GraphStore,
) -> None:
    repo = Repo()
    # Nodes first, links in later batches (as a long stream is cut into chunks):
    # c0 <- ... <- c5; d1 (c1), d2 (c3), d3 (c5) on March 10, 12, 14.
    await load(store, [*repo.base(), *repo.linear(6)])
    nodes = [
        [r for r in repo.deployment(name, head, at) if r["record"] == "node"]
        for name, head, at in [
            ("d1", "c1", "2025-03-10T10:00:00Z"),
            ("d2", "c3", "2025-03-12T10:00:00Z"),
            ("d3", "c5", "2025-03-14T10:00:00Z"),
        ]
    ]
    await load(store, [r for batch in nodes for r in batch])

    def deployed(name: str, head: str) -> Record:
        return rel("DEPLOYED", ("Deployment", repo.id(name)), ("Commit", repo.id(head)))

    def given(name: str, commit: str) -> Record:
        return rel("SHIPPED", ("Deployment", repo.id(name)), ("Commit", repo.id(commit)))

    await load(store, [deployed("d1", "c1"), deployed("d2", "c3"), given("d1", "c0")])
    assert await shipped(store, repo) == {"d1": {"c0", "c1"}, "d2": {"c2", "c3"}}
    # d3's head and a wrong SHIPPED claim (c0, d1's) arrive: d3 ships c4 c5 only.
    await load(store, [deployed("d3", "c5"), given("d3", "c0")])
    assert await shipped(store, repo) == {
        "d1": {"c0", "c1"},
        "d2": {"c2", "c3"},
        "d3": {"c4", "c5"},
    }
    # d1's node again, finished later (March 13, between d2 and d3): it moved. d2 now
    # comes first and ships c0..c3; d1's head is shipped already, so it ships nothing;
    # d3 keeps c4 c5.
    await load(store, repo.deployment("d1", "c1", "2025-03-13T10:00:00Z"))
    assert await shipped(store, repo) == {"d2": commits(0, 3), "d3": {"c4", "c5"}}


# ---------------------------------------------------------------------------------------
# Many links of one deployment, deployments in any order, a derivation that fails
#
# The embedded database failed (EntityNotFound) to delete hundreds of SHIPPED links of
# one deployment in one statement: a big deployment re-imported as failed, or
# deployments arriving after later ones of their chain. Hourly timestamps here, so that
# histories can be long.

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def hour(h: int) -> str:
    return (T0 + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")


def long_history(repo: Repo, count: int) -> list[Record]:
    """c0 <- c1 <- ... <- c(count-1), commit ci authored at hour i."""
    out: list[Record] = []
    for i in range(count):
        c = repo.id(f"c{i}")
        out += [
            node("Commit", c, message=f"c{i}", authoredAt=hour(i)),
            rel("IN_REPO", ("Commit", c), ("Repository", repo.id("repo"))),
        ]
        if i:
            out.append(rel("PARENT", ("Commit", c), ("Commit", repo.id(f"c{i - 1}"))))
    return out


def deploy(repo: Repo, name: str, head: int, at: int, status: str = "success") -> list[Record]:
    """Deployment `name` of commit c<head>, finished at hour `at`."""
    d = repo.id(name)
    return [
        node(
            "Deployment",
            d,
            environment="production",
            status=status,
            startedAt=hour(at),
            finishedAt=hour(at),
        ),
        rel("DEPLOYED", ("Deployment", d), ("Commit", repo.id(f"c{head}"))),
    ]


def commits(first: int, last: int) -> set[str]:
    """c<first> .. c<last>, both included."""
    return {f"c{i}" for i in range(first, last + 1)}


def sizes(found: Mapping[str, Iterable[str]]) -> dict[str, int]:
    return {d: len(set(c)) for d, c in found.items()}


async def test_a_deployment_of_hundreds_of_commits_fails_and_succeeds_again(
    store: GraphStore,
) -> None:
    repo = Repo()
    await load(store, [*repo.base(), *long_history(repo, 700)])
    # d1 ships c0..c650 (651 commits), d2 the 49 after.
    await load(store, [*deploy(repo, "d1", 650, 1000), *deploy(repo, "d2", 699, 1001)])
    assert await shipped(store, repo) == {"d1": commits(0, 650), "d2": commits(651, 699)}
    # d1 failed after all: its 651 links go, d2 ships everything.
    await load(store, deploy(repo, "d1", 650, 1000, status="failure"))
    assert await shipped(store, repo) == {"d2": commits(0, 699)}
    # And succeeded after all: 651 of d2's 700 links move back.
    await load(store, deploy(repo, "d1", 650, 1000))
    assert await shipped(store, repo) == {"d1": commits(0, 650), "d2": commits(651, 699)}


async def test_deployments_arriving_in_any_order_converge(store: GraphStore) -> None:
    repo = Repo()
    await load(store, [*repo.base(), *long_history(repo, 1000)])
    # d<k> deploys c<10k+9> at hour 2000+k: it ships c<10k> .. c<10k+9> (d0 from c0).
    order = list(range(100))
    random.Random(21).shuffle(order)
    for start in range(0, len(order), 20):
        group = order[start : start + 20]
        await load(store, [r for k in group for r in deploy(repo, f"d{k}", 10 * k + 9, 2000 + k)])
    expected = {f"d{k}": commits(10 * k, 10 * k + 9) for k in range(100)}
    assert await shipped(store, repo) == expected
    # The last deployment alone first would ship all 1000, so deliver it again after an
    # early one failed: d0 failing gives its 10 commits to d1.
    await load(store, deploy(repo, "d0", 9, 2000, status="failure"))
    del expected["d0"]
    expected["d1"] = commits(0, 19)
    assert await shipped(store, repo) == expected


# A statement that always fails, after the ones before it in its transaction ran: it
# creates a repository whose id exists (the uniqueness constraint refuses it).
DUPLICATE_REPOSITORY = parse(
    "test/duplicate_repository",
    "// cardinality: write\nCREATE (:Repository {id: $id, name: 'duplicate'})",
)


async def test_a_failed_chain_is_left_as_it_was_and_finished_by_the_next_import(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repo()
    await load(store, [*repo.base(), *long_history(repo, 700)])
    await load(store, deploy(repo, "d2", 699, 1001))
    assert await shipped(store, repo) == {"d2": commits(0, 699)}

    # d1 arrives late, and the chain's transaction fails after its deletes and creates
    # ran (in chunks of 50): nothing of it stays, and the chain stays marked stale.
    original = GraphStore.write_together

    async def failing(self: GraphStore, statements: Any, **kwargs: Any) -> Any:
        statements = list(statements)
        if statements[-1][0] is shipped_module.CLEAR_STALE:  # the chain's transaction
            statements.append((DUPLICATE_REPOSITORY, {"id": repo.id("repo")}))
        return await original(self, statements, **kwargs)

    monkeypatch.setattr(GraphStore, "write_together", failing)
    with pytest.raises(Exception, match=r"(?i)duplicate|unique|constraint|exists"):
        await ingest(store, parse_objects(deploy(repo, "d1", 650, 1000)), batch_size=50)
    monkeypatch.undo()
    assert await shipped(store, repo) == {"d2": commits(0, 699)}
    marks = await store.read(STALE_MARKS)
    assert [(r["repository"], r["environments"]) for r in marks] == [
        (repo.id("repo"), ["production"])
    ]

    # Any later import, even one that touches no deployment, finishes the chain.
    await load(store, [node("Product", repo.id("other"), name="Other")])
    assert await shipped(store, repo) == {"d1": commits(0, 650), "d2": commits(651, 699)}
    assert await store.read(STALE_MARKS) == []


async def test_a_deployment_with_heads_in_two_repositories_ships_from_both(
    store: GraphStore,
) -> None:
    api, web = Repo(), Repo()
    # One deployment d of api's a9 and web's w9 (each c0..c9 of its repository); then
    # earlier deployments of each arrive late: d keeps the rest of both.
    both = [
        node(
            "Deployment",
            api.id("d"),
            environment="production",
            status="success",
            startedAt=hour(100),
            finishedAt=hour(100),
        ),
        rel("DEPLOYED", ("Deployment", api.id("d")), ("Commit", api.id("c9"))),
        rel("DEPLOYED", ("Deployment", api.id("d")), ("Commit", web.id("c9"))),
    ]
    await load(
        store, [*api.base(), *web.base(), *long_history(api, 10), *long_history(web, 10), *both]
    )
    found = {(r["deployment"], r["commit"]) for r in await store.read(ALL_SHIPPED)}
    assert found == {(api.id("d"), x.id(f"c{i}")) for x in (api, web) for i in range(10)}
    await load(store, deploy(web, "e", 4, 50))
    await load(store, deploy(api, "e", 6, 60))
    found = {(r["deployment"], r["commit"]) for r in await store.read(ALL_SHIPPED)}
    assert found == {
        *((api.id("d"), web.id(f"c{i}")) for i in range(5, 10)),
        *((api.id("d"), api.id(f"c{i}")) for i in range(7, 10)),
        *((web.id("e"), web.id(f"c{i}")) for i in range(5)),
        *((api.id("e"), api.id(f"c{i}")) for i in range(7)),
    }


# ---------------------------------------------------------------------------------------
# Incident attribution


def incident(repo: Repo, name: str, created: str, **extra: str) -> list[Record]:
    i = repo.id(name)
    return [
        node("Incident", i, title=name, severity="SEV2", createdAt=created, **extra),
        rel("AFFECTS", ("Incident", i), ("Product", repo.id("product"))),
    ]


async def causes(store: GraphStore, repo: Repo) -> dict[str, tuple[str, bool]]:
    cut = len(repo.prefix) + 1
    return {
        r["incident"][cut:]: (r["deployment"][cut:], r["inferred"])
        for r in await store.read(ALL_CAUSES)
        if r["incident"].startswith(repo.prefix)
    }


async def test_incidents_keep_explicit_causes_and_get_inferred_ones(store: GraphStore) -> None:
    repo = Repo()
    await load(
        store,
        [
            *repo.base(),
            *repo.linear(4),
            *repo.deployment("d1", "c1", "2025-03-10T10:00:00Z"),
            *repo.deployment("d2", "c2", "2025-03-11T10:00:00Z", status="failure"),
            *repo.deployment("d3", "c3", "2025-03-12T10:00:00Z"),
            *repo.deployment("s1", "c3", "2025-03-11T12:00:00Z", environment="staging"),
            # Explicit: kept as given, even though d3 is later and closer.
            *incident(repo, "explicit", "2025-03-12T11:00:00Z"),
            rel("CAUSED_BY", ("Incident", repo.id("explicit")), ("Deployment", repo.id("d1"))),
            # Created on Mar 11 12:00: d2 failed, s1 is staging, so d1 (Mar 10) is latest.
            *incident(repo, "after-failure", "2025-03-11T12:00:00Z"),
            # Created exactly when d3 finished: strictly before excludes d3 -> d1.
            *incident(repo, "at-finish", "2025-03-12T10:00:00Z"),
            # One second later: d3.
            *incident(repo, "after-d3", "2025-03-12T10:00:01Z"),
            # Before any deployment: no cause.
            *incident(repo, "too-early", "2025-03-01T00:00:00Z"),
            # A staging incident: the staging deployment s1 (Mar 11 12:00) is the latest.
            *incident(repo, "staging", "2025-03-13T00:00:00Z", environment="staging"),
        ],
    )
    assert await causes(store, repo) == {
        "explicit": ("d1", False),
        "after-failure": ("d1", True),
        "at-finish": ("d1", True),
        "after-d3": ("d3", True),
        "staging": ("s1", True),
    }


async def test_inferred_causes_match_environments_as_dora_reads_them(store: GraphStore) -> None:
    repo = Repo()
    await load(
        store,
        [
            *repo.base(),
            *repo.linear(4),
            # Production (p1, Mar 10 10:00), prod-eu (p2, Mar 11 10:00): both match the
            # production pattern (?i)prod.*; preprod (x1, Mar 12 10:00) does not; Staging
            # (s1, Mar 12 12:00) is its own environment.
            *repo.deployment("p1", "c1", "2025-03-10T10:00:00Z", environment="Production"),
            *repo.deployment("p2", "c2", "2025-03-11T10:00:00Z", environment="prod-eu"),
            *repo.deployment("x1", "c3", "2025-03-12T10:00:00Z", environment="preprod"),
            *repo.deployment("s1", "c3", "2025-03-12T12:00:00Z", environment="Staging"),
            # No environment: production by the pattern. Mar 10 12:00: p1.
            *incident(repo, "none-early", "2025-03-10T12:00:00Z"),
            # Mar 13: p2 (prod-eu) is the latest production one; x1, s1 are not.
            *incident(repo, "none-late", "2025-03-13T00:00:00Z"),
            # `PRODUCTION`: the same as none. Mar 11 12:00: p2.
            *incident(repo, "named-production", "2025-03-11T12:00:00Z", environment="PRODUCTION"),
            # Any other name matches itself in any case: staging -> s1, Prod-EU -> p2
            # (not p1), PreProd -> x1.
            *incident(repo, "staging", "2025-03-13T00:00:00Z", environment="staging"),
            *incident(repo, "prod-eu", "2025-03-13T00:00:00Z", environment="Prod-EU"),
            *incident(repo, "preprod", "2025-03-13T00:00:00Z", environment="PreProd"),
            # Before any deployment: none.
            *incident(repo, "none-too-early", "2025-03-10T09:00:00Z"),
            # An environment no deployment has: none.
            *incident(repo, "qa", "2025-03-13T00:00:00Z", environment="qa"),
        ],
    )
    expected = {
        "none-early": ("p1", True),
        "none-late": ("p2", True),
        "named-production": ("p2", True),
        "staging": ("s1", True),
        "prod-eu": ("p2", True),
        "preprod": ("x1", True),
    }
    assert await causes(store, repo) == expected
    # A production deployment spelled PROD arrives late (Mar 12 18:00): the incidents of
    # production created after it move to it; the others stay.
    await load(store, repo.deployment("p3", "c3", "2025-03-12T18:00:00Z", environment="PROD"))
    assert await causes(store, repo) == {**expected, "none-late": ("p3", True)}


async def test_inferred_causes_follow_late_deployments_and_yield_to_explicit_ones(
    store: GraphStore,
) -> None:
    repo = Repo()
    await load(
        store,
        [
            *repo.base(),
            *repo.linear(3),
            *repo.deployment("d1", "c0", "2025-03-10T10:00:00Z"),
            *incident(repo, "inc", "2025-03-12T12:00:00Z"),
        ],
    )
    assert await causes(store, repo) == {"inc": ("d1", True)}
    # A deployment that finished Mar 12 at 11:00 is ingested late: it is the cause now.
    await load(store, repo.deployment("d2", "c1", "2025-03-12T11:00:00Z"))
    assert await causes(store, repo) == {"inc": ("d2", True)}
    # The incident tool names d1 after all: the inferred cause goes, the explicit stays.
    explicit = [rel("CAUSED_BY", ("Incident", repo.id("inc")), ("Deployment", repo.id("d1")))]
    await load(store, explicit)
    assert await causes(store, repo) == {"inc": ("d1", False)}
    await load(store, explicit)  # idempotent
    assert await causes(store, repo) == {"inc": ("d1", False)}


async def test_an_explicit_record_for_the_inferred_pair_makes_it_explicit(
    store: GraphStore,
) -> None:
    repo = Repo()
    await load(
        store,
        [
            *repo.base(),
            *repo.linear(1),
            *repo.deployment("d1", "c0", "2025-03-10T10:00:00Z"),
            *incident(repo, "inc", "2025-03-12T12:00:00Z"),
        ],
    )
    assert await causes(store, repo) == {"inc": ("d1", True)}
    await load(
        store, [rel("CAUSED_BY", ("Incident", repo.id("inc")), ("Deployment", repo.id("d1")))]
    )
    assert await causes(store, repo) == {"inc": ("d1", False)}


async def test_hundreds_of_inferred_causes_move_to_a_late_deployment_and_back(
    store: GraphStore,
) -> None:
    repo = Repo()
    # 400 incidents at hours 102..501, all after d1 (hour 100): each is inferred to d1.
    incidents: list[Record] = []
    for k in range(400):
        i = repo.id(f"i{k}")
        incidents += [
            node("Incident", i, title=f"i{k}", severity="SEV3", createdAt=hour(102 + k)),
            rel("AFFECTS", ("Incident", i), ("Product", repo.id("product"))),
        ]
    await load(
        store, [*repo.base(), *long_history(repo, 3), *deploy(repo, "d1", 0, 100), *incidents]
    )
    assert await causes(store, repo) == {f"i{k}": ("d1", True) for k in range(400)}
    # d2, finished at hour 101, arrives late: every cause moves to it, d1 loses 400 links.
    await load(store, deploy(repo, "d2", 1, 101))
    assert await causes(store, repo) == {f"i{k}": ("d2", True) for k in range(400)}
    # d2 failed after all: back to d1.
    await load(store, deploy(repo, "d2", 1, 101, status="failure"))
    assert await causes(store, repo) == {f"i{k}": ("d1", True) for k in range(400)}


# ---------------------------------------------------------------------------------------
# The demo organisation


async def test_derived_shipped_and_causes_equal_the_demos_own(store: GraphStore) -> None:
    records, truth = generate(
        DemoConfig(work_items=400, seed=3, until=datetime(2025, 6, 1, tzinfo=UTC))
    )
    given_shipped: set[tuple[str, str]] = set()
    given_causes: set[tuple[str, str]] = set()
    kept = []
    for record in records:
        # Left out: derivation must find SHIPPED, and the causes, on its own.
        if isinstance(record, RelationshipRecord) and record.type is RelType.SHIPPED:
            given_shipped.add((record.start.id, record.end.id))
        elif isinstance(record, RelationshipRecord) and record.type is RelType.CAUSED_BY:
            given_causes.add((record.start.id, record.end.id))
        else:
            kept.append(record)
    await ingest(store, kept)
    derived = {(r["deployment"], r["commit"]) for r in await store.read(ALL_SHIPPED)}
    assert len(given_shipped) > 1000
    assert derived == given_shipped
    # The demo places each incident after its cause and before the product's next
    # successful production deployment, so the rule must find every cause it names.
    inferred = {(r["incident"], r["deployment"]) for r in await store.read(ALL_CAUSES)}
    assert len(given_causes) >= 5
    assert given_causes <= inferred
    assert len(truth.products) == 6
