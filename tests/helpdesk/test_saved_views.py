"""Operators' saved ticket lists on a real store: their own, shared ones by admins only,
replaced by name, limited in number, deleted by their author or an admin."""

from __future__ import annotations

import pytest

from chatdesk.errors import Conflict, Forbidden, InvalidPayload, NotFound
from chatdesk.helpdesk.savedviews import MAX_VIEWS
from chatdesk.services import Services

from .conftest import operator


async def test_an_operator_s_views_and_the_shared_ones(hd: Services) -> None:
    ada, bob = await operator(hd, "Ada", "admin"), await operator(hd, "Bob")
    views = hd.helpdesk.saved_views
    urgent = await views.save(bob, "  Urgent   unassigned ", "view=unassigned&priority=urgent")
    assert urgent.name == "Urgent unassigned" and not urgent.shared
    outage = await views.save(ada, "Outage", "view=all&tag=outage", shared=True)
    billing = await views.save(ada, "billing", "view=open&department=billing")
    # His own first, by name; then what others shared. Hers are hers.
    assert [v.name for v in await views.visible(bob)] == ["Urgent unassigned", "Outage"]
    assert [v.name for v in await views.visible(ada)] == ["billing", "Outage"]
    assert (await views.get(bob, outage.id)).query == "view=all&tag=outage"
    for hidden in (billing.id, "0" * 32, "x" * 500):
        with pytest.raises(NotFound) as refused:
            await views.get(bob, hidden)
        assert refused.value.code == "unknown_view"

    # The same name replaces the view (its filters); sharing is an admin's.
    again = await views.save(
        bob, "Urgent unassigned", "view=unassigned&priority=urgent&sort=created"
    )
    assert again.id == urgent.id and again.query.endswith("sort=created")
    with pytest.raises(Forbidden) as refused:
        await views.save(bob, "Mine to all", "view=mine", shared=True)
    assert refused.value.code == "view_shared"
    for name in ("", "   ", "x" * 61):
        with pytest.raises(InvalidPayload) as invalid:
            await views.save(bob, name, "view=open")
        assert invalid.value.code == "view_name"
    with pytest.raises(InvalidPayload):
        await views.save(bob, "Long", "q=" + "x" * 1000)

    # Bob deletes his own, not the shared one; an admin deletes a shared one.
    with pytest.raises(Forbidden):
        await views.delete(bob, outage.id)
    assert (await views.delete(bob, urgent.id)).id == urgent.id
    with pytest.raises(NotFound):
        await views.delete(bob, urgent.id)
    await views.delete(ada, outage.id)
    assert await views.visible(bob) == []


async def test_an_operator_keeps_thirty_views_at_most(hd: Services) -> None:
    bob = await operator(hd, "Bob")
    views = hd.helpdesk.saved_views
    for n in range(MAX_VIEWS):
        await views.save(bob, f"View {n}", f"view=open&tag=t{n}")
    with pytest.raises(Conflict) as refused:
        await views.save(bob, "One more", "view=open")
    assert refused.value.code == "too_many_views"
    # Replacing one by its name is no new view.
    assert (await views.save(bob, "View 3", "view=all")).query == "view=all"
