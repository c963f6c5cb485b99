"""Problem tickets over the operators' socket: many tickets linked at once (the bulk
action), the ticket page's payload naming the problem and its linked tickets, the list
narrowed to them, and a complaint kept from those who may not see it."""

from __future__ import annotations

from typing import Any

from .test_operator_tickets import console, file, numbers, server

__all__ = ["console", "server"]  # fixtures, used by name


async def test_tickets_are_linked_many_at_once(server: Any, console: Any) -> None:
    ann = await console("Ann")
    outage = await file(server, "Panne DC2", email="noc@ardenne.test")
    a = await file(server, "Site lent")
    b = await file(server, "Mails perdus", email="tom@example.be")
    ack = await ann.call(
        "ticket_bulk", {"refs": [a.label, b.id, "#999999"], "problem": outage.label}
    )
    assert ack["ok"] and sorted(ack["changed"]) == sorted([a.id, b.id]), ack
    assert list(ack["refused"]) == ["#999999"]
    page = await ann.call("ticket_watch", {"ref": outage.label})
    assert [t["number"] for t in page["incidents"]] == [a.label, b.label]
    assert page["problem"] is None
    linked = await ann.call("ticket_watch", {"ref": a.label})
    assert linked["problem"]["number"] == outage.label and linked["incidents"] == []
    assert [e["kind"] for e in linked["events"]][-1] == "linked"
    assert sorted(await numbers(ann, view="all", problem=outage.id)) == [a.label, b.label]
    # A list's rows say it: the problem each is linked to, how many a problem has.
    rows = {t["number"]: t for t in (await ann.call("tickets", {"view": "all"}))["tickets"]}
    assert (rows[a.label]["problem"], rows[a.label]["problem_id"]) == (outage.label, outage.id)
    assert rows[outage.label]["linked"] == 2 and "problem" not in rows[outage.label]
    # The problem itself cannot be linked to another, nor in the same bulk as a problem.
    refused = await ann.call("ticket_bulk", {"refs": [outage.label], "problem": a.label})
    assert refused["changed"] == [] and list(refused["refused"]) == [outage.label]
    both = await ann.call("ticket_bulk", {"refs": [a.label], "problem": "#1", "tag": "x"})
    assert both["ok"] is False


async def test_a_complaint_linked_to_a_problem_stays_its_managers(
    server: Any, console: Any
) -> None:
    ann, sam = await console("Ann"), await console("Sam", role="service_manager")
    outage = await file(server, "Panne DC2", email="noc@ardenne.test")
    complaint = await file(server, "Service honteux", type="complaint")
    request = await file(server, "Site lent")
    ack = await sam.call(
        "ticket_bulk", {"refs": [complaint.label, request.label], "problem": outage.label}
    )
    assert sorted(ack["changed"]) == sorted([complaint.id, request.id]), ack
    seen = await sam.call("ticket_watch", {"ref": outage.label})
    assert {t["number"] for t in seen["incidents"]} == {complaint.label, request.label}
    page = await ann.call("ticket_watch", {"ref": outage.label})
    assert [t["number"] for t in page["incidents"]] == [request.label]
    assert await numbers(ann, view="all", problem=outage.id) == [request.label]
    # The lists' counts agree with what each may see.
    for who, count in ((ann, 1), (sam, 2)):
        rows = {t["number"]: t for t in (await who.call("tickets", {"view": "all"}))["tickets"]}
        assert rows[outage.label]["linked"] == count
