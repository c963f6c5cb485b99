"""The ``/visitor`` namespace: validate what the widget sends, delegate, ack."""

from __future__ import annotations

import logging
from typing import Any

import socketio

from ..conversation import VisitorSession
from ..errors import ChatdeskError, InvalidPayload, RateLimited
from ..escalation import Contact
from ..metrics import Metrics
from ..models import MAX_PAGE, LangSource, Message
from ..services import Services
from ..wire import decode
from ..wire.visitor import (
    ChooseIn,
    ConnectAuth,
    ContactIn,
    EscalateIn,
    FeedbackIn,
    HistoryIn,
    LangIn,
    MessageIn,
    NothingIn,
    RateIn,
    ReadIn,
    TranscriptIn,
    TypingIn,
)
from . import rooms
from .namespace import BaseNamespace, acked, error_reply
from .publish import Publisher, notice_payload
from .throttle import TokenBucket

__all__ = ["VisitorNamespace"]

log = logging.getLogger(__name__)

#: Typing signals are cheap and come in pairs around every message: their own, looser
#: bucket (per second, burst).
_TYPING_RATE = (5.0, 20)


class VisitorNamespace(BaseNamespace):
    """Socket.IO handlers for website visitors (protocol: docs/protocol.md).

    :param services: the desk's services (conversations, escalation...).
    :param publisher: turns returned events into emits.
    :param metrics: where acks' latencies go.
    """

    def __init__(
        self, services: Services, publisher: Publisher, metrics: Metrics | None = None
    ) -> None:
        super().__init__(rooms.VISITOR_NS, metrics)
        self.services = services
        self.conversations = services.conversations
        self.publisher = publisher
        self.settings = services.settings
        self.flood = services.flood
        #: Per connection: its message bucket, its typing bucket, and its visitor.
        self._buckets: dict[str, tuple[TokenBucket, TokenBucket, str]] = {}

    @property
    def connections(self) -> int:
        """Return how many visitor connections this process has open."""
        return len(self._buckets)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """Accept a visitor: new, or returning with a token; refuse with a reason otherwise."""
        try:
            request = decode(ConnectAuth, auth, "auth")
            session = await self.conversations.visitor_connected(
                token=request.token or None,
                lang=request.lang,
                page=request.page or "",
                lang_source=LangSource(request.lang_source or "browser"),
            )
        except ChatdeskError as exc:
            code = "invalid_auth" if isinstance(exc, InvalidPayload) else exc.code
            raise socketio.exceptions.ConnectionRefusedError(code, exc.to_payload()) from None
        except Exception:
            log.exception("visitor connect failed")
            raise socketio.exceptions.ConnectionRefusedError("internal_error") from None
        conversation = session.conversation
        await self.save_session(
            sid, {"visitor_id": session.visitor.id, "conversation_id": conversation.id}
        )
        await self.enter_room(sid, rooms.conversation(conversation.id))
        await self.enter_room(sid, rooms.visitor(session.visitor.id))
        self._buckets[sid] = (
            TokenBucket(self.settings.visitor_rate, self.settings.visitor_burst),
            TokenBucket(*_TYPING_RATE),
            session.visitor.id,
        )
        self.spawn(self._welcome(sid, session, request.since), "welcome")

    async def on_disconnect(self, sid: str, reason: str = "") -> None:
        """Forget the connection's flood-control state."""
        self._buckets.pop(sid, None)

    @acked
    async def on_message(self, sid: str, data: Any) -> dict[str, Any]:
        """Store a visitor message before acking it; then let the responder answer."""
        incoming = decode(MessageIn, data, "message")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        message, events, follow_up = await self.conversations.visitor_said(
            conversation_id, client_id=incoming.client_id, text=incoming.text
        )
        await self.publisher.publish(events)
        if follow_up:
            self.spawn(self._respond(message), "responder")
        return {"message": self._visible(message)}

    @acked
    async def on_choose(self, sid: str, data: Any) -> dict[str, Any]:
        """Store the visitor picking a suggestion or quick reply; the bot answers it."""
        choice = decode(ChooseIn, data, "choose")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        message, events = await self.conversations.visitor_chose(
            conversation_id, entry_id=choice.entry_id, client_id=choice.client_id
        )
        await self.publisher.publish(events)
        if events:
            self.spawn(self._respond(message), "responder")
        return {"message": self._visible(message)}

    @acked
    async def on_feedback(self, sid: str, data: Any) -> dict[str, Any]:
        """Store the visitor's rating of a bot answer."""
        feedback = decode(FeedbackIn, data, "feedback")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        await self.conversations.visitor_rated(
            conversation_id, message_id=feedback.message_id, useful=feedback.useful
        )
        return {}

    @acked
    async def on_escalate(self, sid: str, data: Any) -> dict[str, Any]:
        """The visitor asks for a person ("Talk to a person")."""
        request = decode(EscalateIn, data, "escalate")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        await self.publisher.publish(
            await self.services.escalation.visitor_asked(
                conversation_id, department=request.department, priority=request.priority
            )
        )
        return {"state": await self.services.inbox.state_of(conversation_id)}

    @acked
    async def on_contact(self, sid: str, data: Any) -> dict[str, Any]:
        """The offline form: the visitor's contact details and description."""
        form = decode(ContactIn, data, "contact")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        contact = Contact(
            email=form.email,
            name=form.name or "",
            subject=form.subject or "",
            description=form.description or "",
            department=form.department,
            priority=form.priority,
        )
        await self.publisher.publish(
            await self.services.escalation.visitor_contact(conversation_id, contact)
        )
        return {"state": await self.services.inbox.state_of(conversation_id)}

    @acked
    async def on_rate(self, sid: str, data: Any) -> dict[str, Any]:
        """The visitor's 1-5 rating after an operator closed the conversation."""
        rating = decode(RateIn, data, "rate")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        await self.publisher.publish(
            await self.services.escalation.visitor_rated(
                conversation_id, rating.score, rating.comment or ""
            )
        )
        return {}

    @acked
    async def on_transcript(self, sid: str, data: Any) -> dict[str, Any]:
        """Mail the conversation to the address the visitor gives."""
        request = decode(TranscriptIn, data, "transcript")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        mail = await self.services.mail.transcripts.request(conversation_id, request.email)
        return {"email": mail.to}

    @acked
    async def on_forget(self, sid: str, data: Any) -> dict[str, Any]:
        """Delete everything of this visitor, then close their connections ("Forget me")."""
        decode(NothingIn, data, "forget")
        self._throttle(sid)
        session = await self.get_session(sid)
        visitor_id = str(session["visitor_id"])
        await self.conversations.visitor_forgot(visitor_id)
        # After the ack: tell every tab (in any process), then drop this process's sockets.
        self.spawn(self._disconnect_visitor(visitor_id), "forget")
        return {}

    @acked
    async def on_lang(self, sid: str, data: Any) -> dict[str, Any]:
        """The visitor chose the conversation's language (no reconnect needed)."""
        request = decode(LangIn, data, "lang")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        conversation, events = await self.conversations.visitor_chose_language(
            conversation_id, request.lang
        )
        await self.publisher.publish(events)
        return {
            "lang": conversation.lang,
            "bot": self.conversations.welcome(conversation),
            "state": await self.services.inbox.state(conversation),
        }

    @acked
    async def on_history(self, sid: str, data: Any) -> dict[str, Any]:
        """Return a page of the visitor's own conversation."""
        request = decode(HistoryIn, data, "history")
        self._throttle(sid)
        conversation_id = await self._conversation_id(sid)
        messages, more = await self.conversations.history(
            conversation_id, since=request.since, limit=min(request.limit or 50, MAX_PAGE)
        )
        payloads = [self._visible(m) for m in messages]
        return {"messages": payloads, "more": more}

    @acked
    async def on_read(self, sid: str, data: Any) -> dict[str, Any]:
        """The visitor has seen their conversation up to ``seq``: operators watching it
        learn it (a read receipt; stored, so a console opened later knows it too)."""
        request = decode(ReadIn, data, "read")
        self._throttle(sid, typing=True)  # the light allowance: one per message seen
        conversation_id = await self._conversation_id(sid)
        await self.publisher.publish(
            await self.services.inbox.visitor_read(conversation_id, request.seq)
        )
        return {}

    async def on_typing(self, sid: str, data: Any = None) -> None:
        """Relay the visitor's typing state to the other side; never stored."""
        try:
            typing = decode(TypingIn, data, "typing")
            self._throttle(sid, typing=True)
            conversation_id = await self._conversation_id(sid)
        except ChatdeskError as exc:
            await self.emit("error", error_reply(exc)["error"], to=sid)
            return
        await self.publisher.publish(self.conversations.visitor_typing(conversation_id, typing.on))

    def _throttle(self, sid: str, *, typing: bool = False) -> None:
        buckets = self._buckets.get(sid)
        if buckets is None:
            return
        if typing:
            self.check_bucket(buckets[1])
            return
        self.check_bucket(buckets[0])
        # Many tabs (or processes) must not multiply one visitor's allowance.
        if not self.flood.allow(buckets[2]):
            raise RateLimited("you are sending too fast; wait a moment")

    async def _conversation_id(self, sid: str) -> str:
        session = await self.get_session(sid)
        return str(session["conversation_id"])

    async def _welcome(self, sid: str, session: VisitorSession, since: int | None) -> None:
        if not await self.connected(sid):
            return
        conversation = session.conversation
        await self.emit(
            "session",
            {
                "token": session.token,
                "visitor_id": session.visitor.id,
                "conversation_id": conversation.id,
                "seq": conversation.last_seq,
                "lang": conversation.lang,
                "mode": conversation.mode.value,
                "bot": session.welcome,
                "state": await self.services.inbox.state(conversation),
                "desk": await self.services.desk.status(),
                "notices": [
                    notice_payload(n) for n in await self.services.helpdesk.notices.active()
                ],
                "read_seq": conversation.operator_read_seq,
            },
            to=sid,
        )
        await self.enter_room(sid, rooms.DESK)
        if since is None:
            return
        cursor = since
        while True:
            messages, more = await self.conversations.history(
                conversation.id, since=cursor, limit=MAX_PAGE
            )
            for message in messages:
                await self.emit("message", self._visible(message), to=sid)
            if not more or not messages:
                break
            cursor = messages[-1].seq

    def _visible(self, message: Message) -> dict[str, Any]:
        """Return a message as the visitor receives it (their files' links signed)."""
        return self.services.chatfiles.links.for_visitor(message.to_payload())

    async def _disconnect_visitor(self, visitor_id: str) -> None:
        room = rooms.visitor(visitor_id)
        await self.emit("forgotten", {}, room=room)
        for sid, _ in list(self.server.manager.get_participants(self.namespace, room)):
            await self.server.disconnect(sid, namespace=self.namespace)

    async def _respond(self, message: Message) -> None:
        await self.publisher.publish(await self.conversations.respond(message))
