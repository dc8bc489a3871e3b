"""Every file source `vsg import FILE --source NAME` knows, by name.

A source is a pure function `convert(data, mapping) -> Converted`: the bytes of a vendor
export and the import's `SourceMapping` in, ingest records (with the payload position
each came from) out. It must not touch the database; the records then go through the
normal validated, idempotent ingest, so a source never needs to check that a product or
stage exists. To register a source:

1. write `graph/ingest/sources/<tool>.py` with a `convert(data: bytes, mapping:
   SourceMapping) -> Converted` built on `payload.Conversion` (its readers record a
   problem with the position in the file, e.g. `issues[3].fields.created`; `result()`
   raises `PayloadError` if there is any, so a malformed payload writes nothing);
2. add a `Source(name, help, convert)` to `_ALL` below (name: lower case, dashes;
   help: one line for `vsg import --help`);
3. record the tool with `conversion.node(at, "Tool", ...)` and let `Conversion` put
   `source` (the Tool id) on every node;
4. add fixtures under `tests/fixtures/sources/<tool>/`, unit tests on them, and a
   section in docs/sources.md (or docs/sources-<tool>.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from graph.ingest.sources import feedback, github, gitlab, incidents, jira
from graph.ingest.sources.delivery import LinkPolicy
from graph.ingest.sources.mapping import MissingLinks, SourceMapping
from graph.ingest.sources.payload import Converted

Convert = Callable[[bytes, SourceMapping], Converted]


@dataclass(frozen=True)
class Source:
    """A named file source: what `--source NAME` converts, and how.

    `convert_keeping_links`, where a source has one, also keeps relationships to nodes
    outside the payload (a parent issue on another page, a commit of an earlier export):
    ingest writes those the graph holds and keeps the others waiting for their node
    (docs/ingest.md, "Late references"), so pages and exports can be imported one at a
    time, in any order.
    """

    name: str
    help: str
    convert: Convert
    convert_keeping_links: Convert | None = None


def _jira_keeping_links(data: bytes, mapping: SourceMapping) -> Converted:
    return jira.convert(data, replace(mapping, missing_links=MissingLinks.KEEP))


def _github_keeping_links(data: bytes, mapping: SourceMapping) -> Converted:
    return github.convert(data, mapping, links=LinkPolicy.ANY)


def _gitlab_keeping_links(data: bytes, mapping: SourceMapping) -> Converted:
    return gitlab.convert(data, mapping, links=LinkPolicy.ANY)


_ALL = (
    Source(
        "jira",
        "Jira Cloud REST search results (expand=changelog), pages or an array",
        jira.convert,
        _jira_keeping_links,
    ),
    Source(
        "pagerduty", "PagerDuty incidents export (GET /incidents JSON)", incidents.convert_pagerduty
    ),
    Source(
        "incidents-csv",
        "generic incidents CSV (id,title,severity,created_at,...)",
        incidents.convert_csv,
    ),
    Source("feedback", "support-ticket / NPS / CSAT export, CSV or JSON", feedback.convert),
    Source(
        "github",
        "GitHub REST export (repository, commits, pulls, ...)",
        github.convert,
        _github_keeping_links,
    ),
    Source(
        "gitlab",
        "GitLab REST export (project, commits, merge requests, ...)",
        gitlab.convert,
        _gitlab_keeping_links,
    ),
)

SOURCES: Mapping[str, Source] = {source.name: source for source in _ALL}
