"""Tickets imported from another helpdesk (``chatdesk tickets import``), on every backend
with a real SMTP sink: each ticket whole, once per reference, signed by the desk's own
operators where their addresses match; nobody mailed, no webhook fed; every mistake named
as file:line before anything is written."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chatdesk.errors import InvalidPayload
from chatdesk.helpdesk import Edit
from chatdesk.helpdesk.ticketexport import TicketExport, TicketExportCount
from chatdesk.models import AuthorKind, Status, TicketQuery
from chatdesk.services import Services

from ..desk import Clock
from ..helpdesk.conftest import operator
from .conftest import Sink, deliver
from .test_outbox import requester
from .test_staff_mail import file


def _line(ref: str, **kw: Any) -> dict[str, Any]:
    return {
        "ref": ref,
        "requester": {"email": "Lea@Acme.be", "name": "Léa Dubois", "lang": "fr"},
        "subject": "Le VPS ne démarre plus",
        "messages": [
            {"author": "requester", "text": "Plus de réponse depuis ce matin.",
             "ts": "2025-03-03T09:12:00Z"},
            {"author": "operator", "email": "ann@desk.test", "text": "Redémarré, c'est reparti.",
             "ts": "2025-03-03T11:02:00+01:00"},
            {"author": "operator", "name": "Marc", "email": "marc@old.example",
             "text": "cause : disque plein", "internal": True, "ts": "2025-03-03T09:30:00Z"},
        ],
    } | kw  # fmt: skip


def _file(tmp_path: Path, *lines: dict[str, Any] | str) -> Path:
    path = tmp_path / "tickets.jsonl"
    path.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
        encoding="utf-8",
    )
    return path


async def test_tickets_come_whole_once_and_tell_nobody(
    desk: Services, sink: Sink, clock: Clock, tmp_path: Path
) -> None:
    ann = await operator(desk, "Ann")
    acme = await desk.helpdesk.people.add_organisation("Acme")
    await desk.helpdesk.domains.add(acme, "acme.be")
    path = _file(
        tmp_path,
        _line("zd:1", status="closed", priority="high", tags=["Migrated"], rating=5,
              rating_comment="Rapide", fields={"site_id": "1234"}, cc=["Boss@Acme.be"]),
        "",
        _line("zd:2", status="pending", assignee="ann@desk.test", subject="Facture double",
              messages=[{"author": "requester", "text": "Deux factures ?",
                         "ts": "2025-04-01T08:00:00Z"}], closed_at=None),
    )  # fmt: skip
    dry = await desk.helpdesk.ticket_import.run(path, dry_run=True)
    assert (dry.tickets, dry.imported, dry.already, dry.first) == (2, 2, 0, "")
    assert await desk._store.requesters.find_requester("lea@acme.be") is None  # wrote nothing

    report = await desk.helpdesk.ticket_import.run(path)
    assert (report.imported, report.already, report.new_requesters) == (2, 0, 1)
    assert (report.first, report.last, report.unassigned) == ("#000001", "#000002", set())
    closed = await desk._store.helpdesk.find_ticket(1)
    assert closed is not None and closed.status is Status.CLOSED
    assert (closed.priority, closed.fields) == ("high", {"site_id": "1234"})
    assert closed.tags == {"migrated"}
    assert closed.created_at.isoformat() == "2025-03-03T09:12:00+00:00"
    assert closed.closed_at == closed.resolved_at and closed.rating == 5
    assert closed.closed_at is not None
    assert closed.closed_at.isoformat() == "2025-03-03T10:02:00+00:00"  # its last message
    assert closed.status_at == closed.closed_at == closed.updated_at
    assert closed.cc == {"boss@acme.be"} and closed.due_at is None
    lea = await desk._store.requesters.find_requester("lea@acme.be")
    assert lea is not None and lea.organisation_id == acme.id == closed.organisation_id
    thread = await desk._store.helpdesk.list_ticket_messages(closed.id)
    # In time order, whatever the file's: Marc's note (09:30 UTC) before Ann's reply.
    assert [(m.author, m.author_id, m.author_name, m.internal) for m in thread] == [
        (AuthorKind.REQUESTER, lea.id, "Léa Dubois", False),
        (AuthorKind.OPERATOR, None, "Marc", True),
        (AuthorKind.OPERATOR, ann.id, "Ann", False),
    ]
    assert closed.first_response_at == thread[2].ts
    (history,) = await desk._store.helpdesk.list_ticket_events(closed.id)
    assert (history.kind, history.data, history.ts) == ("imported", {"ref": "zd:1"}, clock())
    pending = await desk._store.helpdesk.find_ticket(2)
    assert pending is not None and pending.operator_id == ann.id
    assert pending.auto_close_at is not None and pending.auto_close_at > clock()
    # Nobody hears of it: no mail (neither the requester nor Ann), no ticket's webhook;
    # the directory's changes are (requester.*, organisation.*).
    assert await deliver(desk, sink) == []
    feed = await desk._store.hooks.take_feed(100)
    assert "requester.created" in {i.event for i in feed}
    assert {i.source for i in feed} <= {"requester", "organisation"}
    # Found by what was said later in the thread.
    page = await desk._store.ticket_queries.search_tickets(TicketQuery(q="reparti"))
    assert [t.number for t in page.tickets] == [1]

    again = await desk.helpdesk.ticket_import.run(path)
    assert (again.imported, again.already, again.new_requesters) == (0, 2, 0)
    assert await desk._store.helpdesk.find_ticket(3) is None


async def test_every_mistake_is_named_by_line_and_nothing_is_written(
    desk: Services, clock: Clock, tmp_path: Path
) -> None:
    future = (clock() + timedelta(days=3)).isoformat()
    path = _file(
        tmp_path,
        _line("a", messages=[]),
        _line("b", requester={"email": "nope"}),
        "{not json",
        _line("c", department="moon"),
        _line("d", type="rant"),
        _line("e", priority="urgent", fields={"color": "red"}),
        _line("f", messages=[{"author": "requester", "text": "x", "ts": "2025-01-01T00:00:00"}]),
        _line("g", messages=[{"author": "requester", "text": "x", "ts": future}]),
        _line("h", messages=[{"author": "requester", "text": "x", "internal": True,
                              "ts": "2025-01-01T00:00:00Z"}]),
        _line("i", status="open", rating=4),
        _line("c"),
        _line("j", tags=["not a tag!"]),
        _line("k", created_at="2025-03-04T00:00:00Z"),
        _line("l", color="blue"),
        _line("m", subject="   "),
    )  # fmt: skip
    with pytest.raises(InvalidPayload) as refused:
        await desk.helpdesk.ticket_import.run(path)
    lines = refused.value.message.splitlines()
    where = [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in lines]
    assert where == [str(n) for n in range(1, 16)], lines
    said = "\n".join(lines)
    for words in ("messages: Expected `array` of length >= 1", "is not an e-mail address",
                  "not a JSON object", "department: one of general", "type: one of",
                  "the desk has no field color", "with a timezone component", "in the future",
                  "only an operator's message may be internal", "only a resolved or closed",
                  "the reference 'c' is on line 4 too", "created_at: later than its first",
                  "Object contains unknown field `color`",
                  "a subject or a message is blank"):  # fmt: skip
        assert words in said, words
    assert await desk._store.helpdesk.find_ticket(1) is None


async def test_an_export_imports_as_it_is(
    desk: Services, sink: Sink, clock: Clock, tmp_path: Path
) -> None:
    ann = await operator(desk, "Ann")
    ticket = await file(desk, priority="high", fields={"site_id": "1234"})
    await desk.helpdesk.tickets.change(ann, ticket.id, Edit(assignee=ann.id, tags="panne"))
    clock.advance(minutes=5)
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Redémarré.", then=Status.RESOLVED)
    await desk.helpdesk.tickets.reply(ticket.id, ann, "disque plein", internal=True)
    clock.advance(minutes=5)
    await desk.helpdesk.tickets.requester_rated(lea, ticket.id, 4, "Merci")
    await deliver(desk, sink)
    count = TicketExportCount()
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"".join([line async for line in TicketExport(desk._store).lines(count)]))
    assert count.tickets == 1 and len(path.read_bytes().splitlines()) == 1

    # Imported into this very desk (a second desk would read it the same way).
    report = await desk.helpdesk.ticket_import.run(path)
    assert (report.imported, report.first, report.new_requesters) == (1, "#000002", 0)
    before = await desk._store.helpdesk.find_ticket(1)
    after = await desk._store.helpdesk.find_ticket(2)
    assert before is not None and after is not None
    same = ("subject", "status", "type", "priority", "department", "lang", "fields", "tags",
            "cc", "requester_id", "requester_email", "operator_id", "organisation_id",
            "created_at", "resolved_at", "first_response_at", "rating",
            "rating_comment")  # fmt: skip
    assert {k: getattr(after, k) for k in same} == {k: getattr(before, k) for k in same}

    def thread(messages: list[Any]) -> list[tuple[Any, ...]]:
        return [(m.author, m.author_id, m.author_name, m.text, m.internal, m.ts) for m in messages]

    assert thread(await desk._store.helpdesk.list_ticket_messages(after.id)) == thread(
        await desk._store.helpdesk.list_ticket_messages(before.id)
    )
    assert await deliver(desk, sink) == []
    # Exported again, the copy keeps the first reference: another desk imports it once.
    again = [line async for line in TicketExport(desk._store).lines(TicketExportCount())]
    assert [json.loads(line)["ref"] for line in again] == [f"chatdesk:{before.id}"] * 2
