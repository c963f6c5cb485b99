"""The REST API's problem tickets: a monitoring system links the customers' tickets to
the outage's ticket, tells every one of them at once, and unlinks; refusals say why."""

from __future__ import annotations

from chatdesk.models import AuthorKind, Status
from chatdesk.wire.apiout import ApiTicket, ApiTicketDetail, ApiTicketPage
from chatdesk.wire.apiproblems import ApiLinkedReplyOut, ApiProblemLink

from .conftest import Api, Desk, ticket_body


async def _ticket(api: Api, subject: str, email: str) -> ApiTicket:
    body = ticket_body(subject=subject, requester={"email": email})
    ticket: ApiTicket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=body)
    return ticket


async def test_an_outage_s_tickets_are_linked_told_and_unlinked(api: Api, desk: Desk) -> None:
    outage = await _ticket(api, "Panne DC2", "noc@ardenne.test")
    lea = await _ticket(api, "Mon VPS ne répond plus", "lea@client.be")
    tom = await _ticket(api, "Site hors ligne", "tom@client.be")
    other = await _ticket(api, "Facture", "zoe@client.be")
    for ticket in (lea, tom):
        link = await api.call("PUT", f"/api/v1/tickets/{ticket.id}/problem", ApiProblemLink,
                              json={"problem": outage.number})  # fmt: skip
        assert (link.ticket.id, link.problem.id) == (ticket.id, outage.id)
    detail = await api.call("GET", f"/api/v1/tickets/{outage.id}", ApiTicketDetail)
    assert detail.linked_ids == [lea.id, tom.id] and detail.problem_id is None
    detail = await api.call("GET", f"/api/v1/tickets/{lea.id}", ApiTicketDetail)
    assert detail.problem_id == outage.id and [e.kind for e in detail.events][-1] == "linked"
    page = await api.call("GET", f"/api/v1/tickets?problem={outage.id}", ApiTicketPage)
    assert sorted(t.id for t in page.tickets) == sorted([lea.id, tom.id])
    # Refusals.
    for ref, problem, status, code in (
        (lea.id, "#999999", 404, "unknown_problem"),
        (lea.id, lea.id, 409, "same_ticket"),
        (tom.id, lea.id, 409, "problem_is_linked"),
        (outage.id, other.id, 409, "has_linked_tickets"),
    ):
        error = await api.error("PUT", f"/api/v1/tickets/{ref}/problem", status,
                                json={"problem": problem})  # fmt: skip
        assert error.code == code, (ref, problem)
    error = await api.error("PUT", f"/api/v1/tickets/{lea.id}/problem", 400, json={"problem": "x"})
    assert error.field == "problem"
    # Told at once, resolved; a retry posts nothing twice.
    words = {"text": "Le DC2 est rétabli.", "status": "resolved", "client_id": "nms-42"}
    told = await api.call("POST", f"/api/v1/tickets/{outage.id}/linked-replies",
                          ApiLinkedReplyOut, json=words)  # fmt: skip
    assert told.sent == [lea.id, tom.id] and told.refused == {}
    again = await api.call("POST", f"/api/v1/tickets/{outage.id}/linked-replies",
                           ApiLinkedReplyOut, json=words)  # fmt: skip
    assert again.sent == [lea.id, tom.id]
    store = desk.services._store
    for ticket in (lea, tom):
        after = await store.helpdesk.get_ticket(ticket.id)
        assert after is not None and after.status is Status.RESOLVED
        said = [m.text for m in await store.helpdesk.list_ticket_messages(ticket.id)
                if m.author is AuthorKind.OPERATOR]  # fmt: skip
        assert said == ["Le DC2 est rétabli."]
    outage_messages = await store.helpdesk.list_ticket_messages(outage.id)
    assert all(m.author is not AuthorKind.OPERATOR for m in outage_messages)  # not on it
    # Unlinked (twice is fine).
    for _ in range(2):
        status, _, _ = await api.raw("DELETE", f"/api/v1/tickets/{lea.id}/problem")
        assert status == 204
    detail = await api.call("GET", f"/api/v1/tickets/{outage.id}", ApiTicketDetail)
    assert detail.linked_ids == [tom.id]
