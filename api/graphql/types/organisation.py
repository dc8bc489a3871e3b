"""GraphQL types of the organisation: business lines, products, teams, people, tools."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import DEFAULT_PAGE, Connection, Node, decode_cursor, page_size
from api.graphql.types.dora import DoraMetrics, product_dora
from api.graphql.types.dora import EnvironmentArg as DoraEnvironmentArg
from api.graphql.types.dora import FromArg as DoraFromArg
from api.graphql.types.dora import ProductionPatternArg as DoraProductionPatternArg
from api.graphql.types.dora import ToArg as DoraToArg
from api.graphql.types.flow import FlowScope
from api.graphql.types.resolve import follow_many, follow_one, related, text
from graph.metrics.dora import PRODUCTION
from graph.metrics.flow import ScopeKind
from graph.model import Traversal

if TYPE_CHECKING:
    from api.graphql.types.analysis.skill_matrix import SkillMatrix
    from api.graphql.types.delivery import Repository
    from api.graphql.types.stream import Stage, ValueStream
    from api.graphql.types.work import WorkItem

ValueStreamRef = Annotated["ValueStream", strawberry.lazy("api.graphql.types.stream")]
StageRef = Annotated["Stage", strawberry.lazy("api.graphql.types.stream")]
WorkItemRef = Annotated["WorkItem", strawberry.lazy("api.graphql.types.work")]
RepositoryRef = Annotated["Repository", strawberry.lazy("api.graphql.types.delivery")]
SkillMatrixRef = Annotated[
    "SkillMatrix", strawberry.lazy("api.graphql.types.analysis.skill_matrix")
]


@strawberry.interface(description="A node with a display name and an optional description.")
class Named(Node):
    @strawberry.field(description="Display name.")
    def name(self) -> str:
        return self.domain.name

    @strawberry.field(description="Free-text description.")
    def description(self) -> str | None:
        return text(self.domain, "description")


async def work_item_page(
    info: Info, traversal: Traversal, parent: Node, first: int, after: str | None
) -> Connection["WorkItem"]:
    """A page of a parent's work items, batched across parents with the same arguments."""
    from api.graphql.types.work import WorkItem

    loader = info.context.loaders.page(traversal, page_size(first), decode_cursor(after))
    page = await loader.load(parent.domain.id)
    items = [WorkItem.from_domain(n) for n in page.nodes]
    return Connection.build(items, [n.id for n in page.nodes], page.total > len(items), page.total)


@strawberry.type(description="A line of business: owns products and answers for their value.")
class BusinessLine(Named):
    @strawberry.field(description="Products this business line owns (OWNS).")
    async def products(self, info: Info) -> list["Product"]:
        return await follow_many(info, Traversal.BUSINESS_LINE_PRODUCTS, self)


@strawberry.type(description="A product: has value streams, contributing teams, work and code.")
class Product(Named, FlowScope):
    flow_scope = ScopeKind.PRODUCT

    @strawberry.field(description="Prefix of its work-item keys in the planning tool, e.g. PAY.")
    def product_key(self) -> str | None:
        return text(self.domain, "key")

    @strawberry.field(description="The business line that owns the product.")
    async def business_line(self, info: Info) -> BusinessLine | None:
        return await follow_one(info, Traversal.PRODUCT_BUSINESS_LINE, self, BusinessLine)

    @strawberry.field(description="Value streams of the product (HAS_VALUE_STREAM).")
    async def value_streams(self, info: Info) -> list[ValueStreamRef]:
        return await follow_many(info, Traversal.PRODUCT_VALUE_STREAMS, self)

    @strawberry.field(description="Teams contributing to the product (CONTRIBUTES_TO).")
    async def teams(self, info: Info) -> list["Team"]:
        return await follow_many(info, Traversal.PRODUCT_TEAMS, self)

    @strawberry.field(description="Source repositories of the product.")
    async def repositories(self, info: Info) -> list[RepositoryRef]:
        return await follow_many(info, Traversal.PRODUCT_REPOSITORIES, self)

    @strawberry.field(description="Work items for the product (FOR_PRODUCT), in id order.")
    async def work_items(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[WorkItemRef]:
        return await work_item_page(info, Traversal.PRODUCT_WORK_ITEMS_PAGE, self, first, after)

    @strawberry.field(
        description="DORA's four keys for the product in one environment over [from, to): "
        "its deployments (FOR_PRODUCT or through its repositories) and the incidents "
        "affecting it. Definitions on the result types."
    )
    async def dora(
        self,
        info: Info,
        from_: DoraFromArg = None,
        to: DoraToArg = None,
        environment: DoraEnvironmentArg = PRODUCTION,
        production_pattern: DoraProductionPatternArg = None,
    ) -> DoraMetrics:
        return await product_dora(info, self.domain.id, from_, to, environment, production_pattern)


@strawberry.type(description="A team: people who own work items and contribute to products.")
class Team(Named, FlowScope):
    flow_scope = ScopeKind.TEAM

    @strawberry.field(description="People in the team (MEMBER_OF).")
    async def members(self, info: Info) -> list["Person"]:
        return await follow_many(info, Traversal.TEAM_MEMBERS, self)

    @strawberry.field(description="Products the team contributes to (CONTRIBUTES_TO).")
    async def products(self, info: Info) -> list[Product]:
        return await follow_many(info, Traversal.TEAM_PRODUCTS, self)

    @strawberry.field(description="Tools the team uses (USES).")
    async def tools(self, info: Info) -> list["Tool"]:
        return await follow_many(info, Traversal.TEAM_TOOLS, self)

    @strawberry.field(description="Teams this team depends on (DEPENDS_ON).")
    async def depends_on(self, info: Info) -> list["Team"]:
        return await follow_many(info, Traversal.TEAM_DEPENDS_ON, self)

    @strawberry.field(description="Work items the team owns (OWNS), in id order.")
    async def work_items(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[WorkItemRef]:
        return await work_item_page(info, Traversal.TEAM_WORK_ITEMS_PAGE, self, first, after)

    @strawberry.field(
        description="Skills of the team's members: one row per member, one column per skill."
    )
    async def skill_matrix(self, info: Info) -> SkillMatrixRef:
        from api.graphql.types.analysis.skill_matrix import skill_matrix

        return await skill_matrix(info, self.domain.id)


@strawberry.type(description="A skill people have and value-stream stages need.")
class Skill(Named):
    @strawberry.field(description="Grouping, e.g. engineering or testing.")
    def category(self) -> str | None:
        return text(self.domain, "category")


@strawberry.type(description="A skill at a level, from 1 (novice) to 5 (expert).")
class SkillLevel:
    skill: Skill = strawberry.field(description="The skill.")
    level: int = strawberry.field(description="1 (novice) to 5 (expert).")


async def skill_levels(info: Info, traversal: Traversal, parent: Node) -> list[SkillLevel]:
    """The skills reached over `traversal` (HAS_SKILL, NEEDS_SKILL) with their levels."""
    found = await related(info, traversal, parent)
    return [SkillLevel(skill=Skill.from_domain(r.node), level=int(r.rel["level"])) for r in found]


@strawberry.type(description="A person: member of teams, with skills.")
class Person(Named):
    @strawberry.field(description="Role, e.g. developer or tester.")
    def role(self) -> str | None:
        return text(self.domain, "role")

    @strawberry.field(description="Teams the person is a member of (MEMBER_OF).")
    async def teams(self, info: Info) -> list[Team]:
        return await follow_many(info, Traversal.PERSON_TEAMS, self)

    @strawberry.field(description="Skills the person has, with levels (HAS_SKILL).")
    async def skills(self, info: Info) -> list[SkillLevel]:
        return await skill_levels(info, Traversal.PERSON_SKILLS, self)


@strawberry.type(description="A tool of the organisation: planning, source control, CI/CD...")
class Tool(Named):
    @strawberry.field(description="planning, source_control, ci, cd, incidents, feedback, other.")
    def kind(self) -> str:
        return text(self.domain, "kind") or "other"

    @strawberry.field(description="Value-stream stages the tool supports (SUPPORTS).")
    async def stages(self, info: Info) -> list[StageRef]:
        return await follow_many(info, Traversal.TOOL_STAGES, self)
