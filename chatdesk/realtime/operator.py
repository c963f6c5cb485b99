"""The ``/operator`` namespace: the console's live side, for logged-in operators only."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

from ..errors import ChatdeskError, Forbidden, InvalidPayload, Unauthorized
from ..events import Event
from ..metrics import Metrics
from ..models import InboxView, Operator, PresenceStatus
from ..services import Services
from ..wire import decode
from ..wire.operator import (
    BlockVisitorIn,
    ConversationIn,
    InboxIn,
    NoteIn,
    OperatorMessageIn,
    OperatorReadIn,
    OperatorTranscriptIn,
    OperatorTypingIn,
    StatusIn,
    TicketUpdateIn,
    TransferIn,
)
from ..wire.visitor import NothingIn
from . import rooms
from .answers import AnswerEvents
from .canned import CannedEvents
from .handshake import direct_origin, session_cookie
from .namespace import acked, error_reply
from .origins import own_origins
from .publish import Publisher
from .throttle import TokenBucket
from .tickets import TicketEvents, presence_tab

__all__ = ["OperatorNamespace"]

log = logging.getLogger(__name__)

#: Operators are logged in and busy: a generous bucket (per second, burst) that still
#: stops a runaway script.
_OPERATOR_RATE = (20.0, 100)


#: A routing step on one conversation, by an operator (its events to publish).
_Step = Callable[[Operator, str], Awaitable[list[Event]]]


class OperatorNamespace(TicketEvents, AnswerEvents, CannedEvents):
    """Socket.IO handlers for operators (protocol: docs/protocol.md, "Operators").

    :param services: the desk's services.
    :param publisher: turns returned events into emits.
    :param metrics: where acks' latencies go.
    """

    def __init__(
        self, services: Services, publisher: Publisher, metrics: Metrics | None = None
    ) -> None:
        super().__init__(rooms.OPERATOR_NS, metrics)
        self.services = services
        self.publisher = publisher
        self._buckets: dict[str, TokenBucket] = {}
        self.roll_calls: dict[str, TokenBucket] = {}

    @property
    def connections(self) -> int:
        """Return how many console connections this process has open."""
        return len(self._buckets)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """Accept a console with a valid session cookie from the desk's own origin."""
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in own_origins(environ):
            # The console never runs on another site; refuse cross-site socket hijacking.
            raise socketio.exceptions.ConnectionRefusedError("forbidden_origin")
        try:
            session = await self.services.operators.session(session_cookie(environ))
        except ChatdeskError as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.code, exc.to_payload()) from None
        if session.must_enrol:
            refusal = Forbidden(
                "set two-step sign-in up in the console first", code="two_factor_required"
            )
            raise socketio.exceptions.ConnectionRefusedError(refusal.code, refusal.to_payload())
        operator = session.operator
        # The session's version too: a password change or "sign out my other sessions"
        # ends this connection at its next request (_operator).
        # Where the help centre's links point in the answers an operator quotes.
        base = self.services.settings.public_url or origin or direct_origin(environ)
        await self.save_session(sid, {
            "operator_id": operator.id, "version": operator.session_version, "base": base,
            "session_id": session.session_id,
        })  # fmt: skip
        await self.enter_room(sid, rooms.OPERATORS)
        await self.enter_room(sid, rooms.operator(operator.id))
        # Answers to this connection's ticket roll calls (a complaint's: to a supervisor's).
        await self.enter_room(sid, rooms.tab(presence_tab(sid)))
        if operator.sees_complaints:
            await self.enter_room(sid, rooms.SUPERVISORS)
            await self.enter_room(sid, rooms.tab(presence_tab(sid), supervisor=True))
        self._buckets[sid] = TokenBucket(*_OPERATOR_RATE)
        self.spawn(self._hello(sid, operator), "hello")

    async def cut_ended_sessions(self) -> int:
        """Disconnect this process's consoles whose session ended (another browser signed
        everything else out, a new password, a disabled account) though they have sent
        nothing since: they would still hear the desk's news. Return how many."""
        current: dict[str, int | None] = {}
        cut = 0
        for sid in list(self._buckets):
            try:
                session = await self.get_session(sid)
            except KeyError:  # gone meanwhile
                continue
            operator_id = str(session.get("operator_id"))
            if operator_id not in current:
                try:
                    current[operator_id] = (
                        await self.services.operators.active(operator_id)
                    ).session_version
                except ChatdeskError:
                    current[operator_id] = None
            if current[operator_id] != session.get("version") or not await self._open(session):
                await self.disconnect(sid)
                cut += 1
        return cut

    async def on_disconnect(self, sid: str, reason: str = "") -> None:
        """Count the connection gone; the grace period starts when it was the last."""
        self._buckets.pop(sid, None)
        self.roll_calls.pop(sid, None)
        try:
            session = await self.get_session(sid)
            # Not _operator: a connection whose session ended still leaves the presence.
            operator = await self.services.operators.active(str(session.get("operator_id")))
        except ChatdeskError:
            return
        if followed := self.followed(sid):
            tab = presence_tab(sid)
            await self.publisher.publish(
                self.services.helpdesk.console.left(operator, followed, tab)
            )
        await self.publisher.publish(await self.services.presence.operator_disconnected(operator))

    @acked
    async def on_status(self, sid: str, data: Any) -> dict[str, Any]:
        """Set the operator online or away."""
        request = decode(StatusIn, data, "status")
        operator = await self._operator(sid)
        status = PresenceStatus(request.status)
        await self.publisher.publish(await self.services.presence.set_status(operator, status))
        return {"status": status.value}

    @acked
    async def on_inbox(self, sid: str, data: Any) -> dict[str, Any]:
        """Return a list: ``queue``, ``mine`` or ``all``, with the counts."""
        request = decode(InboxIn, data, "inbox")
        operator = await self._operator(sid)
        inbox = self.services.inbox
        return {
            "conversations": await inbox.summaries(InboxView(request.view), operator),
            "counts": await inbox.counts_for(operator.id),
        }

    @acked
    async def on_watch(self, sid: str, data: Any) -> dict[str, Any]:
        """Open a conversation: its whole history (bot part and notes included), and live
        updates of it until ``unwatch``."""
        conversation_id = decode(ConversationIn, data, "watch").conversation_id
        await self._operator(sid)
        # Join first, then read: a message posted in between arrives live (clients key
        # messages by seq), none falls between the two.
        room = rooms.conversation(conversation_id)
        await self.enter_room(sid, room)
        try:
            return await self.services.inbox.conversation_view(conversation_id)
        except ChatdeskError:
            await self.leave_room(sid, room)
            raise

    @acked
    async def on_unwatch(self, sid: str, data: Any) -> dict[str, Any]:
        """Stop the live updates of a conversation."""
        conversation_id = decode(ConversationIn, data, "unwatch").conversation_id
        await self._operator(sid)
        await self.leave_room(sid, rooms.conversation(conversation_id))
        return {}

    @acked
    async def on_claim(self, sid: str, data: Any) -> dict[str, Any]:
        """Take a conversation (atomic: one winner; the others get ``already_claimed``)."""
        conversation_id = decode(ConversationIn, data, "claim").conversation_id
        operator = await self._operator(sid)
        await self.publisher.publish(await self.services.routing.claim(operator, conversation_id))
        return {"conversation": await self.services.inbox.summary(conversation_id)}

    @acked
    async def on_decline(self, sid: str, data: Any) -> dict[str, Any]:
        """Refuse a conversation offered by auto-assign."""
        return await self._routed(sid, data, "decline", self.services.routing.decline)

    @acked
    async def on_message(self, sid: str, data: Any) -> dict[str, Any]:
        """Send a message to the visitor (stored before the ack)."""
        request = decode(OperatorMessageIn, data, "message")
        operator = await self._operator(sid)
        message, events = await self.services.routing.operator_said(
            operator, request.conversation_id, text=request.text, client_id=request.client_id
        )
        await self.publisher.publish(events)
        return {"message": message.to_payload()}

    @acked
    async def on_note(self, sid: str, data: Any) -> dict[str, Any]:
        """Add a private note (never sent to the visitor)."""
        request = decode(NoteIn, data, "note")
        operator = await self._operator(sid)
        note, events = await self.services.routing.add_note(
            operator, request.conversation_id, text=request.text, client_id=request.client_id
        )
        await self.publisher.publish(events)
        return {"note": note.to_payload()}

    @acked
    async def on_read(self, sid: str, data: Any) -> dict[str, Any]:
        """The operator has seen their conversation up to ``seq``: its visitor learns it."""
        request = decode(OperatorReadIn, data, "read")
        operator = await self._operator(sid)
        inbox = self.services.inbox
        await self.publisher.publish(
            await inbox.operator_read(operator, request.conversation_id, request.seq)
        )
        return {}

    async def on_typing(self, sid: str, data: Any = None) -> None:
        """Relay the operator's typing state to the visitor."""
        try:
            request = decode(OperatorTypingIn, data, "typing")
            await self._operator(sid)
        except ChatdeskError as exc:
            await self.emit("error", error_reply(exc)["error"], to=sid)
            return
        events = self.services.routing.operator_typing(request.conversation_id, request.on)
        await self.publisher.publish(events)

    @acked
    async def on_transfer(self, sid: str, data: Any) -> dict[str, Any]:
        """Give a live conversation to another operator or department."""
        request = decode(TransferIn, data, "transfer")
        if (request.operator_id is None) == (request.department is None):
            raise InvalidPayload("give exactly one of `operator_id` and `department`")
        operator = await self._operator(sid)
        await self.publisher.publish(
            await self.services.routing.transfer(
                operator,
                request.conversation_id,
                to_operator=request.operator_id,
                to_department=request.department,
            )
        )
        return {}

    @acked
    async def on_handback(self, sid: str, data: Any) -> dict[str, Any]:
        """Give the conversation back to the bot."""
        return await self._routed(sid, data, "handback", self.services.routing.hand_back)

    @acked
    async def on_close(self, sid: str, data: Any) -> dict[str, Any]:
        """Close the conversation (ticket resolved; the visitor is asked for a rating)."""
        return await self._routed(sid, data, "close", self.services.routing.close)

    @acked
    async def on_unblock_visitor(self, sid: str, data: Any) -> dict[str, Any]:
        """Lift the block on the conversation's visitor (a block given by mistake)."""
        return await self._routed(sid, data, "unblock_visitor", self.services.routing.unblock)

    async def _routed(self, sid: str, data: Any, event: str, act: _Step) -> dict[str, Any]:
        """Do ``act`` (a routing step) on the conversation ``data`` names; publish."""
        conversation_id = decode(ConversationIn, data, event).conversation_id
        await self.publisher.publish(await act(await self._operator(sid), conversation_id))
        return {}

    @acked
    async def on_block_visitor(self, sid: str, data: Any) -> dict[str, Any]:
        """End the conversation and block its visitor for 1, 7 or 30 days (abuse)."""
        wanted = decode(BlockVisitorIn, data, "block_visitor")
        operator = await self._operator(sid)
        events = await self.services.routing.block(operator, wanted.conversation_id, wanted.days)
        await self.publisher.publish(events)
        return {}

    @acked
    async def on_transcript(self, sid: str, data: Any) -> dict[str, Any]:
        """Mail the conversation to an address (the requester's, or a colleague's)."""
        request = decode(OperatorTranscriptIn, data, "transcript")
        operator = await self._operator(sid)
        transcripts = self.services.mail.transcripts
        mail = await transcripts.send(operator, request.conversation_id, request.email)
        return {"email": mail.to}

    @acked
    async def on_reopen(self, sid: str, data: Any) -> dict[str, Any]:
        """Take back a closed (or handed back) conversation: live again, ticket open."""
        conversation_id = decode(ConversationIn, data, "reopen").conversation_id
        operator = await self._operator(sid)
        await self.publisher.publish(await self.services.routing.reopen(operator, conversation_id))
        return {"conversation": await self.services.inbox.summary(conversation_id)}

    @acked
    async def on_ticket_update(self, sid: str, data: Any) -> dict[str, Any]:
        """Change the conversation's ticket: subject, priority, department."""
        request = decode(TicketUpdateIn, data, "ticket_update")
        operator = await self._operator(sid)
        events = await self.services.tickets.operator_changed(
            operator,
            request.conversation_id,
            subject=request.subject,
            priority=request.priority,
            department=request.department,
        )
        await self.publisher.publish(events)
        return {"conversation": await self.services.inbox.summary(request.conversation_id)}

    @acked
    async def on_operators(self, sid: str, data: Any) -> dict[str, Any]:
        """List the operators with their presence and load (for transfers)."""
        decode(NothingIn, data, "operators")
        await self._operator(sid)
        return {
            "operators": [
                # `capacity` here is the effective one (the desk's default when unset).
                {**o.to_payload(), "status": status.value, "load": load, "capacity": capacity}
                for o, status, load, capacity in await self.services.presence.overview()
            ],
            "departments": list(self.services.config.departments),
        }

    async def _hello(self, sid: str, operator: Operator) -> None:
        if not await self.connected(sid):
            return
        presence = self.services.presence
        await self.publisher.publish(await presence.operator_connected(operator))
        await self.emit(
            "hello",
            {
                "operator": operator.to_payload(),
                "status": (await presence.status_of(operator.id)).value,
                "counts": await self.services.inbox.counts_for(operator.id),
                "departments": list(self.services.config.departments),
            },
            to=sid,
        )

    async def _operator(self, sid: str) -> Operator:
        """Return the connection's operator (re-read: a disabled account stops at once),
        after taking a token from the connection's flood bucket."""
        bucket = self._buckets.get(sid)
        if bucket is not None:
            self.check_bucket(bucket)
        session = await self.get_session(sid)
        operator = await self.services.operators.active(str(session.get("operator_id")))
        if operator.session_version != session.get(
            "version", operator.session_version
        ) or not await self._open(session, operator):
            # Its session ended (another browser signed everything else out, or this
            # one; a new password): cut the connection; its reconnection is refused.
            self.spawn(self.disconnect(sid), "ended session")
            raise Unauthorized("your session has ended; please log in")
        return operator

    async def _open(self, session: dict[str, Any], operator: Operator | None = None) -> bool:
        """Return whether the connection's console session still has its row."""
        session_id = str(session.get("session_id") or "")
        if not session_id:
            return True
        if operator is None:
            operator = await self.services.operators.get(str(session.get("operator_id")))
            if operator is None:
                return False
        try:
            await self.services.operators.sessions.check(operator, session_id)
        except ChatdeskError:
            return False
        return True
