"""Fuzz `POST /ingest` with generated NDJSON: units of known validity and garbage lines.

Invariants: never a server error; with any invalid line a 422 naming exactly the invalid
lines and nothing written; with `?skipInvalid=true` exactly the valid records written.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings

from tests.api.conftest import Api
from tests.factories import ndjson, node, rel
from tests.fuzz.checks import FUZZ, ORG, body_of, counts, delta, seed
from tests.fuzz.strategies import PREFIX, Input, inputs
from tests.fuzz.tally import Tally

pytestmark = pytest.mark.db

ALL_OR_NOTHING, SKIP_INVALID = 60, 40

SKILL = PREFIX.decode() + "-skill"

# Regressions the fuzzer found (each was a 500; the integer one also half-wrote: the
# skill node was committed before the relationship failed to encode):
# a line nested deeper than json's decoder recurses,
DEEP = Input(b"[" * 5000 + b"]" * 5000, frozenset({1}), 0, 0)
# an integer outside the 64-bit range,
HUGE_LEVEL = Input(
    ndjson(
        [
            node("Skill", SKILL, name="Go"),
            rel("NEEDS_SKILL", ("Stage", ORG.stage("dev")), ("Skill", SKILL), level=2**63),
        ]
    ).encode(),
    frozenset({2}),
    1,
    0,
)
# a number beyond the largest float,
HUGE_POINTS = Input(
    ndjson(
        [node("Story", SKILL, title="t", createdAt="2025-01-01T00:00:00Z", points=10**400)]
    ).encode(),
    frozenset({1}),
    0,
    0,
)
# and a lone surrogate (`\ud800` in JSON), which UTF-8 cannot encode.
SURROGATE = Input(ndjson([node("Team", SKILL, name="\ud800")]).encode(), frozenset({1}), 0, 0)


@settings(max_examples=ALL_OR_NOTHING, **FUZZ)
@given(given_input=inputs())
@example(given_input=DEEP)
@example(given_input=HUGE_LEVEL)
@example(given_input=HUGE_POINTS)
@example(given_input=SURROGATE)
async def test_an_input_with_any_invalid_line_writes_nothing(
    api: Api, tally: Tally, given_input: Input
) -> None:
    tally.expect("ingest", ALL_OR_NOTHING)
    if not tally.count:
        await seed(api.store)
    tally.add()
    before = await counts(api.store)
    response = await api.client.post("/ingest", content=given_input.fresh(f"a{tally.count}"))
    body = body_of(response)
    tally.outcome(response.status_code)
    after = await counts(api.store)
    if given_input.invalid_lines:
        assert response.status_code == 422, body
        assert body["written"] is False
        assert {p["line"] for p in body["problems"]} == given_input.invalid_lines, body
        assert after == before  # not one node, relationship or visit written
    else:
        assert response.status_code == 200, body
        assert delta(before, after) == (given_input.nodes, given_input.relationships)


@settings(max_examples=SKIP_INVALID, **FUZZ)
@given(given_input=inputs())
@example(given_input=DEEP)
@example(given_input=HUGE_LEVEL)
@example(given_input=SURROGATE)
async def test_skip_invalid_writes_exactly_the_valid_records(
    api: Api, tally: Tally, given_input: Input
) -> None:
    tally.expect("ingest", SKIP_INVALID)
    if not tally.count:
        await seed(api.store)
    tally.add()
    before = await counts(api.store)
    response = await api.client.post(
        "/ingest?skipInvalid=true", content=given_input.fresh(f"s{tally.count}")
    )
    body = body_of(response)
    tally.outcome(f"skipInvalid {response.status_code}")
    after = await counts(api.store)
    assert response.status_code == 200, body
    assert {p["line"] for p in body["skipped"]} == given_input.invalid_lines, body
    assert delta(before, after) == (given_input.nodes, given_input.relationships)
