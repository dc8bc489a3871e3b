"""The catalogue the organisation is drawn from: products, tools, skills, roles and names;
the shares, priorities and sizes of work; deployment cadences and their failure and
restore ranges; the words titles, commit messages, incidents and feedback are made of."""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import ToolKind, WorkItemKind


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
