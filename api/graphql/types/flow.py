"""GraphQL types of the Flow Framework metrics, and the resolvers the scopes share.

`ValueStream`, `Product` and `Team` each carry `flowMetrics`, `stageMetrics`, `cfd` and
`agingWip`; those fields call the functions at the bottom of this module. All four load
their data through one per-request DataLoader, so asking for several of them over the
same window and filters costs the database one load. Definitions: docs/metrics.md.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import page_size
from graph.metrics import flow
from graph.metrics.flow import FlowQuery, Interval, ScopeKind, Window
from graph.model import FlowItemLevel, Label, WorkItemKind
from graph.model import FlowType as DomainFlowType
from graph.model import Node as DomainNode

if TYPE_CHECKING:
    from api.graphql.types.stream import Stage
    from api.graphql.types.work import WorkItem
    from graph.model import WorkItemKind as DomainKind

StageRef = Annotated["Stage", strawberry.lazy("api.graphql.types.stream")]
WorkItemRef = Annotated["WorkItem", strawberry.lazy("api.graphql.types.work")]
# api.graphql.types.work registers the domain enum WorkItemKind with GraphQL. This module is
# imported before that happens, and strawberry resolves field types as a class is made,
# so the enum is named lazily (by a name this module does not bind at run time): a
# direct reference would wrap it a second time, and the schema would hold it twice.
KindRef = Annotated["DomainKind", strawberry.lazy("api.graphql.types.work")]

strawberry.enum(
    DomainFlowType,
    name="FlowType",
    description="Flow Framework item type: the kind of value a work item delivers.",
)
strawberry.enum(
    FlowItemLevel,
    name="FlowItemLevel",
    description="Which work items are Flow Items: VALUE (default) Features, Defects, Risks, "
    "Debts and the Stories no Feature is parent of; DELIVERY Stories, Defects, Risks, Debts "
    "and the Features with no Story child; ALL every kind but Initiative and Epic, parents "
    "and children alike.",
)
strawberry.enum(
    Interval,
    name="FlowInterval",
    description="Buckets of a series: UTC days, or weeks from Monday 00:00 UTC; the first "
    "and last bucket are clipped to the window.",
)

WINDOW_RULE = (
    " Window [from, to) in UTC (default: the 90 days up to now); states are read as of an "
    "instant, counting only moves before it."
)
FromArg = Annotated[
    datetime | None,
    strawberry.argument(
        name="from",
        description="Start of the window, included (with a time zone; default: 90 days "
        "before `to`).",
    ),
]
ToArg = Annotated[
    datetime | None,
    strawberry.argument(
        description="End of the window, excluded (with a time zone; default: now)."
    ),
]
KindsArg = Annotated[
    list[KindRef] | None,
    strawberry.argument(
        description="Work-item kinds counted (default: all but Initiative and Epic, at the "
        "flow-item level)."
    ),
]
LevelArg = Annotated[
    FlowItemLevel | None,
    strawberry.argument(
        description="Flow-item level (default: the value stream's flowItemLevel, else VALUE; "
        "ALL when `kinds` are given)."
    ),
]
FlowTypesArg = Annotated[
    list[DomainFlowType] | None,
    strawberry.argument(description="Flow types counted (default: all)."),
]
IntervalArg = Annotated[Interval, strawberry.argument(description="DAY (default) or WEEK buckets.")]
#: Aging items listed unless `first` says otherwise: a stream of a large organisation
#: has thousands in progress, more than anyone reads and a page should receive.
AGING_ITEMS = 100
AgingFirstArg = Annotated[
    int,
    strawberry.argument(
        description=f"How many of the oldest items to list (default {AGING_ITEMS}, at most "
        "the page limit); `count` says how many there are."
    ),
]


@strawberry.type(
    description="Summary of durations in days: median and p85 interpolate linearly between "
    "closest ranks (like percentileCont); null when there are none."
)
class Durations:
    count: int = strawberry.field(description="How many durations were measured.")
    median_days: float | None = strawberry.field(description="Median, in days.")
    p85_days: float | None = strawberry.field(
        description="85th percentile, in days: 85% took at most this long."
    )
    mean_days: float | None = strawberry.field(description="Arithmetic mean, in days.")

    @classmethod
    def from_domain(cls, d: flow.Durations) -> Durations:
        """Map the domain summary."""
        return cls(count=d.count, median_days=d.median, p85_days=d.p85, mean_days=d.mean)


@strawberry.type(description="A flow type's count in a set and its share of the set.")
class FlowTypeShare:
    flow_type: DomainFlowType = strawberry.field(description="The flow type.")
    count: int = strawberry.field(description="Items of this flow type in the set.")
    share: float | None = strawberry.field(
        description="count / size of the set, 0..1; null when the set is empty."
    )

    @classmethod
    def from_domain(cls, s: flow.Share) -> FlowTypeShare:
        """Map the domain share."""
        return cls(flow_type=s.flow_type, count=s.count, share=s.share)


@strawberry.type(description="One bucket of a series of counts.")
class CountPoint:
    start: datetime = strawberry.field(description="Start of the bucket (UTC), included.")
    end: datetime = strawberry.field(description="End of the bucket (UTC), excluded.")
    count: int = strawberry.field(
        description="Items done in [start, end) (velocity), or in progress at `end` (load)."
    )

    @classmethod
    def from_domain(cls, p: flow.Point) -> CountPoint:
        """Map the domain point."""
        return cls(start=p.start, end=p.end, count=p.count)


@strawberry.type(description="Velocity and flow time of the items of one flow type.")
class FlowTypeMetrics:
    flow_type: DomainFlowType = strawberry.field(description="The flow type.")
    velocity: int = strawberry.field(description="Items of this type done in the window.")
    flow_time: Durations = strawberry.field(description="Their flow time (done - started).")


@strawberry.type(description="How many items of a set a stage holds.")
class StageCount:
    stage_id: strawberry.Private[str | None]
    count: int = strawberry.field(description="Items.")

    @strawberry.field(description="The stage; null for items that were in none of the scope's.")
    async def stage(self, info: Info) -> StageRef | None:
        return await _stage(info, self.stage_id)


@strawberry.type(
    description="Items that finished in the window dropped, not delivered: done in a stage "
    "declared `outcome: discarded` (Won't Do), or resolved by their tool as discarded (Won't "
    "Do, Duplicate, Cancelled...). They are left out of velocity, flow time, efficiency and "
    "distribution."
)
class DiscardedItems:
    count: int = strawberry.field(description="Items dropped in the window.")
    share: float | None = strawberry.field(
        description="count / (delivered + dropped) in the window; null when none finished."
    )
    started: int = strawberry.field(description="Of those, items that had been started.")
    by_stage: list[StageCount] = strawberry.field(
        description="The stage each was in just before it was dropped, in stage order."
    )


@strawberry.type(
    description="Flow Framework metrics over a window. started = first entry into an active "
    "or waiting stage; done = entry into the done stage(s) the item is still in (a reopened "
    "item is not done)." + WINDOW_RULE
)
class FlowMetrics:
    start: datetime = strawberry.field(name="from", description="Start of the window (UTC).")
    end: datetime = strawberry.field(name="to", description="End of the window (UTC).")
    level: FlowItemLevel = strawberry.field(description="The flow-item level counted.")
    flow_velocity: int = strawberry.field(
        description="Flow Velocity: items delivered in the window (0 if none); discarded "
        "items are not delivered."
    )
    flow_velocity_weekly: list[CountPoint] = strawberry.field(
        description="Flow Velocity per week (Monday 00:00 UTC, clipped to the window), each "
        "week as its own window would count it: an item done in one week and reopened later "
        "counts in that week, so the weeks may add up to more than flowVelocity."
    )
    done_unstarted: int = strawberry.field(
        description="Of flowVelocity, items that were never in an active or waiting stage: "
        "they have no flow time."
    )
    discarded: DiscardedItems = strawberry.field(
        description="Items dropped in the window, reported apart."
    )
    flow_time: Durations = strawberry.field(
        description="Flow Time = done - started, less any stay in a done stage before a "
        "reopening, over the items delivered in the window that were started."
    )
    flow_efficiency: float | None = strawberry.field(
        description="Flow Efficiency = sum of time in active stages / sum of flow time, over "
        "the items delivered in the window, visits clipped to [started, done]; 0..1, null "
        "without flow time."
    )
    flow_load: int = strawberry.field(
        description="Flow Load (Kersten): items in an active or waiting stage at `to`."
    )
    returned_to_new: int = strawberry.field(
        description="Items started and not done that are back in a `new` stage (or in none of "
        "the scope's) at `to`: not in the load; flowLoad + this is 'started and not done'."
    )
    flow_load_daily_mean: float = strawberry.field(
        description="Mean of flowLoadDaily: the average work in progress over the window."
    )
    flow_load_daily: list[CountPoint] = strawberry.field(
        description="Flow Load (items in an active or waiting stage) at the end of each UTC "
        "day of the window (the last at `to`)."
    )
    by_flow_type: list[FlowTypeMetrics] = strawberry.field(
        description="Velocity and flow time per flow type."
    )
    distribution_done: list[FlowTypeShare] = strawberry.field(
        description="Flow Distribution of the items delivered in the window."
    )
    distribution_load: list[FlowTypeShare] = strawberry.field(
        description="Flow Distribution of the load at `to`."
    )

    @classmethod
    def from_domain(cls, m: flow.FlowMetrics) -> FlowMetrics:
        """Map the domain metrics."""
        d = m.discarded
        return cls(
            start=m.window.start,
            end=m.window.end,
            level=m.level,
            flow_velocity=m.velocity,
            done_unstarted=m.done_unstarted,
            returned_to_new=m.returned_to_new,
            discarded=DiscardedItems(
                count=d.count,
                share=d.share,
                started=d.started,
                by_stage=[StageCount(stage_id=c.stage, count=c.count) for c in d.by_stage],
            ),
            flow_velocity_weekly=[CountPoint.from_domain(p) for p in m.velocity_weekly],
            flow_time=Durations.from_domain(m.flow_time),
            flow_efficiency=m.efficiency,
            flow_load=m.load,
            flow_load_daily_mean=m.load_daily_mean,
            flow_load_daily=[CountPoint.from_domain(p) for p in m.load_daily],
            by_flow_type=[
                FlowTypeMetrics(
                    flow_type=t.flow_type,
                    velocity=t.velocity,
                    flow_time=Durations.from_domain(t.flow_time),
                )
                for t in m.by_flow_type
            ],
            distribution_done=[FlowTypeShare.from_domain(s) for s in m.distribution_done],
            distribution_load=[FlowTypeShare.from_domain(s) for s in m.distribution_load],
        )


async def _stage(info: Info, stage_id: str | None) -> Stage | None:
    from api.graphql.types.stream import Stage

    if stage_id is None:
        return None
    node = await info.context.loaders.node(Label.STAGE).load(stage_id)
    return Stage.from_domain(node) if node else None


@strawberry.type(description="One stage over a window." + WINDOW_RULE)
class StageMetrics:
    stage_id: strawberry.Private[str]
    wip: int = strawberry.field(description="Items in the stage at `to` (WIP now).")
    arrivals: int = strawberry.field(description="Visits that entered the stage in the window.")
    departures: int = strawberry.field(description="Visits that left the stage in the window.")
    time_in_stage: Durations = strawberry.field(
        description="Time in stage (exit - entry) of the visits that left it in the window."
    )
    flow_time_share: float | None = strawberry.field(
        description="Share of the total flow time of the items delivered in the window spent in "
        "this stage (visits clipped to [started, done]); null without flow time."
    )

    @strawberry.field(description="The stage.")
    async def stage(self, info: Info) -> StageRef | None:
        return await _stage(info, self.stage_id)

    @classmethod
    def from_domain(cls, s: flow.StageMetrics) -> StageMetrics:
        """Map the domain stage metrics."""
        return cls(
            stage_id=s.stage.id,
            wip=s.wip,
            arrivals=s.arrivals,
            departures=s.departures,
            time_in_stage=Durations.from_domain(s.time_in_stage),
            flow_time_share=s.flow_time_share,
        )


@strawberry.type(description="Items per stage at the end of one bucket of a CFD.")
class CfdPoint:
    start: datetime = strawberry.field(description="Start of the bucket (UTC).")
    end: datetime = strawberry.field(description="End of the bucket (UTC): counted here.")
    counts: list[int] = strawberry.field(
        description="Items in each stage at `end`, in the order of Cfd.stages."
    )


@strawberry.type(
    description="Cumulative flow diagram: per day (or week) and stage, the items in that "
    "stage at the end of the bucket." + WINDOW_RULE
)
class Cfd:
    stage_ids: strawberry.Private[list[str]]
    interval: Interval = strawberry.field(description="DAY or WEEK.")
    points: list[CfdPoint] = strawberry.field(description="One per bucket, oldest first.")

    @strawberry.field(description="The stages, in the order of CfdPoint.counts.")
    async def stages(self, info: Info) -> list[StageRef]:
        from api.graphql.types.stream import Stage

        nodes = await info.context.loaders.node(Label.STAGE).load_many(self.stage_ids)
        return [Stage.from_domain(n) for n in nodes if n is not None]

    @classmethod
    def from_domain(cls, c: flow.Cfd) -> Cfd:
        """Map the domain CFD."""
        ids = [s.id for s in c.stages]
        return cls(
            stage_ids=ids,
            interval=c.interval,
            points=[
                CfdPoint(start=p.start, end=p.end, counts=[p.counts[i] for i in ids])
                for p in c.points
            ],
        )


@strawberry.type(description="A work item in progress at `to`, with its age.")
class AgingItem:
    item_id: strawberry.Private[str]
    stage_id: strawberry.Private[str | None]
    # Kept as text: an enum here would be wrapped before api.graphql.types.work registers it.
    item_kind: strawberry.Private[str]
    flow_type: DomainFlowType = strawberry.field(description="Its flow type.")
    started: datetime = strawberry.field(description="When it was started (UTC).")
    age_days: float = strawberry.field(description="Age = to - started, in days.")
    days_in_stage: float | None = strawberry.field(
        description="Days in its current stage at `to`; null if it is in none of the scope's."
    )
    past_p85: bool | None = strawberry.field(
        description="Older than the p85 flow time of the window; null when nothing was done."
    )

    @strawberry.field(description="Its kind.")
    def kind(self) -> KindRef:
        return WorkItemKind(self.item_kind)

    @strawberry.field(description="The work item.")
    async def item(self, info: Info) -> WorkItemRef | None:
        from api.graphql.types.work import WorkItem

        node = await info.context.loaders.node(Label.WORK_ITEM).load(self.item_id)
        return WorkItem.from_domain(node) if node else None

    @strawberry.field(description="The stage it is in at `to`.")
    async def stage(self, info: Info) -> StageRef | None:
        return await _stage(info, self.stage_id)


@strawberry.type(
    description="Aging WIP: items in an active or waiting stage at `to`, oldest first, "
    "flagged when older than the p85 flow time of the items delivered in the window." + WINDOW_RULE
)
class AgingWip:
    at: datetime = strawberry.field(description="The instant the ages are taken at (`to`).")
    p85_flow_time_days: float | None = strawberry.field(
        description="The p85 flow time the ages are compared with; null if nothing was done."
    )
    count: int = strawberry.field(description="How many items are in progress at `to`.")
    items: list[AgingItem] = strawberry.field(
        description="The `first` oldest of them, oldest first."
    )

    @classmethod
    def from_domain(cls, a: flow.AgingWip, first: int) -> AgingWip:
        """Map the domain aging WIP, listing its `first` oldest items."""
        return cls(
            at=a.at,
            p85_flow_time_days=a.p85_flow_time,
            count=len(a.items),
            items=[
                AgingItem(
                    item_id=i.id,
                    stage_id=i.stage,
                    item_kind=i.kind.value,
                    flow_type=i.flow_type,
                    started=i.started,
                    age_days=i.age,
                    days_in_stage=i.in_stage,
                    past_p85=i.past_p85,
                )
                for i in a.items[:first]
            ],
        )


# ---------------------------------------------------------------------------------------
# What the scope types' fields call


def flow_query(
    info: Info,
    scope: ScopeKind,
    id: str,
    start: datetime | None,
    end: datetime | None,
    kinds: list[WorkItemKind] | None,
    flow_types: list[DomainFlowType] | None,
    level: FlowItemLevel | None = None,
) -> FlowQuery:
    """The query a field's arguments ask for; the default end is the request's start."""
    return FlowQuery(
        scope,
        id,
        Window.of(start, end, info.context.loaders.now),
        tuple(dict.fromkeys(kinds)) if kinds else None,
        tuple(t for t in DomainFlowType if t in (flow_types or DomainFlowType)),
        level,
    )


def _flow_metrics(data: flow.FlowData) -> FlowMetrics:
    return FlowMetrics.from_domain(flow.flow_metrics(data))


def _cfd(data: flow.FlowData, interval: Interval) -> Cfd:
    # Converted in the worker too: a ten-year daily CFD is thousands of points.
    return Cfd.from_domain(flow.cfd(data, interval))


async def _with_resting(info: Info, query: FlowQuery) -> flow.FlowData:
    """The query's flow data with the items resting in its done stages since before the
    window, which only a done stage's count (its WIP, its CFD band) needs: two reads,
    side by side, each shared by the request's fields."""
    data, resting = await asyncio.gather(
        info.context.loaders.flow().load(query), info.context.loaders.resting().load(query)
    )
    return data.with_resting(resting)


async def flow_metrics(info: Info, query: FlowQuery) -> FlowMetrics:
    """The flowMetrics field."""
    data = await info.context.loaders.flow().load(query)
    # Off the event loop (api/compute.py): a long window is seconds of CPU.
    return await info.context.run(_flow_metrics, data)


async def stage_metrics(info: Info, query: FlowQuery) -> list[StageMetrics]:
    """The stageMetrics field."""
    data = await _with_resting(info, query)
    return [StageMetrics.from_domain(s) for s in await info.context.run(flow.stage_metrics, data)]


async def cfd(info: Info, query: FlowQuery, interval: Interval) -> Cfd:
    """The cfd field."""
    return await info.context.run(_cfd, await _with_resting(info, query), interval)


async def aging_wip(info: Info, query: FlowQuery, first: int) -> AgingWip:
    """The agingWip field."""
    data = await info.context.loaders.flow().load(query)
    return AgingWip.from_domain(await info.context.run(flow.aging_wip, data), first)


@strawberry.interface(
    description="Something flow metrics are measured for: a value stream, a product (its "
    "value streams) or a team (the items it owns, in its products' value streams)."
)
class FlowScope:
    # Set by each implementing type; `domain` is the Node interface's.
    flow_scope: ClassVar[ScopeKind]
    domain: strawberry.Private[DomainNode]

    def _query(
        self,
        info: Info,
        start: datetime | None,
        end: datetime | None,
        kinds: list[WorkItemKind] | None,
        flow_types: list[DomainFlowType] | None,
        level: FlowItemLevel | None,
    ) -> FlowQuery:
        return flow_query(
            info, self.flow_scope, self.domain.id, start, end, kinds, flow_types, level
        )

    @strawberry.field(
        description="Flow Framework metrics: velocity, flow time, efficiency, load and "
        "distribution." + WINDOW_RULE
    )
    async def flow_metrics(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        kinds: KindsArg = None,
        flow_types: FlowTypesArg = None,
        level: LevelArg = None,
    ) -> FlowMetrics:
        return await flow_metrics(info, self._query(info, start, to, kinds, flow_types, level))

    @strawberry.field(
        description="Per stage, in stage order: WIP at `to`, arrivals, departures, time in "
        "stage and share of flow time." + WINDOW_RULE
    )
    async def stage_metrics(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        kinds: KindsArg = None,
        flow_types: FlowTypesArg = None,
        level: LevelArg = None,
    ) -> list[StageMetrics]:
        return await stage_metrics(info, self._query(info, start, to, kinds, flow_types, level))

    @strawberry.field(
        description="Cumulative flow diagram: items per stage at the end of each day or "
        "week." + WINDOW_RULE
    )
    async def cfd(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        kinds: KindsArg = None,
        flow_types: FlowTypesArg = None,
        level: LevelArg = None,
        interval: IntervalArg = Interval.DAY,
    ) -> Cfd:
        return await cfd(info, self._query(info, start, to, kinds, flow_types, level), interval)

    @strawberry.field(
        description="Aging WIP: items in progress at `to` with their age, flagged past the "
        "p85 flow time." + WINDOW_RULE
    )
    async def aging_wip(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        kinds: KindsArg = None,
        flow_types: FlowTypesArg = None,
        level: LevelArg = None,
        first: AgingFirstArg = AGING_ITEMS,
    ) -> AgingWip:
        query = self._query(info, start, to, kinds, flow_types, level)
        return await aging_wip(info, query, page_size(first))
