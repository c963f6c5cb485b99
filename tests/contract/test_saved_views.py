"""Contract of SavedViewStore: the ticket lists operators save, on both backends."""

from __future__ import annotations

from chatdesk.models import SavedView, new_id
from chatdesk.store import Store

from .conftest import T0, Factory, later


async def test_views_are_the_owner_s_and_the_shared_ones(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    urgent = await store.saved_views.save_view(
        SavedView(new_id(), ann.id, "Urgent", "view=open&priority=urgent", T0)
    )
    assert urgent.name == "Urgent" and not urgent.shared and urgent.created_at == T0
    outage = await store.saved_views.save_view(
        SavedView(new_id(), bob.id, "Outage", "view=all&tag=outage", later(hours=1), shared=True)
    )
    mine = await store.saved_views.save_view(
        SavedView(new_id(), bob.id, "Mine", "view=mine", later(hours=2))
    )
    assert [v.name for v in await store.saved_views.list_views(ann.id)] == ["Urgent", "Outage"]
    assert [v.name for v in await store.saved_views.list_views(bob.id)] == ["Outage", "Mine"]
    assert (
        await store.saved_views.count_views(bob.id) == 2
        and await store.saved_views.count_views(ann.id) == 1
    )
    assert await store.saved_views.get_view(outage.id) == outage
    assert await store.saved_views.get_view("0" * 32) is None

    # The same name again replaces that view's filters and sharing (id and date kept);
    # another operator may use the name too.
    again = await store.saved_views.save_view(
        SavedView(new_id(), ann.id, "Urgent", "view=all&priority=urgent", later(days=1), True)
    )
    assert (again.id, again.created_at, again.query, again.shared) == (
        urgent.id,
        T0,
        "view=all&priority=urgent",
        True,
    )
    other = await store.saved_views.save_view(
        SavedView(new_id(), bob.id, "Urgent", "view=open", later(hours=3))
    )
    assert other.id != urgent.id
    listed = [(v.name, v.owner_id) for v in await store.saved_views.list_views(bob.id)]
    assert listed == [("Urgent", ann.id), ("Outage", bob.id), ("Mine", bob.id), ("Urgent", bob.id)]

    assert await store.saved_views.delete_view(mine.id)
    assert not await store.saved_views.delete_view(mine.id)
    assert [v.id for v in await store.saved_views.list_views(bob.id)] == [
        urgent.id,
        outage.id,
        other.id,
    ]
