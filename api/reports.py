"""The reports the `vsg` commands print and the HTTP exports serve: one shape for both.

`vsg metrics --format json|csv` and `GET /export/flow.{json,csv}` give the same
`FlowReport`, `GET /export/cfd.csv` its CFD rows alone; `vsg dora --format json|csv` and
`GET /export/dora.{json,csv}` the same DORA rows. JSON is the domain values with
camelCase keys and ISO times (`to_json`); CSV is tidy rows with a header, every cell
written so that no spreadsheet runs it as a formula (`SafeDictWriter`). Both take a
window's bounds the same way (`parse_instant`). The tables for people are the CLI's.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from graph.errors import InvalidArgument
from graph.metrics import flow
from graph.metrics.dora import Dora, DoraLevel
from graph.metrics.flow import (
    AgingWip,
    Cfd,
    FlowData,
    FlowMetrics,
    Interval,
    ScopeKind,
    StageMetrics,
)

# ---------------------------------------------------------------------------------------
# Dates and cells


def parse_instant(text: str) -> datetime:
    """A window's bound as people give it (`--from`, `?from=`): an ISO date (00:00 UTC)
    or a datetime with an offset."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(f"not an ISO date or datetime: {text!r}") from None
    if value.utcoffset() is None:
        raise InvalidArgument(f"give a timezone, e.g. {text}Z")
    return value.astimezone(UTC)


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a formula-like string gets a leading `'`.

    Numbers are left alone (a negative number is a number, not a formula); every string
    is judged, so an id or a query parameter echoed into a file cannot run in Excel.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:  # csv.DictWriter takes no type argument at run time before Python 3.12
    _DictWriter = csv.DictWriter


class SafeDictWriter(_DictWriter):
    """`csv.DictWriter` writing every cell through `safe_cell`; `None` as an empty cell.

    A row with a carriage return in a cell is written with every cell quoted: Python
    3.11's writer quotes only the characters of its `\\n` line terminator, and an
    unquoted CR starts a new row in a spreadsheet.
    """

    def __init__(self, f: Any, fieldnames: Sequence[str], **kwargs: Any) -> None:
        super().__init__(f, fieldnames, **kwargs)
        self._plain = self.writer
        self._quoted = csv.writer(
            f, quoting=csv.QUOTE_ALL, lineterminator=kwargs.get("lineterminator", "\r\n")
        )

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        cells = {k: "" if v is None else safe_cell(v) for k, v in rowdict.items()}
        cr = any(isinstance(v, str) and "\r" in v for v in cells.values())
        self.writer = self._quoted if cr else self._plain
        return super().writerow(cells)

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def to_json(value: Any) -> Any:
    """A domain value as JSON data: camelCase keys, ISO times, null for None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(f.name): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text with a header, every cell safe (`SafeDictWriter`)."""
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# Flow: every metric of a scope; CSV, one figure per row


@dataclass(frozen=True)
class FlowReport:
    """Every flow metric of a scope: what `vsg metrics` prints and `/export/flow.*` serves."""

    scope: ScopeKind
    id: str
    flow: FlowMetrics
    stages: tuple[StageMetrics, ...]
    cfd: Cfd
    aging: AgingWip


def flow_report(scope: ScopeKind, id: str, data: FlowData, interval: Interval) -> FlowReport:
    """Every flow metric of loaded data."""
    return FlowReport(
        scope,
        id,
        flow.flow_metrics(data),
        flow.stage_metrics(data),
        flow.cfd(data, interval),
        flow.aging_wip(data),
    )


FLOW_CSV_COLUMNS = ("section", "stage", "flowType", "item", "start", "end", "metric", "value")


def _flow_rows(r: FlowReport) -> Iterator[dict[str, Any]]:
    m, w = r.flow, r.flow.window

    def row(section: str, metric: str, value: Any, **where: Any) -> dict[str, Any]:
        out = {"section": section, "metric": metric, "value": to_json(value)}
        out.setdefault("start", to_json(w.start))
        out.setdefault("end", to_json(w.end))
        out.update({k: to_json(v) for k, v in where.items()})
        return out

    for metric, value in (
        ("flowVelocity", m.velocity),
        ("flowTimeCount", m.flow_time.count),
        ("flowTimeMedianDays", m.flow_time.median),
        ("flowTimeP85Days", m.flow_time.p85),
        ("flowTimeMeanDays", m.flow_time.mean),
        ("flowEfficiency", m.efficiency),
        ("flowLoad", m.load),
        ("flowLoadDailyMean", m.load_daily_mean),
        ("doneUnstarted", m.done_unstarted),
        ("returnedToNew", m.returned_to_new),
        ("discarded", m.discarded.count),
        ("discardedShare", m.discarded.share),
        ("discardedStarted", m.discarded.started),
    ):
        yield row("flow", metric, value)
    for c in m.discarded.by_stage:
        yield row("discardedFrom", "items", c.count, stage=c.stage)
    for t, done, load in zip(m.by_flow_type, m.distribution_done, m.distribution_load, strict=True):
        for metric, value in (
            ("flowVelocity", t.velocity),
            ("flowTimeMedianDays", t.flow_time.median),
            ("flowTimeP85Days", t.flow_time.p85),
            ("distributionDone", done.share),
            ("flowLoad", load.count),
            ("distributionLoad", load.share),
        ):
            yield row("flowType", metric, value, flowType=t.flow_type)
    for p in m.velocity_weekly:
        yield row("velocityWeekly", "flowVelocity", p.count, start=p.start, end=p.end)
    for p in m.load_daily:
        yield row("loadDaily", "flowLoad", p.count, start=p.start, end=p.end)
    for s in r.stages:
        for metric, value in (
            ("wip", s.wip),
            ("arrivals", s.arrivals),
            ("departures", s.departures),
            ("timeInStageMedianDays", s.time_in_stage.median),
            ("timeInStageP85Days", s.time_in_stage.p85),
            ("flowTimeShare", s.flow_time_share),
        ):
            yield row("stage", metric, value, stage=s.stage.id)
    for cp in r.cfd.points:
        for stage in r.cfd.stages:
            yield row(f"cfd{r.cfd.interval.value.title()}", "items", cp.counts[stage.id],
                      stage=stage.id, start=cp.start, end=cp.end)  # fmt: skip
    for a in r.aging.items:
        yield row("agingWip", "ageDays", a.age, item=a.id, stage=a.stage, flowType=a.flow_type)


def write_flow_csv(r: FlowReport, out: Any) -> None:
    """The report as tidy CSV rows, with a header."""
    writer = SafeDictWriter(out, FLOW_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _flow_rows(r):
        writer.writerow(row)


def write_cfd_csv(chart: Cfd, out: Any) -> None:
    """The CFD rows of the flow report's CSV alone (`/export/cfd.csv`), with a header."""
    writer = SafeDictWriter(out, FLOW_CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    section = f"cfd{chart.interval.value.title()}"
    for point in chart.points:
        for stage in chart.stages:
            writer.writerow({"section": section, "stage": stage.id, "start": to_json(point.start),
                             "end": to_json(point.end), "metric": "items",
                             "value": point.counts[stage.id]})  # fmt: skip


# ---------------------------------------------------------------------------------------
# DORA: one row per scope


DORA_COLUMNS = (
    "scope",
    "environment",
    "from",
    "to",
    "deployments",
    "deploymentsPerDay",
    "medianDeploymentDaysPerWeek",
    "medianDeploymentDaysPerMonth",
    "deploymentFrequencyLevel",
    "changes",
    "excludedChanges",
    "leadTimeMedianHours",
    "leadTimeP85Hours",
    "leadTimeLevel",
    "failedDeployments",
    "changeFailureRate",
    "changeFailureRateLevel",
    "restoredIncidents",
    "unresolvedIncidents",
    "timeToRestoreMedianHours",
    "timeToRestoreLevel",
)


def dora_row(scope: str, result: Dora) -> dict[str, Any]:
    """One output row: the scope and every figure, levels as their names."""
    f, lt = result.deployment_frequency, result.lead_time
    cfr, ttr = result.change_failure_rate, result.time_to_restore
    values = (
        scope,
        result.environment,
        result.window.start.isoformat(),
        result.window.end.isoformat(),
        f.deployments,
        f.per_day,
        f.median_days_per_week,
        f.median_days_per_month,
        f.level,
        lt.changes,
        lt.excluded,
        lt.median_hours,
        lt.p85_hours,
        lt.level,
        cfr.failed,
        cfr.rate,
        cfr.level,
        ttr.incidents,
        ttr.unresolved,
        ttr.median_hours,
        ttr.level,
    )
    return {
        k: (str(v) if isinstance(v, DoraLevel) else v)
        for k, v in zip(DORA_COLUMNS, values, strict=True)
    }
