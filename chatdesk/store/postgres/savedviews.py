"""PostgreSQL: the ticket lists operators save."""

from __future__ import annotations

from ...models import SavedView, format_ts
from ..savedviews import COUNT_VIEWS, DELETE_VIEW, GET_VIEW, LIST_VIEWS, SAVE_VIEW, view_row
from .database import Database

__all__ = ["PostgresSavedViews"]


class PostgresSavedViews:
    """:class:`~chatdesk.store.SavedViewStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save_view(self, view: SavedView) -> SavedView:
        args = (view.id, view.owner_id, view.name, view.query, int(view.shared),
                format_ts(view.created_at))  # fmt: skip
        return view_row(await self._db.fetchrow(SAVE_VIEW.format(p="$"), *args))

    async def list_views(self, operator_id: str) -> list[SavedView]:
        return [
            view_row(row) for row in await self._db.fetch(LIST_VIEWS.format(p="$"), operator_id)
        ]

    async def count_views(self, owner_id: str) -> int:
        return int(await self._db.fetchval(COUNT_VIEWS.format(p="$"), owner_id))

    async def get_view(self, view_id: str) -> SavedView | None:
        row = await self._db.fetchrow(GET_VIEW.format(p="$"), view_id)
        return None if row is None else view_row(row)

    async def delete_view(self, view_id: str) -> bool:
        return bool(await self._db.execute(DELETE_VIEW.format(p="$"), view_id))
