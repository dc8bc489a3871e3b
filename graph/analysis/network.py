"""Analyses of a value stream's dependencies as pure functions over networkx graphs.

graph/analysis/load.py loads the subgraphs (in a few queries); everything here takes
plain data or an `nx.DiGraph` and returns frozen dataclasses, so each analysis has a
literal-graph unit test. docs/analysis.md states every rule; in short:

- **Team network**: a directed graph of teams where an edge A → B means *A waits on B*:
  an item A owns is `BLOCKED_BY` an item B owns, B works the stage before one A works (a
  hand-off), or A `DEPENDS_ON` B. Who works a stage: the team owning the most items
  that visited it in the window. Betweenness centrality (unweighted, normalised) says
  who sits between others; the most-waited-on team is the one the most other teams wait
  on (ties: more waits, then id).
- **Critical path**: through the open `BLOCKED_BY` chains (edge blocker → blocked), the
  chain with the largest sum of expected remaining days, each item counting
  max(median flow time - its age, floor). A cycle cannot be finished in any order; on the
  path it counts once, as all its items.
- **Cycles**: elementary cycles of the team network and of the open blocking graph.
- **Traceability gaps**: deployed commits with no work item; done features none of whose
  stories (or itself) reached a deployment; deployed features with no feedback. Whether a
  link exists is asked of the database (graph/analysis/load.py, `load_delivery`: each
  commit and feature answered whole, where a graph of every link cost seconds); what is
  here sorts its answers into the three lists.
- **Skill gaps**: a stage's needed skill level that no member of the teams working
  there reaches; the constraint's gaps first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

# Node attribute name of the blocking graph below.
REMAINING = "remaining"

#: Cycles reported at most, and their longest length (cycle enumeration is exponential).
MAX_CYCLES = 20
MAX_CYCLE_LENGTH = 8


# ---------------------------------------------------------------------------------------
# Team network


@dataclass(frozen=True)
class TeamWait:
    """An edge of the team network: `team` waits on `on`, and why."""

    team: str
    on: str
    blocked: int
    handoffs: int
    depends: bool

    @property
    def weight(self) -> int:
        """Waits counted: blocked items + hand-offs + 1 for a declared dependency."""
        return self.blocked + self.handoffs + int(self.depends)


@dataclass(frozen=True)
class TeamCentrality:
    """A team in the network: betweenness and who waits on it."""

    team: str
    betweenness: float
    waited_on_by: int
    waits: int


@dataclass(frozen=True)
class TeamNetwork:
    """The team dependency network of a value stream."""

    teams: tuple[TeamCentrality, ...]
    edges: tuple[TeamWait, ...]
    most_waited_on: TeamCentrality | None
    cycles: tuple[tuple[str, ...], ...]


def stage_teams(visiting: Mapping[str, Mapping[str, int]]) -> dict[str, str]:
    """Who works each stage: the team owning the most items that visited it (ties: the
    smaller id). `visiting`: per stage, per owner team, the items that visited it.

    Examples:
        >>> stage_teams({"build": {"core": 5, "web": 7}, "test": {"qa": 2, "core": 2}})
        {'build': 'web', 'test': 'core'}
    """
    return {
        stage: min(per_team.items(), key=lambda tc: (-tc[1], tc[0]))[0]
        for stage, per_team in visiting.items()
        if per_team
    }


def handoffs(
    moves: Mapping[tuple[str, str], int], teams: Mapping[str, str]
) -> Counter[tuple[str, str]]:
    """Per (waiting team, team waited on): the moves of items from a stage one team
    works to a stage another works (the later team waits on the earlier). `moves`: per
    (stage left, stage entered), how many times an item went straight from one to the
    other.

    Examples:
        Items went from build (core) to test (qa) 4 times: qa waits on core.

        >>> handoffs({("build", "test"): 4, ("test", "done"): 3}, {"build": "core", "test": "qa"})
        Counter({('qa', 'core'): 4})
    """
    out: Counter[tuple[str, str]] = Counter()
    for (a, b), n in moves.items():
        ta, tb = teams.get(a), teams.get(b)
        if ta is not None and tb is not None and ta != tb:
            out[(tb, ta)] += n
    return out


def team_graph(
    blocked: Iterable[tuple[str, str]],
    handoff_counts: Mapping[tuple[str, str], int],
    depends_on: Iterable[tuple[str, str]],
) -> nx.DiGraph[str]:
    """The team network: `blocked` holds (team of the blocked item, team of its
    blocker) per cross-team BLOCKED_BY, `depends_on` (team, team it depends on)."""
    g: nx.DiGraph[str] = nx.DiGraph()

    def edge(a: str, b: str) -> dict[str, int]:
        if not g.has_edge(a, b):
            g.add_edge(a, b, blocked=0, handoffs=0, depends=0)
        data: dict[str, int] = g.edges[a, b]
        return data

    for a, b in blocked:
        if a != b:
            edge(a, b)["blocked"] += 1
    for (a, b), n in handoff_counts.items():
        if a != b:
            edge(a, b)["handoffs"] += n
    for a, b in depends_on:
        if a != b:
            edge(a, b)["depends"] = 1
    return g


def elementary_cycles(g: nx.DiGraph[str], limit: int = MAX_CYCLES) -> tuple[tuple[str, ...], ...]:
    """Up to `limit` elementary cycles of at most MAX_CYCLE_LENGTH nodes, each starting
    at its smallest node, shortest first."""
    found = []
    for cycle in nx.simple_cycles(g, length_bound=MAX_CYCLE_LENGTH):
        start = cycle.index(min(cycle))
        found.append(tuple(cycle[start:] + cycle[:start]))
        if len(found) >= 10 * limit:
            break
    found.sort(key=lambda c: (len(c), c))
    return tuple(found[:limit])


def team_network(g: nx.DiGraph[str]) -> TeamNetwork:
    """Betweenness, waits and the most-waited-on team of a team network."""
    betweenness = nx.betweenness_centrality(g, normalized=True) if len(g) else {}
    teams = tuple(
        TeamCentrality(
            team=t,
            betweenness=float(betweenness.get(t, 0.0)),
            waited_on_by=g.in_degree(t),
            waits=sum(
                d["blocked"] + d["handoffs"] + d["depends"] for _, _, d in g.in_edges(t, data=True)
            ),
        )
        for t in sorted(g.nodes)
    )
    edges = tuple(
        TeamWait(a, b, d["blocked"], d["handoffs"], bool(d["depends"]))
        for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1]))
    )
    ranked = sorted(teams, key=lambda t: (-t.waited_on_by, -t.waits, t.team))
    top = ranked[0] if ranked and ranked[0].waited_on_by > 0 else None
    return TeamNetwork(teams, edges, top, elementary_cycles(g))


# ---------------------------------------------------------------------------------------
# Critical path through open BLOCKED_BY chains


@dataclass(frozen=True)
class CriticalPath:
    """The open blocking chain with the most expected remaining days, first blocker first;
    `cycles` are the blocking cycles among open items."""

    items: tuple[str, ...]
    days: float
    cycles: tuple[tuple[str, ...], ...]


def remaining_days(age: float | None, median_flow_time: float, floor: float = 1.0) -> float:
    """Expected days left of an open item: median flow time - its age (not started: the
    whole median), never below `floor`.

    Examples:
        >>> remaining_days(3.0, 10.0), remaining_days(None, 10.0), remaining_days(12.0, 10.0)
        (7.0, 10.0, 1.0)
    """
    return max(median_flow_time - (age or 0.0), floor)


def blocking_graph(
    blocked_by: Iterable[tuple[str, str]], remaining: Mapping[str, float]
) -> nx.DiGraph[str]:
    """Edges blocker → blocked for each (item, its blocker) where both are open (have a
    `remaining`), nodes weighted by their remaining days."""
    g: nx.DiGraph[str] = nx.DiGraph()
    for item, blocker in blocked_by:
        if item in remaining and blocker in remaining:
            g.add_node(item, **{REMAINING: remaining[item]})
            g.add_node(blocker, **{REMAINING: remaining[blocker]})
            g.add_edge(blocker, item)
    return g


def critical_path(g: nx.DiGraph[str]) -> CriticalPath:
    """The chain of `g` (blocker → blocked, nodes weighted by `remaining`) with the most
    remaining days; a strongly connected component counts as one step of all its items.
    Of equal chains, the one whose items sort first wins, so the answer is stable.

    Examples:
        A blocks B and C; B (5 days left) outweighs C (2):

        >>> g = blocking_graph([("B", "A"), ("C", "A")], {"A": 3.0, "B": 5.0, "C": 2.0})
        >>> path = critical_path(g)
        >>> path.items, path.days
        (('A', 'B'), 8.0)
    """
    if not len(g):
        return CriticalPath((), 0.0, ())
    dag = nx.condensation(g)
    members = {c: tuple(sorted(dag.nodes[c]["members"])) for c in dag.nodes}
    best: dict[int, tuple[float, tuple[str, ...]]] = {}
    for c in nx.topological_sort(dag):
        weight = sum(g.nodes[n][REMAINING] for n in members[c])
        prior = _longest(best[p] for p in dag.predecessors(c))
        best[c] = (prior[0] + weight, prior[1] + members[c])
    days, items = _longest(best.values())
    return CriticalPath(items, round(days, 6), elementary_cycles(g))


def _longest(paths: Iterable[tuple[float, tuple[str, ...]]]) -> tuple[float, tuple[str, ...]]:
    chosen: tuple[float, tuple[str, ...]] = (0.0, ())
    for days, items in paths:
        longer = days > chosen[0] + 1e-9
        tied = abs(days - chosen[0]) <= 1e-9 and items < chosen[1]
        if longer or tied or not chosen[1]:
            chosen = (days, items)
    return chosen


# ---------------------------------------------------------------------------------------
# Traceability gaps


@dataclass(frozen=True)
class TraceabilityGaps:
    """Where the chain from work to customer is broken."""

    commits_without_work_item: tuple[str, ...]
    done_features_not_deployed: tuple[str, ...]
    deployed_features_without_feedback: tuple[str, ...]


def traceability_gaps(
    unlinked_commits: Iterable[str], features: Iterable[tuple[str, bool, bool]]
) -> TraceabilityGaps:
    """The three gaps, each in id order, from what the delivery read found: the deployed
    commits that implement no work item, and per done feature (id, deployed, heard):
    whether a deployed commit implements it or a descendant, and whether feedback is
    about it."""
    done = sorted(set(features))
    return TraceabilityGaps(
        tuple(sorted(set(unlinked_commits))),
        tuple(f for f, deployed, _ in done if not deployed),
        tuple(f for f, deployed, heard in done if deployed and not heard),
    )


# ---------------------------------------------------------------------------------------
# Skill gaps


@dataclass(frozen=True)
class SkillNeed:
    """A stage needs a skill at a level (NEEDS_SKILL)."""

    stage: str
    skill: str
    level: int


@dataclass(frozen=True)
class SkillGap:
    """A stage's needed skill level that no member of its teams reaches."""

    stage: str
    skill: str
    needed: int
    best: int
    teams: tuple[str, ...]
    at_constraint: bool

    @property
    def shortfall(self) -> int:
        """Levels missing: needed - the best level among the teams' members."""
        return self.needed - self.best


def skill_gaps(
    needs: Iterable[SkillNeed],
    teams_at: Mapping[str, Sequence[str]],
    team_skills: Mapping[str, Mapping[str, int]],
    constraint: str | None = None,
) -> tuple[SkillGap, ...]:
    """The needs that no member of the stage's teams covers (`team_skills`: per team, the
    best level of each skill among its members), the constraint's first, then by
    shortfall, stage and skill. A stage no team works has every need uncovered."""
    gaps = []
    for need in needs:
        teams = tuple(sorted(teams_at.get(need.stage, ())))
        best = max((team_skills.get(t, {}).get(need.skill, 0) for t in teams), default=0)
        if best < need.level:
            gaps.append(
                SkillGap(need.stage, need.skill, need.level, best, teams, need.stage == constraint)
            )
    gaps.sort(key=lambda g: (not g.at_constraint, -g.shortfall, g.stage, g.skill))
    return tuple(gaps)


def working_teams(
    visiting: Mapping[str, Mapping[str, int]], share: float = 0.1
) -> dict[str, list[str]]:
    """Per stage, the teams owning at least `share` of the items that visited it.

    Examples:
        >>> working_teams({"build": {"core": 18, "web": 1, "qa": 3}})
        {'build': ['core', 'qa']}
    """
    out = {}
    for stage, per_team in visiting.items():
        total = sum(per_team.values())
        out[stage] = sorted(t for t, n in per_team.items() if total and n / total >= share)
    return out
