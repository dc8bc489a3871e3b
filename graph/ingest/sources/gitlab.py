"""GitLab REST payloads -> project, commits, merge requests, deployments, releases.

The same mapping as GitHub's (`delivery.records`), from GitLab's shapes:

- `convert(data, mapping)`: an export file, one JSON object per project::

      {"project": {...GET /projects/:id},
       "commits": [...GET /projects/:id/repository/commits],
       "merge_requests": [{...GET /merge_requests?state=all,
                           "commits": [...GET /merge_requests/:iid/commits]}],
       "deployments": [...GET /projects/:id/deployments],
       "releases": [...GET /projects/:id/releases]}

  or a JSON array of them.
- `convert_event(event, data, mapping)`: one webhook delivery (`X-Gitlab-Event` Push
  Hook, Merge Request Hook, Deployment Hook, Release Hook); None for other events.

Ids: a project is `host/group/project`, a merge request `host/group/project!IID`, a
deployment `host/group/project/deployments/ID`, a release `host/group/project@TAG`.
"""

from __future__ import annotations

from datetime import datetime
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

DEFAULT_HOST = "gitlab.com"
HOST = GitHost(
    "GitLab", DEFAULT_HOST, repo_key="project", path_key="path_with_namespace", url_key="web_url"
)

#: GitLab deployment `status` -> the model's status. A canceled or skipped deployment
#: did not put its commit in the environment, so it counts as not successful.
STATUSES: dict[str, DeploymentStatus] = {
    "success": DeploymentStatus.SUCCESS,
    "failed": DeploymentStatus.FAILURE,
    "canceled": DeploymentStatus.FAILURE,
    "skipped": DeploymentStatus.FAILURE,
    "running": DeploymentStatus.IN_PROGRESS,
    "created": DeploymentStatus.IN_PROGRESS,
    "blocked": DeploymentStatus.IN_PROGRESS,
}

#: Webhook events this source maps; any other `X-Gitlab-Event` is ignored.
EVENTS = frozenset({"Push Hook", "Merge Request Hook", "Deployment Hook", "Release Hook"})


def _time(
    conv: Conversion, obj: dict[str, Any], key: str, at: str, *, required: bool = True
) -> datetime | None:
    """GitLab writes `2021-04-28T21:50:00.000Z`, `2021-04-28 21:50:00 +0200` and (in
    webhooks) `2020-11-02 12:55:12 UTC`; all three are read."""
    value = conv.text(obj, key, at, required=required)
    if value is None:
        return None
    if value.endswith(" UTC"):
        value = value[: -len(" UTC")] + "+00:00"
    return conv.parse_time(value, f"{at}.{key}")


#: Where a commit's authoring time is read, first found first.
_COMMIT_TIMES = ("authored_date", "committed_date", "created_at")


def _commit(conv: Conversion, obj: dict[str, Any], at: str) -> GitCommit | None:
    """A commit as the repository commits endpoint returns it."""
    sha = conv.text(obj, "id", at)
    message = conv.text(obj, "message", at)
    # GitLab's own docs list a commit with no `authored_date`: the commit time stands in.
    key = next((k for k in _COMMIT_TIMES if obj.get(k) not in (None, "")), _COMMIT_TIMES[0])
    authored = _time(conv, obj, key, at)
    parents = obj.get("parent_ids") or []
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        conv.problem(f"{at}.parent_ids", "expected an array of commit ids")
        parents = []
    if sha is None or message is None or authored is None:
        return None
    author = obj.get("author_name")
    return GitCommit(
        at,
        sha,
        message,
        authored,
        author if isinstance(author, str) else None,
        tuple(parents),
        conv.text(obj, "web_url", at, required=False),
    )


def _username(raw: Any) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("username"), str):
        return str(raw["username"])
    return None


def _merge_request(
    conv: Conversion,
    repo: Repo,
    obj: dict[str, Any],
    at: str,
    commits: list[GitCommit],
    *,
    hook: bool = False,
) -> GitChange | None:
    iid = obj.get("iid")
    if isinstance(iid, bool) or not isinstance(iid, int):
        conv.problem(f"{at}.iid", "expected an integer")
        return None
    title = conv.text(obj, "title", at)
    created = _time(conv, obj, "created_at", at)
    merged = _time(conv, obj, "merged_at", at, required=False)
    if merged is None and obj.get("state") == "merged" and hook:
        # Merge Request Hook payloads of some versions carry no merged_at: the merge
        # action's update is the merge.
        merged = _time(conv, obj, "updated_at", at, required=False)
    if title is None or created is None:
        return None
    listed = read_commits(conv, obj.get("commits"), f"{at}.commits", _commit)
    commits.extend(listed)
    own = [c.sha for c in listed]
    head = obj.get("sha")
    if hook and isinstance(obj.get("last_commit"), dict):
        head = obj["last_commit"].get("id")
    if isinstance(head, str) and head not in own:
        own.append(head)
    # Merge commit if one was made; else the squash commit (a squash merge without a
    # merge commit: not a descendant of the MR's commits); else, fast-forwarded, the head.
    merged_as = None
    if merged is not None:
        for key in ("merge_commit_sha", "squash_commit_sha"):
            if isinstance(obj.get(key), str) and obj[key]:
                merged_as = obj[key]
                break
        else:
            merged_as = head if isinstance(head, str) else None
    branch = obj.get("source_branch")
    url = obj.get("url") if hook else obj.get("web_url")
    return GitChange(
        at,
        f"{repo.id}!{iid}",
        iid,
        title,
        branch if isinstance(branch, str) else None,
        created,
        merged,
        None if hook else _username(obj.get("author")),
        tuple(own),
        merged_as,
        url if isinstance(url, str) else None,
    )


def _status(conv: Conversion, value: str | None, at: str) -> DeploymentStatus | None:
    if value is None:
        return None
    if value not in STATUSES:
        conv.problem(at, f"unknown deployment status {value!r} ({', '.join(STATUSES)})")
        return None
    return STATUSES[value]


def _deployment(conv: Conversion, repo: Repo, obj: dict[str, Any], at: str) -> GitDeployment | None:
    ident = conv.text(obj, "id", at)
    status = _status(conv, conv.text(obj, "status", at), f"{at}.status")
    env = conv.obj(obj.get("environment"), f"{at}.environment")
    environment = conv.text(env, "name", f"{at}.environment") if env is not None else None
    created = _time(conv, obj, "created_at", at)
    finished = _time(conv, obj, "finished_at", at, required=False)
    raw_job = obj.get("deployable")
    job: dict[str, Any] = raw_job if isinstance(raw_job, dict) else {}
    sha = obj.get("sha")
    if isinstance(job.get("commit"), dict):
        sha = job["commit"].get("id") or sha
    # The deployment record is made when the job has run (or at least was queued): the
    # job's own start, else its creation, is when the deployment started.
    job_at = f"{at}.deployable"
    job_start = _time(conv, job, "started_at", job_at, required=False) or _time(
        conv, job, "created_at", job_at, required=False
    )
    job_end = _time(conv, job, "finished_at", job_at, required=False)
    if ident is None or status is None or environment is None or created is None:
        return None
    started = min(created, job_start) if job_start is not None else created
    if finished is None and status is not DeploymentStatus.IN_PROGRESS:
        finished = job_end if job_end is not None and job_end >= started else None
        finished = finished or _time(conv, obj, "updated_at", at, required=False)
    if status is DeploymentStatus.IN_PROGRESS:
        finished = None
    sha = sha if isinstance(sha, str) else None
    return GitDeployment(
        at,
        f"{repo.id}/deployments/{ident}",
        f"Deploy {sha[:8] if sha else '?'} to {environment}",
        environment,
        sha,
        status,
        started,
        finished,
        f"{repo.url}/-/environments" if repo.url else None,
    )


def _release(
    conv: Conversion, repo: Repo, obj: dict[str, Any], at: str, *, hook: bool = False
) -> GitRelease | None:
    tag = conv.text(obj, "tag" if hook else "tag_name", at)
    released = _time(conv, obj, "released_at", at)
    if tag is None or released is None:
        return None
    if obj.get("upcoming_release") is True:
        conv.note(f"{at}: {repo.path} {tag}: an upcoming release, not released yet: left out")
        return None
    commit = obj.get("commit")
    sha = commit.get("id") if isinstance(commit, dict) else None
    name = obj.get("name")
    links = obj.get("_links")
    url = obj.get("url") if hook else (links.get("self") if isinstance(links, dict) else None)
    return GitRelease(
        at,
        f"{repo.id}@{tag}",
        name if isinstance(name, str) and name else tag,
        tag,
        released,
        sha if isinstance(sha, str) else None,
        url if isinstance(url, str) else None,
    )


def _export(conv: Conversion, obj: dict[str, Any], at: str) -> Delivery | None:
    repo = read_repo(HOST, conv, obj.get("project"), f"{at}project")
    if repo is None:
        return None
    delivery = Delivery(
        repo, commits=read_commits(conv, obj.get("commits"), f"{at}commits", _commit)
    )
    for mat, raw in conv.objects(obj.get("merge_requests"), f"{at}merge_requests"):
        listed: list[GitCommit] = []
        with conv.item("merge request", raw.get("iid"), mat) as item:
            change = _merge_request(conv, repo, raw, mat, listed)
        if change is not None and item.ok:
            delivery.changes.append(change)
            delivery.commits += listed
    for dat, raw in conv.objects(obj.get("deployments"), f"{at}deployments"):
        with conv.item("deployment", raw.get("id"), dat) as item:
            deployment = _deployment(conv, repo, raw, dat)
        if deployment is not None and item.ok:
            delivery.deployments.append(deployment)
    for rat, raw in conv.objects(obj.get("releases"), f"{at}releases"):
        with conv.item("release", raw.get("tag_name"), rat) as item:
            release = _release(conv, repo, raw, rat)
        if release is not None and item.ok:
            delivery.releases.append(release)
    return delivery


def convert(
    data: bytes, mapping: SourceMapping, *, links: LinkPolicy = LinkPolicy.IN_BATCH
) -> Converted:
    """Convert a GitLab export: one project object, or an array of them. File imports and
    live sync pass `links=LinkPolicy.ANY` and check those links against the graph."""
    return convert_export(HOST, data, mapping, links, _export)


# ---------------------------------------------------------------------------------------
# Webhooks


def _push_commits(conv: Conversion, obj: dict[str, Any]) -> list[GitCommit]:
    """A push's commits. The hook has no `forced` flag, so the first is linked to nothing:
    each commit only to the one before it in the same push."""
    return push_commits(conv, obj, parent_of_first=None, time_of=_time, author_keys=("name",))


def _hook_deployment(conv: Conversion, repo: Repo, obj: dict[str, Any]) -> GitDeployment | None:
    ident = conv.text(obj, "deployment_id", "payload")
    status = _status(conv, conv.text(obj, "status", "payload"), "payload.status")
    environment = conv.text(obj, "environment", "payload")
    changed = _time(conv, obj, "status_changed_at", "payload")
    # The hook names the commit by URL (…/-/commit/<sha>) and short sha only.
    url = obj.get("commit_url")
    sha = url.rstrip("/").rsplit("/", 1)[-1] if isinstance(url, str) and "/commit/" in url else None
    if ident is None or status is None or environment is None or changed is None:
        return None
    return GitDeployment(
        "deployment",
        f"{repo.id}/deployments/{ident}",
        f"Deploy {sha[:8] if sha else '?'} to {environment}",
        environment,
        sha,
        status,
        changed,
        None if status is DeploymentStatus.IN_PROGRESS else changed,
        obj.get("environment_external_url")
        if isinstance(obj.get("environment_external_url"), str)
        else None,
    )


#: Merge request hook actions that are a review: an approval (GitLab names it both ways).
_APPROVALS = frozenset({"approved", "approval"})


def _approval(conv: Conversion, obj: dict[str, Any], change: str) -> GitReview | None:
    """An approval of the merge request, by the hook's user at its update time, as a
    review with state `approved` (GitLab's merge request approvals)."""
    attrs = obj.get("object_attributes")
    if not isinstance(attrs, dict) or attrs.get("action") not in _APPROVALS:
        return None
    user = obj.get("user")
    login = user.get("username") if isinstance(user, dict) else None
    when = _time(conv, attrs, "updated_at", "object_attributes", required=False)
    if not isinstance(login, str) or not login or when is None:
        conv.note("object_attributes: an approval without its user or time is left out")
        return None
    return GitReview("object_attributes", change, login, when, "approved")


def convert_event(event: str, data: bytes, mapping: SourceMapping) -> Converted | None:
    """Convert one webhook delivery; None when the event is not one this source maps.

    Relationships to nodes outside the delivery are kept; the caller drops those that
    are not in the graph either.
    """
    if event not in EVENTS:
        return None
    conv, obj, repo = read_event(HOST, data, mapping)
    if repo is None:
        return conv.result()  # raises: the project is missing or malformed
    delivery = Delivery(repo)
    if event == "Push Hook":
        delivery.commits = _push_commits(conv, obj)
    elif event == "Merge Request Hook":
        raw = obj.get("object_attributes")
        iid = raw.get("iid") if isinstance(raw, dict) else None
        with conv.item("merge request", iid, "object_attributes") as item:
            attrs = conv.obj(raw, "object_attributes")
            change = (
                _merge_request(conv, repo, attrs, "object_attributes", [], hook=True)
                if attrs is not None
                else None
            )
        if change is not None and item.ok:
            delivery.changes.append(change)
            approval = _approval(conv, obj, change.id)
            if approval is not None:
                delivery.reviews.append(approval)
    elif event == "Deployment Hook":
        with conv.item("deployment", obj.get("deployment_id"), "payload") as item:
            deployment = _hook_deployment(conv, repo, obj)
        if deployment is not None and item.ok:
            delivery.deployments.append(deployment)
    elif obj.get("action") == "delete":  # Release Hook
        with conv.item("release", obj.get("tag"), "payload") as item:
            tag = conv.text(obj, "tag", "payload")
        if tag is not None and item.ok:
            conv.delete("Release", f"{repo.id}@{tag}")
    else:
        with conv.item("release", obj.get("tag"), "payload") as item:
            release = _release(conv, repo, obj, "payload", hook=True)
        if release is not None and item.ok:
            delivery.releases.append(release)
    records(conv, delivery, mapping, links=LinkPolicy.ANY)
    return conv.result()
