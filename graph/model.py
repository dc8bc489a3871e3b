"""The graph model of DESIGN.md §3: labels, relationship types, enums, property schemas.

Everything the rest of the system knows about the shape of the graph is declared here,
as data: ingest validates against it, the schema constraints are checked against it, and
the GraphQL layer maps its frozen dataclasses. No framework imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, StrEnum, unique
from typing import Any


class Label(StrEnum):
    """Node labels (PascalCase). Work items carry `WorkItem` plus their kind's label."""

    BUSINESS_LINE = "BusinessLine"
    PRODUCT = "Product"
    VALUE_STREAM = "ValueStream"
    STAGE = "Stage"
    TEAM = "Team"
    PERSON = "Person"
    SKILL = "Skill"
    TOOL = "Tool"
    WORK_ITEM = "WorkItem"
    REPOSITORY = "Repository"
    COMMIT = "Commit"
    PULL_REQUEST = "PullRequest"
    BUILD = "Build"
    DEPLOYMENT = "Deployment"
    RELEASE = "Release"
    INCIDENT = "Incident"
    FEEDBACK = "Feedback"


#: An internal label, outside the value-stream model and never ingested: where a live
#: sync stands (graph/sync/cursor.py); unique `id`, constraint in cypher/schema/.
SYNC_CURSOR = "SyncCursor"
#: An internal label: an API token (graph/tokens.py), its secret's hash and role; unique
#: `id` and `tokenHash`, constraints in cypher/schema/.
API_TOKEN = "ApiToken"
#: An internal label: a data migration that has run on this database
#: (graph/db/migrations.py); unique `id`, constraint in cypher/schema/.
MIGRATION = "Migration"
#: An internal label, outside the model and never in a dump: one word (`word`, lower case)
#: that some title of a title scan (`scan`: a work item kind, PullRequest, Incident or
#: Feedback) held in a record ingest was given (graph/ingest/title_words.py); unique
#: `id` (`scan:word`), constraint in cypher/schema/. A search asks them which scans could
#: hold its text before it reads every title (graph/read/entities.py).
TITLE_WORD = "TitleWord"


class WorkItemKind(StrEnum):
    """The second label of a work item: what kind of flow item it is."""

    INITIATIVE = "Initiative"
    EPIC = "Epic"
    FEATURE = "Feature"
    STORY = "Story"
    DEFECT = "Defect"
    RISK = "Risk"
    DEBT = "Debt"


class FlowType(StrEnum):
    """Flow Framework item types: what kind of value a work item delivers."""

    FEATURE = "feature"
    DEFECT = "defect"
    RISK = "risk"
    DEBT = "debt"


class StageState(StrEnum):
    """How time spent in a stage counts for flow metrics."""

    NEW = "new"
    ACTIVE = "active"
    WAITING = "waiting"
    DONE = "done"


class Outcome(StrEnum):
    """How a work item's life ended: its value delivered, or the item dropped (won't do,
    duplicate, cancelled). Declared by a done stage, or given by the tool's resolution."""

    DELIVERED = "delivered"
    DISCARDED = "discarded"


class FlowItemLevel(StrEnum):
    """Which kinds of work item are Flow Items when none are asked for (docs/metrics.md).

    `value`: Feature, Defect, Risk, Debt, and a Story only when no Feature is its parent
    (one unit of value counted once); `delivery`: Story, Defect, Risk, Debt, and a
    Feature only when no Story is its child; `all`: every kind but Initiative and Epic,
    parents and children alike (vsgraph's reading before levels existed).
    """

    VALUE = "value"
    DELIVERY = "delivery"
    ALL = "all"


class RelType(StrEnum):
    """Relationship types (UPPER_SNAKE)."""

    OWNS = "OWNS"
    CONTRIBUTES_TO = "CONTRIBUTES_TO"
    MEMBER_OF = "MEMBER_OF"
    HAS_SKILL = "HAS_SKILL"
    USES = "USES"
    DEPENDS_ON = "DEPENDS_ON"
    HAS_VALUE_STREAM = "HAS_VALUE_STREAM"
    HAS_STAGE = "HAS_STAGE"
    NEXT = "NEXT"
    NEEDS_SKILL = "NEEDS_SKILL"
    SUPPORTS = "SUPPORTS"
    PARENT_OF = "PARENT_OF"
    FOR_PRODUCT = "FOR_PRODUCT"
    BLOCKED_BY = "BLOCKED_BY"
    IN_STAGE = "IN_STAGE"
    IN_REPO = "IN_REPO"
    PARENT = "PARENT"
    CONTAINS = "CONTAINS"
    MERGED_AS = "MERGED_AS"
    IMPLEMENTS = "IMPLEMENTS"
    BUILT = "BUILT"
    DEPLOYED = "DEPLOYED"
    SHIPPED = "SHIPPED"
    INCLUDES = "INCLUDES"
    DELIVERS = "DELIVERS"
    CAUSED_BY = "CAUSED_BY"
    AFFECTS = "AFFECTS"
    ABOUT = "ABOUT"
    LED_TO = "LED_TO"
    RAISED_FROM = "RAISED_FROM"
    REVIEWED = "REVIEWED"


#: The default flow type of each kind, used when a record gives none.
DEFAULT_FLOW_TYPE: Mapping[WorkItemKind, FlowType] = {
    WorkItemKind.INITIATIVE: FlowType.FEATURE,
    WorkItemKind.EPIC: FlowType.FEATURE,
    WorkItemKind.FEATURE: FlowType.FEATURE,
    WorkItemKind.STORY: FlowType.FEATURE,
    WorkItemKind.DEFECT: FlowType.DEFECT,
    WorkItemKind.RISK: FlowType.RISK,
    WorkItemKind.DEBT: FlowType.DEBT,
}


class PropType(StrEnum):
    """Property value types that ingest accepts and converts."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    STRING_LIST = "string list"


@dataclass(frozen=True)
class PropSpec:
    """One property a label or relationship type may carry."""

    type: PropType
    required: bool = False
    choices: frozenset[str] = frozenset()


S = PropSpec(PropType.STRING)
S_REQ = PropSpec(PropType.STRING, required=True)
I = PropSpec(PropType.INTEGER)  # noqa: E741 - a one-letter alias keeps the tables readable
F = PropSpec(PropType.FLOAT)
B = PropSpec(PropType.BOOLEAN)
T = PropSpec(PropType.DATETIME)
T_REQ = PropSpec(PropType.DATETIME, required=True)
L = PropSpec(PropType.STRING_LIST)


def _choice(enum: type[StrEnum], required: bool = False) -> PropSpec:
    return PropSpec(PropType.STRING, required, frozenset(e.value for e in enum))


class DeploymentStatus(StrEnum):
    """Outcome of a deployment."""

    SUCCESS = "success"
    FAILURE = "failure"
    IN_PROGRESS = "in_progress"


class Sentiment(StrEnum):
    """Customer feedback sentiment."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class ToolKind(StrEnum):
    """What a tool is used for."""

    PLANNING = "planning"
    SOURCE_CONTROL = "source_control"
    CI = "ci"
    CD = "cd"
    INCIDENTS = "incidents"
    FEEDBACK = "feedback"
    OTHER = "other"


# Properties every node may carry besides its own (source is the Tool id it came from).
_COMMON: dict[str, PropSpec] = {"source": S, "url": S}
_NAMED = {"name": S_REQ, "description": S}

NODE_PROPERTIES: Mapping[Label, Mapping[str, PropSpec]] = {
    Label.BUSINESS_LINE: {**_NAMED},
    Label.PRODUCT: {**_NAMED, "key": S},
    Label.VALUE_STREAM: {**_NAMED, "flowItemLevel": _choice(FlowItemLevel)},
    Label.STAGE: {
        **_NAMED,
        "order": PropSpec(PropType.INTEGER, required=True),
        "state": _choice(StageState, required=True),
        "states": L,
        "outcome": _choice(Outcome),
    },
    Label.TEAM: {**_NAMED},
    Label.PERSON: {**_NAMED, "email": S, "role": S},
    Label.SKILL: {**_NAMED, "category": S},
    Label.TOOL: {**_NAMED, "kind": _choice(ToolKind, required=True)},
    Label.WORK_ITEM: {
        "title": S_REQ,
        "flowType": _choice(FlowType),
        "createdAt": T_REQ,
        "priority": S,
        "points": F,
        "description": S,
        "resolution": S,
        "outcome": _choice(Outcome),
    },
    Label.REPOSITORY: {**_NAMED},
    Label.COMMIT: {"message": S_REQ, "authoredAt": T_REQ, "author": S, "sha": S},
    Label.PULL_REQUEST: {
        "title": S_REQ,
        "createdAt": T_REQ,
        "mergedAt": T,
        "branch": S,
        "author": S,
        "number": I,
    },
    Label.BUILD: {"name": S, "status": S_REQ, "startedAt": T_REQ, "finishedAt": T},
    Label.DEPLOYMENT: {
        "name": S,
        "environment": S_REQ,
        "status": _choice(DeploymentStatus, required=True),
        "startedAt": T_REQ,
        "finishedAt": T,
        "commits": L,
    },
    Label.RELEASE: {"name": S_REQ, "releasedAt": T_REQ, "version": S},
    Label.INCIDENT: {
        "title": S_REQ,
        "severity": S_REQ,
        "createdAt": T_REQ,
        "resolvedAt": T,
        "environment": S,
    },
    Label.FEEDBACK: {
        "title": S_REQ,
        "channel": S_REQ,
        "sentiment": _choice(Sentiment),
        "score": F,
        "createdAt": T_REQ,
        "text": S,
    },
}

#: Derived work-item properties, kept by ingest from the item's stage visits (never given
#: in records): the stage of its open visit, and the last time it entered or left a
#: stage. The flow metrics find a scope's items by them (docs/graph-model.md).
CURRENT_STAGE = "currentStage"
LAST_MOVED_AT = "lastMovedAt"
#: The same visits as columns on the item, in step, oldest first: each visit's stage id,
#: entry and exit in epoch milliseconds (-1 while open). The flow metrics read a scope's
#: visits from them, one item at a time, instead of walking every item's `IN_STAGE`
#: relationships: the embedded database spends far more per relationship than per value.
VISIT_STAGES = "visitStages"
VISIT_ENTRIES = "visitEntries"
VISIT_EXITS = "visitExits"
#: The current stage and the month (UTC) of `lastMovedAt` in one indexed value,
#: "<stage id>@<yyyy-mm>" (`stage_month`): a window's items of a done stage are the few
#: months since the window began, found by index without reading the years of items
#: resting there since before it (graph/metrics/flow_queries.py).
STAGE_MONTH = "stageMonth"
#: Every derived work-item property the new-node statements write, in the order ingest
#: writes them (the family kinds, `parentKinds` and `childKinds`, are derived after the
#: batch's relationships: graph/ingest/families.py).
WORK_ITEM_DERIVED = (
    CURRENT_STAGE,
    LAST_MOVED_AT,
    STAGE_MONTH,
    VISIT_STAGES,
    VISIT_ENTRIES,
    VISIT_EXITS,
)


def stage_month(stage: str, at: datetime) -> str:
    """The STAGE_MONTH value of an item in `stage` that last moved `at` (naive: UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return f"{stage}@{at.year:04d}-{at.month:02d}"


#: Labels whose display name lives in `title` rather than `name`.
TITLED = frozenset({Label.WORK_ITEM, Label.PULL_REQUEST, Label.INCIDENT, Label.FEEDBACK})


def node_properties(label: Label) -> Mapping[str, PropSpec]:
    """Every property a node of `label` may carry, its own and the common ones."""
    return {**_COMMON, **NODE_PROPERTIES[label]}


@dataclass(frozen=True)
class RelSpec:
    """A relationship type between two labels, with its properties.

    `key` names the properties that tell two relationships of the same type between the
    same nodes apart (a revisit of a stage is a new `IN_STAGE`, keyed by `enteredAt`).
    `merge_from_end`: a start node has many of these (a product's value streams, a
    person's reviews) where an end node has few, so ingest's MERGE walks from the end
    (the embedded database checks for an existing relationship by walking the first
    node's relationships).
    """

    type: RelType
    start: Label
    end: Label
    # Not part of identity: a spec is known by its type and ends (and is hashable).
    properties: Mapping[str, PropSpec] = field(default_factory=dict, hash=False, compare=False)
    key: tuple[str, ...] = ()
    merge_from_end: bool = field(default=False, hash=False, compare=False)


_LEVEL = {"level": PropSpec(PropType.INTEGER, required=True)}

RELATIONSHIPS: tuple[RelSpec, ...] = (
    # Organisation
    RelSpec(RelType.OWNS, Label.BUSINESS_LINE, Label.PRODUCT, merge_from_end=True),
    RelSpec(RelType.CONTRIBUTES_TO, Label.TEAM, Label.PRODUCT),
    RelSpec(RelType.MEMBER_OF, Label.PERSON, Label.TEAM),
    RelSpec(RelType.HAS_SKILL, Label.PERSON, Label.SKILL, _LEVEL),
    RelSpec(RelType.USES, Label.TEAM, Label.TOOL),
    RelSpec(RelType.DEPENDS_ON, Label.TEAM, Label.TEAM),
    # Value stream
    RelSpec(RelType.HAS_VALUE_STREAM, Label.PRODUCT, Label.VALUE_STREAM, merge_from_end=True),
    RelSpec(RelType.HAS_STAGE, Label.VALUE_STREAM, Label.STAGE, merge_from_end=True),
    RelSpec(RelType.NEXT, Label.STAGE, Label.STAGE),
    RelSpec(RelType.NEEDS_SKILL, Label.STAGE, Label.SKILL, _LEVEL),
    RelSpec(RelType.SUPPORTS, Label.TOOL, Label.STAGE, merge_from_end=True),
    # Work
    RelSpec(RelType.PARENT_OF, Label.WORK_ITEM, Label.WORK_ITEM, merge_from_end=True),
    RelSpec(RelType.FOR_PRODUCT, Label.WORK_ITEM, Label.PRODUCT),
    RelSpec(RelType.OWNS, Label.TEAM, Label.WORK_ITEM, merge_from_end=True),
    RelSpec(RelType.BLOCKED_BY, Label.WORK_ITEM, Label.WORK_ITEM),
    RelSpec(
        RelType.IN_STAGE,
        Label.WORK_ITEM,
        Label.STAGE,
        {"enteredAt": T_REQ, "exitedAt": T},
        key=("enteredAt",),
    ),
    # Delivery
    RelSpec(RelType.FOR_PRODUCT, Label.REPOSITORY, Label.PRODUCT),
    RelSpec(RelType.IN_REPO, Label.COMMIT, Label.REPOSITORY),
    RelSpec(RelType.IN_REPO, Label.PULL_REQUEST, Label.REPOSITORY),
    RelSpec(RelType.IN_REPO, Label.RELEASE, Label.REPOSITORY),
    RelSpec(RelType.PARENT, Label.COMMIT, Label.COMMIT),
    RelSpec(RelType.CONTAINS, Label.PULL_REQUEST, Label.COMMIT, merge_from_end=True),
    RelSpec(RelType.MERGED_AS, Label.PULL_REQUEST, Label.COMMIT),
    RelSpec(
        RelType.REVIEWED,
        Label.PERSON,
        Label.PULL_REQUEST,
        {"submittedAt": T_REQ, "state": S},
        key=("submittedAt",),
        # A person reviews thousands of pull requests over a history (every product's),
        # a pull request has a few reviews.
        merge_from_end=True,
    ),
    RelSpec(RelType.IMPLEMENTS, Label.COMMIT, Label.WORK_ITEM, {"inferred": B}),
    RelSpec(RelType.IMPLEMENTS, Label.PULL_REQUEST, Label.WORK_ITEM, {"inferred": B}),
    RelSpec(RelType.BUILT, Label.BUILD, Label.COMMIT),
    RelSpec(RelType.DEPLOYED, Label.DEPLOYMENT, Label.COMMIT),
    RelSpec(RelType.FOR_PRODUCT, Label.DEPLOYMENT, Label.PRODUCT),
    RelSpec(RelType.SHIPPED, Label.DEPLOYMENT, Label.COMMIT, merge_from_end=True),
    RelSpec(RelType.INCLUDES, Label.RELEASE, Label.DEPLOYMENT, merge_from_end=True),
    RelSpec(RelType.DELIVERS, Label.RELEASE, Label.WORK_ITEM, merge_from_end=True),
    RelSpec(RelType.FOR_PRODUCT, Label.RELEASE, Label.PRODUCT),
    # Outcomes
    RelSpec(RelType.CAUSED_BY, Label.INCIDENT, Label.DEPLOYMENT, {"inferred": B}),
    RelSpec(RelType.AFFECTS, Label.INCIDENT, Label.PRODUCT),
    RelSpec(RelType.ABOUT, Label.FEEDBACK, Label.WORK_ITEM),
    RelSpec(RelType.ABOUT, Label.FEEDBACK, Label.PRODUCT),
    RelSpec(RelType.LED_TO, Label.FEEDBACK, Label.WORK_ITEM, merge_from_end=True),
    RelSpec(RelType.RAISED_FROM, Label.WORK_ITEM, Label.STAGE),
    RelSpec(RelType.RAISED_FROM, Label.WORK_ITEM, Label.TEAM),
    RelSpec(RelType.RAISED_FROM, Label.WORK_ITEM, Label.FEEDBACK),
)

RELATIONSHIP_INDEX: Mapping[tuple[RelType, Label, Label], RelSpec] = {
    (r.type, r.start, r.end): r for r in RELATIONSHIPS
}


@dataclass(frozen=True)
class NeighbourGroup:
    """A kind of relationship a node can have, seen from the node: its type, whether the
    node is its start (`outgoing`), and the label at its other end."""

    type: RelType
    outgoing: bool
    other: Label


def neighbour_groups(label: Label) -> tuple[NeighbourGroup, ...]:
    """The kinds of relationship RELATIONSHIPS allows a node of `label`, by type, outgoing
    first, then the other label: every relationship of such a node is in exactly one
    (ingest writes no other), so the explorer reads a node's relationships group by group
    with patterns the database can follow without reading the other nodes."""
    found = {NeighbourGroup(r.type, True, r.end) for r in RELATIONSHIPS if r.start is label}
    found |= {NeighbourGroup(r.type, False, r.start) for r in RELATIONSHIPS if r.end is label}
    return tuple(sorted(found, key=lambda g: (g.type.value, not g.outgoing, g.other.value)))


@dataclass(frozen=True)
class Follow:
    """How a relation is followed from nodes of `start` to the nodes of `end` they are
    related to: over a `type` of RELATIONSHIPS, along it or (`backward`) against it, or
    over `type` or `also` in either direction (each node reached once); in `order`, an
    expression over the node reached `n` or the relationship `r`. A `page` answers a page
    of them per start node (`$first` after id `$after`, by id) and how many follow."""

    type: RelType
    start: Label
    end: Label
    backward: bool = False
    order: str = "n.id"
    also: RelType | None = None
    page: bool = False


@unique
class Traversal(Enum):
    """The relations the API follows from many parent nodes at once (its DataLoaders):
    each is the statement `cypher/relations/<member name in lower case>.cypher`, which
    tools/gen_cypher.py generates from its `Follow` (the table is the single source)."""

    _value_: Follow

    BUSINESS_LINE_PRODUCTS = Follow(RelType.OWNS, Label.BUSINESS_LINE, Label.PRODUCT)
    PRODUCT_BUSINESS_LINE = Follow(RelType.OWNS, Label.PRODUCT, Label.BUSINESS_LINE, backward=True)
    PRODUCT_VALUE_STREAMS = Follow(RelType.HAS_VALUE_STREAM, Label.PRODUCT, Label.VALUE_STREAM)
    PRODUCT_TEAMS = Follow(RelType.CONTRIBUTES_TO, Label.PRODUCT, Label.TEAM, backward=True)
    PRODUCT_REPOSITORIES = Follow(
        RelType.FOR_PRODUCT, Label.PRODUCT, Label.REPOSITORY, backward=True
    )
    PRODUCT_WORK_ITEMS_PAGE = Follow(
        RelType.FOR_PRODUCT, Label.PRODUCT, Label.WORK_ITEM, backward=True, page=True
    )
    TEAM_MEMBERS = Follow(RelType.MEMBER_OF, Label.TEAM, Label.PERSON, backward=True)
    TEAM_PRODUCTS = Follow(RelType.CONTRIBUTES_TO, Label.TEAM, Label.PRODUCT)
    TEAM_TOOLS = Follow(RelType.USES, Label.TEAM, Label.TOOL)
    TEAM_DEPENDS_ON = Follow(RelType.DEPENDS_ON, Label.TEAM, Label.TEAM)
    TEAM_WORK_ITEMS_PAGE = Follow(RelType.OWNS, Label.TEAM, Label.WORK_ITEM, page=True)
    PERSON_TEAMS = Follow(RelType.MEMBER_OF, Label.PERSON, Label.TEAM)
    PERSON_SKILLS = Follow(RelType.HAS_SKILL, Label.PERSON, Label.SKILL)
    TOOL_STAGES = Follow(RelType.SUPPORTS, Label.TOOL, Label.STAGE)
    VALUE_STREAM_PRODUCT = Follow(
        RelType.HAS_VALUE_STREAM, Label.VALUE_STREAM, Label.PRODUCT, backward=True
    )
    VALUE_STREAM_STAGES = Follow(
        RelType.HAS_STAGE, Label.VALUE_STREAM, Label.STAGE, order="n.order"
    )
    STAGE_VALUE_STREAM = Follow(RelType.HAS_STAGE, Label.STAGE, Label.VALUE_STREAM, backward=True)
    STAGE_NEXT = Follow(RelType.NEXT, Label.STAGE, Label.STAGE, order="n.order")
    STAGE_NEEDED_SKILLS = Follow(RelType.NEEDS_SKILL, Label.STAGE, Label.SKILL)
    STAGE_TOOLS = Follow(RelType.SUPPORTS, Label.STAGE, Label.TOOL, backward=True)
    WORK_ITEM_PARENT = Follow(RelType.PARENT_OF, Label.WORK_ITEM, Label.WORK_ITEM, backward=True)
    WORK_ITEM_CHILDREN = Follow(RelType.PARENT_OF, Label.WORK_ITEM, Label.WORK_ITEM)
    WORK_ITEM_PRODUCT = Follow(RelType.FOR_PRODUCT, Label.WORK_ITEM, Label.PRODUCT)
    WORK_ITEM_TEAM = Follow(RelType.OWNS, Label.WORK_ITEM, Label.TEAM, backward=True)
    WORK_ITEM_VISITS = Follow(RelType.IN_STAGE, Label.WORK_ITEM, Label.STAGE, order="r.enteredAt")
    WORK_ITEM_BLOCKED_BY = Follow(RelType.BLOCKED_BY, Label.WORK_ITEM, Label.WORK_ITEM)
    WORK_ITEM_COMMITS = Follow(
        RelType.IMPLEMENTS, Label.WORK_ITEM, Label.COMMIT, backward=True, order="n.authoredAt"
    )
    WORK_ITEM_PULL_REQUESTS = Follow(
        RelType.IMPLEMENTS, Label.WORK_ITEM, Label.PULL_REQUEST, backward=True, order="n.createdAt"
    )
    WORK_ITEM_FEEDBACK = Follow(
        RelType.ABOUT,
        Label.WORK_ITEM,
        Label.FEEDBACK,
        order="n.createdAt",
        also=RelType.RAISED_FROM,
    )
    REPOSITORY_PRODUCT = Follow(RelType.FOR_PRODUCT, Label.REPOSITORY, Label.PRODUCT)
    COMMIT_REPOSITORY = Follow(RelType.IN_REPO, Label.COMMIT, Label.REPOSITORY)
    COMMIT_PARENTS = Follow(RelType.PARENT, Label.COMMIT, Label.COMMIT)
    COMMIT_WORK_ITEMS = Follow(RelType.IMPLEMENTS, Label.COMMIT, Label.WORK_ITEM)
    PULL_REQUEST_REPOSITORY = Follow(RelType.IN_REPO, Label.PULL_REQUEST, Label.REPOSITORY)
    PULL_REQUEST_COMMITS = Follow(
        RelType.CONTAINS, Label.PULL_REQUEST, Label.COMMIT, order="n.authoredAt"
    )
    PULL_REQUEST_MERGE_COMMIT = Follow(RelType.MERGED_AS, Label.PULL_REQUEST, Label.COMMIT)
    PULL_REQUEST_WORK_ITEMS = Follow(RelType.IMPLEMENTS, Label.PULL_REQUEST, Label.WORK_ITEM)
    BUILD_COMMIT = Follow(RelType.BUILT, Label.BUILD, Label.COMMIT)
    DEPLOYMENT_COMMIT = Follow(RelType.DEPLOYED, Label.DEPLOYMENT, Label.COMMIT)
    DEPLOYMENT_PRODUCT = Follow(RelType.FOR_PRODUCT, Label.DEPLOYMENT, Label.PRODUCT)
    DEPLOYMENT_INCIDENTS = Follow(
        RelType.CAUSED_BY, Label.DEPLOYMENT, Label.INCIDENT, backward=True, order="n.createdAt"
    )
    RELEASE_DEPLOYMENTS = Follow(
        RelType.INCLUDES, Label.RELEASE, Label.DEPLOYMENT, order="n.startedAt"
    )
    RELEASE_WORK_ITEMS = Follow(RelType.DELIVERS, Label.RELEASE, Label.WORK_ITEM)
    INCIDENT_DEPLOYMENTS = Follow(
        RelType.CAUSED_BY, Label.INCIDENT, Label.DEPLOYMENT, order="n.startedAt"
    )
    INCIDENT_PRODUCTS = Follow(RelType.AFFECTS, Label.INCIDENT, Label.PRODUCT)
    FEEDBACK_WORK_ITEMS = Follow(RelType.ABOUT, Label.FEEDBACK, Label.WORK_ITEM)
    FEEDBACK_PRODUCTS = Follow(RelType.ABOUT, Label.FEEDBACK, Label.PRODUCT)
    FEEDBACK_LED_TO = Follow(
        RelType.LED_TO, Label.FEEDBACK, Label.WORK_ITEM, also=RelType.RAISED_FROM
    )

    @property
    def statement(self) -> str:
        """The name of its statement in the Cypher catalogue."""
        return f"relations/{self.name.lower()}"


def label_of_kind(kind: WorkItemKind) -> str:
    """The kind label a work item carries besides `WorkItem`."""
    return kind.value


# ---------------------------------------------------------------------------------------
# Domain values returned by graph/ to its callers (the API maps these to GraphQL types).


@dataclass(frozen=True)
class Node:
    """Any node of the graph: its label, id, display name and raw properties."""

    label: Label
    id: str
    properties: Mapping[str, Any]
    kind: WorkItemKind | None = None

    @property
    def name(self) -> str:
        """The display name: `title` for titled labels, else `name`, else the id."""
        key = "title" if self.label in TITLED else "name"
        value = self.properties.get(key)
        return str(value) if value is not None else self.id

    def get(self, key: str) -> Any:
        """A property by its graph (camelCase) name, or None."""
        return self.properties.get(key)

    def time(self, key: str) -> datetime | None:
        """A datetime property, or None."""
        value = self.properties.get(key)
        return value if isinstance(value, datetime) else None


@dataclass(frozen=True)
class StageVisit:
    """One stay of a work item in a stage: `exited_at` is None while it is still there."""

    stage: Node
    entered_at: datetime
    exited_at: datetime | None


@dataclass(frozen=True)
class Milestone:
    """A named point in a work item's life, None when it has not happened (yet)."""

    name: str
    at: datetime | None


@dataclass(frozen=True)
class MilestoneGap:
    """Time between two consecutive milestones that both happened."""

    start: str
    end: str
    hours: float


def parse_label(text: str) -> Label | WorkItemKind | None:
    """The label or work-item kind that `text` names, or None if it names neither."""
    if text in Label.__members__.values():
        return Label(text)
    if text in WorkItemKind.__members__.values():
        return WorkItemKind(text)
    return None
