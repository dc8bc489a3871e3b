"""From any domain node to the GraphQL type of its label."""

from api.graphql.types.base import Node
from api.graphql.types.delivery import Build, Commit, Deployment, PullRequest, Release, Repository
from api.graphql.types.organisation import BusinessLine, Person, Product, Skill, Team, Tool
from api.graphql.types.outcomes import Feedback, Incident
from api.graphql.types.stream import Stage, ValueStream
from api.graphql.types.work import WorkItem
from graph.model import Label
from graph.model import Node as DomainNode

TYPES: dict[Label, type[Node]] = {
    Label.BUSINESS_LINE: BusinessLine,
    Label.PRODUCT: Product,
    Label.VALUE_STREAM: ValueStream,
    Label.STAGE: Stage,
    Label.TEAM: Team,
    Label.PERSON: Person,
    Label.SKILL: Skill,
    Label.TOOL: Tool,
    Label.WORK_ITEM: WorkItem,
    Label.REPOSITORY: Repository,
    Label.COMMIT: Commit,
    Label.PULL_REQUEST: PullRequest,
    Label.BUILD: Build,
    Label.DEPLOYMENT: Deployment,
    Label.RELEASE: Release,
    Label.INCIDENT: Incident,
    Label.FEEDBACK: Feedback,
}


def to_graphql(node: DomainNode) -> Node:
    """The GraphQL object for a domain node of any label."""
    return TYPES[node.label].from_domain(node)
