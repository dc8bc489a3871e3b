"""A top-level list, or one node, and the relation fields below it in one statement.

`ComposedReads` is a schema extension that sees each top-level list field (`products`,
`valueStreams`, ... of `Query`) and each field of one node (`node(id)`,
`workItem(key)`) before its resolver runs. When the selection below holds relation
fields, it plans the tree of relations selected (`plan`, `plan_one`), reads the list or
node and all of them in one composed statement (graph/read/compose.py), primes the
request's DataLoaders with every parent's answer, and answers the list itself (a node's
resolver runs, and finds its node in the primed node loader). The relation resolvers
then run unchanged and find their answers in the loaders: the SDL, the resolvers and
their answers stay what they were; only the round trips go.

What is composed: relation fields (`RELATIONS`: the fields that follow a `Traversal`),
nested to any depth, with their arguments (a paged relation's `first` and `after`),
through aliases and fragments, and the list's `totalCount`. What is not: computed
fields (metrics, analyses, lead times) keep their own loaders; a selection under
`@skip`/`@include` is left to the resolvers (which answer it as before, one batched
statement per depth). Nothing is guessed: a field not in the table is simply not
composed, and its resolver reads what it needs.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.extensions import SchemaExtension

from api.graphql.context import Context
from api.graphql.types.base import (
    DEFAULT_PAGE,
    Connection,
    decode_cursor,
    page_size,
    split_global_id,
)
from graph.errors import InvalidArgument, QueryTooLarge
from graph.model import Label
from graph.model import Traversal as T
from graph.read import compose
from graph.read.compose import Branch, One, Root


@dataclass(frozen=True)
class Relation:
    """A relation field: the traversal its resolver follows, and for a field whose items
    wrap the node reached (`SkillLevel.skill`, `StageVisit.stage`), the wrapper's field
    holding it."""

    traversal: T
    via: str | None = None


log = logging.getLogger(__name__)

#: Every relation field of the schema by (GraphQL type, field): what its resolver
#: follows (tests/api/test_compose.py checks each resolver names this traversal).
RELATIONS: Mapping[tuple[str, str], Relation] = {
    ("BusinessLine", "products"): Relation(T.BUSINESS_LINE_PRODUCTS),
    ("Product", "businessLine"): Relation(T.PRODUCT_BUSINESS_LINE),
    ("Product", "valueStreams"): Relation(T.PRODUCT_VALUE_STREAMS),
    ("Product", "teams"): Relation(T.PRODUCT_TEAMS),
    ("Product", "repositories"): Relation(T.PRODUCT_REPOSITORIES),
    ("Product", "workItems"): Relation(T.PRODUCT_WORK_ITEMS_PAGE),
    ("Team", "members"): Relation(T.TEAM_MEMBERS),
    ("Team", "products"): Relation(T.TEAM_PRODUCTS),
    ("Team", "tools"): Relation(T.TEAM_TOOLS),
    ("Team", "dependsOn"): Relation(T.TEAM_DEPENDS_ON),
    ("Team", "workItems"): Relation(T.TEAM_WORK_ITEMS_PAGE),
    ("Person", "teams"): Relation(T.PERSON_TEAMS),
    ("Person", "skills"): Relation(T.PERSON_SKILLS, via="skill"),
    ("Tool", "stages"): Relation(T.TOOL_STAGES),
    ("ValueStream", "product"): Relation(T.VALUE_STREAM_PRODUCT),
    ("ValueStream", "stages"): Relation(T.VALUE_STREAM_STAGES),
    ("Stage", "valueStream"): Relation(T.STAGE_VALUE_STREAM),
    ("Stage", "next"): Relation(T.STAGE_NEXT),
    ("Stage", "neededSkills"): Relation(T.STAGE_NEEDED_SKILLS, via="skill"),
    ("Stage", "tools"): Relation(T.STAGE_TOOLS),
    ("WorkItem", "parent"): Relation(T.WORK_ITEM_PARENT),
    ("WorkItem", "children"): Relation(T.WORK_ITEM_CHILDREN),
    ("WorkItem", "product"): Relation(T.WORK_ITEM_PRODUCT),
    ("WorkItem", "team"): Relation(T.WORK_ITEM_TEAM),
    ("WorkItem", "stageHistory"): Relation(T.WORK_ITEM_VISITS, via="stage"),
    ("WorkItem", "blockedBy"): Relation(T.WORK_ITEM_BLOCKED_BY),
    ("WorkItem", "commits"): Relation(T.WORK_ITEM_COMMITS),
    ("WorkItem", "pullRequests"): Relation(T.WORK_ITEM_PULL_REQUESTS),
    ("WorkItem", "feedback"): Relation(T.WORK_ITEM_FEEDBACK),
    ("Repository", "product"): Relation(T.REPOSITORY_PRODUCT),
    ("Commit", "repository"): Relation(T.COMMIT_REPOSITORY),
    ("Commit", "parents"): Relation(T.COMMIT_PARENTS),
    ("Commit", "workItems"): Relation(T.COMMIT_WORK_ITEMS),
    ("PullRequest", "repository"): Relation(T.PULL_REQUEST_REPOSITORY),
    ("PullRequest", "commits"): Relation(T.PULL_REQUEST_COMMITS),
    ("PullRequest", "mergeCommit"): Relation(T.PULL_REQUEST_MERGE_COMMIT),
    ("PullRequest", "workItems"): Relation(T.PULL_REQUEST_WORK_ITEMS),
    ("Build", "commit"): Relation(T.BUILD_COMMIT),
    ("Deployment", "commit"): Relation(T.DEPLOYMENT_COMMIT),
    ("Deployment", "product"): Relation(T.DEPLOYMENT_PRODUCT),
    ("Deployment", "incidents"): Relation(T.DEPLOYMENT_INCIDENTS),
    ("Release", "deployments"): Relation(T.RELEASE_DEPLOYMENTS),
    ("Release", "workItems"): Relation(T.RELEASE_WORK_ITEMS),
    ("Incident", "causedBy"): Relation(T.INCIDENT_DEPLOYMENTS, via="deployment"),
    ("Incident", "products"): Relation(T.INCIDENT_PRODUCTS),
    ("Feedback", "workItems"): Relation(T.FEEDBACK_WORK_ITEMS),
    ("Feedback", "products"): Relation(T.FEEDBACK_PRODUCTS),
    ("Feedback", "ledTo"): Relation(T.FEEDBACK_LED_TO),
}

#: The fields of `Query` answering one node (api/graphql/areas/browse.py), by the
#: argument naming it: their resolvers read it through the node loader, which a
#: composition primes before they run.
SINGLE: Mapping[str, str] = {"workItem": "key", "node": "id"}

#: The top-level lists of `Query` (api/graphql/areas/browse.py) a composition starts from.
ROOTS: Mapping[str, Label] = {
    "businessLines": Label.BUSINESS_LINE,
    "products": Label.PRODUCT,
    "valueStreams": Label.VALUE_STREAM,
    "teams": Label.TEAM,
    "tools": Label.TOOL,
}


#: graphql-core's resolver info, as the extension's hook receives it.
ResolveInfo = GraphQLResolveInfo[Context]


class NotComposed(Exception):
    """The selection asks for something a composition does not answer the same way."""


@dataclass(frozen=True)
class Selection:
    """What a planner needs of a request: its schema, fragments and variables."""

    info: ResolveInfo

    def object_type(self, name: str) -> GraphQLObjectType:
        found = self.info.schema.get_type(name)
        assert isinstance(found, GraphQLObjectType), name
        return found

    def field_type(self, type_name: str, field: str) -> str:
        name: str = get_named_type(self.object_type(type_name).fields[field].type).name
        return name

    def fields(self, type_name: str, sets: Sequence[SelectionSetNode]) -> Iterator[FieldNode]:
        """The fields of selection sets on an object of `type_name`, through fragments
        whose type condition it meets (its name or an interface it implements)."""
        object_type = self.object_type(type_name)
        meets = {type_name, *(i.name for i in object_type.interfaces)}
        pending = [s for selection_set in sets for s in selection_set.selections]
        while pending:
            selection = pending.pop(0)
            if selection.directives:
                raise NotComposed("a directive decides what is selected")
            if isinstance(selection, FieldNode):
                yield selection
                continue
            condition: NamedTypeNode | None
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.info.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
                if fragment.directives:
                    raise NotComposed("a directive decides what is selected")
            elif isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:  # pragma: no cover - graphql-core has no other selection
                raise NotComposed(type(selection).__name__)
            if fragment_applies(condition, meets):
                pending[:0] = inner.selections

    def under(
        self, type_name: str, sets: Sequence[SelectionSetNode], name: str
    ) -> list[SelectionSetNode]:
        """The selection sets of the fields called `name` in `sets`."""
        return [
            f.selection_set
            for f in self.fields(type_name, sets)
            if f.name.value == name and f.selection_set is not None
        ]

    def arguments(self, type_name: str, node: FieldNode) -> dict[str, Any]:
        field = self.object_type(type_name).fields[node.name.value]
        variables: Any = self.info.variable_values
        if not isinstance(variables, VariableValues):
            # strawberry's resolver info holds the coerced values only, as a dict; the
            # arguments need nothing else.
            variables = VariableValues(sources={}, coerced=variables)
        return get_argument_values(field, node, variables)


def fragment_applies(condition: NamedTypeNode | None, meets: set[str]) -> bool:
    """Whether a fragment with this type condition applies to an object that is one of
    `meets` (its type and the interfaces it implements)."""
    return condition is None or condition.name.value in meets


def plan(info: ResolveInfo, arguments: Mapping[str, Any]) -> Root | None:
    """The composed read that answers the top-level list being resolved, or None when
    there is nothing to compose (no relation fields below it) or it must not be."""
    label = ROOTS.get(info.field_name)
    if label is None or info.path.prev is not None or info.parent_type.name != "Query":
        return None
    selection = Selection(info)
    connection = get_named_type(info.return_type).name
    sets = [f.selection_set for f in info.field_nodes if f.selection_set is not None]
    try:
        if any(f.directives for f in info.field_nodes):
            return None
        count = any(f.name.value == "totalCount" for f in selection.fields(connection, sets))
        edges = selection.under(connection, sets, "edges")
        edge = selection.field_type(connection, "edges")
        nodes = selection.under(edge, edges, "node")
        children = branches(selection, selection.field_type(edge, "node"), nodes)
        first, after = _page(arguments)
    except (NotComposed, InvalidArgument):
        return None
    return Root(label, first, after, children, count) if children else None


def _page(arguments: Mapping[str, Any]) -> tuple[int, str | None]:
    """A page's arguments as the resolvers read them (an invalid cursor raises)."""
    return page_size(arguments.get("first", DEFAULT_PAGE)), decode_cursor(arguments.get("after"))


def branches(
    selection: Selection, type_name: str, sets: Sequence[SelectionSetNode]
) -> tuple[Branch, ...]:
    """The relations selected on objects of `type_name`, each once per traversal and
    page, with the selections of every alias merged below it."""
    below: dict[tuple[T, int, str | None], tuple[str, list[SelectionSetNode]]] = {}
    for node in selection.fields(type_name, sets):
        relation = RELATIONS.get((type_name, node.name.value))
        if relation is None or node.selection_set is None:
            continue
        inner, target = [node.selection_set], selection.field_type(type_name, node.name.value)
        first, after = 0, None
        if relation.traversal.value.page:
            first, after = _page(selection.arguments(type_name, node))
            edges = selection.under(target, inner, "edges")
            edge = selection.field_type(target, "edges")
            inner, target = selection.under(edge, edges, "node"), selection.field_type(edge, "node")
        elif relation.via is not None:
            inner = selection.under(target, inner, relation.via)
            target = selection.field_type(target, relation.via)
        key = (relation.traversal, first, after)
        below.setdefault(key, (target, []))[1].extend(inner)
    return tuple(
        Branch(traversal, branches(selection, target, inner), first, after)
        for (traversal, first, after), (target, inner) in below.items()
    )


def plan_one(info: ResolveInfo, arguments: Mapping[str, Any]) -> One | None:
    """The composed read of the one node being resolved and the relations below it, or
    None when there is nothing to compose."""
    # Imported here: api.graphql.types.convert imports every module of types.
    from api.graphql.types.convert import TYPES

    argument = SINGLE.get(info.field_name)
    if argument is None or info.path.prev is not None or info.parent_type.name != "Query":
        return None
    value = arguments.get(argument)
    if not isinstance(value, str) or any(f.directives for f in info.field_nodes):
        return None
    if info.field_name == "workItem":
        label, key = Label.WORK_ITEM, value
    else:
        parsed = split_global_id(value)
        if parsed is None:
            return None
        label, key = parsed
    sets = [f.selection_set for f in info.field_nodes if f.selection_set is not None]
    try:
        children = branches(Selection(info), TYPES[label].__name__, sets)
    except (NotComposed, InvalidArgument):
        return None
    return One(label, key, children) if children else None


async def _resolved(resolve: Callable[[], Any]) -> Any:
    result = resolve()
    return await result if inspect.isawaitable(result) else result


async def answer_one(one: One, resolve: Callable[[], Any], context: Context) -> Any:
    """The node's field as its resolver answers it, once the node and its relations are
    read in one statement and primed into the request's loaders (or, if the database
    refuses that statement for its size, as the resolvers read it, depth by depth)."""
    try:
        composed = await compose.read_one(context.store, one)
    except QueryTooLarge:
        log.warning("composed read of %s too large; answered depth by depth", one.label)
        return await _resolved(resolve)
    context.loaders.prime_node(one.label, one.id, composed.nodes[0] if composed.nodes else None)
    context.loaders.prime(composed.found)
    return await _resolved(resolve)


async def answer(info: ResolveInfo, root: Root, resolve: Callable[[], Any]) -> Any:
    """The top-level list, its relations read in the same statement and primed into the
    request's loaders. A statement the database refuses for its size (the embedded
    database holds every nested page's sort at once: products → 20 work items each, by
    id, at 1,000,000 work items) is left to the resolvers, one statement per depth, each
    of which sorts one page at a time."""
    # Imported here: api.graphql.types.convert imports every module of types.
    from api.graphql.types.convert import TYPES

    context: Context = info.context
    try:
        composed = await compose.read(context.store, root)
    except QueryTooLarge:
        log.warning("composed read of %s too large; answered depth by depth", root.label)
        return await _resolved(resolve)
    context.loaders.prime(composed.found)
    kind = TYPES[root.label]
    items = [kind.from_domain(n) for n in composed.nodes]
    ids = [n.id for n in composed.nodes]
    return Connection.build(items, ids, composed.has_next, composed.total)


class ComposedReads(SchemaExtension):
    """Answers a top-level list with relation fields below it in one statement (this
    module's docstring); every other field resolves as it would without it."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: ResolveInfo,
        *args: str,
        **kwargs: Any,
    ) -> Any:
        if info.path.prev is None:
            if info.field_name in ROOTS:
                planned = plan(info, kwargs)
                if planned is not None:
                    return answer(info, planned, lambda: _next(root, info, *args, **kwargs))
            elif info.field_name in SINGLE:
                one = plan_one(info, kwargs)
                if one is not None:
                    return answer_one(one, lambda: _next(root, info, *args, **kwargs), info.context)
        return _next(root, info, *args, **kwargs)
