"""GraphQL types of the value-stream analyses: constraint, team network, critical path,
traceability gaps, forecast, recommendations, skill gaps and the team skill matrix.

`ValueStream` and `Team` carry the fields; they call the resolver functions at the
bottom, which make one call into graph/ and map the result. Nodes the results mention
are resolved through the request's DataLoaders. Every analysis loads its data with reads
on the event loop and computes through `info.context.run`, the worker pool
(api/compute.py): a team network, blocking graph or delivery graph of a large stream
never holds the loop. Rules: docs/analysis.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.context import Info
from graph.analysis import constraints as cons
from graph.analysis import forecast as simulation
from graph.analysis import network as domain
from graph.analysis import stream as stream_analysis
from graph.analysis.forecast import DEFAULT_HISTORY_DAYS, DEFAULT_SEED, DEFAULT_TRIALS, start_of_day
from graph.analysis.influence import Recommendation as DomainRecommendation
from graph.analysis.influence import RecommendationKind
from graph.analysis.load import PRODUCTION, ForecastScope, StreamWork, load_throughput
from graph.errors import InvalidArgument
from graph.metrics.flow import FlowData, FlowQuery, ScopeKind, Window
from graph.model import Label
from graph.model import Node as DomainNode

if TYPE_CHECKING:
    from api.types.delivery import Commit
    from api.types.organisation import Person, Skill, Team
    from api.types.stream import Stage
    from api.types.work import WorkItem

StageRef = Annotated["Stage", strawberry.lazy("api.types.stream")]
TeamRef = Annotated["Team", strawberry.lazy("api.types.organisation")]
SkillRef = Annotated["Skill", strawberry.lazy("api.types.organisation")]
PersonRef = Annotated["Person", strawberry.lazy("api.types.organisation")]
WorkItemRef = Annotated["WorkItem", strawberry.lazy("api.types.work")]
CommitRef = Annotated["Commit", strawberry.lazy("api.types.delivery")]

MAX_TRIALS = 100_000

strawberry.enum(
    RecommendationKind,
    name="RecommendationKind",
    description="What a recommendation is about.",
)

ANALYSIS_WINDOW = (
    " Window [from, to) in UTC (default: the 90 days up to now); open or done is read as "
    "items stand now."
)
FromArg = Annotated[
    datetime | None,
    strawberry.argument(
        name="from", description="Start of the window, included (default: 90 days before `to`)."
    ),
]
ToArg = Annotated[
    datetime | None,
    strawberry.argument(description="End of the window, excluded (default: now)."),
]


# ---------------------------------------------------------------------------------------
# Loading nodes by id for the results


async def _nodes(info: Info, label: Label, ids: list[str]) -> list[Any]:
    # Any: the GraphQL type follows the label (to_graphql), which mypy cannot see.
    from api.types.convert import to_graphql

    found = await info.context.loaders.node(label).load_many(ids)
    return [to_graphql(n) for n in found if n is not None]


async def _stages(info: Info, ids: list[str]) -> list[Stage]:
    return await _nodes(info, Label.STAGE, ids)


async def _teams(info: Info, ids: list[str]) -> list[Team]:
    return await _nodes(info, Label.TEAM, ids)


async def _items(info: Info, ids: list[str]) -> list[WorkItem]:
    return await _nodes(info, Label.WORK_ITEM, ids)


async def _one(info: Info, label: Label, id: str | None) -> Any:
    if id is None:
        return None
    found = await _nodes(info, label, [id])
    return found[0] if found else None


# ---------------------------------------------------------------------------------------
# Constraint


@strawberry.type(
    description="A work station of a value stream (an active stage with the waiting stages "
    "in front of it, its queue) ranked as a candidate constraint, with its evidence. score "
    "= 0.4*share + 0.2*growth + 0.2*wip + 0.2*time, each divided by the largest among the "
    "stations (a shrinking queue counts 0)."
)
class StationRank:
    stage_id: strawberry.Private[str]
    queue_ids: strawberry.Private[list[str]]
    rank: int = strawberry.field(description="1 for the constraint.")
    flow_time_share: float = strawberry.field(
        description="Share (0..1) of the flow time of the items done in the window spent in "
        "the stage and its queue."
    )
    queue_growth: int = strawberry.field(
        description="Arrivals minus departures over the stage and its queue in the window."
    )
    wip: int = strawberry.field(description="Items in the stage and its queue at `to`.")
    time_in_stage_days: float | None = strawberry.field(
        description="Median days in the queue + median days in the stage (visits that left "
        "in the window); null if none left."
    )
    score: float = strawberry.field(description="The ranking score, 0..1.")
    reason: str = strawberry.field(description="One line with the figures behind the rank.")

    @strawberry.field(description="The active stage (or a waiting stage with no active after).")
    async def stage(self, info: Info) -> StageRef | None:
        stage: Stage | None = await _one(info, Label.STAGE, self.stage_id)
        return stage

    @strawberry.field(description="The waiting stages in front of it, in order.")
    async def queue(self, info: Info) -> list[StageRef]:
        return await _stages(info, self.queue_ids)

    @classmethod
    def from_domain(cls, s: cons.StationRank, rank: int) -> StationRank:
        """Map a ranked station."""
        return cls(
            stage_id=s.stage.id,
            queue_ids=[q.id for q in s.queue],
            rank=rank,
            flow_time_share=s.flow_time_share,
            queue_growth=s.queue_growth,
            wip=s.wip,
            time_in_stage_days=s.time_in_stage,
            score=s.score,
            reason=s.reason,
        )


@strawberry.type(
    description="The constraint (bottleneck) of a value stream: its stations ranked, the "
    "constraint first." + ANALYSIS_WINDOW
)
class ConstraintAnalysis:
    start: datetime = strawberry.field(name="from", description="Start of the window (UTC).")
    end: datetime = strawberry.field(name="to", description="End of the window (UTC).")
    ranking: list[StationRank] = strawberry.field(description="Every station, highest score first.")

    @strawberry.field(description="The top-ranked station; null if the stream has no stations.")
    def constraint(self) -> StationRank | None:
        return self.ranking[0] if self.ranking else None

    @classmethod
    def from_domain(cls, c: cons.Constraints) -> ConstraintAnalysis:
        """Map the ranking."""
        return cls(
            start=c.window.start,
            end=c.window.end,
            ranking=[StationRank.from_domain(s, n) for n, s in enumerate(c.ranking, start=1)],
        )


# ---------------------------------------------------------------------------------------
# Team network


@strawberry.type(description="A team in the dependency network of a value stream.")
class TeamCentrality:
    team_id: strawberry.Private[str]
    betweenness: float = strawberry.field(
        description="Betweenness centrality (normalised, unweighted): the share of shortest "
        "wait paths between other teams that pass through this one."
    )
    waited_on_by: int = strawberry.field(description="How many teams wait on this one.")
    waits: int = strawberry.field(
        description="Waits on this team: blocked items + hand-offs + declared dependencies."
    )

    @strawberry.field(description="The team.")
    async def team(self, info: Info) -> TeamRef | None:
        team: Team | None = await _one(info, Label.TEAM, self.team_id)
        return team

    @classmethod
    def from_domain(cls, t: domain.TeamCentrality) -> TeamCentrality:
        """Map a team's figures."""
        return cls(
            team_id=t.team, betweenness=t.betweenness, waited_on_by=t.waited_on_by, waits=t.waits
        )


@strawberry.type(description="An edge of the team network: `team` waits on `on`, and why.")
class TeamWait:
    team_id: strawberry.Private[str]
    on_id: strawberry.Private[str]
    blocked: int = strawberry.field(
        description="Items of `team` BLOCKED_BY items of `on` (among the stream's items)."
    )
    handoffs: int = strawberry.field(
        description="Moves of an item from a stage `on` works to one `team` works."
    )
    depends_on: bool = strawberry.field(description="Whether `team` DEPENDS_ON `on`.")
    weight: int = strawberry.field(description="blocked + handoffs + 1 if dependsOn.")

    @strawberry.field(description="The team that waits.")
    async def team(self, info: Info) -> TeamRef | None:
        team: Team | None = await _one(info, Label.TEAM, self.team_id)
        return team

    @strawberry.field(description="The team waited on.")
    async def on(self, info: Info) -> TeamRef | None:
        team: Team | None = await _one(info, Label.TEAM, self.on_id)
        return team


@strawberry.type(description="Teams that wait on each other in a loop, in order.")
class TeamCycle:
    team_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The teams of the cycle; the last waits on the first.")
    async def teams(self, info: Info) -> list[TeamRef]:
        return await _teams(info, self.team_ids)

    @strawberry.field(description="Team keys of the cycle, in order.")
    def keys(self) -> list[str]:
        return self.team_ids


@strawberry.type(
    description="Team dependency network of a value stream: A waits on B when an item A "
    "owns is BLOCKED_BY one B owns, when an item moves from a stage B works to one A works "
    "(a stage is worked by the team owning most items that visited it), or when A "
    "DEPENDS_ON B." + ANALYSIS_WINDOW
)
class TeamNetwork:
    teams: list[TeamCentrality] = strawberry.field(description="Every team in the network.")
    edges: list[TeamWait] = strawberry.field(description="Who waits on whom.")
    most_waited_on: TeamCentrality | None = strawberry.field(
        description="The team the most others wait on (ties: more waits); null if none."
    )
    cycles: list[TeamCycle] = strawberry.field(
        description="Loops of teams waiting on each other (up to 20, shortest first)."
    )

    @classmethod
    def from_domain(cls, n: domain.TeamNetwork) -> TeamNetwork:
        """Map the network."""
        top = n.most_waited_on
        return cls(
            teams=[TeamCentrality.from_domain(t) for t in n.teams],
            edges=[
                TeamWait(
                    team_id=e.team,
                    on_id=e.on,
                    blocked=e.blocked,
                    handoffs=e.handoffs,
                    depends_on=e.depends,
                    weight=e.weight,
                )
                for e in n.edges
            ],
            most_waited_on=None if top is None else TeamCentrality.from_domain(top),
            cycles=[TeamCycle(team_ids=list(c)) for c in n.cycles],
        )


# ---------------------------------------------------------------------------------------
# Critical path


@strawberry.type(description="Work items that block each other in a loop, in order.")
class WorkItemCycle:
    keys: list[str] = strawberry.field(description="Keys of the items; the last blocks the first.")

    @strawberry.field(description="The items of the cycle.")
    async def items(self, info: Info) -> list[WorkItemRef]:
        return await _items(info, self.keys)


@strawberry.type(
    description="The critical path: of the chains of open items linked by BLOCKED_BY, the one "
    "with the most expected remaining days, each item counting max(median flow time - its "
    "age, floorDays); a blocking cycle counts once, with all its items." + ANALYSIS_WINDOW
)
class CriticalPath:
    keys: list[str] = strawberry.field(description="Item keys, first blocker first.")
    days: float = strawberry.field(description="Expected remaining days along the path.")
    median_flow_time_days: float = strawberry.field(
        description="The median flow time of the window used for the estimate (0 if none)."
    )
    cycles: list[WorkItemCycle] = strawberry.field(
        description="Blocking cycles among the open items (up to 20)."
    )

    @strawberry.field(description="The items on the path, first blocker first.")
    async def items(self, info: Info) -> list[WorkItemRef]:
        return await _items(info, self.keys)


# ---------------------------------------------------------------------------------------
# Traceability gaps


@strawberry.type(
    description="Where the chain from work to customer breaks in a value stream's product "
    "(deployments to one environment, production by default)." + ANALYSIS_WINDOW
)
class TraceabilityGaps:
    commit_ids: strawberry.Private[list[str]]
    undeployed_ids: strawberry.Private[list[str]]
    no_feedback_ids: strawberry.Private[list[str]]

    @strawberry.field(
        description="Commits shipped by deployments finished in the window that implement no "
        "work item (neither themselves nor through a pull request)."
    )
    async def commits_without_work_item(self, info: Info) -> list[CommitRef]:
        return await _nodes(info, Label.COMMIT, self.commit_ids)

    @strawberry.field(
        description="Features done in the window none of whose stories (or itself) a "
        "deployed commit implements."
    )
    async def done_features_not_deployed(self, info: Info) -> list[WorkItemRef]:
        return await _items(info, self.undeployed_ids)

    @strawberry.field(
        description="Features done in the window and deployed that no feedback is ABOUT."
    )
    async def deployed_features_without_feedback(self, info: Info) -> list[WorkItemRef]:
        return await _items(info, self.no_feedback_ids)

    @strawberry.field(description="How many commits are in commitsWithoutWorkItem.")
    def commits_without_work_item_count(self) -> int:
        return len(self.commit_ids)

    @strawberry.field(description="How many features are in doneFeaturesNotDeployed.")
    def done_features_not_deployed_count(self) -> int:
        return len(self.undeployed_ids)

    @strawberry.field(description="How many features are in deployedFeaturesWithoutFeedback.")
    def deployed_features_without_feedback_count(self) -> int:
        return len(self.no_feedback_ids)


# ---------------------------------------------------------------------------------------
# Forecast


@strawberry.type(
    description="When N items will be done: pXX is the date by which XX% of the simulated "
    "futures were done (the XXth percentile of days), so p85 = an 85% chance of being done "
    "by then; null when that share of trials did not finish within 10 years."
)
class WhenForecast:
    items: int = strawberry.field(description="Items to finish.")
    p50: datetime | None = strawberry.field(description="50% chance of being done by then.")
    p85: datetime | None = strawberry.field(description="85% chance of being done by then.")
    p95: datetime | None = strawberry.field(description="95% chance of being done by then.")


@strawberry.type(
    description="How many items will be done by a date: pXX is the count that XX% of the "
    "simulated futures reached at least, so p85 = an 85% chance of at least that many (the "
    "15th percentile of simulated counts; higher confidence, fewer items)."
)
class HowManyForecast:
    by: datetime = strawberry.field(description="The date asked about.")
    days: int = strawberry.field(description="Whole days from the start up to the date.")
    p50: int = strawberry.field(description="50% chance of at least this many.")
    p85: int = strawberry.field(description="85% chance of at least this many.")
    p95: int = strawberry.field(description="95% chance of at least this many.")


@strawberry.type(
    description="Monte Carlo forecast: each trial draws days at random (with replacement) "
    "from the daily throughput of the history before the start; seeded, so the same "
    "question gives the same answer."
)
class Forecast:
    start: datetime = strawberry.field(description="The forecast counts days from here (UTC).")
    samples: list[int] = strawberry.field(
        description="Items done on each UTC day of the history, oldest first."
    )
    mean_daily: float = strawberry.field(description="Mean of the samples.")
    trials: int = strawberry.field(description="Simulated futures.")
    when: WhenForecast | None = strawberry.field(description="Null unless `items` was asked.")
    how_many: HowManyForecast | None = strawberry.field(description="Null unless `by` was asked.")

    @classmethod
    def from_domain(cls, f: stream_analysis.Forecast, trials: int) -> Forecast:
        """Map the forecast."""
        w, h = f.when, f.how_many
        return cls(
            start=f.start,
            samples=list(f.samples),
            mean_daily=sum(f.samples) / len(f.samples),
            trials=trials,
            when=None
            if w is None
            else WhenForecast(items=w.items, p50=w.p50, p85=w.p85, p95=w.p95),
            how_many=None
            if h is None
            else HowManyForecast(by=h.by, days=h.days, p50=h.p50, p85=h.p85, p95=h.p95),
        )


# ---------------------------------------------------------------------------------------
# Recommendations and skills


@strawberry.type(description="A concrete suggestion from the analyses, with its evidence.")
class Recommendation:
    kind: RecommendationKind = strawberry.field(description="What it is about.")
    title: str = strawberry.field(description="What to do.")
    evidence: str = strawberry.field(description="The figures behind it.")
    stage_ids: strawberry.Private[list[str]]
    team_ids: strawberry.Private[list[str]]
    item_keys: list[str] = strawberry.field(description="Keys of the work items concerned.")

    @strawberry.field(description="Stages concerned (raise a backlog item from one).")
    async def stages(self, info: Info) -> list[StageRef]:
        return await _stages(info, self.stage_ids)

    @strawberry.field(description="Teams concerned.")
    async def teams(self, info: Info) -> list[TeamRef]:
        return await _teams(info, self.team_ids)

    @classmethod
    def from_domain(cls, r: DomainRecommendation) -> Recommendation:
        """Map a recommendation."""
        return cls(
            kind=r.kind,
            title=r.title,
            evidence=r.evidence,
            stage_ids=list(r.stages),
            team_ids=list(r.teams),
            item_keys=list(r.items),
        )


@strawberry.type(description="A skill level a stage needs that no member of its teams reaches.")
class SkillGap:
    stage_id: strawberry.Private[str]
    skill_id: strawberry.Private[str]
    team_ids: strawberry.Private[list[str]]
    needed: int = strawberry.field(description="Level the stage needs (NEEDS_SKILL), 1-5.")
    best: int = strawberry.field(
        description="Best level among the members of the stage's teams (0: nobody has it)."
    )
    shortfall: int = strawberry.field(description="needed - best.")
    at_constraint: bool = strawberry.field(description="Whether the stage is the constraint.")

    @strawberry.field(description="The stage.")
    async def stage(self, info: Info) -> StageRef | None:
        stage: Stage | None = await _one(info, Label.STAGE, self.stage_id)
        return stage

    @strawberry.field(description="The skill.")
    async def skill(self, info: Info) -> SkillRef | None:
        skill: Skill | None = await _one(info, Label.SKILL, self.skill_id)
        return skill

    @strawberry.field(
        description="Teams working the stage: owning at least 10% of the items that were in "
        "the stream in the window and visited it."
    )
    async def teams(self, info: Info) -> list[TeamRef]:
        return await _teams(info, self.team_ids)

    @classmethod
    def from_domain(cls, g: domain.SkillGap) -> SkillGap:
        """Map a gap."""
        return cls(
            stage_id=g.stage,
            skill_id=g.skill,
            team_ids=list(g.teams),
            needed=g.needed,
            best=g.best,
            shortfall=g.shortfall,
            at_constraint=g.at_constraint,
        )


@strawberry.type(description="A member of a team and their level of each skill of the matrix.")
class SkillMatrixRow:
    person_id: strawberry.Private[str]
    levels: list[int | None] = strawberry.field(
        description="Level (1-5) of each skill, in the order of SkillMatrix.skills; null "
        "where the person lacks it."
    )

    @strawberry.field(description="The person.")
    async def person(self, info: Info) -> PersonRef | None:
        person: Person | None = await _one(info, Label.PERSON, self.person_id)
        return person


@strawberry.type(
    description="Skills of a team's members: one row per member, one column per skill."
)
class SkillMatrix:
    skill_ids: strawberry.Private[list[str]]
    rows: list[SkillMatrixRow] = strawberry.field(description="One per member, by id.")
    best: list[int] = strawberry.field(
        description="Best level of each skill among the members, in the order of skills."
    )

    @strawberry.field(description="The skills (columns), by id.")
    async def skills(self, info: Info) -> list[SkillRef]:
        return await _nodes(info, Label.SKILL, self.skill_ids)


# ---------------------------------------------------------------------------------------
# What the ValueStream and Team fields call


def _window(info: Info, start: datetime | None, end: datetime | None) -> Window:
    return Window.of(start, end, info.context.loaders.now)


def _query(value_stream: str, window: Window) -> FlowQuery:
    return FlowQuery(ScopeKind.VALUE_STREAM, value_stream, window)


async def _flow(info: Info, value_stream: str, window: Window) -> FlowData:
    # Through the flow-metrics DataLoader: stageMetrics and constraints share one load.
    return await info.context.loaders.flow().load(_query(value_stream, window))


async def _work(info: Info, value_stream: str, window: Window) -> StreamWork:
    # Through the request's DataLoader: teamNetwork, criticalPath, skillGaps and
    # recommendations of one stream and window share one load of its work.
    return await info.context.loaders.stream_work().load(_query(value_stream, window))


async def constraints(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> ConstraintAnalysis:
    """The constraints field."""
    data = await _flow(info, value_stream, _window(info, start, end))
    ranked = await info.context.run(stream_analysis.constraints_of, value_stream, data)
    return ConstraintAnalysis.from_domain(ranked)


async def team_network(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> TeamNetwork:
    """The teamNetwork field."""
    work = await _work(info, value_stream, _window(info, start, end))
    network = await stream_analysis.team_network(info.context.store, work, info.context.run)
    return TeamNetwork.from_domain(network)


async def critical_path(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None, floor: float
) -> CriticalPath:
    """The criticalPath field."""
    if floor < 0:
        raise InvalidArgument("floorDays cannot be negative")
    store, window = info.context.store, _window(info, start, end)
    data = await _flow(info, value_stream, window)
    median = await info.context.run(stream_analysis.median_flow_time, data)
    work = await _work(info, value_stream, window)
    path = await stream_analysis.critical_path(
        store, work, window.end, median, floor, info.context.run
    )
    return CriticalPath(
        keys=list(path.items),
        days=path.days,
        median_flow_time_days=median,
        cycles=[WorkItemCycle(keys=list(c)) for c in path.cycles],
    )


async def traceability_gaps(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None, environment: str
) -> TraceabilityGaps:
    """The traceabilityGaps field."""
    window = _window(info, start, end)
    gaps = await stream_analysis.traceability_gaps(
        info.context.store, value_stream, window, environment, info.context.run
    )
    return TraceabilityGaps(
        commit_ids=list(gaps.commits_without_work_item),
        undeployed_ids=list(gaps.done_features_not_deployed),
        no_feedback_ids=list(gaps.deployed_features_without_feedback),
    )


async def forecast(
    info: Info,
    value_stream: str,
    items: int | None,
    by: datetime | None,
    start: datetime | None,
    history_days: int,
    trials: int,
    seed: int,
) -> Forecast:
    """The forecast field."""
    if not 1 <= trials <= MAX_TRIALS:
        raise InvalidArgument(f"trials must be between 1 and {MAX_TRIALS:,}")
    begin = start_of_day(start or info.context.loaders.now)
    if history_days < 1:
        raise InvalidArgument(f"history must be at least one day, got {history_days}")
    if items is None and by is None:
        raise InvalidArgument("ask for a number of items, a date, or both")
    # stream_analysis.forecast's steps, with the simulations off the event loop
    # (api/compute.py): trials times days is seconds of CPU.
    scope = ForecastScope.VALUE_STREAM
    samples = await load_throughput(info.context.store, scope, value_stream, begin, history_days)
    run = info.context.run
    when = None if items is None else await run(_when, samples, items, begin, trials, seed)
    how_many = None if by is None else await run(_how_many, samples, begin, by, trials, seed)
    result = stream_analysis.Forecast(scope, value_stream, begin, samples, None, when, how_many)
    return Forecast.from_domain(result, trials)


def _when(
    samples: tuple[int, ...], items: int, start: datetime, trials: int, seed: int
) -> simulation.WhenForecast:
    return simulation.forecast_when(samples, items, start, trials=trials, seed=seed)


def _how_many(
    samples: tuple[int, ...], start: datetime, by: datetime, trials: int, seed: int
) -> simulation.HowManyForecast:
    return simulation.forecast_how_many(samples, start, by, trials=trials, seed=seed)


async def recommendations(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> list[Recommendation]:
    """The recommendations field."""
    store, window = info.context.store, _window(info, start, end)
    data = await _flow(info, value_stream, window)
    work = await _work(info, value_stream, window)
    run = info.context.run
    result = await stream_analysis.analyse(store, value_stream, window, data, work, run)
    names = await stream_analysis.display_names(store, result)
    found = await run(stream_analysis.recommendations, result, names)
    return [Recommendation.from_domain(r) for r in found]


async def skill_gaps(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> list[SkillGap]:
    """The skillGaps field."""
    store, window = info.context.store, _window(info, start, end)
    data = await _flow(info, value_stream, window)
    top = await info.context.run(stream_analysis.constraints_of, value_stream, data)
    work = await _work(info, value_stream, window)
    constraint = top.constraint.stage.id if top.constraint else None
    gaps = await stream_analysis.skill_gaps(store, value_stream, work, constraint, info.context.run)
    return [SkillGap.from_domain(g) for g in gaps]


async def skill_matrix(info: Info, team: str) -> SkillMatrix:
    """The Team.skillMatrix field."""
    # Through the request's DataLoader: one query for the skill matrices of all teams.
    found = await info.context.loaders.team_skills().load(team)
    skills = sorted({s.skill for s in found if s.skill is not None})
    people = sorted({s.person for s in found})
    level = {(s.person, s.skill): s.level for s in found if s.skill is not None}
    rows = [SkillMatrixRow(person_id=p, levels=[level.get((p, k)) for k in skills]) for p in people]
    best = [max((level.get((p, k)) or 0) for p in people) for k in skills]
    return SkillMatrix(skill_ids=skills, rows=rows, best=best)


@strawberry.type(description="The analyses of a value stream (fields of ValueStream).")
class StreamAnalyses:
    # Set by the Node interface of the type that carries these fields.
    domain: strawberry.Private[DomainNode]

    @strawberry.field(
        description="The constraint: stations (an active stage with its queue) ranked by "
        "share of flow time, queue growth, WIP and time in stage, the constraint first."
        + ANALYSIS_WINDOW
    )
    async def constraints(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> ConstraintAnalysis:
        return await constraints(info, self.domain.id, start, to)

    @strawberry.field(
        description="Team dependency network of the stream's work: who waits on whom, "
        "betweenness, the most-waited-on team and cycles." + ANALYSIS_WINDOW
    )
    async def team_network(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> TeamNetwork:
        return await team_network(info, self.domain.id, start, to)

    @strawberry.field(
        description="The longest chain of open blocked items by expected remaining days."
        + ANALYSIS_WINDOW
    )
    async def critical_path(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        floor_days: Annotated[
            float,
            strawberry.argument(description="Least remaining days an open item counts (1)."),
        ] = 1.0,
    ) -> CriticalPath:
        return await critical_path(info, self.domain.id, start, to, floor_days)

    @strawberry.field(
        description="Deployed commits with no work item, done features never deployed, "
        "deployed features with no feedback." + ANALYSIS_WINDOW
    )
    async def traceability_gaps(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        environment: Annotated[
            str, strawberry.argument(description="Deployment environment (production).")
        ] = PRODUCTION,
    ) -> TraceabilityGaps:
        return await traceability_gaps(info, self.domain.id, start, to, environment)

    @strawberry.field(
        description="Monte Carlo forecast from the stream's daily throughput (the Flow "
        "Items its flow metrics count delivered: velocity per day, discarded and nested "
        "items out): when `items` more will be done and/or how many by `by`, at "
        "p50/p85/p95."
    )
    async def forecast(
        self,
        info: Info,
        items: Annotated[
            int | None, strawberry.argument(description="How many items to finish.")
        ] = None,
        by: Annotated[
            datetime | None, strawberry.argument(description="The date to count items up to.")
        ] = None,
        start: Annotated[
            datetime | None,
            strawberry.argument(
                name="from", description="Start of the forecast (default: today 00:00 UTC)."
            ),
        ] = None,
        history_days: Annotated[
            int, strawberry.argument(description="Days of history sampled, before the start.")
        ] = DEFAULT_HISTORY_DAYS,
        trials: Annotated[
            int, strawberry.argument(description="Simulated futures (1 to 100,000).")
        ] = DEFAULT_TRIALS,
        seed: Annotated[int, strawberry.argument(description="Random seed.")] = DEFAULT_SEED,
    ) -> Forecast:
        return await forecast(info, self.domain.id, items, by, start, history_days, trials, seed)

    @strawberry.field(
        description="Concrete suggestions from the analyses (constraint, dependencies, "
        "cycles, critical path, traceability, skills), each with its evidence." + ANALYSIS_WINDOW
    )
    async def recommendations(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> list[Recommendation]:
        return await recommendations(info, self.domain.id, start, to)

    @strawberry.field(
        description="Needed skill levels (NEEDS_SKILL) no member of the teams working the "
        "stage reaches, the constraint's first, then by shortfall." + ANALYSIS_WINDOW
    )
    async def skill_gaps(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> list[SkillGap]:
        return await skill_gaps(info, self.domain.id, start, to)
