"""What the analyses read, shared through the request's loaders: the window, a value
stream's flow data and its work, and what several analyses read besides (team
dependencies, item progress, skill needs, team skills, delivery).

Each is read once per request whichever fields ask for it (`Loaders.once`, the flow and
stream-work DataLoaders): recommendations, which runs every analysis, reads nothing a
sibling field of the same request has read or is reading.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.context import Info
from graph.analysis import load
from graph.analysis.load import Delivery, ItemProgress, MemberSkill, StreamWork
from graph.analysis.network import SkillNeed
from graph.analysis.stream import StreamInputs
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


async def dependencies(info: Info, value_stream: str, window: Window) -> list[tuple[str, str]]:
    """The DEPENDS_ON links among the teams of the stream's work (teamNetwork,
    recommendations)."""

    async def read() -> list[tuple[str, str]]:
        found = await work(info, value_stream, window)
        return await load.load_team_dependencies(info.context.store, found)

    key = ("team dependencies", query(value_stream, window))
    return await info.context.loaders.once(key, read)


async def progress(info: Info, value_stream: str, window: Window) -> list[ItemProgress]:
    """Where the items of the work's blocking links stand (criticalPath,
    recommendations)."""

    async def read() -> list[ItemProgress]:
        found = await work(info, value_stream, window)
        return await load.load_item_progress(info.context.store, found)

    return await info.context.loaders.once(("item progress", query(value_stream, window)), read)


async def needs(info: Info, value_stream: str) -> list[SkillNeed]:
    """The skill levels the stream's stages need (skillGaps, recommendations)."""

    async def read() -> list[SkillNeed]:
        return await load.load_skill_needs(info.context.store, value_stream)

    return await info.context.loaders.once(("skill needs", value_stream), read)


async def skills(info: Info, value_stream: str, window: Window) -> list[MemberSkill]:
    """The skills of the members of the teams owning the stream's work (skillGaps,
    recommendations), through the team-skills DataLoader `Team.skillMatrix` uses too."""
    teams = sorted((await work(info, value_stream, window)).teams)
    found = await info.context.loaders.team_skills().load_many(teams)
    return [skill for team in found for skill in team]


async def delivery(info: Info, value_stream: str, window: Window, environment: str) -> Delivery:
    """What the stream's traceability gaps are read from (traceabilityGaps,
    recommendations)."""

    async def read() -> Delivery:
        return await load.load_delivery(info.context.store, value_stream, window, environment)

    key = ("delivery", query(value_stream, window), environment)
    return await info.context.loaders.once(key, read)


async def stream_inputs(info: Info, value_stream: str, window: Window) -> StreamInputs:
    """Everything the analyses of the stream compute from (recommendations), each read
    once per request; what does not depend on the flow data (the delivery, the skill
    needs) is read while it loads."""
    # Two groups only because gather's types stop at six awaitables.
    (data, found, depends, progressed), (delivered, needed, skilled) = await asyncio.gather(
        asyncio.gather(
            flow(info, value_stream, window),
            work(info, value_stream, window),
            dependencies(info, value_stream, window),
            progress(info, value_stream, window),
        ),
        asyncio.gather(
            delivery(info, value_stream, window, load.PRODUCTION),
            needs(info, value_stream),
            skills(info, value_stream, window),
        ),
    )
    return StreamInputs(
        value_stream, window, data, found, depends, progressed, delivered, needed, skilled
    )
