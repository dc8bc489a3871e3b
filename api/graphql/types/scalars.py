"""The `DateTime` scalar as vsgraph reads it: what the CLI and the exports accept.

An ISO 8601 date-time with its offset, or a plain date meaning 00:00 UTC of that day
(`from: "2025-03-01"`), as `vsg metrics --from 2025-03-01` and `/export/flow.csv?from=`
take it. Output is unchanged: ISO 8601 with the offset.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition

#: A plain ISO date is exactly this long (YYYY-MM-DD).
_DATE_LENGTH = 10


def parse_datetime(text: str) -> datetime:
    """An ISO date-time, or an ISO date as 00:00 UTC; ValueError if it is neither."""
    if len(text) == _DATE_LENGTH:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    return datetime.fromisoformat(text)


DATETIME: ScalarDefinition = dataclasses.replace(
    DateTimeDefinition,
    description="An ISO 8601 date-time with its offset (2025-03-01T09:30:00Z); as an "
    "argument, a plain date (2025-03-01) is also accepted and means 00:00 UTC that day.",
    parse_value=wrap_parser(parse_datetime, "DateTime"),
)
