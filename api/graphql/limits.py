"""GraphQL request limits checked before execution: page sizes and a cost estimate.

Depth, aliases and tokens use strawberry's own extensions (see `api.graphql.schema.build_schema`);
this module adds what strawberry has no extension for. Both checks need the request's
variables (`first: $n`), which a validation rule never sees, so they run beside the
validation, not in it: once the document is known valid (the validation of a repeated
document is cached: a rule built per request, as this once was, made every request a
cache miss and cost 1.5 ms of `nested` and 4 ms of the dashboard, validating again).

The cost is an estimate of the work an operation asks for, computed from the document
alone (fragments included, introspection fields not counted):

- a field of a scalar or enum type costs 0;
- any other field costs 1 plus its selection's cost times a multiplier:
  its `first` argument if it takes one (the literal, the variable's value, or the
  argument's default), else `LIST_GUESS` if it returns a list (a relation of unknown
  length), except a connection's `edges` (already counted by the connection's `first`),
  else 1.

So `{ teams(first: 20) { edges { node { name members { name } } } } }` costs
1 + 20 * (1 + 1 * (1 + (1 + 10 * 0))) = 61.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from strawberry.extensions import SchemaExtension

#: How many items a list without a `first` argument is assumed to hold.
LIST_GUESS = 10
PAGE_ARGUMENT = "first"

ObjectLike = GraphQLObjectType | GraphQLInterfaceType


@dataclass(frozen=True)
class Limits:
    """The ceilings the rule enforces."""

    max_page: int
    max_cost: int
    #: The longest window (`from`..`to`) of one field, in days.
    max_window_days: int = 3660
    #: Window points of one request: each windowed field's days (a weekly CFD's weeks),
    #: times how often the document repeats it.
    max_window_points: int = 500_000
    #: Forecast trial-days of one request (trials x days simulated, `WHEN_DAYS` per trial
    #: for a forecast of `items`), times how often the document repeats it.
    max_forecast_work: int = 20_000_000


#: A window's length without `from`: graph/metrics/flow.py's default.
DEFAULT_WINDOW_DAYS = 90
#: Days a forecast of `items` is counted per trial: its simulation stops when they are
#: done, drawing at most the 10-year horizon; measured, a trial of the worst case costs
#: about what 1,000 days of a forecast to `by` cost.
WHEN_DAYS = 1000
#: A forecast's `trials` without the argument: graph/analysis/forecast.py's default.
DEFAULT_TRIALS = 10_000
WEEK_DAYS = 7


@dataclass(frozen=True)
class Work:
    """What a part of a document asks for: its cost, window points and forecast work."""

    cost: int = 0
    points: int = 0
    trial_days: int = 0

    def __add__(self, other: Work) -> Work:
        return Work(
            self.cost + other.cost,
            self.points + other.points,
            self.trial_days + other.trial_days,
        )

    def times(self, n: int) -> Work:
        """This work repeated `n` times."""
        return Work(self.cost * n, self.points * n, self.trial_days * n)


class RequestLimits(SchemaExtension):
    """Refuse an operation whose `first` is above the page limit or whose cost estimate
    is above the ceiling, before anything runs."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        # Runs after the ValidationCache's own hook (listed before it in build_schema),
        # before strawberry acts on the errors: an invalid document is not estimated.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            problems = limit_problems(
                self.limits,
                context.schema._schema,
                context.graphql_document,
                context.variables or {},
                context.operation_name,
            )
            if problems:
                context.pre_execution_errors = [GraphQLError(p) for p in problems]
        yield


def limit_problems(
    limits: Limits,
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
    operation_name: str | None,
) -> list[str]:
    """Why the operation of a valid document is refused, if it is: pages above the
    limit, arguments out of range, windows, forecasts or a cost above their ceilings."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    problems: list[str] = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        name = operation.name.value if operation.name else None
        if operation_name is not None and name != operation_name:
            continue
        estimate = CostEstimate(schema, fragments, operation, variables, limits.max_window_days)
        problems += estimate.too_large_pages(limits.max_page) + estimate.problems
        if estimate.work.points > limits.max_window_points:
            problems.append(
                f"the windows of this request add up to {estimate.work.points:,} "
                f"points (days, or weeks of a weekly CFD), above the limit of "
                f"{limits.max_window_points:,}: ask for shorter windows, WEEK "
                "intervals or fewer value streams at once"
            )
        if estimate.work.trial_days > limits.max_forecast_work:
            problems.append(
                f"the forecasts of this request simulate "
                f"{estimate.work.trial_days:,} trial-days, above the limit of "
                f"{limits.max_forecast_work:,}: ask for fewer trials or an "
                f"earlier `by` (a forecast of `items` counts {WHEN_DAYS:,} days "
                "per trial)"
            )
        if estimate.cost > limits.max_cost:
            problems.append(
                f"query cost {estimate.cost} is above the limit of "
                f"{limits.max_cost}: ask for fewer items (a smaller `first`) "
                "or fewer nested lists"
            )
    return problems


class CostEstimate:
    """The cost of one operation (module docstring) and the page sizes it asks for."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        max_window_days: int = 3660,
    ) -> None:
        self._schema = schema
        self._max_window_days = max_window_days
        self._now = datetime.now(UTC)
        #: Arguments refused on their own (a window too long, a time out of range).
        self.problems: list[str] = []
        self._fragments = fragments
        self._variables = dict(variables)
        # A variable the request leaves out takes its declared default, if any.
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self._variables and isinstance(definition.default_value, IntValueNode):
                self._variables[name] = int(definition.default_value.value)
        # A fragment's cost does not depend on where it is spread: computed once each,
        # so a document spreading fragments into fragments cannot blow up the walk.
        self._fragment_costs: dict[str, Work] = {}
        self._pages: list[tuple[str, int]] = []
        root = schema.get_root_type(operation.operation)
        self.work = (
            Work() if root is None else self._selection_cost(operation.selection_set, root, ())
        )
        self.cost = self.work.cost

    def too_large_pages(self, max_page: int) -> list[str]:
        """A message for every field asking for more than `max_page` items."""
        return [
            f"{field}(first: {size}) asks for more than the largest page, {max_page}; "
            "ask for fewer and page on with `after`"
            for field, size in self._pages
            if size > max_page
        ]

    def _selection_cost(
        self, selection_set: SelectionSetNode, parent: Any, seen: tuple[str, ...]
    ) -> Work:
        total = Work()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self._schema.get_type(condition.name.value) if condition else parent
                total += self._selection_cost(selection.selection_set, target, seen)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread_cost(selection.name.value, seen)
        return total

    def _spread_cost(self, name: str, seen: tuple[str, ...]) -> Work:
        fragment = self._fragments.get(name)
        if fragment is None or name in seen:
            return Work()  # unknown or cyclic: graphql's own rules refuse the document
        if name not in self._fragment_costs:
            target = self._schema.get_type(fragment.type_condition.name.value)
            self._fragment_costs[name] = self._selection_cost(
                fragment.selection_set, target, (*seen, name)
            )
        return self._fragment_costs[name]

    def _field_cost(self, node: FieldNode, parent: Any, seen: tuple[str, ...]) -> Work:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, ObjectLike):
            return Work()  # introspection, or an unknown type graphql's own rules refuse
        field = parent.fields.get(name)
        if field is None:
            return Work()
        own = self._computation(name, node, field.args)
        if is_leaf_type(get_named_type(field.type)) or not node.selection_set:
            return own
        if PAGE_ARGUMENT in field.args:
            multiplier = self._page_size(node, field.args[PAGE_ARGUMENT].default_value)
            self._pages.append((name, multiplier))
        elif isinstance(get_nullable_type(field.type), GraphQLList) and not _is_connection(parent):
            multiplier = LIST_GUESS
        else:
            multiplier = 1
        inner = self._selection_cost(node.selection_set, get_named_type(field.type), seen)
        return Work(cost=1) + own + inner.times(max(multiplier, 1))

    # --- windows and forecasts: what a field computes, apart from what it returns ------

    def _computation(self, name: str, node: FieldNode, args: Mapping[str, Any]) -> Work:
        if "trials" in args:
            return self._forecast(name, node, args)
        if "from" in args and "to" in args:
            return self._window(name, node, args)
        return Work()

    def _window(self, name: str, node: FieldNode, args: Mapping[str, Any]) -> Work:
        end = self._time(name, node, "to") or self._now
        start = self._time(name, node, "from") or end - timedelta(days=DEFAULT_WINDOW_DAYS)
        days = max(0, math.ceil((end - start) / timedelta(days=1)))
        if days > self._max_window_days:
            self.problems.append(
                f"{name}: the window of {days:,} days is longer than the longest allowed, "
                f"{self._max_window_days:,} days: ask for a shorter one, or in parts"
            )
        weekly = "interval" in args and self._argument(node, "interval") == "WEEK"
        return Work(points=math.ceil(days / WEEK_DAYS) if weekly else days)

    def _forecast(self, name: str, node: FieldNode, args: Mapping[str, Any]) -> Work:
        trials = self._argument(node, "trials")
        default = args["trials"].default_value
        if not isinstance(trials, int) or isinstance(trials, bool):
            trials = default if isinstance(default, int) else DEFAULT_TRIALS
        start = self._time(name, node, "from") or self._now
        by = self._time(name, node, "by")
        days = 0 if by is None else max(0, math.ceil((by - start) / timedelta(days=1)))
        if self._argument(node, "items") is not None:
            days += WHEN_DAYS
        return Work(trial_days=max(trials, 0) * days)

    def _argument(self, node: FieldNode, name: str) -> Any:
        """An argument's literal (int, string, enum name) or its variable's value."""
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                return self._variables.get(value.name.value)
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, StringValueNode | EnumValueNode):
                return value.value
            return None
        return None

    def _time(self, field: str, node: FieldNode, name: str) -> datetime | None:
        """A datetime argument in UTC; None if absent or unreadable (graphql's coercion
        refuses the latter), and a problem if it leaves the datetime range in UTC."""
        value = self._argument(node, name)
        if not isinstance(value, str):
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        try:
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except OverflowError:
            self.problems.append(
                f"{field}({name}: {value!r}): the time is outside the years 1 to 9999 in UTC"
            )
            return None

    def _page_size(self, node: FieldNode, default: Any) -> int:
        for argument in node.arguments or ():
            if argument.name.value != PAGE_ARGUMENT:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self._variables.get(value.name.value)
                # A value of the wrong type fails variable coercion later; count the default.
                if isinstance(given, int) and not isinstance(given, bool):
                    return given
        return default if isinstance(default, int) else LIST_GUESS


def _is_connection(parent: ObjectLike) -> bool:
    return "edges" in parent.fields and "pageInfo" in parent.fields
