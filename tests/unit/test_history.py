"""A work item's visits derived from its state log (graph/ingest/history.py): the rules on
hand-worked histories, and the same visits whatever order or repetition the facts have."""

from __future__ import annotations

import doctest
import random
from datetime import UTC, datetime

import pytest

from graph.db import locks
from graph.ingest import history, pending, progress
from graph.ingest.history import Fact, FactKind, Visit, derive, merge_log
from graph.ingest.plan import _facts
from graph.ingest.records import StateRecord, parse_record
from graph.ingest.stage_map import StageInfo, StageMap

STAGES = StageMap(
    {
        "todo": StageInfo("todo", "To Do", 1, ("To Do", "Backlog"), "vs"),
        "dev": StageInfo("dev", "Dev", 2, ("In Progress", "Coding"), "vs"),
        "review": StageInfo("review", "Review", 3, ("In Review",), "vs"),
        "done": StageInfo("done", "Done", 4, ("Done", "Closed"), "vs"),
    },
    {"vs": "pay"},
)


def t(day: int) -> datetime:
    return datetime(2025, 3, day, 9, tzinfo=UTC)


def state(day: int, value: str, kind: FactKind = FactKind.STATE) -> Fact:
    return Fact(t(day), kind, value)


def visits(*facts: Fact, product: str | None = "pay") -> list[tuple[str, int, int | None]]:
    derived = derive("I", merge_log((), facts), STAGES.resolver(product), STAGES.order)
    return [
        (v.stage, v.entered_at.day, v.exited_at.day if v.exited_at else None)
        for v in derived.visits
    ]


def test_each_entry_closes_the_open_visit_and_the_last_stays_open() -> None:
    assert visits(state(1, "To Do"), state(2, "In Progress"), state(5, "Done")) == [
        ("todo", 1, 2),
        ("dev", 2, 5),
        ("done", 5, None),
    ]


def test_two_tool_states_of_one_stage_are_one_visit_and_a_reopen_is_a_new_one() -> None:
    facts = [state(1, "In Progress"), state(2, "Coding"), state(3, "Done"), state(4, "coding")]
    assert visits(*facts) == [("dev", 1, 3), ("done", 3, 4), ("dev", 4, None)]


def test_changes_at_one_instant_enter_the_stage_furthest_along() -> None:
    assert visits(state(1, "Done"), state(1, "In Progress")) == [("done", 1, None)]
    assert visits(state(1, "In Progress"), state(1, "Done")) == [("done", 1, None)]


def test_an_exit_closes_the_visit_to_its_stage_only_before_the_entries_of_its_instant() -> None:
    entered = Fact(t(1), FactKind.STAGE, "dev")
    left = Fact(t(3), FactKind.EXIT, "dev")
    assert visits(entered, left) == [("dev", 1, 3)]
    # An exit from a stage the item is not in says nothing.
    assert visits(entered, Fact(t(2), FactKind.EXIT, "review")) == [("dev", 1, None)]
    # Left and entered again at one instant: two visits, none of them empty.
    again = Fact(t(3), FactKind.STAGE, "dev")
    assert visits(entered, left, again) == [("dev", 1, 3), ("dev", 3, None)]


def test_an_assumed_state_gives_way_to_a_known_one_and_the_earliest_guess_wins() -> None:
    guess = state(1, "In Review", FactKind.ASSUMED)
    assert visits(guess, state(1, "To Do"), state(4, "Done")) == [("todo", 1, 4), ("done", 4, None)]
    other_guess = state(1, "In Progress", FactKind.ASSUMED)
    assert visits(guess, other_guess, state(4, "Done")) == [("dev", 1, 4), ("done", 4, None)]


def test_unmapped_facts_are_kept_and_counted_not_visits() -> None:
    log = merge_log((), [state(1, "Blocked"), state(2, "Done")])
    derived = derive("I", log, STAGES.resolver("pay"), STAGES.order)
    assert derived.unmapped == 1
    assert derived.visits == (Visit("I", "done", t(2), None),)
    # No product yet: no tool state maps, a stage given by id does.
    log = merge_log((), [state(1, "To Do"), Fact(t(2), FactKind.STAGE, "dev")])
    derived = derive("I", log, STAGES.resolver(None), STAGES.order)
    assert (derived.unmapped, derived.current_stage) == (1, "dev")


def test_any_order_and_repetition_of_the_same_facts_gives_the_same_visits() -> None:
    rnd = random.Random(7)
    names = ["To Do", "In Progress", "Coding", "In Review", "Done", "Closed", "Blocked"]
    for _ in range(200):
        facts = [state(rnd.randint(1, 9), rnd.choice(names)) for _ in range(rnd.randint(1, 8))]
        expected = derive("I", merge_log((), facts), STAGES.resolver("pay"), STAGES.order)
        split = rnd.randint(0, len(facts))
        shuffled = rnd.sample(facts, len(facts))
        log = merge_log(merge_log((), shuffled[:split]), [*shuffled[split:], *facts[:2]])
        assert derive("I", log, STAGES.resolver("pay"), STAGES.order) == expected


def test_the_mapping_is_the_same_whatever_order_the_stages_came_in() -> None:
    claims = {
        "a": StageInfo("a", "A", 2, ("Shared",), "vs"),
        "b": StageInfo("b", "B", 1, ("Shared",), "vs"),
    }
    forward = StageMap(claims, {"vs": "p"})
    backward = StageMap(dict(reversed(claims.items())), {"vs": "p"})
    assert forward.by_product == backward.by_product == {"p": {"a": "a", "shared": "b", "b": "b"}}


@pytest.mark.parametrize("module", [history, pending, progress, locks])
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_every_log_entry_reads_back_from_its_record_as_the_same_fact() -> None:
    facts = [
        state(1, "To Do"),
        state(2, "In Progress", FactKind.ASSUMED),
        Fact(t(3), FactKind.STAGE, "review"),
        Fact(t(4), FactKind.EXIT, "review"),
    ]
    log = merge_log((), facts)
    records = [parse_record(history.as_record("I", entry), n) for n, entry in enumerate(log, 1)]
    assert isinstance(records[0], StateRecord)
    assert merge_log((), _facts(records)["I"]) == log  # type: ignore[arg-type]
