"""A ticket's life through the services: filing, replies, the state machine, merges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chatdesk.errors import Conflict, Forbidden, InvalidFields, NotFound
from chatdesk.events import (
    TicketAssigned,
    TicketClosed,
    TicketCreated,
    TicketMerged,
    TicketReplied,
    TicketStatusChanged,
)
from chatdesk.helpdesk import Edit, NewTicket, TicketFilter
from chatdesk.models import Status, TicketType
from chatdesk.services import Services
from chatdesk.tickets import TRANSITIONS, check_transition

from ..desk import Clock
from .conftest import operator


def request(**kw: object) -> NewTicket:
    kw.setdefault("email", "Lea@Example.be")
    kw.setdefault("subject", "  Le site   est en panne ")
    kw.setdefault("description", "Depuis ce matin, erreur 500.")
    kw.setdefault("lang", "fr")
    kw.setdefault("type", "incident")
    return NewTicket(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_every_move_of_the_state_machine(current: Status, target: Status) -> None:
    allowed = {
        Status.NEW: {"open", "pending", "on_hold", "resolved", "closed"},
        Status.OPEN: {"new", "pending", "on_hold", "resolved", "closed"},
        Status.PENDING: {"open", "on_hold", "resolved", "closed"},
        Status.ON_HOLD: {"open", "pending", "resolved", "closed"},
        Status.RESOLVED: {"open", "closed"},
        Status.CLOSED: set(),
    }
    assert {s.value for s in TRANSITIONS[current]} == allowed[current]
    if target is current or target.value in allowed[current]:
        check_transition(current, target)
    else:
        with pytest.raises(Conflict) as info:
            check_transition(current, target)
        assert info.value.code == "invalid_transition" and info.value.status == 409


async def test_filing_gives_a_number_a_follow_link_and_due_times(hd: Services) -> None:
    ticket, events = await hd.helpdesk.filing.file(request(fields={"site_id": "1234"}))
    assert ticket.label == "#000001" and ticket.status is Status.NEW
    assert (ticket.subject, ticket.requester_email, ticket.type) == (
        "Le site est en panne",
        "lea@example.be",
        TicketType.INCIDENT,
    )
    (created,) = events
    assert isinstance(created, TicketCreated) and created.reply_by == ticket.due_at
    found, requester = await hd.helpdesk.views.follow(created.follow_token)
    assert found.id == ticket.id and requester is not None and requester.email == "lea@example.be"
    # Tuesday 10:30 in Brussels: normal is one business day, by the same time tomorrow.
    assert ticket.due_at == hd.helpdesk.clocks.clock() + timedelta(days=1)
    assert ticket.resolution_due == hd.helpdesk.clocks.clock() + timedelta(days=7)  # 5 b.d.
    view = await hd.helpdesk.views.requester_view(found)
    assert [m["text"] for m in view["messages"]] == ["Depuis ce matin, erreur 500."]


async def test_requester_reply_reopens_and_operator_reply_stops_the_clock(
    hd: Services, clock: Clock
) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(request())
    requester = await hd.helpdesk.people.requester("lea@example.be")
    clock.advance(minutes=10)
    message, after, events = await hd.helpdesk.tickets.reply(
        ticket.label, ann, "Pouvez-vous préciser ?", client_id="c1"
    )
    assert after.first_response_at == clock.now and after.status is Status.OPEN
    assert isinstance(events[0], TicketReplied) and isinstance(events[1], TicketStatusChanged)
    again, _, none = await hd.helpdesk.tickets.reply(ticket.id, ann, "retry", client_id="c1")
    assert again == message and none == []
    after, events = await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="pending"))
    moved = next(e for e in events if isinstance(e, TicketStatusChanged))
    assert moved.auto_close_at is not None and after.sla_paused_at == clock.now
    clock.advance(hours=1)
    _, after, events = await hd.helpdesk.tickets.reply(
        ticket.id, requester, "Voici", client_id="r1"
    )
    assert after.status is Status.OPEN and after.sla_paused_at is None
    assert after.resolution_due == ticket.resolution_due + timedelta(hours=1)  # pause added back
    assert after.auto_close_at is None
    note, _, _ = await hd.helpdesk.tickets.reply(ticket.id, ann, "VIP", internal=True)
    public = await hd.helpdesk.views.requester_view(after)
    assert "VIP" not in [m["text"] for m in public["messages"]] and note.internal
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="resolved"))
    with pytest.raises(Conflict):
        await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="pending"))
    history = [e.kind for e in await hd._store.helpdesk.list_ticket_events(ticket.id)]
    assert history.count("status") >= 3 and history[0] == "created"


async def test_who_answers_an_unassigned_ticket_takes_it(hd: Services) -> None:
    ann, bob = await operator(hd, "Ann"), await operator(hd, "Bob")
    ticket, _ = await hd.helpdesk.filing.file(request())
    # A note is not an answer: the ticket stays in the unassigned queue.
    _, after, events = await hd.helpdesk.tickets.reply(ticket.id, bob, "vu", internal=True)
    assert after.operator_id is None and not any(isinstance(e, TicketAssigned) for e in events)
    _, after, events = await hd.helpdesk.tickets.reply(ticket.id, ann, "Bonjour Léa")
    assert after.operator_id == ann.id
    (assigned,) = [e for e in events if isinstance(e, TicketAssigned)]
    assert assigned.before is None
    rows = await hd._store.helpdesk.list_ticket_events(ticket.id)
    assert ("assignee", {"from": None, "to": ann.id}) in [(r.kind, r.data) for r in rows]
    # A colleague's later answer leaves the owner as it is.
    _, after, events = await hd.helpdesk.tickets.reply(ticket.id, bob, "J'ajoute ceci")
    assert after.operator_id == ann.id and not any(isinstance(e, TicketAssigned) for e in events)


async def test_an_operator_replies_and_sets_the_status_in_one_step(
    hd: Services, clock: Clock
) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(request())
    requester = await hd.helpdesk.people.requester("lea@example.be")
    assert requester is not None
    with pytest.raises(Forbidden):
        await hd.helpdesk.tickets.reply(ticket.id, requester, "Merci", then=Status.CLOSED)
    clock.advance(minutes=5)
    message, after, events = await hd.helpdesk.tickets.reply(
        ticket.id, ann, "Pouvez-vous réessayer ?", then=Status.PENDING
    )
    # New → open (the reply) → pending (asked), in one transaction: two history rows.
    assert after.status is Status.PENDING and after.first_response_at == clock.now
    assert after.auto_close_at is not None and after.sla_paused_at == clock.now
    assert isinstance(events[0], TicketReplied) and events[0].message == message
    (moved,) = [e for e in events if isinstance(e, TicketStatusChanged)]
    assert moved.before is Status.NEW and moved.auto_close_at == after.auto_close_at
    rows = await hd._store.helpdesk.list_ticket_events(ticket.id)
    # The move names the message it came with (mail says both in one).
    assert [(r.kind, r.data) for r in rows if r.kind == "status"] == [
        ("status", {"from": "new", "to": "open"}),
        ("status", {"from": "open", "to": "pending", "reply": message.id}),
    ]
    _, resolved, events = await hd.helpdesk.tickets.reply(
        ticket.id, ann, "C'est réglé.", then=Status.RESOLVED
    )
    assert resolved.status is Status.RESOLVED and resolved.resolved_at == clock.now
    # A move the status does not allow is refused before anything is posted.
    with pytest.raises(Conflict) as info:
        await hd.helpdesk.tickets.reply(ticket.id, ann, "Encore ?", then=Status.PENDING)
    assert info.value.code == "invalid_transition"
    thread = await hd.helpdesk.views.requester_view(resolved)
    assert "Encore ?" not in [m["text"] for m in thread["messages"]]


async def test_forbidden_moves_are_conflicts(hd: Services) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(request())
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="resolved"))
    with pytest.raises(Conflict) as info:
        await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="pending"))
    assert info.value.code == "invalid_transition"
    closed, events = await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="closed"))
    assert closed.closed_at is not None and any(isinstance(e, TicketClosed) for e in events)
    with pytest.raises(Conflict):
        await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="open"))
    with pytest.raises(Conflict) as closed_info:
        await hd.helpdesk.tickets.reply(ticket.id, ann, "late")
    assert closed_info.value.code == "ticket_closed"


async def test_a_reply_to_a_closed_ticket_opens_a_follow_up(hd: Services) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(request())
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="closed", assignee=ann.id))
    lea = await hd.helpdesk.people.requester("lea@example.be")
    message, follow_up, events = await hd.helpdesk.tickets.reply(ticket.id, lea, "Encore en panne")
    assert follow_up.id != ticket.id and follow_up.follow_up_of == ticket.id
    assert message.ticket_id == follow_up.id and follow_up.status is Status.NEW
    assert isinstance(events[0], TicketCreated)
    closed = await hd._store.helpdesk.get_ticket(ticket.id)
    assert closed is not None and closed.status is Status.CLOSED


async def test_a_retried_reply_to_a_closed_ticket_files_one_follow_up(hd: Services) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(request())
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="closed"))
    lea = await hd.helpdesk.people.requester("lea@example.be")
    first, follow_up, events = await hd.helpdesk.tickets.reply(
        ticket.id, lea, "Encore en panne", client_id="form-1"
    )
    assert events and first.client_id == "form-1"
    # The portal's form sent twice: the same follow-up, its first message, nothing new.
    again, same, none = await hd.helpdesk.tickets.reply(
        ticket.id, lea, "Encore en panne", client_id="form-1"
    )
    assert (again.id, same.id, none) == (first.id, follow_up.id, [])
    # Another client id is another reply: another follow-up.
    _, other, _ = await hd.helpdesk.tickets.reply(ticket.id, lea, "Et ceci", client_id="form-2")
    assert other.id != follow_up.id and other.follow_up_of == ticket.id


async def test_merge_moves_the_thread_and_tells_the_requester(hd: Services) -> None:
    ann = await operator(hd, "Ann")
    source, _ = await hd.helpdesk.filing.file(request(subject="Facture en double"))
    target, _ = await hd.helpdesk.filing.file(request(subject="Facturation"))
    after, events = await hd.helpdesk.tickets.merge(ann, source.label, target.label)
    merged = next(e for e in events if isinstance(e, TicketMerged))
    assert merged.ticket.merged_into == target.id and merged.ticket.status is Status.CLOSED
    assert merged.into == after and merged.follow_token
    view = await hd.helpdesk.views.operator_view(ann, target.id)
    assert len(view["messages"]) == 2
    assert {e["kind"] for e in view["events"]} >= {"created", "merged_from"}
    with pytest.raises(Conflict):
        await hd.helpdesk.tickets.merge(ann, target.id, source.id)  # into a closed ticket


async def test_a_merge_keeps_those_who_followed_the_merged_thread(hd: Services) -> None:
    ann = await operator(hd, "Ann")
    source, _ = await hd.helpdesk.filing.file(
        request(email="marc@example.be", subject="Facture", cc=["compta@example.be"])
    )
    target, _ = await hd.helpdesk.filing.file(request(subject="Facturation", cc=["x@example.be"]))
    after, _ = await hd.helpdesk.tickets.merge(ann, source.label, target.label)
    # Marc and his accountant get the replies where the thread went.
    assert after.cc == {"x@example.be", "marc@example.be", "compta@example.be"}
    [row] = [e for e in await hd._store.helpdesk.list_ticket_events(target.id) if e.kind == "cc"]
    assert row.actor_id == ann.id


async def test_custom_fields_are_checked_on_edit_and_required_rules_apply(hd: Services) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(request())
    with pytest.raises(InvalidFields) as info:
        await hd.helpdesk.tickets.change(ann, ticket.id, Edit(fields={"site_id": "12"}))
    assert info.value.fields == {"site_id": "Cette valeur n'a pas le format attendu."}
    after, events = await hd.helpdesk.tickets.change(
        ann, ticket.id, Edit(fields={"site_id": "4321"}, priority="urgent", assignee=ann.id)
    )
    assert after.fields == {"site_id": "4321"} and after.priority == "urgent"
    assert after.due_at == ticket.created_at + timedelta(hours=1)  # urgent: 1 business hour
    assert any(isinstance(e, TicketAssigned) for e in events)


async def test_lists_filter_search_and_refs(hd: Services, clock: Clock) -> None:
    ann = await operator(hd, "Ann")
    a, _ = await hd.helpdesk.filing.file(request(subject="Problème d'accès", priority="urgent"))
    b, _ = await hd.helpdesk.filing.file(request(subject="Factuur klopt niet", lang="nl"))
    c, _ = await hd.helpdesk.filing.file(request(subject="Invoice is wrong", lang="en"))
    await hd.helpdesk.tickets.change(ann, c.id, Edit(assignee=ann.id))

    async def numbers(**kw: object) -> list[str]:
        page = await hd.helpdesk.views.list(ann, TicketFilter(**kw))  # type: ignore[arg-type]
        return [t.label for t in page.tickets]

    assert await numbers(q="probleme acces") == [a.label]
    assert await numbers(q="factuur") == [b.label]
    assert await numbers(q="INVOICE") == [c.label]
    assert await numbers(mine=True) == [c.label]
    assert await numbers(unassigned=True) == [a.label, b.label]
    assert await numbers(breaching_soon=True) == []
    clock.advance(minutes=31)
    assert await numbers(breaching_soon=True) == [a.label]  # urgent: due within the hour
    assert (await hd.helpdesk.views.operator_view(ann, "000002"))["ticket"]["id"] == b.id
    with pytest.raises(NotFound):
        await hd.helpdesk.views.operator_view(ann, "#999999")
    with pytest.raises(NotFound):
        await hd.helpdesk.views.operator_view(ann, "not a ref")
