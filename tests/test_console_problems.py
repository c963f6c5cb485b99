"""Problem tickets over real HTTP: customers' tickets about one outage linked to the
outage's ticket, each refusal said in the panel, a list of the linked tickets, one reply
from the problem to every linked requester (once, even when retried), unlinking."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientSession, FormData

from chatdesk.helpdesk import NewTicket
from chatdesk.models import AuthorKind, Status, Ticket
from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import csrf_of, desk, http

__all__ = ["desk", "http"]  # fixtures, used by name


async def _post(http: ClientSession, ref: str, act: str, **data: str) -> str:
    """Post the panel's form; return where it leads."""
    data.setdefault("csrf", await csrf_of(http, f"/console/t/{ref}"))
    async with http.post(f"/console/t/{ref}/{act}", data=data, allow_redirects=False) as r:
        assert r.status == 303, await r.text()
        return r.headers["Location"]


async def _page(http: ClientSession, path: str) -> str:
    async with http.get(path) as response:
        assert response.status == 200
        return await response.text()


async def _file(desk: Any, email: str, subject: str, **kw: Any) -> Ticket:
    ticket, _ = await desk.app[SERVICES].helpdesk.filing.file(
        NewTicket(email, subject, f"{subject}.", lang="fr", department="general", **kw)
    )
    return ticket


async def test_an_outage_s_tickets_are_linked_and_answered_from_its_ticket(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    store = services._store
    outage, _ = await services.helpdesk.filing.file(
        NewTicket("noc@ardenne.test", "Panne réseau Liège", "Routeur en panne.", channel="phone"),
        operator=desk.ada,
    )
    lea = await _file(desk, "lea@example.be", "Mon site ne répond plus")
    tom = await _file(desk, "tom@example.be", "Plus de mails")
    old = await _file(desk, "ann@example.be", "Vieille panne")
    await services.helpdesk.tickets.change(desk.ada, old.id, _close())
    text = await _page(http, f"/console/t/{lea.id}")
    assert "Link to the problem ticket" in text and 'action="/console/t/' in text
    # Linked by number; the page says it in its header, its panel and its history.
    assert await _post(http, lea.id, "link", problem="#000001") == f"/console/t/{lea.id}#links-h"
    assert (
        await _post(http, str(tom.number), "link", problem=outage.id)
        == f"/console/t/{tom.id}#links-h"
    )
    text = await _page(http, f"/console/t/{lea.id}")
    assert "Linked to #000001" in text and "This ticket is about the problem" in text
    assert re.search(
        r'linked this ticket to the problem <a href="/console/t/\w+">#000001</a>', text
    )
    # Refusals, said in the panel (and only those the page knows).
    for ref, problem, said in (
        (old.id, outage.label, "A closed ticket cannot be linked."),
        (outage.id, old.label, "A closed ticket cannot be linked."),
        (lea.id, "#000099", "No such ticket: give the problem ticket"),
        (lea.id, lea.label, "A ticket cannot be its own problem."),
        (tom.id, lea.label, "That ticket is linked to a problem itself"),
    ):
        where = await _post(http, ref, "link", problem=problem)
        assert "link_error=" in where
        assert said in await _page(http, where), (ref, problem)
    fresh = await _file(desk, "zoe@example.be", "Autre chose")
    where = await _post(http, outage.id, "link", problem=fresh.label)
    assert "link_error=has_linked_tickets" in where
    assert "it is a problem ticket" in await _page(http, where)
    forged = await _page(http, f"/console/t/{lea.id}?link_error=%3Cscript%3E")
    assert 'id="link-error"' not in forged and "<script>" not in forged
    # The problem's page lists them, and offers the reply to all.
    text = await _page(http, f"/console/t/{outage.id}")
    assert "Problem: 2 linked tickets" in text and "2 tickets are linked to this one" in text
    assert "Mon site ne répond plus" in text and "Plus de mails" in text
    assert 'name="linked"' in text and "Also send to the 2 linked tickets" in text
    assert "Link to the problem ticket" not in text  # a problem is not linked to another
    listed = await _page(http, f"/console/tickets?view=all&problem={outage.id}")
    assert "Tickets linked to" in listed and "Panne réseau Liège" in listed
    assert "#000002" in listed and "#000003" in listed and "#000004" not in listed
    assert listed.count('<span class="badge linked">Linked to #000001</span>') == 2
    every = await _page(http, "/console/tickets?view=all")
    assert '<span class="badge linked">Problem: 2 linked tickets</span>' in every
    # One reply, resolving: every linked ticket gets it (and its mail), resolved too.
    csrf = await csrf_of(http, f"/console/t/{outage.id}")
    words = "Le routeur est remplacé, tout fonctionne."
    body = await _reply(http, outage.id, csrf, words, client_id="c-1")
    assert body["ok"] and body["ticket"]["status"] == "resolved", body
    assert body["linked"] == {"sent": ["#000002", "#000003"], "refused": {}}
    for ticket in (lea, tom):
        after = await store.helpdesk.get_ticket(ticket.id)
        assert after is not None and after.status is Status.RESOLVED
        said = [m for m in await store.helpdesk.list_ticket_messages(ticket.id)
                if m.author is AuthorKind.OPERATOR]  # fmt: skip
        assert [m.text for m in said] == [words]
    # A retried post (the same client id) posts nothing twice.
    again = await _reply(http, outage.id, csrf, words, client_id="c-1")
    assert again["linked"]["sent"] == ["#000002", "#000003"]
    for ticket in (lea, tom):
        messages = await store.helpdesk.list_ticket_messages(ticket.id)
        assert sum(m.author is AuthorKind.OPERATOR for m in messages) == 1
    events = await store.helpdesk.list_ticket_events(outage.id)
    assert [e.data["count"] for e in events if e.kind == "linked_reply"] == [2]
    text = await _page(http, f"/console/t/{outage.id}")
    assert "sent the reply to 2 linked tickets" in text
    # A note stays on the problem.
    note = await _reply(http, outage.id, csrf, "Cause : orage.", client_id="c-2", internal="on")
    assert "linked" not in note
    # Unlinked: the problem's history says it; the list no longer has it.
    assert await _post(http, lea.id, "unlink") == f"/console/t/{lea.id}#links-h"
    assert "Linked to #000001" not in await _page(http, f"/console/t/{lea.id}")
    text = await _page(http, f"/console/t/{outage.id}")
    assert re.search(r'unlinked <a href="/console/t/\w+">#000002</a> from this problem', text)
    assert await store.problems.incidents(outage.id) == [tom.id]


async def _reply(
    http: ClientSession, ref: str, csrf: str, text: str, *, client_id: str, **more: str
) -> dict[str, Any]:
    form = FormData(default_to_multipart=True)
    for name, value in {"csrf": csrf, "text": text, "client_id": client_id, "linked": "on",
                        "status": "resolved", **more}.items():  # fmt: skip
        form.add_field(name, value)
    async with http.post(
        f"/console/t/{ref}/reply", data=form, headers={"Accept": "application/json"}
    ) as response:
        body: dict[str, Any] = await response.json()
        return body


def _close() -> Any:
    from chatdesk.helpdesk import Edit

    return Edit(status="closed")
