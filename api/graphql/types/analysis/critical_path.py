"""The critical path of a value stream: the longest chain of open blocked items."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.inputs import ANALYSIS_WINDOW
from api.graphql.types.analysis.nodes import WorkItemRef
from graph.analysis import stream as stream_analysis
from graph.errors import InvalidArgument


@strawberry.type(description="Work items that block each other in a loop, in order.")
class WorkItemCycle:
    keys: list[str] = strawberry.field(description="Keys of the items; the last blocks the first.")

    @strawberry.field(description="The items of the cycle.")
    async def items(self, info: Info) -> list[WorkItemRef]:
        return await nodes.work_items(info, self.keys)


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
        return await nodes.work_items(info, self.keys)


async def critical_path(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None, floor: float
) -> CriticalPath:
    """The criticalPath field."""
    if floor < 0:
        raise InvalidArgument("floorDays cannot be negative")
    window, run = inputs.window(info, start, end), info.context.run
    data, work, progress = await asyncio.gather(
        inputs.flow(info, value_stream, window),
        inputs.work(info, value_stream, window),
        inputs.progress(info, value_stream, window),
    )
    median = await run(stream_analysis.median_flow_time, data)
    path = await run(stream_analysis.critical_path_of, work, progress, window.end, median, floor)
    return CriticalPath(
        keys=list(path.items),
        days=path.days,
        median_flow_time_days=median,
        cycles=[WorkItemCycle(keys=list(c)) for c in path.cycles],
    )
