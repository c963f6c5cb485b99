"""The ``ticket`` event over a real socket: every operator hears it, complaints only the
service managers and admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from chatdesk.app import PUBLISHER
from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from ..clients import OperatorClient


@pytest.fixture
async def connect(server: Any) -> AsyncIterator[Any]:
    made: list[OperatorClient] = []
    services = server.app[SERVICES]

    async def make(name: str, role: str) -> OperatorClient:
        operator = await services.operators.add(
            f"{name.lower()}@desk.test",
            name=name,
            role=role,
            departments=("general",),
            languages=("fr",),
            password="correct horse battery",
        )
        token, _ = services.operators.tokens.issue(operator)
        client = OperatorClient(str(server.make_url("")))
        made.append(client)
        await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
        return client

    yield make
    for client in made:
        await client.close()


async def test_ticket_summaries_reach_operators_and_complaints_only_supervisors(
    server: Any, connect: Any
) -> None:
    ann = await connect("Ann", "operator")
    sam = await connect("Sam", "service_manager")
    services, publisher = server.app[SERVICES], server.app[PUBLISHER]

    async def file(subject: str, type_: str) -> Any:
        request = NewTicket(email="lea@example.be", subject=subject, type=type_)
        ticket, events = await services.helpdesk.filing.file(request)
        await publisher.publish(events)
        return ticket

    question = await file("Question", "question")
    for client in (ann, sam):
        summary = await client.next("ticket")
        assert summary["number"] == question.label and summary["status"] == "new"
        assert summary["sla"]["first_response_due"] is not None
    complaint = await file("Plainte", "complaint")
    assert (await sam.next("ticket"))["id"] == complaint.id
    last = await file("Encore", "question")
    assert (await sam.next("ticket"))["id"] == last.id
    assert (await ann.next("ticket"))["id"] == last.id  # the complaint never came first
    assert ann.pending("ticket") == []
