"""How GitHub's and GitLab's payloads are read alike: pure.

Both vendors wrap what `delivery.records` maps in the same envelopes: an export file is
one object per repository (or an array of them), a webhook delivery is one object that
names its repository, a push lists commits without parents. `github.py` and `gitlab.py`
describe their differences in a `GitHost` and read the rest of their shapes themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.ingest.sources.delivery import (
    Delivery,
    GitCommit,
    LinkPolicy,
    Repo,
    add_tool,
    host_of,
    records,
)
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import (
    Conversion,
    Converted,
    PayloadError,
    PayloadProblem,
    load_json,
)

#: Reads one object of a payload (`conv`, the object, its position) or records a problem.
CommitReader = Callable[[Conversion, dict[str, Any], str], GitCommit | None]
ExportReader = Callable[[Conversion, dict[str, Any], str], Delivery | None]
#: Reads a timestamp field (`conv`, object, key, position), as `Conversion.time` does.
TimeReader = Callable[[Conversion, dict[str, Any], str, str], datetime | None]


@dataclass(frozen=True)
class GitHost:
    """One git hosting product and the payload keys in which it differs from the other."""

    name: str  # "GitHub": the Tool node's name on the default host
    default_host: str  # "github.com": the host when no URL says otherwise
    repo_key: str  # where an export or a webhook holds its repository object
    path_key: str  # the repository's `owner/name` path in that object
    url_key: str  # the repository's web URL in that object


def start(host: GitHost, mapping: SourceMapping, url: str | None) -> Conversion:
    """A conversion for the instance at `url`, with its Tool node."""
    name_of_host = host_of(url, host.default_host)
    conv = Conversion(mapping.tool.id or name_of_host, strict=mapping.strict)
    name = mapping.tool.name or (
        host.name if name_of_host == host.default_host else f"{host.name} ({name_of_host})"
    )
    add_tool(conv, name, mapping.tool.url or f"https://{name_of_host}")
    return conv


def read_repo(host: GitHost, conv: Conversion, raw: Any, at: str) -> Repo | None:
    """The repository object at `at`; its id is `host/path`."""
    obj = conv.obj(raw, at)
    if obj is None:
        return None
    path = conv.text(obj, host.path_key, at)
    url = conv.text(obj, host.url_key, at, required=False)
    if path is None:
        return None
    return Repo(f"{host_of(url, host.default_host)}/{path}", path, url)


def _url_of(raw_repo: Any, host: GitHost) -> str | None:
    # Only to name the instance; a URL that is no string (`"html_url": 1.5`) is left to
    # `read_repo`, which reports it as a problem of the payload.
    url = raw_repo.get(host.url_key) if isinstance(raw_repo, dict) else None
    return url if isinstance(url, str) else None


def convert_export(
    host: GitHost,
    data: bytes,
    mapping: SourceMapping,
    links: LinkPolicy,
    read_export: ExportReader,
) -> Converted:
    """Convert an export file, one repository object or an array of them, each read by
    `read_export`; a repository listed in several parts (pages) gets one node."""
    document = load_json(data)
    parts = document if isinstance(document, list) else [document]
    if not parts or not all(isinstance(p, dict) for p in parts):
        raise PayloadError(
            [PayloadProblem("document", "expected an object or an array of objects")]
        )
    conv = start(host, mapping, _url_of(parts[0].get(host.repo_key), host))
    seen_repos: set[str] = set()
    for index, part in enumerate(parts):
        prefix = f"[{index}]." if isinstance(document, list) else ""
        delivery = read_export(conv, part, prefix)
        if delivery is not None:
            records(
                conv,
                delivery,
                mapping,
                links=links,
                repository_node=delivery.repo.id not in seen_repos,
            )
            seen_repos.add(delivery.repo.id)
    return conv.result()


def read_event(
    host: GitHost, data: bytes, mapping: SourceMapping
) -> tuple[Conversion, dict[str, Any], Repo | None]:
    """A webhook delivery's conversion, its object and its repository (None: a problem
    is recorded, so `conv.result()` raises)."""
    obj = load_json(data)
    if not isinstance(obj, dict):
        raise PayloadError([PayloadProblem("document", "expected a JSON object")])
    raw_repo = obj.get(host.repo_key)
    conv = start(host, mapping, _url_of(raw_repo, host))
    return conv, obj, read_repo(host, conv, raw_repo, host.repo_key)


def read_commits(conv: Conversion, raw: Any, at: str, read_commit: CommitReader) -> list[GitCommit]:
    """The commits of the array `raw` that `read_commit` can read."""
    out: list[GitCommit] = []
    for cat, obj in conv.objects(raw, at):
        with conv.item("commit", obj.get("sha") or obj.get("id"), cat) as item:
            commit = read_commit(conv, obj, cat)
        if commit is not None and item.ok:
            out.append(commit)
    return out


def push_commits(
    conv: Conversion,
    obj: dict[str, Any],
    *,
    parent_of_first: str | None,
    time_of: TimeReader,
    author_keys: tuple[str, ...],
) -> list[GitCommit]:
    """A push hook's commits, oldest first. The payload has no parents: each commit is
    linked to the one before it in the push, the first to `parent_of_first` if given.
    The author is the first of `author_keys` in the commit's `author` object."""
    previous = parent_of_first
    out: list[GitCommit] = []
    for at, raw in conv.objects(obj.get("commits"), "commits"):
        with conv.item("commit", raw.get("id"), at) as item:
            sha = conv.text(raw, "id", at)
            message = conv.text(raw, "message", at)
            when = time_of(conv, raw, "timestamp", at)
        if not item.ok:
            # Still the parent of the next one: that link waits for it (docs/ingest.md).
            previous = sha or previous
            continue
        author: dict[str, Any] = raw["author"] if isinstance(raw.get("author"), dict) else {}
        name = None
        for key in author_keys:  # as `a.get(k1) or a.get(k2)`: the last when none is set
            name = author.get(key)
            if name:
                break
        if sha is None or message is None or when is None:
            continue
        parents = (previous,) if previous else ()
        url = conv.text(raw, "url", at, required=False)
        out.append(
            GitCommit(at, sha, message, when, name if isinstance(name, str) else None, parents, url)
        )
        previous = sha
    return out
