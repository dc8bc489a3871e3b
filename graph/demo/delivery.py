"""Delivery derived from the simulated visits: commits while an item is in development,
pull requests and their merges into a linear main line, CI builds, staging and production
deployments on the product's cadence, what each deployment shipped, releases, and the
release that delivered each feature."""

from __future__ import annotations

import bisect
import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graph.demo.catalogue import _CADENCES, _COMMIT_VERBS
from graph.demo.config import DAY, HOUR
from graph.demo.organisation import _Product, _Repo
from graph.demo.work import _Item
from graph.ingest.records import Ref
from graph.model import DeploymentStatus, Label, WorkItemKind

# A placeholder until refs are given (once all commits of a repository exist, in `_merge`).
_UNNAMED_COMMIT = Ref(Label.COMMIT, "")


@dataclass(eq=False, slots=True)
class _Commit:
    id: str
    message: str
    at: int
    author: str
    item: _Item | None = None
    parents: list[_Commit] = field(default_factory=list)
    ref: Ref = _UNNAMED_COMMIT


@dataclass(eq=False, slots=True)
class _PullRequest:
    item: _Item
    branch: str
    author: str
    created: int
    merged: int | None
    commits: list[_Commit]
    number: int = 0
    id: str = ""
    merge: _Commit | None = None


@dataclass(eq=False, slots=True)
class _Build:
    id: str
    name: str
    ok: bool
    started: int
    finished: int
    commit: _Commit


@dataclass(eq=False, slots=True)
class _Deployment:
    id: str
    environment: str
    status: DeploymentStatus
    started: int
    finished: int  # when it finished, or will (an in-progress one has no finishedAt yet)
    head: int  # index of the deployed commit on main
    shipped: range = range(0)  # main indices it shipped (successful deployments only)
    release: _Release | None = None


@dataclass(eq=False)
class _History:
    """One repository's commits, pull requests, main line, builds and deployments."""

    repo: _Repo
    commits: list[_Commit] = field(default_factory=list)
    pulls: list[_PullRequest] = field(default_factory=list)
    main: list[_Commit] = field(default_factory=list)  # oldest first; [0] the initial commit
    merged: list[_PullRequest | None] = field(default_factory=list)  # PR merged as main[i]
    branches: list[list[_Commit]] = field(default_factory=list)  # commits with no PR yet
    builds: list[_Build] = field(default_factory=list)
    deployments: list[_Deployment] = field(default_factory=list)
    #: main index -> the first production deployment that shipped it
    in_production: dict[int, _Deployment] = field(default_factory=dict)


@dataclass(eq=False)
class _Release:
    id: str
    name: str
    version: str
    at: int
    deployments: list[_Deployment]
    features: list[_Item] = field(default_factory=list)


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _write_code(
    product: _Product, items: list[_Item], horizon: int, rng: random.Random
) -> list[_History]:
    """Commits while an item is in development, and a pull request per hand-off to
    review: opened when it leaves development, merged when it leaves review for test."""
    histories = [_History(repo) for repo in product.repos]
    dev = next(i for i, s in enumerate(product.template) if s.role == "dev")
    for item in items:
        if not item.has_code:
            continue
        history = histories[item.repo]
        visits = item.visits
        attempt = 0  # a rework is another pull request, on a branch of its own
        for k, (entered, stage) in enumerate(visits):
            if stage != dev:
                continue
            left = visits[k + 1][0] if k + 1 < len(visits) else horizon
            author = rng.choice(item.team.members).name
            times = sorted(
                int(entered + rng.uniform(0.05, 0.95) * (left - entered))
                for _ in range(1 + min(4, int(rng.expovariate(0.8))))
            )
            commits = [
                _Commit(
                    _sha(rng),
                    f"{item.id} {rng.choice(_COMMIT_VERBS)} {item.noun}",
                    at,
                    author,
                    item,
                )
                for at in times
            ]
            history.commits += commits
            if k + 1 == len(visits):
                history.branches.append(commits)
                continue
            merged = visits[k + 2][0] if k + 2 < len(visits) else None
            kind = "bugfix" if item.kind is WorkItemKind.DEFECT else "feature"
            branch = f"{kind}/{item.id.lower()}" + (f"-rework-{attempt}" if attempt else "")
            history.pulls.append(_PullRequest(item, branch, author, left, merged, commits))
            attempt += 1
    for history in histories:
        _merge(history, rng)
    return histories


def _merge(history: _History, rng: random.Random) -> None:
    """A linear main line of merge commits, in merge order; every branch starts from the
    main commit that was current when its first commit was made."""
    authors = [c.author for c in history.commits] or ["Release Bot"]
    initial = _Commit(_sha(rng), "Initial commit", -30 * DAY, rng.choice(authors))
    history.main.append(initial)
    history.merged.append(None)
    history.commits.append(initial)
    history.pulls.sort(key=lambda p: p.created)
    for number, pull in enumerate(history.pulls, start=1):
        pull.number = number
        pull.id = f"{history.repo.id}-pr-{number}"
    for pull in sorted(history.pulls, key=lambda p: (p.merged or 0, p.number)):
        if pull.merged is None:
            continue
        merge = _Commit(
            _sha(rng),
            f"Merge pull request #{pull.number}: {pull.item.id} {pull.item.title}",
            pull.merged,
            pull.author,
            parents=[history.main[-1], pull.commits[-1]],
        )
        pull.merge = merge
        history.main.append(merge)
        history.merged.append(pull)
        history.commits.append(merge)
    times = [c.at for c in history.main]
    for commits in [p.commits for p in history.pulls] + history.branches:
        commits[0].parents.append(history.main[bisect.bisect(times, commits[0].at) - 1])
        for previous, commit in itertools.pairwise(commits):
            commit.parents.append(previous)
    for commit in history.commits:
        commit.ref = Ref(Label.COMMIT, commit.id)


#: Share of merged pull requests that someone reviewed, and of those reviews that only
#: commented (the rest approve).
_REVIEWED = 0.9
_COMMENTED = 0.2


def _reviews(pull: _PullRequest) -> list[tuple[str, int, str]]:
    """(person id, submitted, state) of a merged pull request's review: by a member of
    its item's team other than its author, between its opening and its merge, so the
    lead time's pickup and review steps have data. Drawn from a generator of the pull's
    own (its id and times), not the simulation's: the rest of the demo stays as it was."""
    if pull.merged is None or pull.merged <= pull.created:
        return []
    rng = random.Random(f"review:{pull.id}:{pull.created}:{pull.merged}")
    others = [m for m in pull.item.team.members if m.name != pull.author]
    if not others or rng.random() >= _REVIEWED:
        return []
    at = pull.created + int(rng.uniform(0.1, 0.8) * (pull.merged - pull.created))
    state = "commented" if rng.random() < _COMMENTED else "approved"
    return [(rng.choice(others).id, at, state)]


def _build(history: _History, horizon: int, rng: random.Random) -> list[tuple[int, int]]:
    """A CI build of every merge commit; (finished, main index) of the successful ones."""
    ready = []
    for index, commit in enumerate(history.main[1:], start=1):
        started = commit.at + rng.randint(30, 180)
        finished = started + rng.randint(4 * 60, 25 * 60)
        if finished > horizon:
            break
        ok = rng.random() >= 0.06
        number = len(history.builds) + 1
        history.builds.append(
            _Build(
                f"{history.repo.id}-build-{number}",
                f"{history.repo.name} #{number}",
                ok,
                started,
                finished,
                commit,
            )
        )
        if ok:
            ready.append((finished, index))
    return sorted(ready)


def _deliver(
    history: _History, product: _Product, start: datetime, horizon: int, rng: random.Random
) -> None:
    """Successful builds go to staging (at most hourly), staging successes to production
    on the product's cadence."""
    built = _build(history, horizon, rng)
    slots = [at for at, _ in built]
    staging = _deploy(history, "staging", built, slots, HOUR, 0.04, horizon, rng)
    staged = sorted((d.finished, d.head) for d in staging if d.status is DeploymentStatus.SUCCESS)
    slots = _production_slots(product.cadence, start, horizon, rng)
    for deployment in _deploy(history, "production", staged, slots, 0, 0.05, horizon, rng):
        for index in deployment.shipped:
            history.in_production.setdefault(index, deployment)


def _deploy(
    history: _History,
    environment: str,
    ready: list[tuple[int, int]],
    slots: list[int],
    min_gap: int,
    failure: float,
    horizon: int,
    rng: random.Random,
) -> list[_Deployment]:
    """At each slot, deploy the newest ready main commit not yet deployed, at most one
    deployment per `min_gap`; a failed deployment is retried a few hours later. Each
    successful one ships the main commits since the previous successful one."""
    heap = list(slots)
    heapq.heapify(heap)
    runs: list[_Deployment] = []
    j, newest, deployed, last = 0, -1, -1, -min_gap
    while heap:
        t = heapq.heappop(heap)
        if t > horizon:
            break
        while j < len(ready) and ready[j][0] <= t:
            newest = max(newest, ready[j][1])
            j += 1
        if newest <= deployed:
            continue
        if t < last + min_gap:
            heapq.heappush(heap, last + min_gap)
            continue
        last = t
        finished = t + rng.randint(3 * 60, 20 * 60)
        deployment = _Deployment(
            f"{history.repo.id}-{environment}-{len(runs) + 1}",
            environment,
            DeploymentStatus.SUCCESS,
            t,
            finished,
            newest,
        )
        if finished > horizon:
            deployment.status = DeploymentStatus.IN_PROGRESS
        elif rng.random() < failure:
            deployment.status = DeploymentStatus.FAILURE
            heapq.heappush(heap, finished + rng.randint(HOUR, 4 * HOUR))
        else:
            deployment.shipped = range(deployed + 1, newest + 1)
            deployed = newest
        runs.append(deployment)
    history.deployments += runs
    return runs


def _production_slots(cadence: str, start: datetime, horizon: int, rng: random.Random) -> list[int]:
    """Working-day deployment windows on the cadence, each at a random hour of the day."""
    period = _CADENCES[cadence]
    slots = []
    day = rng.randrange(period)
    while day * DAY < horizon:
        weekday = (start + timedelta(days=day)).weekday()
        if weekday >= 5:  # a weekend: the next Monday instead
            day += 7 - weekday
            continue
        if cadence != "daily" or rng.random() > 0.1:  # daily deployers skip the odd day
            slots.append(day * DAY + rng.randint(9 * HOUR, 17 * HOUR))
        day += period
    return slots


def _in_production(histories: list[_History]) -> list[_Deployment]:
    """The successful production deployments of a product, in the order they finished."""
    return sorted(
        (
            d
            for h in histories
            for d in h.deployments
            if d.environment == "production" and d.status is DeploymentStatus.SUCCESS
        ),
        key=lambda d: d.finished,
    )


def _shipped_commits(history: _History, deployment: _Deployment) -> Iterator[_Commit]:
    """The commits a successful deployment brought: main commits and their branches."""
    for index in deployment.shipped:
        yield history.main[index]
        pull = history.merged[index]
        if pull is not None:
            yield from pull.commits


_RELEASE_DAYS = 14


def _releases(
    product: _Product, histories: list[_History], start: datetime, horizon: int
) -> list[_Release]:
    """A release every two weeks that had production deployments, cut just after the
    last of them."""
    windows: dict[int, list[_Deployment]] = {}
    for deployment in _in_production(histories):
        windows.setdefault(deployment.finished // (_RELEASE_DAYS * DAY), []).append(deployment)
    releases: list[_Release] = []
    per_month: dict[tuple[int, int], int] = {}
    for group in windows.values():
        at = group[-1].finished + 30 * 60
        if at > horizon:
            continue
        when = start + timedelta(seconds=at)
        month = (when.year, when.month)
        per_month[month] = per_month.get(month, 0) + 1
        version = f"{when.year}.{when.month:02d}.{per_month[month]}"
        release = _Release(
            f"{product.id}-{version}", f"{product.spec.name} {version}", version, at, group
        )
        for deployment in group:
            deployment.release = release
        releases.append(release)
    return releases


def _deliver_features(features: list[_Item], histories: list[_History], done: int) -> None:
    """Each feature whose stories are all done and shipped goes to the release that
    shipped the last of them."""
    shipped_by: dict[int, _Deployment] = {}
    for history in histories:
        for index, deployment in history.in_production.items():
            pull = history.merged[index]
            if pull is not None:
                shipped_by[id(pull)] = deployment
    pulls_of: dict[int, list[_PullRequest]] = {}
    for history in histories:
        for pull in history.pulls:
            pulls_of.setdefault(id(pull.item), []).append(pull)
    for feature in features:
        releases: list[_Release | None] = [None] if not feature.children else []
        for story in feature.children:
            pulls = pulls_of.get(id(story), [])
            if story.visits[-1][1] != done or not pulls:
                releases.append(None)
            for pull in pulls:
                shipped = shipped_by.get(id(pull))
                releases.append(shipped.release if shipped is not None else None)
        if None not in releases:
            last = max((r for r in releases if r is not None), key=lambda r: r.at)
            last.features.append(feature)
