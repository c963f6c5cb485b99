"""Store protocol for the ticket lists operators save, and the SQL both backends share."""

from __future__ import annotations

from typing import Any, Protocol

from ..models import SavedView, parse_ts

__all__ = [
    "COUNT_VIEWS",
    "DELETE_VIEW",
    "GET_VIEW",
    "LIST_VIEWS",
    "SAVE_VIEW",
    "SavedViewStore",
    "view_row",
]

#: Parameters: id, owner_id, name, query, shared (0 or 1), created_at. A name the owner
#: used already replaces that view's filters and sharing (its id and date stay).
SAVE_VIEW = (
    "INSERT INTO saved_views (id, owner_id, name, query, shared, created_at)"
    " VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6) ON CONFLICT (owner_id, name)"
    " DO UPDATE SET query = excluded.query, shared = excluded.shared"
    " RETURNING id, owner_id, name, query, shared, created_at"
)
#: Parameter: the operator's id. Theirs and the shared ones, oldest first.
LIST_VIEWS = (
    "SELECT id, owner_id, name, query, shared, created_at FROM saved_views"
    " WHERE owner_id = {p}1 OR shared = 1"
    " ORDER BY created_at, id"
)
#: Parameter: the owner's id (how many views they have).
COUNT_VIEWS = "SELECT COUNT(*) FROM saved_views WHERE owner_id = {p}1"
GET_VIEW = "SELECT id, owner_id, name, query, shared, created_at FROM saved_views WHERE id = {p}1"
DELETE_VIEW = "DELETE FROM saved_views WHERE id = {p}1"


def view_row(row: Any) -> SavedView:
    """Build a SavedView from a row (id, owner_id, name, query, shared, created_at)."""
    return SavedView(
        id=row[0],
        owner_id=row[1],
        name=row[2],
        query=row[3],
        shared=bool(row[4]),
        created_at=parse_ts(row[5]),
    )


class SavedViewStore(Protocol):
    """Ticket lists operators named, their own or shared with everyone.

    Usage::

        view = await store.saved_views.save_view(SavedView(id, ann.id, "Urgent", q, now))
        await store.saved_views.list_views(ann.id)   # hers and the shared ones
        await store.saved_views.delete_view(view.id) # True
    """

    async def save_view(self, view: SavedView) -> SavedView:
        """Add ``view``; when its owner has a view of that name already, replace that
        one's query and sharing instead. Return the view as stored."""
        ...

    async def list_views(self, operator_id: str) -> list[SavedView]:
        """Return the operator's views and the shared ones, oldest first."""
        ...

    async def count_views(self, owner_id: str) -> int:
        """Return how many views ``owner_id`` has (shared or not)."""
        ...

    async def get_view(self, view_id: str) -> SavedView | None:
        """Return a view by id."""
        ...

    async def delete_view(self, view_id: str) -> bool:
        """Delete a view; return False if there is none."""
        ...
