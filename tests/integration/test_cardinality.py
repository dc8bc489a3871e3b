"""The store holds every statement to the cardinality its first line states."""

from __future__ import annotations

import pytest

from graph.db.queries import CardinalityError, parse
from graph.db.store import GraphStore

pytestmark = pytest.mark.db

# Misstated on purpose: each answers as many rows as $n.
ONE = parse("test/one_misstated", "// cardinality: one\nUNWIND range(1, $n) AS i RETURN i")
WRITE = parse("test/write", "// cardinality: write\nMERGE (t:Team {id: $id}) RETURN t.id AS id")


@pytest.mark.parametrize("n", [0, 1])
async def test_a_one_row_statement_answers_no_row_or_one(store: GraphStore, n: int) -> None:
    assert len(await store.read(ONE, n=n)) == n
    assert len(await store.write(ONE, n=n)) == n


async def test_a_one_row_statement_that_answers_more_raises(store: GraphStore) -> None:
    with pytest.raises(CardinalityError, match=r"test/one_misstated: .* answered 2 rows"):
        await store.read(ONE, n=2)
    with pytest.raises(CardinalityError, match="answered 3 rows"):
        await store.write(ONE, n=3)
    with pytest.raises(CardinalityError, match="answered 2 rows"):
        await store.write_together([(WRITE, {"id": "t1"}), (ONE, {"n": 2})])


async def test_a_write_is_never_sent_as_a_read(store: GraphStore) -> None:
    trips = store.round_trips
    with pytest.raises(CardinalityError, match="test/write: a write statement, run as a read"):
        await store.read(WRITE, id="t1")
    assert store.round_trips == trips
    assert await store.write(WRITE, id="t1") == [{"id": "t1"}]
