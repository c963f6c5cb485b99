"""Contract of the helpdesk stores under races, and of lists whose rows share a time."""

from __future__ import annotations

import asyncio

from chatdesk.models import (
    ApiToken,
    AuthorKind,
    Invitation,
    Organisation,
    OrgRole,
    ServiceNotice,
    Severity,
    Status,
    TicketChanges,
    TicketEvent,
    new_id,
)
from chatdesk.store import Store

from .conftest import T0, Factory, later
from .test_helpdesk import file, filed, reply


async def test_racing_compare_and_sets_let_one_through(store: Store) -> None:
    ticket = await filed(store)
    results = await asyncio.gather(
        *(
            store.helpdesk.change_ticket(
                ticket.id,
                TicketChanges(status=Status.OPEN, operator_id=f"op{i}"),
                [TicketEvent(ticket.id, "status", AuthorKind.OPERATOR, f"op{i}", ts=later())],
                expect=Status.NEW,
                now=later(minutes=1),
            )
            for i in range(20)
        )
    )
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    events = await store.helpdesk.list_ticket_events(ticket.id)
    assert [e.actor_id for e in events if e.kind == "status"] == [winners[0].operator_id]


async def test_racing_posts_with_files_keep_the_ticket_budget(store: Store) -> None:
    ticket = await filed(store)
    results = await asyncio.gather(
        *(
            store.helpdesk.post_ticket_message(
                reply(ticket, f"log {i}"),
                [file(bytes([i]) * 400, f"{i}.log", "text/plain")],
                TicketChanges(),
                [],
                expect=None,
                now=later(minutes=1),
                max_ticket_bytes=1000,
            )
            for i in range(5)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, tuple) for r in results) == 2  # 2 x 400 fit in 1000, not 3
    assert sum(a.size for a in await store.helpdesk.list_attachments(ticket.id)) == 800


async def test_racing_joins_respect_the_member_cap(store: Store) -> None:
    org = Organisation(new_id(), "Acme", T0, max_members=2)
    await store.requesters.add_organisation(org)
    people = [
        await store.requesters.save_requester(f"j{i}@acme.be", name="", phone="", lang="", now=T0)
        for i in range(6)
    ]
    joined = await asyncio.gather(
        *(store.requesters.set_member(p.id, org.id, OrgRole.MEMBER) for p in people)
    )
    assert joined.count(True) == 2
    assert len(await store.requesters.list_members(org.id)) == 2


async def test_rows_of_the_same_instant_keep_the_order_they_were_added(
    store: Store, make: Factory
) -> None:
    ticket = await filed(store)
    kinds = [f"k{i}" for i in range(8)]
    await store.helpdesk.change_ticket(
        ticket.id,
        TicketChanges(),
        [TicketEvent(ticket.id, k, AuthorKind.SYSTEM, None, ts=later()) for k in kinds],
        expect=None,
        now=later(),
    )
    events = await store.helpdesk.list_ticket_events(ticket.id)
    assert [e.kind for e in events][1:] == kinds
    for i in range(5):
        await store.helpdesk.post_ticket_message(
            reply(ticket, f"m{i}", ts=later()),
            [file(bytes([i]), f"{i}.png")],
            TicketChanges(),
            [],
            expect=None,
            now=later(),
        )
    messages = await store.helpdesk.list_ticket_messages(ticket.id)
    assert [m.text for m in messages][1:] == [f"m{i}" for i in range(5)]
    files = await store.helpdesk.list_attachments(ticket.id)
    assert [a.filename for a in files] == [f"{i}.png" for i in range(5)]
    # Newest first: of the same instant, the last added first.
    ann = await make.operator("Ann")
    names = [f"n{i}" for i in range(5)]
    for name in names:
        await store.requesters.add_invitation(
            Invitation(new_id(), f"{name}@acme.be", None, ann.id, T0, later(days=1))
        )
        await store.notices.add_notice(
            ServiceNotice(new_id(), name, "", Severity.INFO, T0, None, (), ann.id, T0)
        )
        await store.api_tokens.add_api_token(ApiToken(new_id(), ann.id, name, name * 20, T0))
    newest_first = names[::-1]
    assert [i.email[:2] for i in await store.requesters.list_invitations()] == newest_first
    assert [n.title for n in await store.notices.list_notices()] == newest_first
    assert [n.title for n in await store.notices.active_notices(T0)] == newest_first
    assert [t.name for t in await store.api_tokens.list_api_tokens()] == newest_first


async def test_paused_seconds_keep_their_milliseconds(store: Store) -> None:
    ticket = await filed(store)
    changed = await store.helpdesk.change_ticket(
        ticket.id,
        TicketChanges(paused_seconds=123456.789),
        [],
        expect=None,
        now=later(),
    )
    assert changed is not None and changed.paused_seconds == 123456.789
    again = await store.helpdesk.get_ticket(ticket.id)
    assert again is not None and again.paused_seconds == 123456.789
