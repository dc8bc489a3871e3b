"""A realistic synthetic organisation as ingest records: seeded, deterministic, any size.

`generate(config)` returns a stream of records (the dataclasses of
`graph.ingest.records`) and the `DemoTruth` built into them, above all which stage of
each value stream was made its constraint. docs/demo.md describes the result.

The organisation (business lines, products, value streams, teams, people, skills, tools,
repositories) is planned first. Then each product is generated on its own, which keeps
memory bounded by the largest product:

1. plan the work: kinds in fixed shares, a hierarchy, when each item is created and when
   it is pulled into the flow;
2. simulate the value stream as a chain of multi-server FIFO queues, one per active
   stage with its waiting stage in front; one active stage is given too little capacity;
3. derive delivery from the simulated visits: commits while in development, a pull
   request per hand-off to review, merges, builds, staging and production deployments on
   the product's cadence, what each deployment shipped, releases;
4. derive outcomes: incidents after some production deployments, customer feedback after
   releases, and feedback that led to new work.

Times are seconds since the start of the history internally (floats in the simulation,
whole seconds once recorded) and aware UTC datetimes in the records.

Where things live (each module imports only those above it):

- `config`: `DemoConfig` and the units of time;
- `catalogue`: the products, tools, skills, roles, names and words drawn from;
- `templates`: the value-stream templates and what their active stages need;
- `organisation`: business lines, products, teams, people and skills, planned first;
- `work`: a product's work items, their hierarchy and timing (step 1);
- `simulation`: the queueing simulation (step 2);
- `delivery`: commits, pull requests, builds, deployments, what shipped, releases (step 3);
- `outcomes`: incidents and feedback (step 4);
- `product`: one product built, steps 1 to 4;
- `records`: the organisation and each built product as ingest records;
- this module: the public API, `generate` and `DemoTruth`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from graph.demo.config import DAY, HOUR, MAX_WORK_ITEMS, MIN_WORK_ITEMS, DemoConfig
from graph.demo.organisation import _Org, _organisation
from graph.demo.product import _build_product, _Built
from graph.demo.records import (
    _org_records,
    _product_links,
    _product_nodes,
    _product_states,
    _Records,
)
from graph.ingest.records import Record

__all__ = [
    "DAY",
    "HOUR",
    "MAX_WORK_ITEMS",
    "MIN_WORK_ITEMS",
    "DemoConfig",
    "DemoTruth",
    "generate",
]


@dataclass(frozen=True)
class DemoTruth:
    """What the generator built in on purpose, for checking analyses against it."""

    #: value stream id -> id of the stage made its constraint
    constraints: dict[str, str]
    value_streams: list[str]
    products: list[str]
    business_lines: list[str]
    teams: list[str]
    #: value stream id -> its stage ids in order
    stages: dict[str, list[str]]
    #: product id -> daily | weekly | biweekly | monthly (production deployments)
    deployment_cadence: dict[str, str]
    #: features of the first product with the whole chain: epic -> feature -> stories ->
    #: commits and pull requests -> production deployment -> release -> feedback
    traced_features: list[str]
    start: datetime
    until: datetime


def generate(config: DemoConfig) -> tuple[Iterator[Record], DemoTruth]:
    """Plan the organisation and return its record stream and the truth built into it."""
    until = config.until or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    org = _organisation(config, until.astimezone(UTC))
    # The first product is built now (its traced features belong in the truth) and handed
    # to the stream, so it is not built twice; the others are built as the stream reaches
    # them, so memory holds one product at a time.
    first = _build_product(org, org.products[0])
    truth = DemoTruth(
        constraints={p.stream_id: p.stage_ids[p.constraint] for p in org.products},
        value_streams=[p.stream_id for p in org.products],
        products=[p.id for p in org.products],
        business_lines=[line_id for line_id, _ in org.business_lines],
        teams=[t.id for t in org.teams],
        stages={p.stream_id: list(p.stage_ids) for p in org.products},
        deployment_cadence={p.id: p.cadence for p in org.products},
        traced_features=first.traced,
        start=org.start,
        until=org.start + timedelta(seconds=org.horizon),
    )
    return _stream(org, [first]), truth


def _stream(org: _Org, built_ahead: list[_Built]) -> Iterator[Record]:
    out = _Records(org.start)
    yield from _org_records(org, out)
    for product in org.products:
        # Popped, not kept: a product's data is freed once its records are out.
        ahead = built_ahead.pop() if built_ahead and built_ahead[-1].product is product else None
        built = ahead or _build_product(org, product)
        yield from _product_nodes(built, out)
        yield from _product_links(built, out)
        yield from _product_states(built, out)
        del built, ahead
