"""Incident exports -> `Incident` nodes that `AFFECTS` a product (and `CAUSED_BY` a deployment).

Two formats:

- PagerDuty: what `GET /incidents` answers — `{incidents: [...], limit, offset, more}`,
  a JSON array of such pages, or a bare array of incidents. The service (by id, then by
  name) chooses the product and environment through the mapping's `services`.
  `severity` is the priority's name (`P1`...) when the account uses priorities, else the
  urgency (`high`/`low`). `resolvedAt` is `resolved_at`, else — for a resolved incident —
  the time of its resolve log entry, else `last_status_change_at`.
- A generic CSV, header `id,title,severity,created_at,resolved_at,product,environment`
  and an optional `deployment_id` (an explicit `CAUSED_BY`; without it ingest infers
  one: the latest successful deployment that finished before the incident).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Conversion, Converted, at_key, load_json, read_csv

_CSV_COLUMNS = ("id", "title", "severity", "created_at")


def _pagerduty_incidents(document: Any, c: Conversion) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(document, dict):
        if "incidents" not in document:
            c.problem("incidents", "missing: not a PagerDuty incidents list")
            return []
        return c.objects(document["incidents"], "incidents")
    if isinstance(document, list) and all(
        isinstance(p, dict) and "incidents" in p for p in document
    ):
        return [
            found
            for n, page in enumerate(document)
            for found in c.objects(page["incidents"], f"[{n}].incidents")
        ]
    return c.objects(document, "")


def _resolved_at(incident: dict[str, Any], at: str, c: Conversion) -> datetime | None:
    resolved = c.time(incident, "resolved_at", at, required=False)
    if resolved is not None or incident.get("status") != "resolved":
        return resolved
    for entry_at, entry in c.objects(incident.get("log_entries"), f"{at}.log_entries"):
        if entry.get("type") == "resolve_log_entry":
            return c.time(entry, "created_at", entry_at)
    return c.time(incident, "last_status_change_at", at)


def _tool(c: Conversion, mapping: SourceMapping, name: str, url: str | None = None) -> None:
    c.node(
        "(the incident tool)",
        "Tool",
        c.tool,
        name=mapping.tool.name or name,
        kind="incidents",
        url=mapping.tool.url or url,
    )


def convert_pagerduty(data: bytes, mapping: SourceMapping) -> Converted:
    """Convert a PagerDuty incidents export (pages of `GET /incidents`)."""
    c = Conversion(mapping.tool.id or "pagerduty")
    incidents = _pagerduty_incidents(load_json(data), c)
    _tool(c, mapping, "PagerDuty")
    for at, incident in incidents:
        id = c.text(incident, "id", at)
        title = c.text(incident, "title", at, required=False) or c.text(incident, "summary", at)
        created = c.time(incident, "created_at", at)
        resolved = _resolved_at(incident, at, c)
        service = c.obj(incident.get("service"), f"{at}.service")
        if None in (id, title, created, service):
            continue
        assert id and title and created and service
        priority = incident.get("priority")
        severity = (
            priority.get("summary") or priority.get("name") if isinstance(priority, dict) else None
        ) or c.text(incident, "urgency", at)
        target = mapping.service(service.get("id"), service.get("summary"))
        product = target.product or mapping.default_product
        c.node(
            at,
            "Incident",
            id,
            title=title,
            severity=severity,
            createdAt=created,
            resolvedAt=resolved,
            environment=target.environment or mapping.default_environment,
            url=incident.get("html_url") if isinstance(incident.get("html_url"), str) else None,
        )
        if product is None:
            c.problem(
                f"{at}.service",
                f"service {service.get('summary') or service.get('id')!r} is mapped to no "
                "product: add it to the mapping's services, or set defaultProduct",
            )
            continue
        c.rel(f"{at}.service", "AFFECTS", ("Incident", id), ("Product", product))
    return c.result()


def convert_csv(data: bytes, mapping: SourceMapping) -> Converted:
    """Convert a generic incidents CSV."""
    c = Conversion(mapping.tool.id or "incidents")
    rows = read_csv(data, _CSV_COLUMNS)
    _tool(c, mapping, "Incidents")
    for row in rows:
        at = f"line {row.line}"
        cells = {k: v for k, v in row.cells.items() if v}
        id = c.text(cells, "id", at)
        title = c.text(cells, "title", at)
        severity = c.text(cells, "severity", at)
        created = c.time(cells, "created_at", at)
        resolved = c.time(cells, "resolved_at", at, required=False)
        product = cells.get("product") or mapping.default_product
        if None in (id, title, severity, created):
            continue
        assert id and title and severity and created
        c.node(
            at,
            "Incident",
            id,
            title=title,
            severity=severity,
            createdAt=created,
            resolvedAt=resolved,
            environment=cells.get("environment") or mapping.default_environment,
        )
        if product is None:
            c.problem(at_key(at, "product"), "missing, and the mapping sets no defaultProduct")
        else:
            c.rel(at, "AFFECTS", ("Incident", id), ("Product", product))
        if cells.get("deployment_id"):
            deployment = ("Deployment", cells["deployment_id"])
            c.rel(
                at_key(at, "deployment_id"),
                "CAUSED_BY",
                ("Incident", id),
                deployment,
                inferred=False,
            )
    return c.result()
