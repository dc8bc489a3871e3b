"""What the live sources left out: items a sync skipped as invalid (docs/sources.md)."""

import strawberry

from api.graphql.context import Info
from graph.sync.cursor import list_cursors, load_cursor


@strawberry.type(
    description="An item a live sync left out because it is invalid (nothing of it was "
    "written); the next run of `vsg sync` fetches it again, so a fix in the tool lands."
)
class SkippedSyncItem:
    walk: str = strawberry.field(description="The sync walk, e.g. github:acme/payments:pulls.")
    source: str = strawberry.field(description="The Tool id of the source, e.g. github.com.")
    kind: str = strawberry.field(description="What the item is: issue, commit, pull request...")
    id: str = strawberry.field(description="The item's id in its tool, else its position.")
    position: str = strawberry.field(description="Where in the fetched page it was.")
    field: str = strawberry.field(description="The field that is wrong.")
    reason: str = strawberry.field(description="What is wrong with it.")


@strawberry.type
class Query:
    @strawberry.field(
        description="The items the last run of each live sync walk skipped as invalid, by "
        "walk. What waits for a node the graph does not hold yet is in dataQuality."
    )
    async def sync_skipped(self, info: Info) -> list[SkippedSyncItem]:
        store = info.context.store
        out: list[SkippedSyncItem] = []
        for listed in await list_cursors(store):
            cursor = await load_cursor(store, listed.id)
            out += [
                SkippedSyncItem(
                    walk=cursor.id,
                    source=item.get("source", ""),
                    kind=item.get("kind", ""),
                    id=item.get("id", ""),
                    position=item.get("position", ""),
                    field=item.get("field", ""),
                    reason=item.get("reason", ""),
                )
                for item in cursor.skipped
            ]
        return out
