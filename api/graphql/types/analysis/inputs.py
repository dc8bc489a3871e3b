"""What the analyses read, shared through the request's DataLoaders: the window, a value
stream's flow data and its work."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.context import Info
from graph.analysis.load import StreamWork
from graph.metrics.flow import FlowData, FlowQuery, ScopeKind, Window

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


def window(info: Info, start: datetime | None, end: datetime | None) -> Window:
    """The window [start, end) of an analysis, by default the 90 days up to the request's now."""
    return Window.of(start, end, info.context.loaders.now)


def query(value_stream: str, window: Window) -> FlowQuery:
    """The flow query of a value stream over a window."""
    return FlowQuery(ScopeKind.VALUE_STREAM, value_stream, window)


async def flow(info: Info, value_stream: str, window: Window) -> FlowData:
    """The stream's flow data over the window."""
    # Through the flow-metrics DataLoader: stageMetrics and constraints share one load.
    return await info.context.loaders.flow().load(query(value_stream, window))


async def work(info: Info, value_stream: str, window: Window) -> StreamWork:
    """The stream's work over the window: items, visits, owners, blocking links."""
    # Through the request's DataLoader: teamNetwork, criticalPath, skillGaps and
    # recommendations of one stream and window share one load of its work.
    return await info.context.loaders.stream_work().load(query(value_stream, window))
