"""SQLite: the ticket lists operators save."""

from __future__ import annotations

from ...models import SavedView, format_ts
from ..savedviews import COUNT_VIEWS, DELETE_VIEW, GET_VIEW, LIST_VIEWS, SAVE_VIEW, view_row
from .worker import SqliteWorker

__all__ = ["SqliteSavedViews"]


class SqliteSavedViews:
    """:class:`~chatdesk.store.SavedViewStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def save_view(self, view: SavedView) -> SavedView:
        sql = SAVE_VIEW.format(p="?")
        args = (view.id, view.owner_id, view.name, view.query, int(view.shared),
                format_ts(view.created_at))  # fmt: skip
        return view_row(await self._worker.run(lambda conn: conn.execute(sql, args).fetchone()))

    async def list_views(self, operator_id: str) -> list[SavedView]:
        sql = LIST_VIEWS.format(p="?")
        rows = await self._worker.run(lambda conn: conn.execute(sql, (operator_id,)).fetchall())
        return [view_row(row) for row in rows]

    async def count_views(self, owner_id: str) -> int:
        sql = COUNT_VIEWS.format(p="?")
        row = await self._worker.run(lambda conn: conn.execute(sql, (owner_id,)).fetchone())
        return int(row[0])

    async def get_view(self, view_id: str) -> SavedView | None:
        sql = GET_VIEW.format(p="?")
        row = await self._worker.run(lambda conn: conn.execute(sql, (view_id,)).fetchone())
        return None if row is None else view_row(row)

    async def delete_view(self, view_id: str) -> bool:
        sql = DELETE_VIEW.format(p="?")
        return bool(await self._worker.run(lambda conn: conn.execute(sql, (view_id,)).rowcount))
