"""The queueing simulation: a value stream as a chain of multi-server FIFO queues, one per
active stage with its waiting stage in front, the constraint given too little capacity;
records each stage visit on the items, and rolls features up from their stories."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from dataclasses import dataclass

from graph.demo.config import DAY, HOUR
from graph.demo.organisation import _Product
from graph.demo.templates import _ACTIVE, _WAITING, _WORK_HOURS
from graph.demo.work import _Item

_REWORK_FIRST = 0.15  # chance a test sends an item back to development the first time
_REWORK_AGAIN = 0.05  # ... and each time after
_SERVICE_SIGMA = 0.6  # lognormal shape of the work time in an active stage
_PICKUP_HOURS = 3.0  # mean delay before a queued item can be picked up
_MIN_STEP = 15 * 60  # no visit is shorter than this


@dataclass(frozen=True)
class _Flow:
    """A value stream as queues: active stages with servers, their waiting stages."""

    active: tuple[int, ...]  # stage index of each active stage, in order
    queue: tuple[int | None, ...]  # the waiting stage in front of each active stage
    servers: tuple[int, ...]
    service_mu: tuple[float, ...]  # lognormal mu of the work time (seconds)
    dev: int  # position in `active` of the stage where code is written
    test: int  # position in `active` of the stage that sends rework back
    fix_mu: float  # lognormal mu of the time to fix a rework
    release: int | None  # waiting stage between the last active stage and done
    done: int


def _flow(product: _Product, arrivals_per_second: float, rng: random.Random) -> _Flow:
    """Servers and work times per active stage: comfortable everywhere but at the
    constraint, which gets slightly less capacity than its demand so its queue grows."""
    template = product.template
    active = tuple(i for i, s in enumerate(template) if s.state is _ACTIVE)
    roles = [template[i].role for i in active]
    factor = rng.uniform(0.8, 1.25)
    servers, mus = [], []
    for i, role in zip(active, roles, strict=True):
        mean = _WORK_HOURS[role] * factor * HOUR
        # Every test after a rework is another visit to the test stage.
        load = arrivals_per_second * (
            1 + _REWORK_FIRST / (1 - _REWORK_AGAIN) if role == "test" else 1
        )
        if i == product.constraint:
            utilisation = rng.uniform(1.01, 1.05)
            count = max(1, round(load * mean * 1.5 / utilisation))
            mean = utilisation * count / load
        else:
            count = max(1, math.ceil(load * mean / rng.uniform(0.4, 0.65)))
        servers.append(count)
        mus.append(_lognormal_mu(mean))
    last = active[-1]
    return _Flow(
        active=active,
        queue=tuple(i - 1 if template[i - 1].state is _WAITING else None for i in active),
        servers=tuple(servers),
        service_mu=tuple(mus),
        dev=roles.index("dev"),
        test=roles.index("test"),
        fix_mu=_lognormal_mu(0.3 * _WORK_HOURS["dev"] * factor * HOUR),
        release=last + 1 if template[last + 1].role == "release" else None,
        done=len(template) - 1,
    )


def _lognormal_mu(mean: float) -> float:
    return math.log(mean) - _SERVICE_SIGMA**2 / 2


_ENTER, _READY, _FINISH, _FIXED, _CLOSE = range(5)


def _simulate(flow: _Flow, items: list[_Item], horizon: int, rng: random.Random) -> None:
    """Run items (sorted by arrival) through the stream until the horizon, FIFO per
    active stage, recording each stage visit on the item; what is unfinished stays open."""
    events: list[tuple[float, int, int, int, int]] = []
    order = itertools.count()
    free = list(flow.servers)
    queues: list[deque[int]] = [deque() for _ in flow.active]
    reworks = [0] * len(items)
    sigma = _SERVICE_SIGMA

    def later(at: float, action: int, i: int, pos: int) -> None:
        heapq.heappush(events, (at, next(order), action, i, pos))

    def start(pos: int, i: int, t: float) -> None:
        items[i].visits.append((int(t), flow.active[pos]))
        work = max(_MIN_STEP, rng.lognormvariate(flow.service_mu[pos], sigma))
        later(t + work, _FINISH, i, pos)

    def ready(pos: int, i: int, t: float) -> None:
        if free[pos]:
            free[pos] -= 1
            start(pos, i, t)
        else:
            queues[pos].append(i)

    def enter(pos: int, i: int, t: float) -> None:
        queue = flow.queue[pos]
        if queue is None:  # pulled straight from the backlog when a server is free
            ready(pos, i, t)
            return
        items[i].visits.append((int(t), queue))
        later(t + _MIN_STEP + rng.expovariate(1 / (_PICKUP_HOURS * HOUR)), _READY, i, pos)

    def leave(pos: int, i: int, t: float) -> None:
        rework = _REWORK_FIRST if reworks[i] == 0 else _REWORK_AGAIN
        if pos == flow.test and rng.random() < rework:
            # The developer fixes it straight away, beside their queued work.
            reworks[i] += 1
            items[i].visits.append((int(t), flow.active[flow.dev]))
            later(t + max(_MIN_STEP, rng.lognormvariate(flow.fix_mu, sigma)), _FIXED, i, pos)
        elif pos + 1 < len(flow.active):
            enter(pos + 1, i, t)
        elif flow.release is not None:
            items[i].visits.append((int(t), flow.release))
            later(t + _MIN_STEP + rng.expovariate(1 / (12 * HOUR)), _CLOSE, i, pos)
        else:
            items[i].visits.append((int(t), flow.done))

    for i, item in enumerate(items):
        assert item.arrival is not None
        events.append((item.arrival, next(order), _ENTER, i, 0))
    heapq.heapify(events)
    while events:
        t, _, action, i, pos = heapq.heappop(events)
        if t > horizon:
            break
        if action == _ENTER:
            enter(pos, i, t)
        elif action == _READY:
            ready(pos, i, t)
        elif action == _FINISH:
            if queues[pos]:
                start(pos, queues[pos].popleft(), t)
            else:
                free[pos] += 1
            leave(pos, i, t)
        elif action == _FIXED:
            enter(flow.test, i, t)
        else:
            items[i].visits.append((int(t), flow.done))


def _roll_up(feature: _Item, done: int, horizon: int, rng: random.Random) -> None:
    """A feature's visits from its stories': started with the first, in the stage of its
    least advanced story in flight, done a little after the last story is done."""
    stories = feature.children
    moves = sorted((t, n, stage) for n, s in enumerate(stories) for t, stage in s.visits[1:])
    where: dict[int, int] = {}
    finished = 0
    for t, n, stage in moves:
        if stage == done:
            finished += 1
            where.pop(n, None)
            if finished == len(stories):
                closed = t + int(rng.uniform(HOUR, DAY))
                if closed <= horizon:
                    _move(feature.visits, closed, done)
                return
        else:
            where[n] = stage
        if where:
            _move(feature.visits, t, min(where.values()))


def _move(visits: list[tuple[int, int]], t: int, stage: int) -> None:
    """Append a visit; moves at one instant collapse into one, staying put is no move."""
    if visits[-1][1] == stage:
        return
    if visits[-1][0] == t:
        visits.pop()
        if visits[-1][1] == stage:
            return
    visits.append((t, stage))
