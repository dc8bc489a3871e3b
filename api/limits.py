"""GraphQL request limits checked before execution: page sizes and a cost estimate.

Depth, aliases and tokens use strawberry's own extensions (see `api.schema.build_schema`);
this module adds what strawberry has no extension for. Both checks need the request's
variables (`first: $n`), which a plain validation rule never sees, so the extension
builds its rule per operation, closing over them.

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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
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
    ValidationContext,
    ValidationRule,
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


class RequestLimits(SchemaExtension):
    """Refuse an operation whose `first` is above the page limit or whose cost estimate
    is above the ceiling, before anything runs."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        rule = _rule(self.limits, context.variables or {}, context.operation_name)
        context.validation_rules = (*context.validation_rules, rule)
        yield


def _rule(
    limits: Limits, variables: Mapping[str, Any], operation_name: str | None
) -> type[ValidationRule]:
    class RequestLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            for operation in context.document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                name = operation.name.value if operation.name else None
                if operation_name is not None and name != operation_name:
                    continue
                estimate = CostEstimate(context.schema, fragments, operation, variables)
                for problem in estimate.too_large_pages(limits.max_page):
                    context.report_error(GraphQLError(problem))
                if estimate.cost > limits.max_cost:
                    context.report_error(
                        GraphQLError(
                            f"query cost {estimate.cost} is above the limit of "
                            f"{limits.max_cost}: ask for fewer items (a smaller `first`) "
                            "or fewer nested lists"
                        )
                    )

    return RequestLimitsRule


class CostEstimate:
    """The cost of one operation (module docstring) and the page sizes it asks for."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = dict(variables)
        # A variable the request leaves out takes its declared default, if any.
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self._variables and isinstance(definition.default_value, IntValueNode):
                self._variables[name] = int(definition.default_value.value)
        # A fragment's cost does not depend on where it is spread: computed once each,
        # so a document spreading fragments into fragments cannot blow up the walk.
        self._fragment_costs: dict[str, int] = {}
        self._pages: list[tuple[str, int]] = []
        root = schema.get_root_type(operation.operation)
        self.cost = 0 if root is None else self._selection_cost(operation.selection_set, root, ())

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
    ) -> int:
        total = 0
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

    def _spread_cost(self, name: str, seen: tuple[str, ...]) -> int:
        fragment = self._fragments.get(name)
        if fragment is None or name in seen:
            return 0  # unknown or cyclic: graphql's own rules refuse the document
        if name not in self._fragment_costs:
            target = self._schema.get_type(fragment.type_condition.name.value)
            self._fragment_costs[name] = self._selection_cost(
                fragment.selection_set, target, (*seen, name)
            )
        return self._fragment_costs[name]

    def _field_cost(self, node: FieldNode, parent: Any, seen: tuple[str, ...]) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, ObjectLike):
            return 0  # introspection, or an unknown type graphql's own rules refuse
        field = parent.fields.get(name)
        if field is None or is_leaf_type(get_named_type(field.type)) or not node.selection_set:
            return 0
        if PAGE_ARGUMENT in field.args:
            multiplier = self._page_size(node, field.args[PAGE_ARGUMENT].default_value)
            self._pages.append((name, multiplier))
        elif isinstance(get_nullable_type(field.type), GraphQLList) and not _is_connection(parent):
            multiplier = LIST_GUESS
        else:
            multiplier = 1
        inner = self._selection_cost(node.selection_set, get_named_type(field.type), seen)
        return 1 + max(multiplier, 1) * inner

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
