"""GitHub REST payloads -> repository, commits, pull requests, deployments, releases.

Two entry points, both pure:

- `convert(data, mapping)`: an export file, one JSON object per repository, each list
  shaped as the REST API returns it (see docs/sources.md for the calls)::

      {"repository": {...GET /repos/{o}/{r}},
       "commits": [...GET /repos/{o}/{r}/commits],
       "pulls": [{...GET /pulls?state=all, "commits": [...GET /pulls/{n}/commits],
                  "reviews": [...GET /pulls/{n}/reviews]}],
       "deployments": [{...GET /deployments, "statuses": [...GET .../statuses]}],
       "releases": [...GET /releases], "tags": [...GET /tags]}

  A JSON array of such objects (several repositories, or recorded pages of one) works too.
- `convert_event(event, data, mapping)`: one webhook delivery (`X-GitHub-Event` push,
  pull_request, pull_request_review, deployment, deployment_status, release); None for
  events it ignores.

A review is the same record from both (`_review`): a `pull_request_review` delivery's
`review` and an item of `GET /pulls/{n}/reviews` have the same shape.

Ids: a repository is `host/owner/name`, a pull request `host/owner/name#N`, a deployment
`host/owner/name/deployments/ID`, a release `host/owner/name@TAG`, a commit its sha.
"""

from __future__ import annotations

import re
from typing import Any

from graph.ingest.sources.delivery import (
    Delivery,
    GitChange,
    GitCommit,
    GitDeployment,
    GitRelease,
    GitReview,
    LinkPolicy,
    Repo,
    records,
)
from graph.ingest.sources.git_host import (
    GitHost,
    convert_export,
    push_commits,
    read_commits,
    read_event,
    read_repo,
)
from graph.ingest.sources.mapping import SourceMapping
from graph.ingest.sources.payload import Conversion, Converted
from graph.model import DeploymentStatus

DEFAULT_HOST = "github.com"
HOST = GitHost(
    "GitHub", DEFAULT_HOST, repo_key="repository", path_key="full_name", url_key="html_url"
)
_SHA = re.compile(r"[0-9a-f]{40}")

#: GitHub deployment status `state` -> the model's status; `inactive` (superseded by a
#: later deployment to the same environment) says nothing about this one's outcome.
STATES: dict[str, DeploymentStatus | None] = {
    "success": DeploymentStatus.SUCCESS,
    "failure": DeploymentStatus.FAILURE,
    "error": DeploymentStatus.FAILURE,
    "in_progress": DeploymentStatus.IN_PROGRESS,
    "queued": DeploymentStatus.IN_PROGRESS,
    "pending": DeploymentStatus.IN_PROGRESS,
    "inactive": None,
}

#: Webhook events this source maps; any other `X-GitHub-Event` is ignored.
EVENTS = frozenset(
    {"push", "pull_request", "pull_request_review", "deployment", "deployment_status", "release"}
)


def _login(raw: Any) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("login"), str):
        return str(raw["login"])
    return None


def _commit(conv: Conversion, obj: dict[str, Any], at: str) -> GitCommit | None:
    """A commit as the list-commits endpoint returns it."""
    sha = conv.text(obj, "sha", at)
    inner = conv.obj(obj.get("commit"), f"{at}.commit")
    if inner is None or sha is None:
        return None
    message = conv.text(inner, "message", f"{at}.commit")
    author = conv.obj(inner.get("author"), f"{at}.commit.author")
    date = conv.time(author, "date", f"{at}.commit.author") if author else None
    parents = [
        conv.text(p, "sha", pat) for pat, p in conv.objects(obj.get("parents"), f"{at}.parents")
    ]
    if message is None or date is None:
        return None
    name = _login(obj.get("author")) or (author or {}).get("name")
    return GitCommit(
        at,
        sha,
        message,
        date,
        name if isinstance(name, str) else None,
        tuple(p for p in parents if p),
        conv.text(obj, "html_url", at, required=False),
    )


def _pull(
    conv: Conversion, repo: Repo, obj: dict[str, Any], at: str
) -> tuple[GitChange, list[GitCommit]] | None:
    """A pull request and the commits listed with it. In a webhook `commits` is their
    count (an integer), in an export the `/pulls/{n}/commits` list."""
    number = obj.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        conv.problem(f"{at}.number", "expected an integer")
        return None
    title = conv.text(obj, "title", at)
    created = conv.time(obj, "created_at", at)
    merged = conv.time(obj, "merged_at", at, required=False)
    head = obj.get("head")
    branch = head.get("ref") if isinstance(head, dict) else None
    if title is None or created is None:
        return None
    listed = obj.get("commits")
    own: list[GitCommit] = []
    if isinstance(listed, bool) or not isinstance(listed, int):
        own = read_commits(conv, listed, f"{at}.commits", _commit)
    change = GitChange(
        at,
        f"{repo.id}#{number}",
        number,
        title,
        branch if isinstance(branch, str) else None,
        created,
        merged,
        _login(obj.get("user")),
        tuple(c.sha for c in own),
        # For an open pull, merge_commit_sha is GitHub's test merge: only a merged pull's
        # counts (for a squash merge it is the squash commit, not a descendant of its commits).
        conv.text(obj, "merge_commit_sha", at, required=False) if merged else None,
        conv.text(obj, "html_url", at, required=False),
    )
    return change, own


def _review(conv: Conversion, obj: dict[str, Any], at: str, change: str) -> GitReview | None:
    """A review of the pull request `change` (its GitChange id), as `GET /pulls/{n}/reviews`
    lists it and the `pull_request_review` webhook sends it: by its user's login, given at
    `submitted_at` (submitted, edited or dismissed alike), its state in lower case."""
    login = _login(obj.get("user"))
    if not login:
        conv.problem(f"{at}.user", "expected a user with a login")
    submitted = conv.time(obj, "submitted_at", at)
    state = obj.get("state")
    if login is None or submitted is None:
        return None
    return GitReview(
        at, change, login, submitted, state.lower() if isinstance(state, str) else None
    )


def _reviews(conv: Conversion, obj: Any, at: str, change: str) -> list[GitReview]:
    """The reviews listed with a pull request in an export or a sync (its `reviews`, the
    `GET /pulls/{n}/reviews` list); one that is not right is skipped on its own. A
    pending review (not submitted, seen by its author only) is no review yet."""
    out = []
    for rat, raw in conv.objects(obj, at):
        if raw.get("state") == "PENDING":
            continue
        with conv.item("review", raw.get("id"), rat) as item:
            review = _review(conv, raw, rat, change)
        if review is not None and item.ok:
            out.append(review)
    return out


def _status(conv: Conversion, obj: dict[str, Any], at: str) -> tuple[DeploymentStatus, Any] | None:
    """A deployment status's model status and time; None for `inactive` or a problem."""
    state = conv.text(obj, "state", at)
    when = conv.time(obj, "created_at", at)
    if state is None or when is None:
        return None
    if state not in STATES:
        conv.problem(f"{at}.state", f"unknown deployment state {state!r} ({', '.join(STATES)})")
        return None
    status = STATES[state]
    return None if status is None else (status, when)


def _deployment(
    conv: Conversion,
    repo: Repo,
    obj: dict[str, Any],
    at: str,
    statuses: list[tuple[str, dict[str, Any]]],
) -> GitDeployment | None:
    ident = conv.text(obj, "id", at)
    sha = conv.text(obj, "sha", at)
    environment = conv.text(obj, "environment", at)
    created = conv.time(obj, "created_at", at)
    seen = [s for sat, raw in statuses if (s := _status(conv, raw, sat)) is not None]
    if ident is None or environment is None or created is None:
        return None
    status, finished = DeploymentStatus.IN_PROGRESS, None
    if seen:
        # The statuses endpoint lists newest first; sort rather than trust the order.
        status, last_at = max(seen, key=lambda s: s[1])
        finished = last_at if status is not DeploymentStatus.IN_PROGRESS else None
    return GitDeployment(
        at,
        f"{repo.id}/deployments/{ident}",
        f"Deploy {sha[:7] if sha else '?'} to {environment}",
        environment,
        sha,
        status,
        created,
        finished,
        conv.text(obj, "url", at, required=False),
    )


def _release(
    conv: Conversion, repo: Repo, obj: dict[str, Any], at: str, tags: dict[str, str]
) -> GitRelease | None:
    if obj.get("draft") is True or obj.get("published_at") is None:
        return None  # a draft is not released (yet)
    tag = conv.text(obj, "tag_name", at)
    if obj.get("prerelease") is True:
        conv.note(f"{at}: {repo.path} {tag}: a prerelease, not a release to production: left out")
        return None
    published = conv.time(obj, "published_at", at)
    if tag is None or published is None:
        return None
    target = obj.get("target_commitish")
    sha = target if isinstance(target, str) and _SHA.fullmatch(target) else tags.get(tag)
    name = obj.get("name")
    return GitRelease(
        at,
        f"{repo.id}@{tag}",
        name if isinstance(name, str) and name else tag,
        tag,
        published,
        sha,
        conv.text(obj, "html_url", at, required=False),
    )


def _export(conv: Conversion, obj: dict[str, Any], at: str) -> Delivery | None:
    repo = read_repo(HOST, conv, obj.get("repository"), f"{at}repository")
    if repo is None:
        return None
    delivery = Delivery(
        repo, commits=read_commits(conv, obj.get("commits"), f"{at}commits", _commit)
    )
    for pat, raw in conv.objects(obj.get("pulls"), f"{at}pulls"):
        with conv.item("pull request", raw.get("number"), pat) as item:
            found = _pull(conv, repo, raw, pat)
        if found is not None and item.ok:
            delivery.changes.append(found[0])
            delivery.commits += found[1]
            delivery.reviews += _reviews(conv, raw.get("reviews"), f"{pat}.reviews", found[0].id)
    for dat, raw in conv.objects(obj.get("deployments"), f"{at}deployments"):
        with conv.item("deployment", raw.get("id"), dat) as item:
            statuses = conv.objects(raw.get("statuses"), f"{dat}.statuses")
            deployment = _deployment(conv, repo, raw, dat, statuses)
        if deployment is not None and item.ok:
            delivery.deployments.append(deployment)
    tags: dict[str, str] = {}
    for tat, raw in conv.objects(obj.get("tags"), f"{at}tags"):
        name, commit = raw.get("name"), raw.get("commit")
        if (
            isinstance(name, str)
            and isinstance(commit, dict)
            and isinstance(commit.get("sha"), str)
        ):
            tags[name] = commit["sha"]
        else:
            conv.problem(tat, "expected {name, commit: {sha}}")
    for rat, raw in conv.objects(obj.get("releases"), f"{at}releases"):
        with conv.item("release", raw.get("tag_name"), rat) as item:
            release = _release(conv, repo, raw, rat, tags)
        if release is not None and item.ok:
            delivery.releases.append(release)
    return delivery


def convert(
    data: bytes, mapping: SourceMapping, *, links: LinkPolicy = LinkPolicy.IN_BATCH
) -> Converted:
    """Convert a GitHub export: one repository object, or an array of them. File imports and
    live sync pass `links=LinkPolicy.ANY` and check those links against the graph."""
    return convert_export(HOST, data, mapping, links, _export)


# ---------------------------------------------------------------------------------------
# Webhooks: one event per delivery, mapped with the same rules.


def _push_commits(conv: Conversion, obj: dict[str, Any]) -> list[GitCommit]:
    """A push's commits; the first is linked to `before`, unless the push was forced."""
    before = obj.get("before")
    if obj.get("forced") is True or not isinstance(before, str) or set(before) == {"0"}:
        before = None
    return push_commits(
        conv,
        obj,
        parent_of_first=before,
        time_of=Conversion.time,
        author_keys=("username", "name"),
    )


def convert_event(event: str, data: bytes, mapping: SourceMapping) -> Converted | None:
    """Convert one webhook delivery; None when the event is not one this source maps.

    Relationships to nodes outside the delivery (a parent commit, a merge commit) are
    kept: the caller drops those that are not in the graph either.
    """
    if event not in EVENTS:
        return None
    conv, obj, repo = read_event(HOST, data, mapping)
    if repo is None:
        return conv.result()  # raises: the repository is missing or malformed
    delivery = Delivery(repo)
    if event == "push":
        delivery.commits = _push_commits(conv, obj)
    elif event == "pull_request":
        number = _inner(obj, "pull_request").get("number")
        with conv.item("pull request", number, "pull_request") as item:
            raw = conv.obj(obj.get("pull_request"), "pull_request")
            found = _pull(conv, repo, raw, "pull_request") if raw is not None else None
        if found is not None and item.ok:
            delivery.changes.append(found[0])
    elif event == "pull_request_review":
        _review_event(conv, repo, obj, delivery)
    elif event in ("deployment", "deployment_status"):
        raw = _inner(obj, "deployment")
        with conv.item("deployment", raw.get("id"), "deployment") as item:
            conv.obj(obj.get("deployment"), "deployment")
            given: list[tuple[str, dict[str, Any]]] = []
            if event == "deployment_status":
                status = conv.obj(obj.get("deployment_status"), "deployment_status")
                given = [("deployment_status", status)] if status is not None else []
            deployment = _deployment(conv, repo, raw, "deployment", given) if raw else None
        if deployment is not None and item.ok:
            delivery.deployments.append(deployment)
    else:
        _release_event(conv, repo, obj, delivery)
    records(conv, delivery, mapping, links=LinkPolicy.ANY)
    return conv.result()


def _review_event(conv: Conversion, repo: Repo, obj: dict[str, Any], delivery: Delivery) -> None:
    """A `pull_request_review` delivery: the pull request as it stands and the review
    (submitted, edited or dismissed: it was given at `submitted_at` all the same)."""
    review = _inner(obj, "review")
    with conv.item("review", review.get("id"), "review") as item:
        raw = conv.obj(obj.get("pull_request"), "pull_request")
        found = _pull(conv, repo, raw, "pull_request") if raw is not None else None
        conv.obj(obj.get("review"), "review")
        given = _review(conv, review, "review", found[0].id) if found and review else None
    if not item.ok or found is None or given is None:
        return
    delivery.changes.append(found[0])
    delivery.reviews.append(given)


def _inner(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


#: Release actions after which the release is not (or no longer) published.
_GONE = frozenset({"deleted", "unpublished"})


def _release_event(conv: Conversion, repo: Repo, obj: dict[str, Any], delivery: Delivery) -> None:
    """A `release` delivery: published -> a Release; deleted, unpublished, or edited into a
    draft or prerelease -> the Release is gone; a draft or prerelease is no release."""
    raw = _inner(obj, "release")
    with conv.item("release", raw.get("tag_name"), "release") as item:
        conv.obj(obj.get("release"), "release")
        tag = conv.text(raw, "tag_name", "release") if raw else None
    if not item.ok or tag is None:
        return
    action = conv.text(obj, "action", "", required=False)  # a list or an object: a problem
    demoted = raw.get("draft") is True or raw.get("prerelease") is True
    if action in _GONE or (action == "edited" and demoted):
        conv.delete("Release", f"{repo.id}@{tag}")
        return
    with conv.item("release", tag, "release") as item:
        release = _release(conv, repo, raw, "release", {})
    if release is not None and item.ok:
        delivery.releases.append(release)
