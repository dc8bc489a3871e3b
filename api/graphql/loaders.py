"""Per-request DataLoaders: every relation field batches its parents into one query, unless
a composed read (api/graphql/compose.py) primed its answers already."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader

from graph.analysis.load import MemberSkill, StreamWork, load_stream_work, load_team_skills
from graph.db.store import GraphStore
from graph.metrics import dora, dora_queries
from graph.metrics.flow import FlowData, FlowQuery
from graph.metrics.flow_queries import count_resting_many, load_flow_data_many
from graph.model import Label, Node, Traversal
from graph.read import entities, relations
from graph.read.compose import Found
from graph.read.relations import Related, RelatedPage
from graph.runner import Runner, inline

T = TypeVar("T")


@dataclass
class Loaders:
    """DataLoaders of one request, created lazily per label and relation."""

    store: GraphStore
    #: Runs the pure half of a load (graph/runner.py): the request's share of the worker
    #: pool (api/compute.py), so deriving a stream's work from its flow data is off the
    #: event loop.
    run: Runner = inline
    _nodes: dict[Label, DataLoader[str, Node | None]] = field(default_factory=dict)
    _related: dict[Traversal, DataLoader[str, list[Related]]] = field(default_factory=dict)
    _pages: dict[tuple[Any, ...], DataLoader[str, RelatedPage]] = field(default_factory=dict)
    _flow: DataLoader[FlowQuery, FlowData] | None = None
    _resting: DataLoader[FlowQuery, dict[str, int]] | None = None
    _stream_work: DataLoader[FlowQuery, StreamWork] | None = None
    _team_skills: DataLoader[str, list[MemberSkill]] | None = None
    _lead_times: dict[tuple[str, str], DataLoader[str, dora.Change | None]] = field(
        default_factory=dict
    )
    _once: dict[Hashable, asyncio.Future[Any]] = field(default_factory=dict)
    #: When the request began: the default end of its flow-metrics windows, so fields
    #: asked for together cover the same window and share one load.
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def node(self, label: Label) -> DataLoader[str, Node | None]:
        """Nodes of `label` by id."""
        if label not in self._nodes:

            async def load(ids: Sequence[str]) -> list[Node | None]:
                return await entities.nodes_by_ids(self.store, label, ids)

            self._nodes[label] = DataLoader(load_fn=load)
        return self._nodes[label]

    def related(self, traversal: Traversal) -> DataLoader[str, list[Related]]:
        """Nodes reached from a parent id over `traversal`."""
        if traversal not in self._related:

            async def load(ids: Sequence[str]) -> list[list[Related]]:
                return await relations.follow(self.store, traversal, ids)

            self._related[traversal] = DataLoader(load_fn=load)
        return self._related[traversal]

    def page(
        self, traversal: Traversal, first: int, after: str | None
    ) -> DataLoader[str, RelatedPage]:
        """One page of a paged traversal per parent id (batched per page arguments)."""
        key = (traversal, first, after)
        if key not in self._pages:

            async def load(ids: Sequence[str]) -> list[RelatedPage]:
                return await relations.follow_page(self.store, traversal, ids, first, after)

            self._pages[key] = DataLoader(load_fn=load)
        return self._pages[key]

    def prime(self, found: Sequence[Found]) -> None:
        """Give the relation loaders what a composed read answered (api/graphql/compose.py):
        each branch's answer for each parent, under the key its resolver loads, so the
        resolvers find them without a statement of their own."""
        for each in found:
            branch = each.branch
            if isinstance(each.answer, RelatedPage):
                self.page(branch.traversal, branch.first, branch.after).prime(
                    each.parent, each.answer
                )
            else:
                self.related(branch.traversal).prime(each.parent, each.answer)

    def prime_node(self, label: Label, key: str, node: Node | None) -> None:
        """Give the node loader what a composed read of one node found (None: no node)."""
        self.node(label).prime(key, node)

    def flow(self) -> DataLoader[FlowQuery, FlowData]:
        """Flow-metrics data by scope, window and filters, loaded once per request,
        without the items resting in a done stage since before the window (`resting`)."""
        if self._flow is None:

            async def load(queries: Sequence[FlowQuery]) -> list[FlowData]:
                # Every scope of the request in the same two statements as one.
                return await load_flow_data_many(self.store, queries, resting=False)

            self._flow = DataLoader(load_fn=load)
        return self._flow

    def resting(self) -> DataLoader[FlowQuery, dict[str, int]]:
        """By scope, window and filters: the items resting in a done stage since before
        the window's first month, per stage (`FlowData.with_resting`); counted only for
        the fields that count a done stage (stageMetrics, cfd)."""
        if self._resting is None:

            async def load(queries: Sequence[FlowQuery]) -> list[dict[str, int]]:
                return await count_resting_many(self.store, queries)

            self._resting = DataLoader(load_fn=load)
        return self._resting

    def stream_work(self) -> DataLoader[FlowQuery, StreamWork]:
        """A value stream's work (items, owners, blocking links) by the flow query of its
        stream and window, loaded once per request from the shared flow data."""
        if self._stream_work is None:

            async def load(queries: Sequence[FlowQuery]) -> list[StreamWork]:
                data = await self.flow().load_many(queries)
                return list(
                    await asyncio.gather(*(load_stream_work(self.store, d, self.run) for d in data))
                )

            self._stream_work = DataLoader(load_fn=load)
        return self._stream_work

    def team_skills(self) -> DataLoader[str, list[MemberSkill]]:
        """The skills of each team's members by team id, for all teams in one query."""
        if self._team_skills is None:

            async def load(teams: Sequence[str]) -> list[list[MemberSkill]]:
                by_team: dict[str, list[MemberSkill]] = defaultdict(list)
                for skill in await load_team_skills(self.store, teams):
                    by_team[skill.team].append(skill)
                return [by_team.get(team, []) for team in teams]

            self._team_skills = DataLoader(load_fn=load)
        return self._team_skills

    def lead_times(self, environment: str, pattern: str) -> DataLoader[str, dora.Change | None]:
        """Pull requests' lead times by id, for one environment and production pattern:
        every pull request of the request in three statements."""
        key = (environment, pattern)
        if key not in self._lead_times:

            async def load(ids: Sequence[str]) -> list[dora.Change | None]:
                found = await dora_queries.pull_request_lead_times(
                    self.store, ids, environment, pattern
                )
                return [found.get(id) for id in ids]

            self._lead_times[key] = DataLoader(load_fn=load)
        return self._lead_times[key]

    async def once(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """What `load()` returns, loaded once per request for `key`: every field asking
        for the same key (one already loading, too) shares the one load, and its error.
        For inputs several fields read whole, not by parent (the analyses' inputs,
        api/graphql/types/analysis/inputs.py); a key names what is loaded and from what,
        e.g. `("team dependencies", flow query)`."""
        if key not in self._once:
            self._once[key] = asyncio.ensure_future(load())
        # Shielded: a field cancelled while it waits does not cancel the others' load.
        return cast(T, await asyncio.shield(self._once[key]))
