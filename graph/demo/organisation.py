"""The organisation, planned before any work: business lines, products (each with its
template, constraint stage, cadence, tools and repositories), teams and their
dependencies, people and their skills (short of the constraint's needs in its teams)."""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from graph.demo.catalogue import (
    _CADENCES,
    _CHANGE_FAILURE,
    _CODE_TOOLCHAINS,
    _FIRST_NAMES,
    _KIND_SHARES,
    _LANGUAGE,
    _LAST_NAMES,
    _PLATFORM_ROLES,
    _PRODUCTS,
    _RESTORE_HOURS,
    _ROLE_SKILLS,
    _SRE_ROLES,
    _STREAM_TEAM_ROLES,
    _ProductSpec,
)
from graph.demo.config import DAY, DemoConfig
from graph.demo.templates import _ACTIVE, _NEEDS, _TEMPLATES, _WAITING, _StageDef
from graph.ingest.records import Ref
from graph.model import Label, ToolKind, WorkItemKind

_MONTH_DAYS = 30.4375


@dataclass(frozen=True)
class _Person:
    id: str
    name: str
    email: str
    role: str
    skills: tuple[tuple[str, int], ...]


@dataclass(eq=False)
class _Team:
    id: str
    name: str
    language: str
    home: _Product | None
    products: list[_Product] = field(default_factory=list)
    depends_on: list[_Team] = field(default_factory=list)
    members: list[_Person] = field(default_factory=list)

    @property
    def ref(self) -> Ref:
        return Ref(Label.TEAM, self.id)


@dataclass(frozen=True)
class _Repo:
    id: str
    name: str
    tool: str


@dataclass(eq=False)
class _Product:
    spec: _ProductSpec
    template: tuple[_StageDef, ...]
    constraint: int  # index of the constraint stage in `template`
    cadence: str
    tools: dict[ToolKind, str]
    repos: tuple[_Repo, ...]
    counts: dict[WorkItemKind, int]
    change_failure: float
    restore_hours: float
    teams: list[_Team] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.spec.name.lower().replace(" ", "-")

    @property
    def ref(self) -> Ref:
        return Ref(Label.PRODUCT, self.id)

    @property
    def stream_id(self) -> str:
        return f"{self.id}-value-stream"

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(f"{self.spec.key.lower()}-{s.slug}" for s in self.template)

    @property
    def home_teams(self) -> list[_Team]:
        return [t for t in self.teams if t.home is self]


@dataclass(eq=False)
class _Org:
    config: DemoConfig
    start: datetime
    horizon: int  # seconds of history
    business_lines: list[tuple[str, str]]  # (id, name)
    products: list[_Product]
    teams: list[_Team]
    platform: _Team
    sre: _Team
    #: team id -> ids of work items it owns in products built so far (cross-product blocks)
    recent: dict[str, deque[str]] = field(default_factory=dict)


def _organisation(config: DemoConfig, until: datetime) -> _Org:
    rng = random.Random(f"vsgraph-demo:{config.seed}:org")
    days = round(config.months * _MONTH_DAYS)
    start = until - timedelta(days=days)
    specs = _PRODUCTS[: _product_count(config.work_items)]
    if config.lead_items is None:
        counts = _work_counts(config.work_items, len(specs), rng)
    else:
        lead = _work_counts(config.lead_items, 1, rng)
        counts = lead + _work_counts(config.work_items - config.lead_items, len(specs) - 1, rng)
    cadences = _shuffled_cycle(list(_CADENCES), len(specs), rng)
    templates = _shuffled_cycle(list(_TEMPLATES), len(specs), rng)
    products = [
        _product(spec, templates[i], cadences[i], counts[i], rng) for i, spec in enumerate(specs)
    ]
    lines = list(dict.fromkeys(spec.line for spec in specs))
    teams, platform, sre = _teams(products, rng)
    return _Org(
        config=config,
        start=start,
        horizon=days * DAY,
        business_lines=[(_slug("bl " + name), name) for name in lines],
        products=products,
        teams=teams,
        platform=platform,
        sre=sre,
    )


def _product_count(work_items: int) -> int:
    """Six products for a small demo, up to twelve as it grows."""
    for limit, count in ((5_000, 6), (50_000, 8), (250_000, 10)):
        if work_items <= limit:
            return count
    return 12


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def _shuffled_cycle(values: list[Any], n: int, rng: random.Random) -> list[Any]:
    """`n` values cycling through `values` (so each appears if n allows), shuffled."""
    chosen = [values[i % len(values)] for i in range(n)]
    rng.shuffle(chosen)
    return chosen


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into whole parts proportional to `weights` (largest remainder)."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - exact[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _work_counts(total: int, products: int, rng: random.Random) -> list[dict[WorkItemKind, int]]:
    """Work items per product and kind, summing exactly to `total`."""
    kind_totals = _apportion(total, [share for _, share in _KIND_SHARES])
    weights = [rng.uniform(0.6, 1.4) for _ in range(products)]
    counts: list[dict[WorkItemKind, int]] = [{} for _ in range(products)]
    for (kind, _), kind_total in zip(_KIND_SHARES, kind_totals, strict=True):
        # One of each kind per product first where there are enough, so every product
        # has its epic, features and stories even in the smallest demo.
        floor = 1 if kind_total >= products else 0
        rest = _apportion(kind_total - floor * products, weights)
        for i in range(products):
            counts[i][kind] = floor + rest[i]
    return counts


def _product(
    spec: _ProductSpec,
    template: tuple[_StageDef, ...],
    cadence: str,
    counts: dict[WorkItemKind, int],
    rng: random.Random,
) -> _Product:
    scm, ci = rng.choice(_CODE_TOOLCHAINS)
    tools = {
        ToolKind.PLANNING: "jira" if rng.random() < 0.75 else "azure-boards",
        ToolKind.SOURCE_CONTROL: scm,
        ToolKind.CI: ci,
        ToolKind.CD: rng.choice(("argocd", "spinnaker")),
        ToolKind.INCIDENTS: rng.choice(("pagerduty", "opsgenie")),
        ToolKind.FEEDBACK: rng.choice(("zendesk", "productboard")),
    }
    slug = spec.name.lower().replace(" ", "-")
    suffixes = ("api", "web") if rng.random() < 0.6 else ("service",)
    repos = tuple(_Repo(f"{slug}-{s}", f"{slug}-{s}", scm) for s in suffixes)
    # The constraint is an active stage with a waiting stage in front (its queue shows in
    # flow time); which one is the product's seeded choice.
    candidates = [
        i
        for i, stage in enumerate(template)
        if stage.state is _ACTIVE and template[i - 1].state is _WAITING
    ]
    return _Product(
        spec=spec,
        template=template,
        constraint=rng.choice(candidates),
        cadence=cadence,
        tools=tools,
        repos=repos,
        counts=counts,
        change_failure=rng.uniform(*_CHANGE_FAILURE[cadence]),
        restore_hours=rng.uniform(*_RESTORE_HOURS[cadence]),
    )


def _teams(products: list[_Product], rng: random.Random) -> tuple[list[_Team], _Team, _Team]:
    """Two stream-aligned teams per product, a platform team and an SRE team."""
    platform = _Team("team-platform", "Platform", "Go", None)
    sre = _Team("team-sre", "Site Reliability", "Go", None)
    teams: list[_Team] = []
    previous_core: _Team | None = None
    for product in products:
        name, language = product.spec.name, product.spec.language
        core = _Team(f"team-{product.id}-core", f"{name} Core", language, product)
        experience = _Team(f"team-{product.id}-experience", f"{name} Experience", language, product)
        for team in (core, experience):
            team.products.append(product)
        experience.depends_on.append(core)
        core.depends_on.append(platform)
        if rng.random() < 0.5:
            experience.depends_on.append(platform)
        if rng.random() < 0.4:
            core.depends_on.append(sre)
        # Cross-product dependencies point at earlier products, whose work items exist by
        # the time a later product's blocked items need a blocker.
        if previous_core is not None and rng.random() < 0.6:
            experience.depends_on.append(previous_core)
        previous_core = core
        teams += [core, experience]
    platform.depends_on.append(sre)
    for shared in (platform, sre):
        shared.products.extend(products)
    teams += [platform, sre]
    for product in products:
        product.teams = [t for t in teams if product in t.products]
    _staff(teams, platform, sre, rng)
    return teams, platform, sre


def _staff(teams: list[_Team], platform: _Team, sre: _Team, rng: random.Random) -> None:
    """People with roles and skills; where a team's home stage is the constraint, its
    members fall short of the skills that stage needs (the gap guidance should find)."""
    emails: set[str] = set()
    number = itertools.count(1)
    for team in teams:
        roles = (
            _PLATFORM_ROLES
            if team is platform
            else _SRE_ROLES
            if team is sre
            else _STREAM_TEAM_ROLES
        )
        gaps = _constraint_needs(team.home) if team.home else {}
        for role in roles[: rng.randint(5, len(roles))]:
            n = next(number)
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            email = f"{first}.{last}@example.com".lower()
            if email in emails:
                email = f"{first}.{last}{n}@example.com".lower()
            emails.add(email)
            skills = []
            for skill in _ROLE_SKILLS[role]:
                name = team.language if skill == _LANGUAGE else skill
                needed = gaps.get(name)
                level = rng.randint(1, needed - 1) if needed else rng.randint(2, 5)
                skills.append((name, level))
            team.members.append(
                _Person(f"person-{n:04d}", f"{first} {last}", email, role, tuple(skills))
            )


def _constraint_needs(product: _Product) -> dict[str, int]:
    stage = product.template[product.constraint]
    return {_skill_name(s, product): level for s, level in _NEEDS[stage.role]}


def _skill_name(skill: str, product: _Product) -> str:
    return product.spec.language if skill == _LANGUAGE else skill


def _skill_id(name: str) -> str:
    return "skill-" + _slug(name)
