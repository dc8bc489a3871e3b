"""Value-stream templates: the stages a product's stream goes through, and what each kind
of active stage needs (skills) and takes (hours of work per item)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.demo.catalogue import _CD, _CI, _LANGUAGE, _PLAN, _SCM
from graph.model import StageState, ToolKind


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
