"""Random GraphQL selections of relation fields below a top-level list, with the shape of
the composed statement that must answer each (graph/read/compose.py).

A selection is a list (`products`, `teams`...) of a few nodes with up to three levels of
relation fields below it, up to three per level: paged ones with random `first` and
`after`, ones whose items wrap the node (`skills { skill { ... } level }`), some under an
alias (the same relation twice) or in an inline fragment, a page's arguments as
literals or variables. Its `shape` is what
api/graphql/compose.py must plan: the relations in document order, the same relation
and page under two aliases merged.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from api.graphql.compose import RELATIONS, ROOTS
from api.graphql.types.base import encode_cursor
from api.graphql.types.convert import TYPES
from graph.model import Traversal
from graph.read.compose import RootShape, Shape

#: Random selections per test (a longer run: VSG_COMPOSE_EXAMPLES=2000).
EXAMPLES = int(os.environ.get("VSG_COMPOSE_EXAMPLES", "200"))
#: Where a page may start: before any id, in the middle of the demo's ids, after all.
AFTER = (None, "0", "B", "M", "p", "~")
#: What the wrappers of a relation's node hold besides it.
WRAPPED = {"skill": "level", "stage": "enteredAt exitedAt", "deployment": "inferred"}

Key = tuple[Traversal, int, str | None]
Branches = list[tuple[Key, "Branches"]]


@dataclass(frozen=True)
class Selection:
    """A GraphQL document and the shape the composition must give it."""

    root: str
    first: int
    body: str
    branches: Branches
    #: Variables the body uses: name -> (GraphQL type, value).
    variables: dict[str, tuple[str, Any]]

    def document(self, *, composed: bool = True) -> str:
        """The query; not `composed`: the same under `@include(if: true)`, which leaves
        it to the resolvers and their loaders (a directive is never composed)."""
        directive = "" if composed else " @include(if: true)"
        declared = ", ".join(f"${name}: {type_}" for name, (type_, _) in self.variables.items())
        return (
            f"query{f'({declared})' if declared else ''} "
            f"{{ {self.root}(first: {self.first}){directive} {{ "
            f"edges {{ cursor node {{ {self.body} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        )

    @property
    def shape(self) -> RootShape:
        return (ROOTS[self.root], merged(self.branches))


def merged(branches: Branches) -> tuple[Shape, ...]:
    """Branches with the same relation and page as one, their children together."""
    together: dict[Key, Branches] = {}
    for key, below in branches:
        together.setdefault(key, []).extend(below)
    return tuple((key[0], merged(below)) for key, below in together.items())


def type_name(traversal: Traversal) -> str:
    return TYPES[traversal.value.end].__name__


DrawFn = Callable[[st.SearchStrategy[Any]], Any]


def node_selection(
    draw: DrawFn,
    type_: str,
    depth: int,
    aliases: Iterator[int],
    variables: dict[str, tuple[str, Any]],
) -> tuple[str, Branches]:
    """Fields on an object of `type_` at `depth` below the list: its key and relations
    (aliases numbered through the document: fields of one name merge, so one alias must
    never name two fields)."""
    fields = sorted(f for t, f in RELATIONS if t == type_)
    most = 3 if depth < 3 else 0
    chosen: list[str] = draw(
        st.lists(st.sampled_from(fields), min_size=int(depth == 0), max_size=most)
        if fields and most
        else st.just([])
    )
    parts, branches = ["key"], []
    for i, name in enumerate(chosen):
        relation = RELATIONS[(type_, name)]
        traversal = relation.traversal
        body, below = node_selection(draw, type_name(traversal), depth + 1, aliases, variables)
        # Two pages of one field with different arguments need aliases (or conflict).
        again = traversal.value.page and name in chosen[:i]
        alias = f"a{next(aliases)}: " if again or draw(st.booleans()) else ""
        first, after = 0, None
        if traversal.value.page:
            first, after = draw(st.integers(1, 4)), draw(st.sampled_from(AFTER))
            cursor = None if after is None else encode_cursor(after)
            if draw(st.booleans()):  # the arguments as variables
                k = next(aliases)
                variables[f"f{k}"], variables[f"c{k}"] = ("Int!", first), ("String", cursor)
                arguments = f"first: $f{k}, after: $c{k}"
            else:
                arguments = f"first: {first}" + (f', after: "{cursor}"' if cursor else "")
            text = (
                f"{alias}{name}({arguments}) {{ totalCount "
                f"pageInfo {{ hasNextPage }} edges {{ cursor node {{ {body} }} }} }}"
            )
        elif relation.via is not None:
            text = f"{alias}{name} {{ {relation.via} {{ {body} }} {WRAPPED[relation.via]} }}"
        else:
            text = f"{alias}{name} {{ {body} }}"
        if draw(st.booleans()):
            text = f"... on {type_} {{ {text} }}"
        parts.append(text)
        branches.append(((traversal, first, after), below))
    return " ".join(parts), branches


@st.composite
def selections(draw: DrawFn) -> Selection:
    """A random selection below a random top-level list."""
    root = draw(st.sampled_from(sorted(ROOTS)))
    node_type = TYPES[ROOTS[root]].__name__
    variables: dict[str, tuple[str, Any]] = {}
    body, branches = node_selection(draw, node_type, 0, itertools.count(), variables)
    return Selection(root, draw(st.integers(1, 3)), body, branches, variables)


def values(selection: Selection) -> dict[str, Any]:
    """The variables' values to send with the document."""
    return {name: value for name, (_, value) in selection.variables.items()}
