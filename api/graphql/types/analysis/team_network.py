"""The team dependency network of a value stream: who waits on whom."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.inputs import ANALYSIS_WINDOW
from api.graphql.types.analysis.nodes import TeamRef
from graph.analysis import network as domain
from graph.analysis import stream as stream_analysis
from graph.model import Label

if TYPE_CHECKING:
    from api.graphql.types.organisation import Team


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
        team: Team | None = await nodes.one(info, Label.TEAM, self.team_id)
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
        team: Team | None = await nodes.one(info, Label.TEAM, self.team_id)
        return team

    @strawberry.field(description="The team waited on.")
    async def on(self, info: Info) -> TeamRef | None:
        team: Team | None = await nodes.one(info, Label.TEAM, self.on_id)
        return team


@strawberry.type(description="Teams that wait on each other in a loop, in order.")
class TeamCycle:
    team_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The teams of the cycle; the last waits on the first.")
    async def teams(self, info: Info) -> list[TeamRef]:
        return await nodes.teams(info, self.team_ids)

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


async def team_network(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> TeamNetwork:
    """The teamNetwork field."""
    window = inputs.window(info, start, end)
    work, depends = await asyncio.gather(
        inputs.work(info, value_stream, window), inputs.dependencies(info, value_stream, window)
    )
    network = await info.context.run(stream_analysis.team_network_of, work, depends)
    return TeamNetwork.from_domain(network)
