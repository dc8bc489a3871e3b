"""Jira Cloud search results -> work items, stage changes, links, releases, teams.

Input: what `GET /rest/api/3/search?jql=...&expand=changelog` (or `/search/jql`)
answers — one page `{startAt, maxResults, total, issues: [...]}`, a JSON array of such
pages, several pages written one after another into one file, or a bare array of issues.

Per issue (docs/sources.md has the full table):

- the issue -> a work item of the kind its issue type maps to, `FOR_PRODUCT` the
  product of its project, `OWNS` from the team in the mapping's `teamField` (none is
  guessed: without it, no team);
- its status history -> state records: the status it was created in (the first status
  change's `fromString`, or its current status) at `created`, then each change's
  `toString` at the change's time. Ingest maps each status through the stages' `states`
  lists, so a status renamed mid-history maps as long as its stage lists both names;
- `parent` and the Epic Link field -> `PARENT_OF`; "Blocks" links -> `BLOCKED_BY`;
- released fix versions -> a `Release` (`<product>@<version>`) that `DELIVERS` it.

An issue moved to another project changes key (a changelog item of field `Key`): it is
kept as one work item under its current key, and links or older snapshots naming the old
key are redirected to it. A link or parent outside the export is left out (with a note)
unless the mapping says `missingLinks: keep`, in which case it must be in the graph.

Each issue is one item: an invalid issue (no summary, a bad timestamp) is left out whole
and reported (`payload.SkippedItem`), the others convert. `jira_webhook.py` maps a
webhook's issue with the same `IssueMapping`, so a channel changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from graph.ingest.sources.mapping import MissingLinks, SourceMapping
from graph.ingest.sources.payload import Conversion, Converted, PayloadError, PayloadProblem

_BLOCKS = "blocks"
_IS_BLOCKED_BY = "is blocked by"


def _documents(data: bytes) -> list[Any]:
    """Every JSON document in the file: one, or several written one after another."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PayloadError([PayloadProblem(f"byte {error.start}", "not UTF-8 text")]) from None
    decoder, documents, index = json.JSONDecoder(), [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            break
        try:
            document, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            position = f"line {error.lineno}, column {error.colno}"
            raise PayloadError([PayloadProblem(position, f"not valid JSON: {error.msg}")]) from None
        documents.append(document)
    if not documents:
        raise PayloadError([PayloadProblem("line 1", "the file is empty")])
    return documents


def _is_issue(value: Any) -> bool:
    return isinstance(value, dict) and "key" in value and "fields" in value


def _issues(data: bytes, conversion: Conversion) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each issue object with its position in the file."""
    documents = _documents(data)
    if len(documents) == 1 and isinstance(documents[0], list):
        array = documents[0]
        if array and all(_is_issue(i) for i in array):
            yield from conversion.objects(array, "")
            return
        pages = [(f"[{n}].", page) for n, page in enumerate(array)]
    elif len(documents) == 1:
        pages = [("", documents[0])]
    else:
        pages = [(f"document {n + 1}: ", page) for n, page in enumerate(documents)]
    total, seen = None, 0
    for prefix, raw in pages:
        page = conversion.obj(raw, prefix.rstrip(". :") or "(top level)")
        if page is None:
            continue
        if "issues" not in page:
            conversion.problem(prefix + "issues", "missing: not a Jira search result page")
            continue
        if isinstance(page.get("total"), int):
            total = page["total"]
        found = conversion.objects(page["issues"], prefix + "issues")
        seen += len(found)
        yield from found
    if total is not None and seen < total:
        conversion.note(
            f"the export holds {seen} of the {total} issues the search found: "
            "fetch the missing pages (startAt) for the whole picture"
        )


def _name(value: Any) -> str | None:
    """The display name of a Jira field value: a string, or an object's name/value/title."""
    if isinstance(value, list):
        return next((n for n in map(_name, value) if n), None)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("name", "value", "title", "displayName"):
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).strip()
    return None


def site_of(issue: dict[str, Any]) -> str | None:
    """The site's base URL, from the issue's REST `self` link."""
    link = issue.get("self")
    if not isinstance(link, str):
        return None
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


@dataclass(frozen=True)
class Change:
    """One changelog item: a field's change at a time, and where it was read."""

    at: datetime
    where: str
    field: str
    from_string: str | None
    to_string: str | None


def _changes(issue: dict[str, Any], at: str, conversion: Conversion) -> list[Change]:
    """The issue's changelog items, oldest first."""
    changelog = issue.get("changelog")
    if changelog is None:
        return []
    log = conversion.obj(changelog, f"{at}.changelog")
    if log is None:
        return []
    histories = conversion.objects(log.get("histories"), f"{at}.changelog.histories")
    total = log.get("total")
    if isinstance(total, int) and total > len(histories):
        conversion.note(
            f"{issue.get('key')}: the changelog holds {len(histories)} of {total} histories; "
            "its stage history is partial (fetch /rest/api/3/issue/{key}/changelog)"
        )
    out: list[Change] = []
    for where, history in histories:
        when = conversion.time(history, "created", where)
        for item_at, item in conversion.objects(history.get("items"), f"{where}.items"):
            field = conversion.text(item, "field", item_at)
            if when is None or field is None:
                continue
            from_string, to_string = item.get("fromString"), item.get("toString")
            out.append(
                Change(
                    when,
                    item_at,
                    field.casefold(),
                    from_string if isinstance(from_string, str) else None,
                    to_string if isinstance(to_string, str) else None,
                )
            )
    out.sort(key=lambda change: change.at)  # Jira lists newest first on some endpoints
    return out


def _renames(issues: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """Old issue key -> the key it became, from every `Key` change in the export."""
    renamed: dict[str, str] = {}
    for _, issue in issues:
        histories = (issue.get("changelog") or {}).get("histories") or []
        for history in histories if isinstance(histories, list) else []:
            items = history.get("items") if isinstance(history, dict) else None
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict) or str(item.get("field", "")).casefold() != "key":
                    continue
                old, new = item.get("fromString"), item.get("toString")
                if isinstance(old, str) and isinstance(new, str) and old != new:
                    renamed[old] = new
    return renamed


def _current(key: str, renamed: dict[str, str]) -> str:
    seen = {key}
    while key in renamed and renamed[key] not in seen:
        key = renamed[key]
        seen.add(key)
    return key


class IssueMapping:
    """Maps Jira issues onto records, the same for files, sync and webhooks."""

    def __init__(self, mapping: SourceMapping, conversion: Conversion) -> None:
        self.mapping, self.c = mapping, conversion
        self.renamed: dict[str, str] = {}
        self.exported: set[str] = set()
        self.releases: set[str] = set()
        self.teams: set[str] = set()
        #: Whether the status at `created` is assumed rather than known (webhooks).
        self.assume_initial = False

    def link(self, at: str, type: str, start: str, end: str, what: str) -> None:
        """A relationship between two issues, subject to the missing-links rule."""
        start, end = _current(start, self.renamed), _current(end, self.renamed)
        outside = next((k for k in (start, end) if k not in self.exported), None)
        if outside is not None and self.mapping.missing_links is MissingLinks.SKIP:
            self.c.note(f"{at}: left out {what} {start} -> {end}: {outside} is not in the export")
            return
        self.c.rel(at, type, ("WorkItem", start), ("WorkItem", end))

    def one(
        self, at: str, issue: dict[str, Any], key: str, later: list[Change] | None = None
    ) -> bool:
        """Map one issue as an item: if anything in it is invalid, none of its records is
        kept and it is reported as skipped (strict: the payload is refused)."""
        teams, releases = set(self.teams), set(self.releases)
        with self.c.item("issue", key, at) as item:
            self.issue(at, issue, key, later)
        if not item.ok:  # nodes first written by the dropped issue: write them again
            self.teams, self.releases = teams, releases
        return item.ok

    def issue(
        self, at: str, issue: dict[str, Any], key: str, later: list[Change] | None = None
    ) -> None:
        """One issue's node, states and links; `later`: changes known beside the issue's
        own changelog (a webhook event's)."""
        fields = self.c.obj(issue.get("fields"), f"{at}.fields")
        if fields is None:
            return
        f_at = f"{at}.fields"
        issue_type = self.c.obj(fields.get("issuetype"), f"{f_at}.issuetype")
        type_name = self.c.text(issue_type, "name", f"{f_at}.issuetype") if issue_type else None
        title = self.c.text(fields, "summary", f_at)
        created = self.c.time(fields, "created", f_at)
        status = self.c.obj(fields.get("status"), f"{f_at}.status")
        status_name = self.c.text(status, "name", f"{f_at}.status") if status else None
        project = self.c.obj(fields.get("project"), f"{f_at}.project")
        project_key = self.c.text(project, "key", f"{f_at}.project") if project else None
        changes = sorted([*_changes(issue, at, self.c), *(later or [])], key=lambda c: c.at)
        if None in (type_name, title, created, status_name, project_key):
            return
        assert type_name and title and created and status_name and project_key
        kind = self.mapping.kind_of(type_name)
        product = self.mapping.product_of_project(project_key)
        site = site_of(issue)
        points = fields.get(self.mapping.points_field) if self.mapping.points_field else None
        priority = _name(fields.get("priority"))
        # The resolution as Jira names it (Won't Do, Duplicate...): the flow metrics read
        # the discarding ones (docs/metrics.md, outcomes). Present and null: unresolved
        # (Jira clears it on reopening), so a stored one is erased.
        resolution = _name(fields.get("resolution"))
        self.c.node(
            at,
            kind.value,
            key,
            clear=("resolution",) if "resolution" in fields else (),
            title=title,
            createdAt=created,
            priority=priority,
            points=float(points) if isinstance(points, int | float) else None,
            url=f"{site}/browse/{key}" if site else None,
            resolution=resolution,
        )
        self.c.rel(f"{f_at}.project", "FOR_PRODUCT", ("WorkItem", key), ("Product", product))
        self.team(fields, f_at, key)
        self.states(at, key, created, status_name, changes)
        self.parents(fields, f_at, key)
        self.blocks(fields, f_at, key)
        self.fix_versions(fields, f_at, key, product)

    def team(self, fields: dict[str, Any], f_at: str, key: str) -> None:
        """`OWNS` from the configured team field only (mapping `teamField`): Jira's Team
        field object, `components`, or a field naming a team. Nothing is guessed."""
        field = self.mapping.team_field
        if not field or fields.get(field) in (None, "", []):
            return
        value = fields[field]
        name = _name(value)
        if name is None or not isinstance(value, str | dict | list):
            self.c.problem(
                f"{f_at}.{field}",
                f"the team field (mapping teamField) holds no team name: {str(value)[:60]!r}",
            )
            return
        team = self.mapping.team_id(name)
        if name not in self.mapping.teams and team not in self.teams:
            self.teams.add(team)
            self.c.node(f"{f_at}.{field}", "Team", team, name=name)
        self.c.rel(f"{f_at}.{field}", "OWNS", ("Team", team), ("WorkItem", key))

    def states(
        self, at: str, key: str, created: datetime, status: str, changes: list[Change]
    ) -> None:
        moves = [c for c in changes if c.field == "status" and c.to_string]
        first = moves[0].from_string if moves and moves[0].from_string else status
        self.c.state(f"{at}.fields.created", key, first, created, assumed=self.assume_initial)
        for move in moves:
            assert move.to_string is not None
            self.c.state(move.where, key, move.to_string, move.at)

    def parents(self, fields: dict[str, Any], f_at: str, key: str) -> None:
        parent = fields.get("parent")
        if isinstance(parent, dict) and isinstance(parent.get("key"), str):
            self.link(f"{f_at}.parent", "PARENT_OF", parent["key"], key, "parent")
        epic_field = self.mapping.epic_link_field
        epic = fields.get(epic_field) if epic_field else None
        if isinstance(epic, str) and epic.strip() and not isinstance(parent, dict):
            self.link(f"{f_at}.{epic_field}", "PARENT_OF", epic.strip(), key, "epic link")

    def blocks(self, fields: dict[str, Any], f_at: str, key: str) -> None:
        for link_at, link in self.c.objects(fields.get("issuelinks"), f"{f_at}.issuelinks"):
            raw_type = link.get("type")
            kind: dict[str, Any] = raw_type if isinstance(raw_type, dict) else {}
            inward = str(kind.get("inward", "")).casefold()
            if str(kind.get("name", "")).casefold() != _BLOCKS and inward != _IS_BLOCKED_BY:
                continue  # "relates to", "duplicates", "clones": not a dependency
            inward_issue, outward_issue = link.get("inwardIssue"), link.get("outwardIssue")
            if isinstance(inward_issue, dict) and isinstance(inward_issue.get("key"), str):
                # Shown on this issue as "is blocked by <inwardIssue>".
                self.link(link_at, "BLOCKED_BY", key, inward_issue["key"], "blocked-by link")
            elif isinstance(outward_issue, dict) and isinstance(outward_issue.get("key"), str):
                # Shown on this issue as "blocks <outwardIssue>".
                self.link(link_at, "BLOCKED_BY", outward_issue["key"], key, "blocks link")
            else:
                self.c.problem(link_at, "a link needs inwardIssue.key or outwardIssue.key")

    def fix_versions(self, fields: dict[str, Any], f_at: str, key: str, product: str) -> None:
        for v_at, version in self.c.objects(fields.get("fixVersions"), f"{f_at}.fixVersions"):
            name = self.c.text(version, "name", v_at)
            date = version.get("releaseDate")
            if name is None:
                continue
            if not version.get("released") or not isinstance(date, str):
                self.c.note(f"{key}: fix version {name} is not released yet: no Release")
                continue
            released = self._release_date(date, f"{v_at}.releaseDate")
            if released is None:
                continue
            release = f"{product}@{name.removeprefix('v')}"
            if release not in self.releases:
                self.releases.add(release)
                self.c.node(v_at, "Release", release, name=name, version=name, releasedAt=released)
                self.c.rel(v_at, "FOR_PRODUCT", ("Release", release), ("Product", product))
            self.c.rel(v_at, "DELIVERS", ("Release", release), ("WorkItem", key))

    def _release_date(self, value: str, at: str) -> datetime | None:
        """Jira release dates are days (`2025-03-14`): taken as 00:00 UTC that day."""
        try:
            day = datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            return self.c.parse_time(value, at)
        return day.replace(tzinfo=UTC)


def convert(data: bytes, mapping: SourceMapping) -> Converted:
    """Convert Jira REST search pages (one page, pages, or an array of pages)."""
    conversion = Conversion(mapping.tool.id or "jira", strict=mapping.strict)
    issues = list(_issues(data, conversion))
    jira = IssueMapping(mapping, conversion)
    jira.renamed = _renames(issues)
    # One snapshot per current key: a snapshot under an old key gives way to the newer.
    latest: dict[str, tuple[str, dict[str, Any], str]] = {}
    for at, issue in issues:
        with conversion.item("issue", None, at):
            key = conversion.text(issue, "key", at)
        if key is None:
            continue
        current = _current(key, jira.renamed)
        earlier = latest.get(current)
        if earlier is not None and earlier[2] == current and key != current:
            conversion.note(f"{at}: {key} is now {current}: kept the newer snapshot")
            continue
        if earlier is not None and earlier[2] != current and key == current:
            conversion.note(f"{earlier[0]}: {earlier[2]} is now {current}: kept the newer snapshot")
        latest[current] = (at, issue, key)
    jira.exported = set(latest)
    site = next((s for _, issue, _ in latest.values() if (s := site_of(issue))), None)
    tool_node(conversion, mapping, site)
    for current, (at, issue, _) in latest.items():
        jira.one(at, issue, current)
    return conversion.result()


def tool_node(conversion: Conversion, mapping: SourceMapping, site: str | None) -> None:
    """The Jira site's Tool node."""
    conversion.node(
        "(the Jira site)",
        "Tool",
        conversion.tool,
        name=mapping.tool.name or "Jira",
        kind="planning",
        url=mapping.tool.url or site,
    )
