"""A realistic synthetic organisation as ingest records: seeded, deterministic, any size.

`generate(config)` returns a stream of records (the dataclasses of
`graph.ingest.records`) and the `DemoTruth` built into them, above all which stage of
each value stream was made its constraint. docs/demo.md describes the result.

The organisation (business lines, products, value streams, teams, people, skills, tools,
repositories) is planned first. Then each product is generated on its own, which keeps
memory bounded by the largest product:

1. plan the work: kinds in fixed shares, a hierarchy, when each item is created and when
   it is pulled into the flow;
2. simulate the value stream as a chain of multi-server FIFO queues, one per active
   stage with its waiting stage in front; one active stage is given too little capacity;
3. derive delivery from the simulated visits: commits while in development, a pull
   request per hand-off to review, merges, builds, staging and production deployments on
   the product's cadence, what each deployment shipped, releases;
4. derive outcomes: incidents after some production deployments, customer feedback after
   releases, and feedback that led to new work.

Times are seconds since the start of the history internally (floats in the simulation,
whole seconds once recorded) and aware UTC datetimes in the records.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord, StateRecord
from graph.model import (
    DEFAULT_FLOW_TYPE,
    DeploymentStatus,
    Label,
    RelType,
    Sentiment,
    StageState,
    ToolKind,
    WorkItemKind,
)

MIN_WORK_ITEMS = 200
MAX_WORK_ITEMS = 1_000_000

HOUR = 3600
DAY = 24 * HOUR
_MONTH_DAYS = 30.4375

# ---------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class DemoConfig:
    """What to generate: how many work items, over how long a history, from which seed."""

    work_items: int = 3000
    seed: int = 7
    until: datetime | None = None
    months: int = 13

    def __post_init__(self) -> None:
        if not MIN_WORK_ITEMS <= self.work_items <= MAX_WORK_ITEMS:
            raise ValueError(
                f"work_items must be between {MIN_WORK_ITEMS:,} and {MAX_WORK_ITEMS:,}, "
                f"got {self.work_items:,}"
            )
        if not 3 <= self.months <= 60:
            raise ValueError(f"months must be between 3 and 60, got {self.months}")
        if self.until is not None and self.until.utcoffset() is None:
            raise ValueError("until must be timezone-aware (e.g. tzinfo=UTC)")


@dataclass(frozen=True)
class DemoTruth:
    """What the generator built in on purpose, for checking analyses against it."""

    #: value stream id -> id of the stage made its constraint
    constraints: dict[str, str]
    value_streams: list[str]
    products: list[str]
    business_lines: list[str]
    teams: list[str]
    #: value stream id -> its stage ids in order
    stages: dict[str, list[str]]
    #: product id -> daily | weekly | biweekly | monthly (production deployments)
    deployment_cadence: dict[str, str]
    #: features of the first product with the whole chain: epic -> feature -> stories ->
    #: commits and pull requests -> production deployment -> release -> feedback
    traced_features: list[str]
    start: datetime
    until: datetime


def generate(config: DemoConfig) -> tuple[Iterator[Record], DemoTruth]:
    """Plan the organisation and return its record stream and the truth built into it."""
    until = config.until or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    org = _organisation(config, until.astimezone(UTC))
    # The first product is built now (its traced features belong in the truth) and handed
    # to the stream, so it is not built twice; the others are built as the stream reaches
    # them, so memory holds one product at a time.
    first = _build_product(org, org.products[0])
    truth = DemoTruth(
        constraints={p.stream_id: p.stage_ids[p.constraint] for p in org.products},
        value_streams=[p.stream_id for p in org.products],
        products=[p.id for p in org.products],
        business_lines=[line_id for line_id, _ in org.business_lines],
        teams=[t.id for t in org.teams],
        stages={p.stream_id: list(p.stage_ids) for p in org.products},
        deployment_cadence={p.id: p.cadence for p in org.products},
        traced_features=first.traced,
        start=org.start,
        until=org.start + timedelta(seconds=org.horizon),
    )
    return _stream(org, [first]), truth


def _stream(org: _Org, built_ahead: list[_Built]) -> Iterator[Record]:
    out = _Records(org.start)
    yield from _org_records(org, out)
    for product in org.products:
        # Popped, not kept: a product's data is freed once its records are out.
        ahead = built_ahead.pop() if built_ahead and built_ahead[-1].product is product else None
        built = ahead or _build_product(org, product)
        yield from _product_nodes(built, out)
        yield from _product_links(built, out)
        yield from _product_states(built, out)
        del built, ahead


# ---------------------------------------------------------------------------------------
# The catalogue the organisation is drawn from


@dataclass(frozen=True)
class _ProductSpec:
    key: str
    name: str
    line: str  # business line
    language: str
    nouns: tuple[str, ...]  # what its work items are about


# In order of use: the first six span three business lines; more products come with scale.
_PRODUCT_TABLE = (
    ("PAY", "Payments", "Consumer Banking", "Java", "refunds, card payments, payouts, transfers"),
    ("CHK", "Checkout", "Digital Commerce", "TypeScript", "basket, promo codes, shipping options"),
    ("INS", "Insights", "Data and Platform", "Python", "dashboards, data exports, event pipeline"),
    ("ACC", "Accounts", "Consumer Banking", "Kotlin", "account opening, statements, overdrafts"),
    ("CAT", "Catalogue", "Digital Commerce", "Python", "product search, price rules, stock levels"),
    ("IDN", "Identity", "Data and Platform", "Go", "single sign-on, sessions, password reset"),
    ("LND", "Lending", "Consumer Banking", "Java", "loan applications, credit checks, repayments"),
    ("SUB", "Subscriptions", "Digital Commerce", "TypeScript", "plan upgrades, invoices, trials"),
    ("FRD", "Fraud Detection", "Risk and Compliance", "Python", "fraud rules, risk scores, alerts"),
    ("NTF", "Notifications", "Data and Platform", "Go", "email templates, text messages, webhooks"),
    ("RPT", "Regulatory Reporting", "Risk and Compliance", "Java", "filings, audit trail"),
    ("MOB", "Mobile App", "Consumer Banking", "Kotlin", "home screen, push alerts, card controls"),
)  # fmt: skip
_PRODUCTS = tuple(
    _ProductSpec(key, name, line, language, tuple(about.split(", ")))
    for key, name, line, language, about in _PRODUCT_TABLE
)

_PLAN, _SCM, _CI, _CD = ToolKind.PLANNING, ToolKind.SOURCE_CONTROL, ToolKind.CI, ToolKind.CD
_TOOLS = (
    ("jira", "Jira", _PLAN), ("azure-boards", "Azure Boards", _PLAN),
    ("github", "GitHub", _SCM), ("gitlab", "GitLab", _SCM),
    ("github-actions", "GitHub Actions", _CI), ("jenkins", "Jenkins", _CI),
    ("gitlab-ci", "GitLab CI", _CI), ("argocd", "Argo CD", _CD), ("spinnaker", "Spinnaker", _CD),
    ("pagerduty", "PagerDuty", ToolKind.INCIDENTS), ("opsgenie", "Opsgenie", ToolKind.INCIDENTS),
    ("zendesk", "Zendesk", ToolKind.FEEDBACK), ("productboard", "Productboard", ToolKind.FEEDBACK),
    ("backstage", "Backstage", ToolKind.OTHER),
)  # fmt: skip
#: The service catalogue: where business lines, products, teams, people and skills come from.
_CATALOGUE = "backstage"
_CODE_TOOLCHAINS = (("github", "github-actions"), ("github", "jenkins"), ("gitlab", "gitlab-ci"))

_SKILLS = (
    ("Java", "language"), ("Kotlin", "language"), ("TypeScript", "language"),
    ("Python", "language"), ("Go", "language"), ("SQL", "language"),
    ("Requirements analysis", "practice"), ("Domain modelling", "practice"),
    ("Code review", "practice"), ("Test automation", "practice"),
    ("Exploratory testing", "practice"),
    ("Kubernetes", "platform"), ("Observability", "platform"), ("Security", "platform"),
)  # fmt: skip
_LANGUAGE = "<language>"  # stands for the team's or product's own language
_ROLE_SKILLS = {
    "product owner": ("Requirements analysis", "Domain modelling"),
    "analyst": ("Requirements analysis", "Domain modelling", "SQL"),
    "tech lead": (_LANGUAGE, "Code review", "Kubernetes", "SQL"),
    "engineer": (_LANGUAGE, "SQL", "Code review", "Test automation"),
    "tester": ("Test automation", "Exploratory testing", "SQL"),
    "site reliability engineer": ("Kubernetes", "Observability", "Security", "Go"),
}
# Team make-up, in hiring order: a team of five has the first five.
_STREAM_TEAM_ROLES = (
    "product owner", "tech lead", "engineer", "tester", "engineer", "analyst", "engineer", "tester",
)  # fmt: skip
_PLATFORM_ROLES = ("tech lead", "engineer", "site reliability engineer", "engineer") * 2
_SRE_ROLES = ("tech lead", *("site reliability engineer",) * 7)

_FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jonas",
    "Kemi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomas",
    "Uma", "Viktor", "Wen", "Yara", "Zoe", "Aiko", "Bruno", "Carmen", "Diego", "Emma",
)  # fmt: skip
_LAST_NAMES = (
    "Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
    "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
    "Rossi", "Schmidt", "Tanaka", "Urban", "Varga", "Weber", "Young", "Zhang",
)  # fmt: skip


@dataclass(frozen=True)
class _StageDef:
    """One stage of a value-stream template; `role` says what the simulation does there."""

    slug: str
    name: str
    state: StageState
    role: str  # backlog | queue | analysis | dev | test | release | done
    tool: ToolKind  # the kind of tool that SUPPORTS it
    states: tuple[str, ...]


_NEW, _ACTIVE, _WAITING, _DONE = (
    StageState.NEW,
    StageState.ACTIVE,
    StageState.WAITING,
    StageState.DONE,
)
_BACKLOG = _StageDef("backlog", "Backlog", _NEW, "backlog", _PLAN, ("Backlog", "Open", "New"))
_FINISHED = _StageDef("done", "Done", _DONE, "done", _CD, ("Done", "Closed", "Resolved"))

# Every template: backlog first, done last, a `dev` stage then a waiting stage (where the
# pull request is reviewed) then a `test` stage, and a waiting stage before every active
# stage but possibly the first (which then pulls straight from the backlog).
_TEMPLATE_TABLE = (
    (
        ("analysis", "Analysis", _ACTIVE, "analysis", _PLAN, "In Analysis", "Refinement"),
        ("ready", "Ready for Dev", _WAITING, "queue", _PLAN, "Ready for Development"),
        ("dev", "Development", _ACTIVE, "dev", _SCM, "In Progress", "In Development"),
        ("review", "Code Review", _WAITING, "queue", _SCM, "In Review", "Code Review"),
        ("test", "Testing", _ACTIVE, "test", _CI, "In Testing", "QA"),
        ("release", "Ready to Release", _WAITING, "release", _CD, "Ready for Release"),
    ), (
        ("triage", "Ready for Analysis", _WAITING, "queue", _PLAN, "Ready for Analysis"),
        ("analysis", "Analysis", _ACTIVE, "analysis", _PLAN, "In Analysis"),
        ("ready", "Ready for Dev", _WAITING, "queue", _PLAN, "Selected for Development"),
        ("dev", "Development", _ACTIVE, "dev", _SCM, "In Progress"),
        ("review", "In Review", _WAITING, "queue", _SCM, "In Review", "Pending Review"),
        ("test", "Testing", _ACTIVE, "test", _CI, "In Testing", "In QA"),
    ), (
        ("ready", "To Do", _WAITING, "queue", _PLAN, "To Do", "Selected for Development"),
        ("dev", "In Progress", _ACTIVE, "dev", _SCM, "In Progress"),
        ("review", "In Review", _WAITING, "queue", _SCM, "In Review", "Review"),
        ("test", "Verification", _ACTIVE, "test", _CI, "QA", "Verifying"),
        ("release", "Ready to Deploy", _WAITING, "release", _CD, "Ready to Deploy"),
    ), (
        ("ready", "Ready", _WAITING, "queue", _PLAN, "Ready", "To Do"),
        ("dev", "Implementation", _ACTIVE, "dev", _SCM, "In Progress", "Implementing"),
        ("review", "Review", _WAITING, "queue", _SCM, "In Review", "Pending Review"),
        ("test", "Acceptance", _ACTIVE, "test", _CI, "Acceptance", "UAT"),
    ),
)  # fmt: skip
_TEMPLATES = tuple(
    (_BACKLOG, *(_StageDef(*stage[:5], stage[5:]) for stage in stages), _FINISHED)
    for stages in _TEMPLATE_TABLE
)

#: Skills (and levels) each kind of active stage needs.
_NEEDS = {
    "analysis": (("Requirements analysis", 3), ("Domain modelling", 2)),
    "dev": ((_LANGUAGE, 4), ("SQL", 3)),
    "test": (("Test automation", 4), ("Exploratory testing", 3)),
}
#: Mean hours of work per item in each kind of active stage (before a product's factor).
_WORK_HOURS = {"analysis": 8.0, "dev": 24.0, "test": 10.0}

_KIND_SHARES = (
    (WorkItemKind.INITIATIVE, 0.01), (WorkItemKind.EPIC, 0.03), (WorkItemKind.FEATURE, 0.15),
    (WorkItemKind.STORY, 0.55), (WorkItemKind.DEFECT, 0.16), (WorkItemKind.RISK, 0.05),
    (WorkItemKind.DEBT, 0.05),
)  # fmt: skip
#: Kinds that flow through the stages' queues themselves (features roll up from stories).
_QUEUED = frozenset({WorkItemKind.STORY, WorkItemKind.DEFECT, WorkItemKind.RISK, WorkItemKind.DEBT})
#: Mean days an item of each kind sits in the backlog before it is pulled into the flow.
_BACKLOG_DAYS = {
    WorkItemKind.STORY: 6.0, WorkItemKind.DEFECT: 3.0, WorkItemKind.RISK: 15.0,
    WorkItemKind.DEBT: 30.0,
}  # fmt: skip
_PRIORITIES = (("Highest", 3), ("High", 17), ("Medium", 55), ("Low", 20), ("Lowest", 5))
_POINTS = (1.0, 2.0, 3.0, 5.0, 8.0)

#: Production deployment cadences and their period in days; every organisation has the
#: first three, so DORA levels differ between its products.
_CADENCES = {"daily": 1, "weekly": 7, "monthly": 30, "biweekly": 14}
#: Per cadence: the range of the chance that a production deployment causes an incident,
#: and of the median hours to restore service.
_CHANGE_FAILURE = {
    "daily": (0.04, 0.1), "weekly": (0.08, 0.18), "biweekly": (0.12, 0.25),
    "monthly": (0.18, 0.35),
}  # fmt: skip
_RESTORE_HOURS = {"daily": (0.5, 3), "weekly": (2, 12), "biweekly": (6, 30), "monthly": (12, 96)}

_VERBS = ("Add", "Improve", "Support", "Redesign", "Automate", "Simplify", "Speed up", "Audit")
_ASPECTS = (
    "for mobile users", "for business customers", "in the API", "in the admin console",
    "in new markets", "in bulk", "with clearer errors", "for screen readers",
)  # fmt: skip
_STEPS = (
    "Backend endpoint", "UI form", "Validation rules", "Data migration", "Monitoring",
    "Feature flag", "Acceptance tests", "Error messages",
)  # fmt: skip
_SYMPTOMS = (
    "fail for some customers", "show wrong totals", "time out under load",
    "ignore user settings", "crash on empty input", "show stale data",
)  # fmt: skip
_RISKS = ("Single point of failure in", "Unpatched dependency in", "Compliance gap in")
_DEBTS = ("Refactor", "Upgrade the libraries of", "Remove dead code in", "Add missing tests for")
_THEMES = ("Grow", "Modernise", "Scale", "Simplify")
_SCOPES = ("v2", "self-service", "automation", "for small businesses", "at scale")
_COMMIT_VERBS = ("add", "fix", "refactor", "test", "handle edge cases in", "tidy up")
_INCIDENTS = ("Elevated error rate in", "Latency spike in", "Outage of", "Failed jobs in")
_SEVERITIES = (("sev1", 5), ("sev2", 20), ("sev3", 45), ("sev4", 30))
_CHANNELS = ("app review", "support ticket", "survey", "customer interview", "community forum")
_STARS = ((5.0, 30), (4.0, 25), (3.0, 20), (2.0, 15), (1.0, 10))


# ---------------------------------------------------------------------------------------
# The organisation


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
    counts = _work_counts(config.work_items, len(specs), rng)
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


# ---------------------------------------------------------------------------------------
# Work: items, their hierarchy and timing


# Placeholders until ids are given (keys are numbered once all items of a product exist).
_UNNAMED_ITEM = Ref(Label.WORK_ITEM, "")
_UNNAMED_COMMIT = Ref(Label.COMMIT, "")


@dataclass(eq=False, slots=True)
class _Item:
    kind: WorkItemKind
    title: str
    noun: str
    team: _Team
    created: float = 0.0
    arrival: float | None = None  # when it is pulled into the flow; None: never
    parent: _Item | None = None
    children: list[_Item] = field(default_factory=list)
    visits: list[tuple[int, int]] = field(default_factory=list)  # (entered, stage index)
    repo: int = 0
    has_code: bool = False
    priority: str = "Medium"
    points: float | None = None
    blocked_by: str | None = None
    id: str = ""
    ref: Ref = _UNNAMED_ITEM


def _plan_work(org: _Org, product: _Product, rng: random.Random) -> list[_Item]:
    """Every work item of a product with its hierarchy, owner, creation and arrival time."""
    counts = product.counts
    home = product.home_teams
    nouns = product.spec.nouns

    def make(kind: WorkItemKind, team: _Team, parent: _Item | None) -> _Item:
        noun = parent.noun if parent and rng.random() < 0.8 else rng.choice(nouns)
        item = _Item(kind, _title(kind, noun, rng), noun, team, parent=parent)
        if parent is not None:
            parent.children.append(item)
        return item

    def pick(parents: list[_Item], i: int) -> _Item | None:
        # Round-robin first, so every parent gets a child when there are enough.
        if not parents:
            return None
        return parents[i] if i < len(parents) else rng.choice(parents)

    initiatives = [
        make(WorkItemKind.INITIATIVE, home[0], None) for _ in range(counts[WorkItemKind.INITIATIVE])
    ]
    epics = [
        make(WorkItemKind.EPIC, rng.choice(home), pick(initiatives, i))
        for i in range(counts[WorkItemKind.EPIC])
    ]
    features = [
        make(WorkItemKind.FEATURE, rng.choice(home), pick(epics, i))
        for i in range(counts[WorkItemKind.FEATURE])
    ]
    stories = []
    for i in range(counts[WorkItemKind.STORY]):
        feature = pick(features, i)
        team = feature.team if feature and rng.random() < 0.9 else rng.choice(home)
        stories.append(make(WorkItemKind.STORY, team, feature))
    others = [
        make(kind, _owner(kind, org, home, rng), None)
        for kind in (WorkItemKind.DEFECT, WorkItemKind.RISK, WorkItemKind.DEBT)
        for _ in range(counts[kind])
    ]
    _time_work(org.horizon, features, stories, others, rng)
    for group, gap in ((features, (1, 10)), (epics, (3, 20)), (initiatives, (7, 45))):
        for item in group:
            _created_before_children(item, gap, org.horizon, rng)
    items = initiatives + epics + features + stories + others
    for item in items:
        item.priority = _weighted(_PRIORITIES, rng)
        if item.kind in _QUEUED:
            item.has_code = item.kind is not WorkItemKind.RISK or rng.random() < 0.5
            item.repo = 0 if rng.random() < 0.75 else rng.randrange(len(product.repos))
            item.points = rng.choice(_POINTS)
        if item.kind not in (WorkItemKind.INITIATIVE, WorkItemKind.EPIC):
            item.visits.append((int(item.created), 0))
    return items


def _owner(kind: WorkItemKind, org: _Org, home: list[_Team], rng: random.Random) -> _Team:
    """Stream teams own most work; the platform team some debt, SRE some risks."""
    if kind is WorkItemKind.DEBT and rng.random() < 0.25:
        return org.platform
    if kind is WorkItemKind.RISK and rng.random() < 0.3:
        return org.sre
    return rng.choice(home)


def _title(kind: WorkItemKind, noun: str, rng: random.Random) -> str:
    match kind:
        case WorkItemKind.INITIATIVE:
            return f"{rng.choice(_THEMES)} {noun}"
        case WorkItemKind.EPIC:
            return f"{noun.capitalize()} {rng.choice(_SCOPES)}"
        case WorkItemKind.FEATURE:
            return f"{rng.choice(_VERBS)} {noun} {rng.choice(_ASPECTS)}"
        case WorkItemKind.STORY:
            return f"{rng.choice(_STEPS)} for {noun}"
        case WorkItemKind.DEFECT:
            return f"{noun.capitalize()} {rng.choice(_SYMPTOMS)}"
        case WorkItemKind.RISK:
            return f"{rng.choice(_RISKS)} {noun}"
        case _:
            return f"{rng.choice(_DEBTS)} {noun}"


def _weighted(choices: Sequence[tuple[Any, int]], rng: random.Random) -> Any:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _time_work(
    horizon: int,
    features: list[_Item],
    stories: list[_Item],
    others: list[_Item],
    rng: random.Random,
) -> None:
    """Arrival (pulled into the flow) and creation times of the items that flow.

    Arrivals run a little past the horizon, so some items are still only in the backlog
    at its end; a few defects, risks and debts are parked and never pulled at all.
    """
    end = horizon * 1.04
    for feature in features:
        arrival, spread = rng.uniform(0, end), rng.uniform(0, 10 * DAY)
        for story in feature.children:
            story.arrival = arrival + rng.uniform(0, spread)
    for item in stories + others:
        if item.arrival is None and (item.kind is WorkItemKind.STORY or rng.random() > 0.04):
            item.arrival = rng.uniform(0, end)
        age = HOUR + rng.expovariate(1 / (_BACKLOG_DAYS[item.kind] * DAY))
        if item.arrival is None:
            item.created = rng.uniform(-30 * DAY, horizon - HOUR)
        else:
            item.created = min(item.arrival - age, horizon - rng.uniform(HOUR, 3 * DAY))


def _created_before_children(
    item: _Item, gap_days: tuple[int, int], horizon: int, rng: random.Random
) -> None:
    gap = rng.uniform(gap_days[0] * DAY, gap_days[1] * DAY)
    if item.children:
        item.created = min(child.created for child in item.children) - gap
    else:
        item.created = rng.uniform(-30 * DAY, horizon - HOUR)


# ---------------------------------------------------------------------------------------
# The queueing simulation


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


# ---------------------------------------------------------------------------------------
# Delivery: commits, pull requests, builds, deployments, releases


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


# ---------------------------------------------------------------------------------------
# Outcomes: incidents and feedback


@dataclass(eq=False, slots=True)
class _Incident:
    id: str
    title: str
    severity: str
    created: int
    resolved: int | None
    cause: _Deployment
    explicit: bool  # False: the cause is left for analysis to infer


@dataclass(eq=False, slots=True)
class _Feedback:
    id: str
    title: str
    text: str
    channel: str
    score: float  # stars, 1 to 5
    sentiment: Sentiment
    created: int
    about: _Item | None  # None: about the product
    led_to: _Item | None = None


def _incidents(
    product: _Product, histories: list[_History], horizon: int, rng: random.Random
) -> list[_Incident]:
    """Incidents after some production deployments, always before the product's next
    successful one, so inferring the cause of those without one finds the true cause."""
    deployed = _in_production(histories)
    ends = [d.finished for d in deployed[1:]] + [horizon]
    incidents: list[_Incident] = []
    for deployment, next_finished in zip(deployed, ends, strict=True):
        quiet = next_finished - deployment.finished
        if rng.random() >= product.change_failure or quiet < HOUR:
            continue
        delay = min(10 * 60 + rng.expovariate(1 / (8 * HOUR)), 0.9 * quiet)
        created = deployment.finished + int(delay)
        restore = rng.lognormvariate(math.log(product.restore_hours * HOUR), 0.8)
        resolved = created + int(restore)
        # Unresolved: those that would be resolved after the horizon, and a few stragglers.
        still_open = resolved > horizon or rng.random() < 0.04
        noun = rng.choice(product.spec.nouns)
        incidents.append(
            _Incident(
                f"inc-{product.id}-{len(incidents) + 1}",
                f"{rng.choice(_INCIDENTS)} {noun}",
                _weighted(_SEVERITIES, rng),
                created,
                None if still_open else resolved,
                deployment,
                explicit=rng.random() < 0.6,
            )
        )
    return incidents


_FEEDBACK_TEXT = {
    Sentiment.POSITIVE: ("Love the new {}", "The new {} saves me a lot of time."),
    Sentiment.NEUTRAL: ("Mixed feelings about {}", "The {} work, but it took a while to see how."),
    Sentiment.NEGATIVE: (
        "Problems with {}",
        "Since the last update the {} keep getting in my way.",
    ),
}


def _feedback(
    product: _Product,
    releases: list[_Release],
    items: list[_Item],
    horizon: int,
    rng: random.Random,
) -> list[_Feedback]:
    """Feedback on delivered features after their release (always on the first few with
    an epic, so traces have it), some on the product, and some that led to new work."""
    feedback: list[_Feedback] = []

    def add(about: _Item | None, created: float) -> None:
        score: float = _weighted(_STARS, rng)
        sentiment = (
            Sentiment.POSITIVE
            if score >= 4
            else Sentiment.NEUTRAL
            if score >= 3
            else Sentiment.NEGATIVE
        )
        noun = about.noun if about is not None else rng.choice(product.spec.nouns)
        title, text = _FEEDBACK_TEXT[sentiment]
        feedback.append(
            _Feedback(
                f"fb-{product.id}-{len(feedback) + 1}",
                title.format(noun),
                text.format(noun),
                rng.choice(_CHANNELS),
                score,
                sentiment,
                int(created),
                about,
            )
        )

    showcased = 0
    for release in releases:
        for feature in release.features:
            showcase = showcased < 3 and _epic_of(feature) is not None
            if not showcase and rng.random() >= 0.35:
                continue
            showcased += showcase
            for _ in range(rng.randint(1, 3)):
                wait = rng.expovariate(1 / (10 * DAY))
                if showcase:  # squeezed into the history so the trace is complete
                    wait = min(wait, (horizon - release.at) * rng.uniform(0.1, 0.9))
                if release.at + HOUR + wait <= horizon:
                    add(feature, release.at + HOUR + wait)
    for _ in range(max(2, product.counts[WorkItemKind.FEATURE] // 5)):
        add(None, rng.uniform(0, horizon))
    _lead_to_work(feedback, items, rng)
    return feedback


def _epic_of(feature: _Item) -> _Item | None:
    parent = feature.parent
    return parent if parent is not None and parent.kind is WorkItemKind.EPIC else None


def _lead_to_work(feedback: list[_Feedback], items: list[_Item], rng: random.Random) -> None:
    """Link feedback to a defect (if negative) or feature created within 45 days after it."""
    created: dict[WorkItemKind, list[_Item]] = {WorkItemKind.DEFECT: [], WorkItemKind.FEATURE: []}
    for item in items:
        if item.kind in created:
            created[item.kind].append(item)
    times = {kind: [i.created for i in group] for kind, group in created.items()}
    taken: set[int] = set()
    for entry in feedback:
        negative = entry.sentiment is Sentiment.NEGATIVE
        if entry.about is None or rng.random() >= (0.6 if negative else 0.12):
            continue
        kind = WorkItemKind.DEFECT if negative else WorkItemKind.FEATURE
        group = created[kind]
        first = bisect.bisect_right(times[kind], entry.created + HOUR)
        for candidate in group[first : first + 20]:
            if candidate.created > entry.created + 45 * DAY:
                break
            if id(candidate) not in taken:
                taken.add(id(candidate))
                entry.led_to = candidate
                break


# ---------------------------------------------------------------------------------------
# One product, built


@dataclass(eq=False)
class _Built:
    product: _Product
    items: list[_Item]
    histories: list[_History]
    releases: list[_Release]
    incidents: list[_Incident]
    feedback: list[_Feedback]
    traced: list[str]


def _build_product(org: _Org, product: _Product) -> _Built:
    """Plan, simulate and derive everything of one product (its own seeded generator)."""
    rng = random.Random(f"vsgraph-demo:{org.config.seed}:{product.spec.key}")
    horizon = org.horizon
    items = _plan_work(org, product, rng)
    flowing = sorted(
        (i for i in items if i.arrival is not None and i.arrival <= horizon and i.kind in _QUEUED),
        key=lambda i: i.arrival or 0.0,
    )
    flow = _flow(product, len(flowing) / horizon, rng)
    _simulate(flow, flowing, horizon, rng)
    features = [i for i in items if i.kind is WorkItemKind.FEATURE]
    for feature in features:
        if feature.children:
            _roll_up(feature, flow.done, horizon, rng)
    _name(product, items)
    _block(org, items, rng)
    histories = _write_code(product, items, horizon, rng)
    for history in histories:
        _deliver(history, product, org.start, horizon, rng)
    releases = _releases(product, histories, org.start, horizon)
    _deliver_features(features, histories, flow.done)
    feedback = _feedback(product, releases, items, horizon, rng)
    return _Built(
        product,
        items,
        histories,
        releases,
        _incidents(product, histories, horizon, rng),
        feedback,
        _traced(releases, feedback)[:5],
    )


def _traced(releases: list[_Release], feedback: list[_Feedback]) -> list[str]:
    """Delivered features with an epic and feedback: their whole chain exists."""
    with_feedback = {id(entry.about) for entry in feedback}
    return [
        f.id
        for release in releases
        for f in release.features
        if _epic_of(f) is not None and id(f) in with_feedback
    ]


def _name(product: _Product, items: list[_Item]) -> None:
    """Jira-like keys numbered in order of creation, as a tracker hands them out."""
    items.sort(key=lambda i: i.created)
    for number, item in enumerate(items, start=1):
        item.id = f"{product.spec.key}-{number}"
        item.ref = Ref(Label.WORK_ITEM, item.id)


def _block(org: _Org, items: list[_Item], rng: random.Random) -> None:
    """Some items are blocked by another of their team, some by one of a team their team
    depends on (in this product or an earlier one): the cross-team waits analyses find."""
    by_team: dict[str, list[str]] = {}
    for item in items:
        by_team.setdefault(item.team.id, []).append(item.id)
    for item in items:
        if item.kind not in _QUEUED or rng.random() >= 0.05:
            continue
        team = item.team
        if team.depends_on and rng.random() < 0.35:
            team = rng.choice(team.depends_on)
        blockers = by_team.get(team.id) or list(org.recent.get(team.id, ()))
        if blockers:
            blocker = rng.choice(blockers)
            item.blocked_by = blocker if blocker != item.id else None
    for team_id, ids in by_team.items():
        org.recent.setdefault(team_id, deque(maxlen=50)).extend(ids[-50:])


# ---------------------------------------------------------------------------------------
# Records


class _Records:
    """Makes records with running line numbers; converts history seconds to UTC."""

    def __init__(self, start: datetime) -> None:
        self._lines = itertools.count(1)
        self._start = start

    def at(self, seconds: float) -> datetime:
        return self._start + timedelta(seconds=seconds)

    def node(
        self,
        label: Label,
        id: str,
        properties: dict[str, Any],
        kind: WorkItemKind | None = None,
    ) -> NodeRecord:
        return NodeRecord(next(self._lines), label, id, properties, kind)

    def link(
        self, type: RelType, start: Ref, end: Ref, properties: dict[str, Any] | None = None
    ) -> RelationshipRecord:
        return RelationshipRecord(next(self._lines), type, start, end, properties or {})

    def visit(self, item: str, seconds: int, stage: str) -> StateRecord:
        return StateRecord(next(self._lines), item, self.at(seconds), None, stage)


def _org_records(org: _Org, out: _Records) -> Iterator[Record]:
    yield from _org_nodes(org, out)
    yield from _org_links(org, out)


def _org_nodes(org: _Org, out: _Records) -> Iterator[Record]:
    catalogue = {"source": _CATALOGUE}
    for tool_id, name, kind in _TOOLS:
        yield out.node(Label.TOOL, tool_id, {"name": name, "kind": kind.value, **catalogue})
    for line_id, name in org.business_lines:
        yield out.node(Label.BUSINESS_LINE, line_id, {"name": name, **catalogue})
    for p in org.products:
        yield out.node(Label.PRODUCT, p.id, {"name": p.spec.name, "key": p.spec.key, **catalogue})
    for name, category in _SKILLS:
        yield out.node(
            Label.SKILL, _skill_id(name), {"name": name, "category": category, **catalogue}
        )
    for team in org.teams:
        yield out.node(Label.TEAM, team.id, {"name": team.name, **catalogue})
        for person in team.members:
            props = {"name": person.name, "email": person.email, "role": person.role}
            yield out.node(Label.PERSON, person.id, {**props, **catalogue})
    for p in org.products:
        source = {"source": p.tools[ToolKind.PLANNING]}
        name = f"{p.spec.name} delivery"
        yield out.node(Label.VALUE_STREAM, p.stream_id, {"name": name, **source})
        for order, (stage_id, stage) in enumerate(zip(p.stage_ids, p.template, strict=True), 1):
            state = stage.state.value
            yield out.node(
                Label.STAGE,
                stage_id,
                {"name": stage.name, "order": order, "state": state, "states": list(stage.states)}
                | source,
            )
        for repo in p.repos:
            yield out.node(Label.REPOSITORY, repo.id, {"name": repo.name, "source": repo.tool})


def _org_links(org: _Org, out: _Records) -> Iterator[Record]:
    lines = {name: Ref(Label.BUSINESS_LINE, line_id) for line_id, name in org.business_lines}
    for p in org.products:
        yield out.link(RelType.OWNS, lines[p.spec.line], p.ref)
    for team in org.teams:
        for product in team.products:
            yield out.link(RelType.CONTRIBUTES_TO, team.ref, product.ref)
        for other in team.depends_on:
            yield out.link(RelType.DEPENDS_ON, team.ref, other.ref)
        tools = dict.fromkeys(t for product in team.products for t in product.tools.values())
        for tool in tools:
            yield out.link(RelType.USES, team.ref, Ref(Label.TOOL, tool))
        for person in team.members:
            person_ref = Ref(Label.PERSON, person.id)
            yield out.link(RelType.MEMBER_OF, person_ref, team.ref)
            for skill, level in person.skills:
                skill_ref = Ref(Label.SKILL, _skill_id(skill))
                yield out.link(RelType.HAS_SKILL, person_ref, skill_ref, {"level": level})
    for p in org.products:
        stream = Ref(Label.VALUE_STREAM, p.stream_id)
        yield out.link(RelType.HAS_VALUE_STREAM, p.ref, stream)
        stages = [Ref(Label.STAGE, stage_id) for stage_id in p.stage_ids]
        for stage_ref, stage in zip(stages, p.template, strict=True):
            yield out.link(RelType.HAS_STAGE, stream, stage_ref)
            yield out.link(RelType.SUPPORTS, Ref(Label.TOOL, p.tools[stage.tool]), stage_ref)
            for skill, level in _NEEDS.get(stage.role, ()):
                skill_ref = Ref(Label.SKILL, _skill_id(_skill_name(skill, p)))
                yield out.link(RelType.NEEDS_SKILL, stage_ref, skill_ref, {"level": level})
        for a, b in itertools.pairwise(stages):
            yield out.link(RelType.NEXT, a, b)
        for repo in p.repos:
            yield out.link(RelType.FOR_PRODUCT, Ref(Label.REPOSITORY, repo.id), p.ref)


_FLOW_TYPE = {kind: flow.value for kind, flow in DEFAULT_FLOW_TYPE.items()}


def _product_nodes(built: _Built, out: _Records) -> Iterator[Record]:
    tools = built.product.tools
    planning, scm, ci, cd = (tools[k] for k in (_PLAN, _SCM, _CI, _CD))
    at = out.at
    for item in built.items:
        props: dict[str, Any] = {
            "title": item.title,
            "flowType": _FLOW_TYPE[item.kind],
            "createdAt": at(int(item.created)),
            "priority": item.priority,
            "source": planning,
        }
        if item.points is not None:
            props["points"] = item.points
        yield out.node(Label.WORK_ITEM, item.id, props, item.kind)
    for history in built.histories:
        for c in history.commits:
            props = {"message": c.message, "authoredAt": at(c.at), "author": c.author}
            yield out.node(Label.COMMIT, c.id, {**props, "sha": c.id, "source": scm})
        for pull in history.pulls:
            props = {
                "title": f"{pull.item.id} {pull.item.title}",
                "createdAt": at(pull.created),
                "branch": pull.branch,
                "author": pull.author,
                "number": pull.number,
                "source": scm,
            }
            if pull.merged is not None:
                props["mergedAt"] = at(pull.merged)
            yield out.node(Label.PULL_REQUEST, pull.id, props)
        for b in history.builds:
            props = {
                "name": b.name,
                "status": "success" if b.ok else "failure",
                "startedAt": at(b.started),
                "finishedAt": at(b.finished),
                "source": ci,
            }
            yield out.node(Label.BUILD, b.id, props)
        for d in history.deployments:
            props = {
                "name": f"{history.repo.name} to {d.environment}",
                "environment": d.environment,
                "status": d.status.value,
                "startedAt": at(d.started),
                "source": cd,
            }
            if d.status is not DeploymentStatus.IN_PROGRESS:
                props["finishedAt"] = at(d.finished)
            yield out.node(Label.DEPLOYMENT, d.id, props)
    for r in built.releases:
        props = {"name": r.name, "releasedAt": at(r.at), "version": r.version, "source": cd}
        yield out.node(Label.RELEASE, r.id, props)
    for i in built.incidents:
        props = {
            "title": i.title,
            "severity": i.severity,
            "createdAt": at(i.created),
            "environment": "production",
            "source": tools[ToolKind.INCIDENTS],
        }
        if i.resolved is not None:
            props["resolvedAt"] = at(i.resolved)
        yield out.node(Label.INCIDENT, i.id, props)
    for f in built.feedback:
        props = {
            "title": f.title,
            "text": f.text,
            "channel": f.channel,
            "sentiment": f.sentiment.value,
            "score": f.score,
            "createdAt": at(f.created),
            "source": tools[ToolKind.FEEDBACK],
        }
        yield out.node(Label.FEEDBACK, f.id, props)


def _product_links(built: _Built, out: _Records) -> Iterator[Record]:
    product = built.product.ref
    link = out.link
    for item in built.items:
        yield link(RelType.FOR_PRODUCT, item.ref, product)
        yield link(RelType.OWNS, item.team.ref, item.ref)
        if item.parent is not None:
            yield link(RelType.PARENT_OF, item.parent.ref, item.ref)
        if item.blocked_by is not None:
            yield link(RelType.BLOCKED_BY, item.ref, Ref(Label.WORK_ITEM, item.blocked_by))
    for history in built.histories:
        yield from _history_links(history, product, out)
    for release in built.releases:
        release_ref = Ref(Label.RELEASE, release.id)
        yield link(RelType.FOR_PRODUCT, release_ref, product)
        for d in release.deployments:
            yield link(RelType.INCLUDES, release_ref, Ref(Label.DEPLOYMENT, d.id))
        for feature in release.features:
            yield link(RelType.DELIVERS, release_ref, feature.ref)
    for incident in built.incidents:
        incident_ref = Ref(Label.INCIDENT, incident.id)
        yield link(RelType.AFFECTS, incident_ref, product)
        if incident.explicit:
            cause = Ref(Label.DEPLOYMENT, incident.cause.id)
            yield link(RelType.CAUSED_BY, incident_ref, cause, {"inferred": False})
    for f in built.feedback:
        feedback_ref = Ref(Label.FEEDBACK, f.id)
        yield link(RelType.ABOUT, feedback_ref, f.about.ref if f.about else product)
        if f.led_to is not None:
            yield link(RelType.LED_TO, feedback_ref, f.led_to.ref)


def _history_links(history: _History, product: Ref, out: _Records) -> Iterator[Record]:
    link = out.link
    repo = Ref(Label.REPOSITORY, history.repo.id)
    for c in history.commits:
        yield link(RelType.IN_REPO, c.ref, repo)
        for parent in c.parents:
            yield link(RelType.PARENT, c.ref, parent.ref)
        if c.item is not None:
            yield link(RelType.IMPLEMENTS, c.ref, c.item.ref)
    for pull in history.pulls:
        pull_ref = Ref(Label.PULL_REQUEST, pull.id)
        yield link(RelType.IN_REPO, pull_ref, repo)
        yield link(RelType.IMPLEMENTS, pull_ref, pull.item.ref)
        for c in pull.commits:
            yield link(RelType.CONTAINS, pull_ref, c.ref)
        if pull.merge is not None:
            yield link(RelType.MERGED_AS, pull_ref, pull.merge.ref)
    for b in history.builds:
        yield link(RelType.BUILT, Ref(Label.BUILD, b.id), b.commit.ref)
    for d in history.deployments:
        deployment = Ref(Label.DEPLOYMENT, d.id)
        yield link(RelType.DEPLOYED, deployment, history.main[d.head].ref)
        yield link(RelType.FOR_PRODUCT, deployment, product)
        for c in _shipped_commits(history, d):
            yield link(RelType.SHIPPED, deployment, c.ref)


def _product_states(built: _Built, out: _Records) -> Iterator[Record]:
    stage_ids = built.product.stage_ids
    for item in built.items:
        for entered, stage in item.visits:
            yield out.visit(item.id, entered, stage_ids[stage])
