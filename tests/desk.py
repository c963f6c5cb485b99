"""Helpers for service-level tests: a clock to move, a desk's services on a real store."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chatdesk import Settings
from chatdesk.deskconfig import DeskConfig, RoutingConfig
from chatdesk.hours import BusinessHours
from chatdesk.models import Author, MessageDraft, Mode, Operator
from chatdesk.services import Services, build_services
from chatdesk.store import Store

ALWAYS = BusinessHours(ZoneInfo("Europe/Brussels"), (((time(0), time.max),),) * 7, "")


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)  # a Tuesday, 10:30 in Brussels

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def make_services(store: Store, clock: Clock, **routing: Any) -> Services:
    config = DeskConfig(
        name="Test desk",
        hours=ALWAYS,
        routing=RoutingConfig(
            offline_grace=timedelta(seconds=60), accept_timeout=timedelta(seconds=30), **routing
        ),
    )
    settings = Settings(secret_key="s" * 40, knowledge_dir=None)
    return build_services(settings, config, store, None, clock=clock)


async def operator(
    desk: Services,
    name: str,
    *,
    departments: tuple[str, ...] = ("general",),
    capacity: int | None = None,
    online: bool = True,
) -> Operator:
    op = await desk.operators.add(
        f"{name.lower()}@desk.test",
        name=name,
        role="operator",
        departments=departments,
        languages=("fr", "en"),
        password="correct horse battery",
        capacity=capacity,
    )
    if online:
        await desk.presence.operator_connected(op)
    return op


async def conversation(
    desk: Services, question: str = "Ma facture est fausse", lang: str = "fr"
) -> str:
    _, conv = await desk._store.conversations.create_visitor(
        lang=lang, page="/pricing", now=desk.routing.clock()
    )
    await desk._store.conversations.append_message(conv.id, MessageDraft(Author.VISITOR, question))
    return conv.id


async def escalate(desk: Services, cid: str, **kw: Any) -> list[Any]:
    return await desk.escalation.visitor_asked(cid, **kw)


async def mode_of(desk: Services, cid: str) -> Mode:
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None
    return found.mode
