"""The ``/operator`` namespace: the console's live side, for logged-in operators only."""

from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio

from ..errors import ChatdeskError, Forbidden, NotFound, Unauthorized
from ..models import CannedResponse, Operator
from ..services import Services
from . import rooms
from .namespace import BaseNamespace, acked, error_reply
from .opayloads import (
    parse_canned,
    parse_conversation,
    parse_inbox,
    parse_status,
    parse_text,
    parse_transfer,
    parse_typing_in,
)
from .origins import own_origins
from .publish import Publisher

__all__ = ["SESSION_COOKIE", "OperatorNamespace"]

log = logging.getLogger(__name__)

#: The console's session cookie (set at login by web/auth.py).
SESSION_COOKIE = "chatdesk_session"


class OperatorNamespace(BaseNamespace):
    """Socket.IO handlers for operators (protocol: docs/protocol.md, "Operators").

    :param services: the desk's services.
    :param publisher: turns returned events into emits.
    """

    def __init__(self, services: Services, publisher: Publisher) -> None:
        super().__init__(rooms.OPERATOR_NS)
        self.services = services
        self.publisher = publisher

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """Accept a console with a valid session cookie from the desk's own origin."""
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in own_origins(environ):
            # The console never runs on another site; refuse cross-site socket hijacking.
            raise socketio.exceptions.ConnectionRefusedError("forbidden_origin")
        try:
            session = await self.services.operators.session(_cookie(environ))
        except ChatdeskError as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.code, exc.to_payload()) from None
        operator = session.operator
        await self.save_session(sid, {"operator_id": operator.id})
        await self.enter_room(sid, rooms.OPERATORS)
        await self.enter_room(sid, rooms.operator(operator.id))
        self.spawn(self._hello(sid, operator), "hello")

    async def on_disconnect(self, sid: str, reason: str = "") -> None:
        """Count the connection gone; the grace period starts when it was the last."""
        try:
            operator = await self._operator(sid)
        except ChatdeskError:
            return
        await self.publisher.publish(await self.services.routing.operator_disconnected(operator))

    @acked
    async def on_status(self, sid: str, data: Any) -> dict[str, Any]:
        """Set the operator online or away."""
        status = parse_status(data)
        operator = await self._operator(sid)
        await self.publisher.publish(await self.services.routing.set_status(operator, status))
        return {"status": status}

    @acked
    async def on_inbox(self, sid: str, data: Any) -> dict[str, Any]:
        """Return a list: ``queue``, ``mine`` or ``all``, with the three counts."""
        view = parse_inbox(data)
        operator = await self._operator(sid)
        return {
            "conversations": await self.services.inbox.summaries(view, operator),
            "counts": await self.services.store.inbox_counts(operator.id),
        }

    @acked
    async def on_watch(self, sid: str, data: Any) -> dict[str, Any]:
        """Open a conversation: its whole history (bot part and notes included), and live
        updates of it until ``unwatch``."""
        conversation_id = parse_conversation(data, "watch")
        await self._operator(sid)
        store = self.services.store
        conversation = await store.get_conversation(conversation_id)
        summary = await self.services.inbox.summary(conversation_id)
        if conversation is None or summary is None:
            raise NotFound("no such conversation")
        await self.enter_room(sid, rooms.conversation(conversation_id))
        messages, _ = await store.list_messages(
            conversation_id, since=max(0, conversation.last_seq - 200), limit=200
        )
        return {
            "conversation": summary,
            "messages": [m.to_payload() for m in messages],
            "earlier": max(0, conversation.last_seq - 200) > 0,
            "notes": [n.to_payload() for n in await store.list_notes(conversation_id)],
        }

    @acked
    async def on_unwatch(self, sid: str, data: Any) -> dict[str, Any]:
        """Stop the live updates of a conversation."""
        conversation_id = parse_conversation(data, "unwatch")
        await self.leave_room(sid, rooms.conversation(conversation_id))
        return {}

    @acked
    async def on_claim(self, sid: str, data: Any) -> dict[str, Any]:
        """Take a conversation (atomic: one winner; the others get ``already_claimed``)."""
        conversation_id = parse_conversation(data, "claim")
        operator = await self._operator(sid)
        await self.publisher.publish(await self.services.routing.claim(operator, conversation_id))
        return {"conversation": await self.services.inbox.summary(conversation_id)}

    @acked
    async def on_decline(self, sid: str, data: Any) -> dict[str, Any]:
        """Refuse a conversation offered by auto-assign."""
        conversation_id = parse_conversation(data, "decline")
        operator = await self._operator(sid)
        await self.publisher.publish(await self.services.routing.decline(operator, conversation_id))
        return {}

    @acked
    async def on_message(self, sid: str, data: Any) -> dict[str, Any]:
        """Send a message to the visitor (stored before the ack)."""
        request = parse_text(data, "message", self.services.settings.max_message_length)
        operator = await self._operator(sid)
        message, events = await self.services.routing.operator_said(
            operator,
            request.conversation_id,
            text=request.text,
            client_id=request.client_id or "",  # required for `message` by parse_text
        )
        await self.publisher.publish(events)
        return {"message": message.to_payload()}

    @acked
    async def on_note(self, sid: str, data: Any) -> dict[str, Any]:
        """Add a private note (never sent to the visitor)."""
        request = parse_text(data, "note", self.services.settings.max_message_length)
        operator = await self._operator(sid)
        note, events = await self.services.routing.add_note(
            operator, request.conversation_id, text=request.text, client_id=request.client_id
        )
        await self.publisher.publish(events)
        return {"note": note.to_payload()}

    async def on_typing(self, sid: str, data: Any = None) -> None:
        """Relay the operator's typing state to the visitor."""
        try:
            conversation_id, on = parse_typing_in(data)
            await self._operator(sid)
        except ChatdeskError as exc:
            await self.emit("error", error_reply(exc)["error"], to=sid)
            return
        await self.publisher.publish(self.services.routing.operator_typing(conversation_id, on))

    @acked
    async def on_transfer(self, sid: str, data: Any) -> dict[str, Any]:
        """Give a live conversation to another operator or department."""
        request = parse_transfer(data)
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
        conversation_id = parse_conversation(data, "handback")
        operator = await self._operator(sid)
        await self.publisher.publish(
            await self.services.routing.hand_back(operator, conversation_id)
        )
        return {}

    @acked
    async def on_close(self, sid: str, data: Any) -> dict[str, Any]:
        """Close the conversation (ticket resolved; the visitor is asked for a rating)."""
        conversation_id = parse_conversation(data, "close")
        operator = await self._operator(sid)
        await self.publisher.publish(await self.services.routing.close(operator, conversation_id))
        return {}

    @acked
    async def on_operators(self, sid: str, data: Any) -> dict[str, Any]:
        """List the operators with their presence and load (for transfers)."""
        await self._operator(sid)
        store = self.services.store
        presence, load = await store.presence(), await store.live_load()
        return {
            "operators": [
                {
                    **o.to_payload(),
                    "status": presence[o.id].status if o.id in presence else "offline",
                    "load": load.get(o.id, 0),
                }
                for o in await store.list_operators()
                if not o.disabled
            ],
            "departments": list(self.services.config.departments),
        }

    @acked
    async def on_canned(self, sid: str, data: Any) -> dict[str, Any]:
        """List canned responses (for ``/shortcut`` in the composer)."""
        await self._operator(sid)
        responses = await self.services.store.list_canned()
        return {"responses": [r.to_payload() for r in responses]}

    @acked
    async def on_canned_save(self, sid: str, data: Any) -> dict[str, Any]:
        """Create or replace a canned response (admins only)."""
        shortcut, lang, text = parse_canned(data, need_text=True)
        await self._admin(sid)
        await self.services.store.save_canned(CannedResponse(shortcut, lang, text))
        return {}

    @acked
    async def on_canned_delete(self, sid: str, data: Any) -> dict[str, Any]:
        """Delete a canned response (admins only)."""
        shortcut, lang, _ = parse_canned(data, need_text=False)
        await self._admin(sid)
        if not await self.services.store.delete_canned(shortcut, lang):
            raise NotFound("no such canned response")
        return {}

    async def _hello(self, sid: str, operator: Operator) -> None:
        if not await self.connected(sid):
            return
        await self.publisher.publish(await self.services.routing.operator_connected(operator))
        presence = (await self.services.store.presence()).get(operator.id)
        await self.emit(
            "hello",
            {
                "operator": operator.to_payload(),
                "status": presence.status if presence else "online",
                "counts": await self.services.store.inbox_counts(operator.id),
                "departments": list(self.services.config.departments),
            },
            to=sid,
        )

    async def _operator(self, sid: str) -> Operator:
        """Return the connection's operator, re-read so a disabled account stops at once."""
        session = await self.get_session(sid)
        operator = await self.services.store.get_operator(str(session.get("operator_id")))
        if operator is None or operator.disabled:
            raise Unauthorized("your account is disabled")
        return operator

    async def _admin(self, sid: str) -> Operator:
        operator = await self._operator(sid)
        if not operator.is_admin:
            raise Forbidden("only admins may change canned responses")
        return operator


def _cookie(environ: dict[str, Any]) -> str:
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        raise Unauthorized("please log in") from None
    morsel = cookie.get(SESSION_COOKIE)
    if morsel is None or not morsel.value:
        raise Unauthorized("please log in")
    return morsel.value
