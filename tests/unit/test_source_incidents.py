"""The incident sources on the Payments fixtures: PagerDuty pages and the generic CSV."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.ingest.records import NodeRecord, RelationshipRecord
from graph.ingest.sources import incidents
from graph.ingest.sources.mapping import SourceMapping, load_mapping
from graph.ingest.sources.payload import Converted, PayloadError
from graph.model import Label, RelType
from tests.converted import rels

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
MAPPING = load_mapping(FIXTURES / "mapping.json")


def export() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((FIXTURES / "pagerduty" / "incidents.json").read_text())
    return result


def pagerduty(data: Any = None, mapping: SourceMapping = MAPPING) -> Converted:
    raw = (FIXTURES / "pagerduty" / "incidents.json").read_bytes() if data is None else data
    return incidents.convert_pagerduty(
        raw if isinstance(raw, bytes) else json.dumps(raw).encode(), mapping
    )


def nodes(converted: Converted) -> dict[str, dict[str, Any]]:
    return {
        r.id: r.properties
        for r in converted.records
        if isinstance(r, NodeRecord) and r.label is Label.INCIDENT
    }


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_pagerduty_incidents_become_incidents_affecting_the_service_product() -> None:
    converted = pagerduty()
    found = nodes(converted)
    assert set(found) == {"Q1VXP7K3B2JQ4M", "Q2HZ9R8C1LWE5N", "Q3MC4T6Y8DRF2P"}
    first = found["Q1VXP7K3B2JQ4M"]
    assert first["title"] == "Double charges on card payment retries"
    assert (first["createdAt"], first["resolvedAt"]) == (
        utc("2025-03-14T15:42:00"),
        utc("2025-03-14T18:05:00"),
    )
    assert first["url"] == "https://acme.pagerduty.com/incidents/Q1VXP7K3B2JQ4M"
    assert first["source"] == "pagerduty"
    assert rels(converted, RelType.AFFECTS) == {(i, "payments") for i in found}


def test_severity_is_the_priority_else_the_urgency() -> None:
    found = nodes(pagerduty())
    assert found["Q1VXP7K3B2JQ4M"]["severity"] == "P1"
    assert found["Q2HZ9R8C1LWE5N"]["severity"] == "low"  # priority null: urgency
    assert found["Q3MC4T6Y8DRF2P"]["severity"] == "P2"


def test_a_resolved_incident_without_resolved_at_is_resolved_at_its_resolve_log_entry() -> None:
    # #102 has resolved_at null; its resolve_log_entry is at 09:25, while
    # last_status_change_at (09:40) was a later note.
    assert nodes(pagerduty())["Q2HZ9R8C1LWE5N"]["resolvedAt"] == utc("2025-03-19T09:25:00")


def test_without_log_entries_the_last_status_change_resolves() -> None:
    data = export()
    del data["incidents"][1]["log_entries"]
    assert nodes(pagerduty(data))["Q2HZ9R8C1LWE5N"]["resolvedAt"] == utc("2025-03-19T09:40:00")


def test_an_open_incident_has_no_resolved_at_and_its_service_environment() -> None:
    open_one = nodes(pagerduty())["Q3MC4T6Y8DRF2P"]
    assert "resolvedAt" not in open_one
    assert open_one["environment"] == "staging"  # service PSTG4W1 in the mapping


def test_an_unmapped_service_falls_back_to_the_default_product_or_is_refused() -> None:
    fallback = pagerduty(mapping=SourceMapping(default_product="payments"))
    assert nodes(fallback)["Q3MC4T6Y8DRF2P"]["environment"] == "production"
    with pytest.raises(PayloadError) as error:
        pagerduty(mapping=SourceMapping())
    assert str(error.value.problems[0]) == (
        "incidents[0].service: service 'Payments API' is mapped to no product: "
        "add it to the mapping's services, or set defaultProduct"
    )


def test_several_pages_in_an_array_are_read() -> None:
    first, second = export(), export()
    first["incidents"], second["incidents"] = first["incidents"][:2], second["incidents"][2:]
    first["more"], second["offset"] = True, 2
    assert set(nodes(pagerduty([first, second]))) == set(nodes(pagerduty()))


def test_a_malformed_incident_names_its_position() -> None:
    data = export()
    data["incidents"][2]["created_at"] = "20/03/2025 12:00"
    data["incidents"][0]["service"] = "P7Q2X9L"
    with pytest.raises(PayloadError) as error:
        pagerduty(data)
    assert [str(p) for p in error.value.problems] == [
        "incidents[0].service: expected an object, got str",
        "incidents[2].created_at: not an ISO 8601 timestamp with an offset: '20/03/2025 12:00'",
    ]


def test_the_generic_csv_maps_columns_and_offsets() -> None:
    converted = incidents.convert_csv(
        (FIXTURES / "pagerduty" / "incidents.csv").read_bytes(), MAPPING
    )
    found = nodes(converted)
    assert found["INC-2041"]["severity"] == "sev1"
    # 16:00+01:00 and 17:10+01:00 are 15:00 and 16:10 UTC.
    assert found["INC-2041"]["createdAt"] == utc("2025-03-14T15:00:00")
    assert found["INC-2041"]["resolvedAt"] == utc("2025-03-14T16:10:00")
    assert found["INC-2042"]["title"] == "Receipt e-mails delayed, queue stuck"
    assert "resolvedAt" not in found["INC-2042"]
    assert rels(converted, RelType.AFFECTS) == {("INC-2041", "payments"), ("INC-2042", "payments")}
    assert rels(converted, RelType.CAUSED_BY) == set()


def test_a_csv_deployment_id_is_an_explicit_cause() -> None:
    data = (
        b"id,title,severity,created_at,resolved_at,product,environment,deployment_id\n"
        b"INC-1,Down,sev1,2025-03-14T16:00:00Z,,payments,production,dep-9\n"
    )
    converted = incidents.convert_csv(data, SourceMapping())
    cause = next(
        r
        for r in converted.records
        if isinstance(r, RelationshipRecord) and r.type is RelType.CAUSED_BY
    )
    assert (cause.start.id, cause.end.id, cause.properties) == (
        "INC-1",
        "dep-9",
        {"inferred": False},
    )


def test_csv_problems_name_the_line_and_column() -> None:
    data = (
        b"id,title,severity,created_at\n"
        b"INC-1,Down,sev1,2025-03-14T16:00:00Z\n"
        b"INC-2,,sev2,2025-03-14\n"
    )
    with pytest.raises(PayloadError) as error:
        incidents.convert_csv(data, SourceMapping())
    assert [str(p) for p in error.value.problems] == [
        "line 2, column product: missing, and the mapping sets no defaultProduct",
        "line 3, column title: missing",
        "line 3, column created_at: not an ISO 8601 timestamp with an offset: '2025-03-14'",
    ]


def test_a_csv_without_a_required_column_is_refused() -> None:
    with pytest.raises(PayloadError, match="missing column\\(s\\) severity"):
        incidents.convert_csv(b"id,title,created_at\nINC-1,Down,2025-03-14T16:00:00Z\n", MAPPING)
