"""Ticket lists operators save under a name (Zammad's overviews, FreeScout's folders):
their own, or, saved by an admin, shared with every operator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..errors import Conflict, Forbidden, InvalidPayload, NotFound
from ..models import Operator, SavedView, new_id, utcnow
from ..store import Store

__all__ = ["MAX_NAME", "MAX_QUERY", "MAX_VIEWS", "SavedViews"]

#: Views one operator may keep (shared ones they saved included).
MAX_VIEWS = 30
#: Characters in a view's name, and in its query string.
MAX_NAME = 60
MAX_QUERY = 1000


class SavedViews:
    """Save, list and delete operators' named ticket lists.

    A view's ``query`` is the list's filters as a query string, written by the transport
    from a validated request (this service keeps it as given). Usage::

        view = await views.save(ann, "Urgent, unassigned", "view=unassigned&priority=urgent")
        await views.visible(bob)              # his own, then the shared ones
        await views.delete(ann, view.id)
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def visible(self, operator: Operator) -> list[SavedView]:
        """Return the operator's views, then those others shared, each by name."""
        views = await self.store.saved_views.list_views(operator.id)
        return sorted(views, key=lambda v: (v.owner_id != operator.id, v.name.casefold()))

    async def get(self, operator: Operator, view_id: str) -> SavedView:
        """Return a view the operator sees. :raises NotFound: ``unknown_view``."""
        view = await self.store.saved_views.get_view(view_id) if len(view_id) <= 64 else None
        if view is None or not (view.shared or view.owner_id == operator.id):
            raise NotFound("no such view (deleted?)", code="unknown_view")
        return view

    async def save(
        self, operator: Operator, name: str, query: str, *, shared: bool = False
    ) -> SavedView:
        """Save the list ``query`` as ``name`` (spaces collapsed); a name the operator
        used already replaces that view.

        :raises InvalidPayload: ``view_name`` (empty, or longer than :data:`MAX_NAME`),
            ``view_query`` (longer than :data:`MAX_QUERY`).
        :raises Forbidden: ``view_shared``: only admins share views.
        :raises Conflict: ``too_many_views``: the operator has :data:`MAX_VIEWS`.
        """
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise InvalidPayload(f"a view's name has 1 to {MAX_NAME} characters", code="view_name")
        if len(query) > MAX_QUERY:
            raise InvalidPayload("this list has too many filters to save", code="view_query")
        if shared and not operator.is_admin:
            raise Forbidden("only admins share views with everyone", code="view_shared")
        mine = await self.store.saved_views.list_views(operator.id)
        renamed = any(v.owner_id == operator.id and v.name == name for v in mine)
        if not renamed and await self.store.saved_views.count_views(operator.id) >= MAX_VIEWS:
            raise Conflict(
                f"you have {MAX_VIEWS} saved views; delete one first", code="too_many_views"
            )
        view = SavedView(new_id(), operator.id, name, query, self.clock(), shared=shared)
        return await self.store.saved_views.save_view(view)

    async def delete(self, operator: Operator, view_id: str) -> SavedView:
        """Delete a view: the operator's own, or, for an admin, a shared one.

        :raises NotFound: ``unknown_view``. :raises Forbidden: ``view_not_yours``.
        """
        view = await self.get(operator, view_id)
        if view.owner_id != operator.id and not operator.is_admin:
            raise Forbidden(
                "only its author or an admin deletes a shared view", code="view_not_yours"
            )
        await self.store.saved_views.delete_view(view.id)
        return view
