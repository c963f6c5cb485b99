"""Turn domain events into Socket.IO emits: the only place that decides who hears what."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import socketio

from ..bot.markdown import render_markdown
from ..chatfiles import ChatFileLinks
from ..events import (
    ChatMentioned,
    ConversationChanged,
    ConversationEscalated,
    DeskChanged,
    Event,
    HoldEnded,
    InboxCounts,
    LanguageChanged,
    MailBounced,
    MessagePosted,
    NotePosted,
    NoticePublished,
    OperatorOffered,
    OperatorRead,
    OperatorsMentioned,
    PresenceChanged,
    StateChanged,
    TicketNews,
    TicketPresence,
    TicketRollCall,
    TypingChanged,
    VisitorBlocked,
    VisitorRead,
)
from ..helpdesk import ticket_summary
from ..inbox import read_payload
from ..metrics import Metrics
from ..models import Author, ServiceNotice, TicketType, format_ts
from . import rooms

__all__ = ["Publisher", "notice_payload"]

log = logging.getLogger(__name__)


class Publisher:
    """Emit domain events to the rooms that should hear them.

    With a Redis client manager the emits reach every process, so a service's events
    may be published from any process.

    :param metrics: where published chat messages are counted.
    :param links: signs the links of files sent in chat for visitors (None: sent as
        stored, the console's links).
    """

    def __init__(
        self,
        sio: socketio.AsyncServer,
        metrics: Metrics | None = None,
        links: ChatFileLinks | None = None,
    ) -> None:
        self.sio = sio
        self.metrics = metrics
        self.links = links
        # Only python-socketio's in-process manager knows every listener of a room; with
        # the Redis one (any subclass) an emit may reach other processes' clients.
        self._local = type(sio.manager) is socketio.AsyncManager

    async def publish(self, events: Iterable[Event]) -> None:
        """Emit each event in order (a ticket's summary once per call, as it is last)."""
        events = list(events)
        latest = {e.ticket.id: e.ticket for e in events if isinstance(e, TicketNews)}
        for event in events:
            if isinstance(event, TicketNews):
                ticket = latest.pop(event.ticket.id, None)
                if ticket is not None:
                    # Complaints are seen only by service managers and admins.
                    room = rooms.SUPERVISORS if ticket.type is TicketType.COMPLAINT else None
                    await self._to_operators("ticket", ticket_summary(ticket), room)
                if isinstance(event, HoldEnded):
                    await self._hold_ended(event)
            elif isinstance(event, MessagePosted):
                await self._message(event)
            elif isinstance(event, TypingChanged):
                await self._typing(event)
            elif isinstance(event, VisitorRead):
                receipt = {"conversation_id": event.conversation_id,
                           **read_payload(event.seq, event.at)}  # fmt: skip
                # Every console: the lists mark the chats whose visitor saw the last reply.
                await self._to_operators("read", receipt)
            elif isinstance(event, OperatorRead):
                room = rooms.conversation(event.conversation_id)
                seen = {"seq": event.seq}
                await self.sio.emit("read", seen, to=room, namespace=rooms.VISITOR_NS)
            elif isinstance(event, ConversationEscalated):
                await self._escalated(event)
            elif isinstance(event, StateChanged):
                room = rooms.conversation(event.conversation_id)
                await self.sio.emit("state", event.state, to=room, namespace=rooms.VISITOR_NS)
            elif isinstance(event, VisitorBlocked):
                await self._blocked(event)
            elif isinstance(event, DeskChanged):
                await self.sio.emit("desk", event.desk, to=rooms.DESK, namespace=rooms.VISITOR_NS)
            elif isinstance(event, ConversationChanged):
                await self._to_operators("conversation", event.summary)
            elif isinstance(event, InboxCounts):
                await self._to_operators("counts", event.counts, rooms.operator(event.operator_id))
            elif isinstance(event, OperatorOffered):
                payload = {"conversation": event.summary, "expires_at": event.expires_at}
                await self._to_operators("offer", payload, rooms.operator(event.operator_id))
            elif isinstance(event, PresenceChanged):
                payload = {
                    "operator_id": event.operator_id,
                    "name": event.name_,
                    "status": event.status,
                }
                await self._to_operators("presence", payload)
            elif isinstance(event, LanguageChanged):
                room = rooms.conversation(event.conversation_id)
                changed = {"lang": event.lang, "bot": event.welcome}
                await self.sio.emit("lang", changed, to=room, namespace=rooms.VISITOR_NS)
            elif isinstance(event, NoticePublished):
                await self._notice(event.notice)
            elif isinstance(event, MailBounced):
                bounced = {
                    "email": event.email,
                    "reason": event.reason,
                    "requester_id": event.requester_id,
                }
                await self._to_operators("mail_bounced", bounced)
            elif isinstance(event, NotePosted):
                room = rooms.conversation(event.note.conversation_id)
                await self._to_operators("note", event.note.to_payload(), room)
            elif isinstance(event, TicketPresence):
                await self._presence(event)
            elif isinstance(event, TicketRollCall):
                await self._to_operators("ticket_roll_call", {"tab": event.tab})
            elif isinstance(event, OperatorsMentioned):
                await self._mentioned(event)
            elif isinstance(event, ChatMentioned):
                note = event.note
                said = {"conversation_id": note.conversation_id, "by": note.operator_name,
                        "text": note.text[:300]}  # fmt: skip
                for operator_id in event.operator_ids:
                    await self._to_operators("chat_mention", said, rooms.operator(operator_id))
            else:
                log.debug("event %s has no transport", event.name)

    async def _blocked(self, event: VisitorBlocked) -> None:
        # Every tab hears it (in any process; the widget closes itself), then this
        # process's connections are closed; a reconnection is refused until `until`.
        room = rooms.visitor(event.visitor_id)
        until = {"until": format_ts(event.until)}
        await self.sio.emit("blocked", until, to=room, namespace=rooms.VISITOR_NS)
        for sid, _ in list(self.sio.manager.get_participants(rooms.VISITOR_NS, room)):
            await self.sio.disconnect(sid, namespace=rooms.VISITOR_NS)

    async def _notice(self, notice: ServiceNotice) -> None:
        # Visitors are anonymous: only notices for everyone, and only those showing now
        # (a scheduled one reaches visitors with their next session).
        if notice.audience or notice.starts_at > notice.created_at:
            return
        payload = {"notices": [notice_payload(notice)]}
        await self.sio.emit("notices", payload, to=rooms.DESK, namespace=rooms.VISITOR_NS)

    async def _to_operators(self, event: str, payload: object, room: str | None = None) -> None:
        room = room or rooms.OPERATORS
        # No console open (at night, on a one-process desk): skip encoding the packet.
        if self._heard(room, rooms.OPERATOR_NS):
            await self.sio.emit(event, payload, to=room, namespace=rooms.OPERATOR_NS)

    async def _message(self, event: MessagePosted) -> None:
        message = event.message
        if self.metrics is not None:
            self.metrics.count_message(message.author)
        room = rooms.conversation(message.conversation_id)
        payload = message.to_payload()
        visitors = self.links.for_visitor(payload) if self.links else payload
        await self.sio.emit("message", visitors, to=room, namespace=rooms.VISITOR_NS)
        # Most conversations have no operator watching: python-socketio would still encode
        # the packet before finding the room empty (bench/README.md, "Hot path").
        if self._heard(room, rooms.OPERATOR_NS):
            await self.sio.emit("message", payload, to=room, namespace=rooms.OPERATOR_NS)

    def _heard(self, room: str, namespace: str) -> bool:
        """Return whether an emit to ``room`` may reach anyone (False only when sure)."""
        if not self._local:
            return True
        return bool(self.sio.manager.rooms.get(namespace, {}).get(room))

    async def _typing(self, event: TypingChanged) -> None:
        room = rooms.conversation(event.conversation_id)
        payload = {
            "conversation_id": event.conversation_id,
            "author": event.author.value,
            "on": event.on,
        }
        # Typing goes to the other side only: a visitor's to operators, the rest to visitors.
        namespace = rooms.OPERATOR_NS if event.author is Author.VISITOR else rooms.VISITOR_NS
        await self.sio.emit("typing", payload, to=room, namespace=namespace)

    async def _presence(self, event: TicketPresence) -> None:
        payload = {
            "ticket_id": event.ticket_id, "operator_id": event.operator_id,
            "name": event.operator_name, "state": event.state, "tab": event.tab,
        }  # fmt: skip
        if event.to_tab is not None:
            # An answer to one list's roll call: that list only (its viewers know already).
            # A complaint's only if that list's connection is a supervisor's.
            to = rooms.tab(event.to_tab, supervisor=event.restricted is not False)
            await self.sio.emit("ticket_viewers", payload, to=to, namespace=rooms.OPERATOR_NS)
            return
        to = rooms.ticket(event.ticket_id)
        await self.sio.emit("ticket_presence", payload, to=to, namespace=rooms.OPERATOR_NS)
        # The ticket lists show who is on each ticket: every console hears it, but only
        # service managers and admins of a complaint, or of a tab gone without saying which
        # tickets it held (the lists forget a tab silent for 60 s).
        lists = rooms.OPERATORS if event.restricted is False else rooms.SUPERVISORS
        await self._to_operators("ticket_viewers", payload, lists)

    async def _mentioned(self, event: OperatorsMentioned) -> None:
        ticket, note = event.ticket, event.note
        payload = {
            "ticket_id": ticket.id, "number": ticket.label, "subject": ticket.subject,
            "by": note.author_name, "text": note.text[:300],
        }  # fmt: skip
        for operator_id in event.operator_ids:
            to = rooms.operator(operator_id)
            await self.sio.emit("mention", payload, to=to, namespace=rooms.OPERATOR_NS)

    async def _hold_ended(self, event: HoldEnded) -> None:
        # The assignee's console says it (nobody's: the ticket is back in the open lists).
        ticket = event.ticket
        if ticket.operator_id is None or event.until is None:
            return
        payload = {
            "ticket_id": ticket.id, "number": ticket.label, "subject": ticket.subject,
            "until": format_ts(event.until),
        }  # fmt: skip
        to = rooms.operator(ticket.operator_id)
        await self.sio.emit("hold_ended", payload, to=to, namespace=rooms.OPERATOR_NS)

    async def _escalated(self, event: ConversationEscalated) -> None:
        payload = {
            "conversation_id": event.conversation_id,
            "reason": event.reason,
            "department": event.department,
            "priority": event.priority,
        }
        room = rooms.conversation(event.conversation_id)
        await self.sio.emit("escalated", payload, to=room, namespace=rooms.VISITOR_NS)


def notice_payload(notice: ServiceNotice) -> dict[str, str]:
    """Return a service notice as visitors get it (``NoticeOut``: its Markdown sanitised)."""
    return {
        "id": notice.id,
        "title": notice.title,
        "body_html": render_markdown(notice.body),
        "severity": notice.severity.value,
    }
