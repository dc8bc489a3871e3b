"""Composed statements (graph/read/compose.py) pass Neo4j 5's semantic analysis, and the
API's table of relation fields (api/graphql/compose.py) is what the resolvers follow.

Every relation at each depth 1 to 3 below some list, and every chain of two relations
below every top-level list of the API, is composed and checked like a file of `cypher/`
(tests/unit/test_cypher_neo4j_lint.py). A fragment composes the same whatever is above
it (its parent's `n` is all it sees), so that covers every pair of parts at every depth
without the thousand chains of three (the analysis takes ~0.3 s a statement). The database tests
(tests/api/test_compose.py) run random selections and compare the answers.
"""

from __future__ import annotations

import inspect
import re
from collections import deque
from collections.abc import Iterator

from hypothesis import given, settings
from strawberry.types.base import StrawberryObjectDefinition

from api.graphql.compose import RELATIONS, ROOTS
from api.graphql.schema import schema
from graph.db.queries import Cardinality, Query
from graph.model import Label, Traversal
from graph.read.compose import Branch, Root, RootShape, Shape, compose, parameters
from tests.selections import EXAMPLES, Selection, selections
from tests.unit.test_cypher_neo4j_lint import errors, lint

ROOT_LABELS = tuple(ROOTS.values())
#: Every label with a root statement (cypher/compose/root/): deployments, incidents and
#: releases are below no top-level list of the API (trace reaches them), but their
#: relations compose the same way.
ANY_ROOT = tuple(label for label in Label if label is not Label.WORK_ITEM)


def chain(label: Label, traversals: tuple[Traversal, ...]) -> RootShape:
    """The shape of a list of `label` with the relations followed one below the other."""
    below: tuple[Shape, ...] = ()
    for traversal in reversed(traversals):
        below = ((traversal, below),)
    return (label, below)


def leaving(label: Label) -> list[Traversal]:
    return [t for t in Traversal if t.value.start is label]


def root_chains(depth: int, roots: tuple[Label, ...] = ROOT_LABELS) -> Iterator[RootShape]:
    """Every chain of up to `depth` relations below every list of `roots`."""
    pending: deque[tuple[Label, tuple[Traversal, ...]]] = deque((label, ()) for label in roots)
    while pending:
        label, path = pending.popleft()
        end = path[-1].value.end if path else label
        for traversal in leaving(end):
            longer = (*path, traversal)
            yield chain(label, longer)
            if len(longer) < depth:
                pending.append((label, longer))


def reaching(depth: int) -> dict[Label, tuple[Label, tuple[Traversal, ...]]]:
    """For each label, a list and a chain of `depth` relations from it ending on it."""
    found: dict[Label, tuple[Label, tuple[Traversal, ...]]] = {}
    for label, path in (
        (shape[0], tuple(_traversals(shape))) for shape in root_chains(depth, ANY_ROOT) if depth
    ):
        if len(path) == depth:
            found.setdefault(path[-1].value.end, (label, path))
    return found


def _traversals(shape: RootShape) -> Iterator[Traversal]:
    below = shape[1]
    while below:
        traversal, below = below[0]
        yield traversal


def every_relation_at_every_depth() -> Iterator[RootShape]:
    """Each relation at depth 1, 2 and 3 below some list, where some chain reaches its
    start (work items have no root of their own: pages reach them)."""
    for depth in (1, 2, 3):
        ends: dict[Label, tuple[Label, tuple[Traversal, ...]]] = (
            reaching(depth - 1) if depth > 1 else {label: (label, ()) for label in ANY_ROOT}
        )
        for traversal in Traversal:
            if traversal.value.start in ends:
                label, path = ends[traversal.value.start]
                yield chain(label, (*path, traversal))


def test_every_relation_below_every_list_at_depths_1_to_3_passes_neo4j_5_analysis() -> None:
    shapes = {*root_chains(2), *every_relation_at_every_depth()}
    statements = {f"{shape}": compose(shape).text for shape in shapes}
    # Every relation of the model is in at least one of them, at every depth it can be.
    at_depth = {
        (depth, t) for shape in shapes for depth, t in enumerate(_traversals(shape), start=1)
    }
    # Every relation is at depth 1 (but those from work items: pages reach them) and
    # nested below another (depth 2 or 3) where one reaches its start (none reaches a
    # build or a release).
    first = {t for d, t in at_depth if d == 1}
    assert first == {t for t in Traversal if t.value.start is not Label.WORK_ITEM}
    reached = {t.value.end for t in Traversal}
    nested = {t for d, t in at_depth if d > 1}
    assert nested == {t for t in Traversal if t.value.start in reached}
    # Below one node (`node`, `workItem`): every relation from it, work items' too.
    for traversal in Traversal:
        shape = chain(traversal.value.start, (traversal,))
        statements[f"one {shape}"] = compose(shape, single=True).text
    linted = lint(statements)
    problems = [
        f"{name}:{d['line'] + 1}:{d['character'] + 1}: {d['message']}\n{statements[name]}"
        for name, found in linted.items()
        for d in errors(found)
    ]
    assert not problems, "Neo4j 5 rejects these compositions:\n" + "\n".join(problems[:5])
    # No warnings either: the parts' variables are renamed, none shadows another.
    assert all(not found for found in linted.values())


def test_a_composition_is_its_parts_nested_by_the_rule() -> None:
    root = Root(
        Label.PRODUCT,
        500,
        None,
        (
            Branch(Traversal.PRODUCT_VALUE_STREAMS, (Branch(Traversal.VALUE_STREAM_STAGES),)),
            Branch(Traversal.PRODUCT_WORK_ITEMS_PAGE, (), 20, "PAY-1"),
        ),
    )
    query = compose(root.shape)
    assert query.cardinality is Cardinality.ONE
    assert query.parameters == {"first_0", "after_0", "count_0", "first_3", "after_3"}
    assert parameters(root) == {
        "first_0": 501,
        "after_0": None,
        "count_0": False,
        "first_3": 20,
        "after_3": "PAY-1",
    }
    text = query.text
    assert text.splitlines()[1] == (
        "// Composed by graph/read/compose.py from compose/root/product, "
        "compose/product_value_streams, compose/value_stream_stages, "
        "compose/product_work_items_page."
    )
    # Each child's CALL comes before its parent's `below` line, which lists the answers.
    assert text.index("CALL (n_1) {") < text.index("[related_2] AS below_1")
    assert text.index("CALL (n_0) {") < text.index("[related_1, related_3] AS below_0")
    # Built once per shape: the values are parameters.
    same_shape = Root(Label.PRODUCT, 5, "x", root.children)
    assert compose(same_shape.shape) is query


def _resolver_traversals() -> dict[tuple[str, str], set[str]]:
    """The traversals each field's resolver names, by (GraphQL type, field)."""
    found: dict[tuple[str, str], set[str]] = {}
    for type_ in schema.schema_converter.type_map.values():
        definition = type_.definition
        for field in getattr(definition, "fields", []):
            if field.base_resolver is None:
                continue
            source = inspect.getsource(field.base_resolver.wrapped_func)
            names = set(re.findall(r"Traversal\.(\w+)", source))
            if names and isinstance(definition, StrawberryObjectDefinition):
                found[(definition.name, schema.config.name_converter.get_graphql_name(field))] = (
                    names
                )
    return found


def test_the_table_of_relation_fields_is_what_the_resolvers_follow() -> None:
    named = _resolver_traversals()
    assert {key: {r.traversal.name} for key, r in RELATIONS.items()} == named
    assert {r.traversal for r in RELATIONS.values()} == set(Traversal)


def test_a_composed_statement_is_a_catalogue_query() -> None:
    query = compose(chain(Label.TEAM, (Traversal.TEAM_MEMBERS, Traversal.PERSON_SKILLS)))
    assert isinstance(query, Query)
    assert query.name.startswith("compose/Team-")
    assert query.parameters == {"first_0", "after_0", "count_0"}


def test_random_selections_compose_to_statements_neo4j_5_accepts() -> None:
    # Selections of the generator tests/api/test_compose.py runs on the database.
    statements: dict[str, str] = {}

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
    @given(selections())
    def compose_each(selection: Selection) -> None:
        statements[repr(selection.shape)] = compose(selection.shape).text

    compose_each()
    assert len(statements) > EXAMPLES // 2  # distinct shapes, not one drawn again and again
    problems = [
        f"{d['message']}\n{statements[name]}"
        for name, found in lint(statements).items()
        for d in found
    ]
    assert not problems, "Neo4j 5 finds fault with these compositions:\n" + "\n".join(problems[:3])
