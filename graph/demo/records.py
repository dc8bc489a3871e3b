"""Turning the organisation and each built product into ingest records (nodes, then
relationships, then stage visits), with running line numbers and UTC times."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from graph.demo.catalogue import _CATALOGUE, _CD, _CI, _PLAN, _SCM, _SKILLS, _TOOLS
from graph.demo.delivery import _History, _reviews, _shipped_commits
from graph.demo.organisation import _Org, _skill_id, _skill_name
from graph.demo.product import _Built
from graph.demo.templates import _NEEDS
from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord, StateRecord
from graph.model import DEFAULT_FLOW_TYPE, DeploymentStatus, Label, RelType, ToolKind, WorkItemKind


class _Records:
    """Makes records with running line numbers; converts history seconds to UTC."""

    def __init__(self, start: datetime) -> None:
        self._lines = itertools.count(1)
        self._start = start

    def at(self, seconds: float) -> datetime:
        return self._start + timedelta(seconds=seconds)

    def node(
        self,
        label: Label,
        id: str,
        properties: dict[str, Any],
        kind: WorkItemKind | None = None,
    ) -> NodeRecord:
        return NodeRecord(next(self._lines), label, id, properties, kind)

    def link(
        self, type: RelType, start: Ref, end: Ref, properties: dict[str, Any] | None = None
    ) -> RelationshipRecord:
        return RelationshipRecord(next(self._lines), type, start, end, properties or {})

    def visit(self, item: str, seconds: int, stage: str) -> StateRecord:
        return StateRecord(next(self._lines), item, self.at(seconds), None, stage)


def _org_records(org: _Org, out: _Records) -> Iterator[Record]:
    yield from _org_nodes(org, out)
    yield from _org_links(org, out)


def _org_nodes(org: _Org, out: _Records) -> Iterator[Record]:
    catalogue = {"source": _CATALOGUE}
    for tool_id, name, kind in _TOOLS:
        yield out.node(Label.TOOL, tool_id, {"name": name, "kind": kind.value, **catalogue})
    for line_id, name in org.business_lines:
        yield out.node(Label.BUSINESS_LINE, line_id, {"name": name, **catalogue})
    for p in org.products:
        yield out.node(Label.PRODUCT, p.id, {"name": p.spec.name, "key": p.spec.key, **catalogue})
    for name, category in _SKILLS:
        yield out.node(
            Label.SKILL, _skill_id(name), {"name": name, "category": category, **catalogue}
        )
    for team in org.teams:
        yield out.node(Label.TEAM, team.id, {"name": team.name, **catalogue})
        for person in team.members:
            props = {"name": person.name, "email": person.email, "role": person.role}
            yield out.node(Label.PERSON, person.id, {**props, **catalogue})
    for p in org.products:
        source = {"source": p.tools[ToolKind.PLANNING]}
        name = f"{p.spec.name} delivery"
        yield out.node(Label.VALUE_STREAM, p.stream_id, {"name": name, **source})
        for order, (stage_id, stage) in enumerate(zip(p.stage_ids, p.template, strict=True), 1):
            state = stage.state.value
            yield out.node(
                Label.STAGE,
                stage_id,
                {"name": stage.name, "order": order, "state": state, "states": list(stage.states)}
                | source,
            )
        for repo in p.repos:
            yield out.node(Label.REPOSITORY, repo.id, {"name": repo.name, "source": repo.tool})


def _org_links(org: _Org, out: _Records) -> Iterator[Record]:
    lines = {name: Ref(Label.BUSINESS_LINE, line_id) for line_id, name in org.business_lines}
    for p in org.products:
        yield out.link(RelType.OWNS, lines[p.spec.line], p.ref)
    for team in org.teams:
        for product in team.products:
            yield out.link(RelType.CONTRIBUTES_TO, team.ref, product.ref)
        for other in team.depends_on:
            yield out.link(RelType.DEPENDS_ON, team.ref, other.ref)
        tools = dict.fromkeys(t for product in team.products for t in product.tools.values())
        for tool in tools:
            yield out.link(RelType.USES, team.ref, Ref(Label.TOOL, tool))
        for person in team.members:
            person_ref = Ref(Label.PERSON, person.id)
            yield out.link(RelType.MEMBER_OF, person_ref, team.ref)
            for skill, level in person.skills:
                skill_ref = Ref(Label.SKILL, _skill_id(skill))
                yield out.link(RelType.HAS_SKILL, person_ref, skill_ref, {"level": level})
    for p in org.products:
        stream = Ref(Label.VALUE_STREAM, p.stream_id)
        yield out.link(RelType.HAS_VALUE_STREAM, p.ref, stream)
        stages = [Ref(Label.STAGE, stage_id) for stage_id in p.stage_ids]
        for stage_ref, stage in zip(stages, p.template, strict=True):
            yield out.link(RelType.HAS_STAGE, stream, stage_ref)
            yield out.link(RelType.SUPPORTS, Ref(Label.TOOL, p.tools[stage.tool]), stage_ref)
            for skill, level in _NEEDS.get(stage.role, ()):
                skill_ref = Ref(Label.SKILL, _skill_id(_skill_name(skill, p)))
                yield out.link(RelType.NEEDS_SKILL, stage_ref, skill_ref, {"level": level})
        for a, b in itertools.pairwise(stages):
            yield out.link(RelType.NEXT, a, b)
        for repo in p.repos:
            yield out.link(RelType.FOR_PRODUCT, Ref(Label.REPOSITORY, repo.id), p.ref)


_FLOW_TYPE = {kind: flow.value for kind, flow in DEFAULT_FLOW_TYPE.items()}


def _product_nodes(built: _Built, out: _Records) -> Iterator[Record]:
    tools = built.product.tools
    planning, scm, ci, cd = (tools[k] for k in (_PLAN, _SCM, _CI, _CD))
    at = out.at
    for item in built.items:
        props: dict[str, Any] = {
            "title": item.title,
            "flowType": _FLOW_TYPE[item.kind],
            "createdAt": at(int(item.created)),
            "priority": item.priority,
            "source": planning,
        }
        if item.points is not None:
            props["points"] = item.points
        yield out.node(Label.WORK_ITEM, item.id, props, item.kind)
    for history in built.histories:
        for c in history.commits:
            props = {"message": c.message, "authoredAt": at(c.at), "author": c.author}
            yield out.node(Label.COMMIT, c.id, {**props, "sha": c.id, "source": scm})
        for pull in history.pulls:
            props = {
                "title": f"{pull.item.id} {pull.item.title}",
                "createdAt": at(pull.created),
                "branch": pull.branch,
                "author": pull.author,
                "number": pull.number,
                "source": scm,
            }
            if pull.merged is not None:
                props["mergedAt"] = at(pull.merged)
            yield out.node(Label.PULL_REQUEST, pull.id, props)
        for b in history.builds:
            props = {
                "name": b.name,
                "status": "success" if b.ok else "failure",
                "startedAt": at(b.started),
                "finishedAt": at(b.finished),
                "source": ci,
            }
            yield out.node(Label.BUILD, b.id, props)
        for d in history.deployments:
            props = {
                "name": f"{history.repo.name} to {d.environment}",
                "environment": d.environment,
                "status": d.status.value,
                "startedAt": at(d.started),
                "source": cd,
            }
            if d.status is not DeploymentStatus.IN_PROGRESS:
                props["finishedAt"] = at(d.finished)
            yield out.node(Label.DEPLOYMENT, d.id, props)
    for r in built.releases:
        props = {"name": r.name, "releasedAt": at(r.at), "version": r.version, "source": cd}
        yield out.node(Label.RELEASE, r.id, props)
    for i in built.incidents:
        props = {
            "title": i.title,
            "severity": i.severity,
            "createdAt": at(i.created),
            "environment": "production",
            "source": tools[ToolKind.INCIDENTS],
        }
        if i.resolved is not None:
            props["resolvedAt"] = at(i.resolved)
        yield out.node(Label.INCIDENT, i.id, props)
    for f in built.feedback:
        props = {
            "title": f.title,
            "text": f.text,
            "channel": f.channel,
            "sentiment": f.sentiment.value,
            "score": f.score,
            "createdAt": at(f.created),
            "source": tools[ToolKind.FEEDBACK],
        }
        yield out.node(Label.FEEDBACK, f.id, props)


def _product_links(built: _Built, out: _Records) -> Iterator[Record]:
    product = built.product.ref
    link = out.link
    for item in built.items:
        yield link(RelType.FOR_PRODUCT, item.ref, product)
        yield link(RelType.OWNS, item.team.ref, item.ref)
        if item.parent is not None:
            yield link(RelType.PARENT_OF, item.parent.ref, item.ref)
        if item.blocked_by is not None:
            yield link(RelType.BLOCKED_BY, item.ref, Ref(Label.WORK_ITEM, item.blocked_by))
    for history in built.histories:
        yield from _history_links(history, product, out)
    for release in built.releases:
        release_ref = Ref(Label.RELEASE, release.id)
        yield link(RelType.FOR_PRODUCT, release_ref, product)
        for d in release.deployments:
            yield link(RelType.INCLUDES, release_ref, Ref(Label.DEPLOYMENT, d.id))
        for feature in release.features:
            yield link(RelType.DELIVERS, release_ref, feature.ref)
    for incident in built.incidents:
        incident_ref = Ref(Label.INCIDENT, incident.id)
        yield link(RelType.AFFECTS, incident_ref, product)
        if incident.explicit:
            cause = Ref(Label.DEPLOYMENT, incident.cause.id)
            yield link(RelType.CAUSED_BY, incident_ref, cause, {"inferred": False})
    for f in built.feedback:
        feedback_ref = Ref(Label.FEEDBACK, f.id)
        yield link(RelType.ABOUT, feedback_ref, f.about.ref if f.about else product)
        if f.led_to is not None:
            yield link(RelType.LED_TO, feedback_ref, f.led_to.ref)


def _history_links(history: _History, product: Ref, out: _Records) -> Iterator[Record]:
    link = out.link
    repo = Ref(Label.REPOSITORY, history.repo.id)
    for c in history.commits:
        yield link(RelType.IN_REPO, c.ref, repo)
        for parent in c.parents:
            yield link(RelType.PARENT, c.ref, parent.ref)
        if c.item is not None:
            yield link(RelType.IMPLEMENTS, c.ref, c.item.ref)
    for pull in history.pulls:
        pull_ref = Ref(Label.PULL_REQUEST, pull.id)
        yield link(RelType.IN_REPO, pull_ref, repo)
        yield link(RelType.IMPLEMENTS, pull_ref, pull.item.ref)
        for c in pull.commits:
            yield link(RelType.CONTAINS, pull_ref, c.ref)
        if pull.merge is not None:
            yield link(RelType.MERGED_AS, pull_ref, pull.merge.ref)
        for person, at, state in _reviews(pull):
            props = {"submittedAt": out.at(at), "state": state}
            yield link(RelType.REVIEWED, Ref(Label.PERSON, person), pull_ref, props)
    for b in history.builds:
        yield link(RelType.BUILT, Ref(Label.BUILD, b.id), b.commit.ref)
    for d in history.deployments:
        deployment = Ref(Label.DEPLOYMENT, d.id)
        yield link(RelType.DEPLOYED, deployment, history.main[d.head].ref)
        yield link(RelType.FOR_PRODUCT, deployment, product)
        for c in _shipped_commits(history, d):
            yield link(RelType.SHIPPED, deployment, c.ref)


def _product_states(built: _Built, out: _Records) -> Iterator[Record]:
    stage_ids = built.product.stage_ids
    for item in built.items:
        for entered, stage in item.visits:
            yield out.visit(item.id, entered, stage_ids[stage])
