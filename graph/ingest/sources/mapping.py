"""How a tool's vocabulary maps onto the graph: one frozen `SourceMapping` per import.

Loaded from a JSON file (`vsg import FILE --source NAME --mapping FILE`); every key is
optional and the defaults suit a standard Jira Cloud site, a PagerDuty account and a
plain feedback export. Tool states are *not* mapped here: a state record carries the
tool's status name and ingest maps it through the stages' own `states` lists.

    {
      "tool": {"id": "jira-acme", "name": "Acme Jira", "url": "https://acme.atlassian.net"},
      "defaultProduct": "payments",
      "projects": {"PAY": "payments"},
      "issueTypes": {"Spike": "Story", "Incident": "Defect"},
      "defaultKind": "Story",
      "teamField": "customfield_10001",
      "strict": false,
      "pointsField": "customfield_10016",
      "epicLinkField": "customfield_10014",
      "teams": {"Payments Core": "team-payments-core"},
      "missingLinks": "skip",
      "services": {"PX1Y2Z3": {"product": "payments", "environment": "production"}},
      "defaultEnvironment": "production",
      "repositories": {"acme/payments": "payments"}
    }
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.errors import GraphError
from graph.model import WorkItemKind


class MappingError(GraphError):
    """Raised when a mapping file is unreadable or holds an unknown key or bad value."""


class MissingLinks(StrEnum):
    """What to do with a link to an issue that is not in the export."""

    #: Leave the link out: the export is the whole truth (the default).
    SKIP = "skip"
    #: Keep it: the issue must already be in the graph, or ingest refuses the import.
    KEEP = "keep"


#: Jira's standard issue types (and common additions), case-insensitively, by kind.
DEFAULT_ISSUE_TYPES: Mapping[str, WorkItemKind] = {
    "initiative": WorkItemKind.INITIATIVE,
    "epic": WorkItemKind.EPIC,
    "feature": WorkItemKind.FEATURE,
    "new feature": WorkItemKind.FEATURE,
    "story": WorkItemKind.STORY,
    "task": WorkItemKind.STORY,
    "sub-task": WorkItemKind.STORY,
    "subtask": WorkItemKind.STORY,
    "improvement": WorkItemKind.STORY,
    "spike": WorkItemKind.STORY,
    "bug": WorkItemKind.DEFECT,
    "defect": WorkItemKind.DEFECT,
    "risk": WorkItemKind.RISK,
    "debt": WorkItemKind.DEBT,
    "tech debt": WorkItemKind.DEBT,
    "technical debt": WorkItemKind.DEBT,
}


@dataclass(frozen=True)
class ServiceMapping:
    """Where an incident service's incidents land: a product and an environment."""

    product: str | None = None
    environment: str | None = None


@dataclass(frozen=True)
class ToolMapping:
    """The Tool node a source records; None parts take the source's defaults."""

    id: str | None = None
    name: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceMapping:
    """The configuration of one import: tool identity, products, kinds, teams."""

    tool: ToolMapping = ToolMapping()
    #: Product id for items/incidents/feedback whose project/service/row names none.
    default_product: str | None = None
    #: Jira project key -> product id. An unlisted key falls back to `default_product`,
    #: then to the project key itself as the product id.
    projects: Mapping[str, str] = field(default_factory=dict)
    #: Issue type name (any case) -> kind; merged over DEFAULT_ISSUE_TYPES.
    issue_types: Mapping[str, WorkItemKind] = field(default_factory=dict)
    #: Kind of an issue type found in neither table.
    default_kind: WorkItemKind = WorkItemKind.STORY
    #: The Jira field holding the owning team: the id of the site's Team field (its
    #: value an object with a `name`, as Jira Cloud's Team field gives), `components`
    #: (the first component), or any field whose value names a team. None (the
    #: default): no team. Custom field ids differ per site, so none is guessed; a
    #: configured field whose value does not look like a team is reported, not turned
    #: into Teams.
    team_field: str | None = None
    #: The field holding story points (Jira Cloud's "Story point estimate" by default).
    points_field: str | None = "customfield_10016"
    #: The company-managed "Epic Link" field, for sites that predate `parent` epics.
    epic_link_field: str | None = "customfield_10014"
    #: Team name (as the tool shows it) -> Team id in the graph. An unlisted team is
    #: created as a Team with the slug of its name as id.
    teams: Mapping[str, str] = field(default_factory=dict)
    missing_links: MissingLinks = MissingLinks.SKIP
    #: Incident service (id or name) -> product and environment.
    services: Mapping[str, ServiceMapping] = field(default_factory=dict)
    default_environment: str = "production"
    #: Repository (owner/name or group/project path) -> product id, for git-host sources.
    repositories: Mapping[str, str] = field(default_factory=dict)
    #: Refuse a whole payload for one invalid item (default: skip and report the item).
    strict: bool = False

    def kind_of(self, issue_type: str) -> WorkItemKind:
        """The work-item kind of a tool's issue type."""
        wanted = issue_type.casefold()
        for name, kind in self.issue_types.items():
            if name.casefold() == wanted:
                return kind
        return DEFAULT_ISSUE_TYPES.get(wanted, self.default_kind)

    def product_of_project(self, key: str) -> str:
        """The product id of a Jira project."""
        return self.projects.get(key) or self.default_product or key

    def team_id(self, name: str) -> str:
        """The Team id of a team named in the tool."""
        return self.teams.get(name) or slug(name)

    def service(self, *keys: str | None) -> ServiceMapping:
        """The mapping of the first of a service's keys (id, then name) that is mapped."""
        for key in keys:
            if key is not None and key in self.services:
                return self.services[key]
        return ServiceMapping()


def slug(name: str) -> str:
    """A lower-case, dash-separated id from a display name (`Payments Core` -> `payments-core`)."""
    out, dash = [], False
    for char in name.strip().casefold():
        if char.isalnum():
            out.append(char)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).rstrip("-") or "unnamed"


#: Every key a mapping file may hold.
MAPPING_KEYS = frozenset(
    {
        "tool",
        "defaultProduct",
        "projects",
        "issueTypes",
        "defaultKind",
        "teamField",
        "pointsField",
        "epicLinkField",
        "teams",
        "missingLinks",
        "services",
        "defaultEnvironment",
        "repositories",
        "strict",
    }
)


def _strings(raw: dict[str, Any], key: str) -> dict[str, str]:
    value = raw.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise MappingError(f"{key}: expected an object of strings")
    return dict(value)


def _optional(raw: dict[str, Any], key: str, default: str | None) -> str | None:
    value = raw.get(key, default)
    if value is not None and not isinstance(value, str):
        raise MappingError(f"{key}: expected a string or null")
    return value


def _kind(value: Any, where: str) -> WorkItemKind:
    try:
        return WorkItemKind(value)
    except ValueError:
        raise MappingError(
            f"{where}: {value!r} is not a work-item kind ({', '.join(WorkItemKind)})"
        ) from None


def mapping_from_dict(raw: Any) -> SourceMapping:
    """Build a mapping from the decoded JSON of a mapping file; refuse unknown keys."""
    if not isinstance(raw, dict):
        raise MappingError("expected a JSON object")
    unknown = sorted(set(raw) - MAPPING_KEYS)
    if unknown:
        raise MappingError(
            f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(MAPPING_KEYS))})"
        )
    tool = raw.get("tool", {})
    if not isinstance(tool, dict) or set(tool) - {"id", "name", "url"}:
        raise MappingError("tool: expected an object with id, name and/or url")
    services: dict[str, ServiceMapping] = {}
    services_raw = raw.get("services", {})
    if not isinstance(services_raw, dict):
        raise MappingError("services: expected an object")
    for key, value in services_raw.items():
        if not isinstance(value, dict) or set(value) - {"product", "environment"}:
            raise MappingError(
                f"services.{key}: expected an object with product and/or environment"
            )
        services[key] = ServiceMapping(
            _optional(value, "product", None), _optional(value, "environment", None)
        )
    strict = raw.get("strict", False)
    if not isinstance(strict, bool):
        raise MappingError(f"strict: expected true or false, got {strict!r}")
    missing = raw.get("missingLinks", MissingLinks.SKIP.value)
    if missing not in {m.value for m in MissingLinks}:
        raise MappingError(f"missingLinks: expected 'skip' or 'keep', got {missing!r}")
    return SourceMapping(
        tool=ToolMapping(
            _optional(tool, "id", None), _optional(tool, "name", None), _optional(tool, "url", None)
        ),
        default_product=_optional(raw, "defaultProduct", None),
        projects=_strings(raw, "projects"),
        issue_types={
            name: _kind(kind, f"issueTypes.{name}")
            for name, kind in _strings(raw, "issueTypes").items()
        },
        default_kind=_kind(raw.get("defaultKind", "Story"), "defaultKind"),
        team_field=_optional(raw, "teamField", SourceMapping.team_field),
        points_field=_optional(raw, "pointsField", SourceMapping.points_field),
        epic_link_field=_optional(raw, "epicLinkField", SourceMapping.epic_link_field),
        teams=_strings(raw, "teams"),
        missing_links=MissingLinks(missing),
        services=services,
        default_environment=_optional(raw, "defaultEnvironment", "production") or "production",
        repositories=_strings(raw, "repositories"),
        strict=strict,
    )


def load_mapping(path: Path) -> SourceMapping:
    """Read a mapping file (JSON); raise MappingError naming the file and the problem."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MappingError(f"{path}: cannot read the mapping file ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise MappingError(f"{path}: not valid JSON: {error.msg} at line {error.lineno}") from None
    try:
        return mapping_from_dict(raw)
    except MappingError as error:
        raise MappingError(f"{path}: {error}") from None
