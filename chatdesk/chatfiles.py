"""Files a visitor sends in chat: attachments of their conversation's open ticket."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .attachments import chat_file, check_attachment
from .errors import Conflict, Forbidden, InvalidToken, NotFound
from .events import Event, MessagePosted
from .helpdeskconfig import AttachmentLimits
from .models import Attachment, Author, Message, MessageDraft, Status, utcnow
from .store import Store
from .tokens import VisitorTokens

__all__ = ["ChatFileLinks", "ChatFiles", "ChatSender"]


class ChatFileLinks:
    """Signed links to a chat file for the visitor who sent it.

    A signature is an HMAC (SHA-256, keyed by the desk's secret) over the file's id and its
    conversation's id: it opens that one file, for as long as the secret does not change.
    Usage::

        url = links.url(file_id, conversation_id)  # /widget/files/<id>?sig=...
        links.check(file_id, conversation_id, sig)  # or Forbidden
    """

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"chatdesk.chatfile\x00" + secret_key.encode()).digest()

    def sign(self, file_id: str, conversation_id: str) -> str:
        """Return the signature of one file in one conversation (URL-safe)."""
        mac = hmac.new(self._key, f"{file_id}\x00{conversation_id}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()[:24]).decode()

    def url(self, file_id: str, conversation_id: str) -> str:
        """Return the visitor's link to a file (a path on the desk)."""
        return f"/widget/files/{quote(file_id, safe='')}?sig={self.sign(file_id, conversation_id)}"

    def check(self, file_id: str, conversation_id: str, sig: str) -> None:
        """:raises Forbidden: when ``sig`` is not this file's signature."""
        if not hmac.compare_digest(self.sign(file_id, conversation_id), sig):
            raise Forbidden("this file link is not valid", code="bad_signature")

    def for_visitor(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return a message payload with its files' links made the visitor's (signed);
        payloads without files are returned as they are."""
        files = payload.get("attachments")
        if not isinstance(files, list):
            return payload
        conversation_id = str(payload["conversation_id"])
        signed = [f | {"url": self.url(str(f["id"]), conversation_id)} for f in files]
        return payload | {"attachments": signed}


@dataclass(frozen=True, slots=True)
class ChatSender:
    """A visitor allowed to send files: their conversation and its open ticket."""

    visitor_id: str
    conversation_id: str
    ticket_id: str


class ChatFiles:
    """The visitor's files in chat: who may send, checks and storage, the signed downloads.

    :param limits: the desk's ``[attachments]`` limits (the web form's too).
    """

    def __init__(
        self,
        store: Store,
        tokens: VisitorTokens,
        links: ChatFileLinks,
        limits: AttachmentLimits,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.links = links
        self.limits = limits
        self.clock = clock

    async def sender(self, token: str) -> ChatSender:
        """Return who holds ``token`` if they may send files now.

        :raises InvalidToken: a forged token, or a visitor who no longer exists.
        :raises Conflict: ``no_ticket``: their conversation has no open ticket.
        """
        visitor_id = self.tokens.verify(token)
        if await self.store.conversations.get_visitor(visitor_id) is None:
            raise InvalidToken("the visitor token is not valid")
        conversation = await self.store.conversations.current_conversation(visitor_id)
        ticket = None
        if conversation is not None:
            ticket = await self.store.tickets.current_ticket(conversation.id)
        if conversation is None or ticket is None or ticket.status is Status.CLOSED:
            raise Conflict("files can be sent once the team has your request", code="no_ticket")
        return ChatSender(visitor_id, conversation.id, ticket.id)

    async def attach(
        self, sender: ChatSender, *, client_id: str, filename: str, data: bytes
    ) -> tuple[Message, list[Event]]:
        """Check a file (type read from the bytes, the desk's limits) and store it on the
        ticket with its chat message; the same ``client_id`` again returns the first message.

        :raises TooLarge: past ``max_file``, or the ticket's files past ``max_ticket``.
        :raises InvalidPayload: ``empty_file``, ``executable``, ``type_not_allowed``.
        """
        checked = check_attachment(filename, data, max_file=self.limits.max_file)
        described = chat_file(checked)
        now = self.clock()
        draft = MessageDraft(
            author=Author.VISITOR,
            text=checked.filename,
            client_id=client_id,
            extra={"attachments": [described]},
            ts=now,
        )
        message, created = await self.store.helpdesk.add_chat_attachment(
            sender.ticket_id,
            sender.conversation_id,
            checked,
            draft,
            now=now,
            max_ticket_bytes=self.limits.max_ticket,
        )
        return message, [MessagePosted(message)] if created else []

    async def download(self, file_id: str, sig: str) -> tuple[Attachment, bytes]:
        """Return a chat file and its bytes for the holder of its signed link.

        :raises NotFound: no such file, or not one sent in a chat.
        :raises Forbidden: a signature that is not this file's.
        """
        found = await self.store.helpdesk.attachment_data(file_id)
        if found is None:
            raise NotFound("no such file")
        attachment, data = found
        ticket = await self.store.helpdesk.get_ticket(attachment.ticket_id)
        if ticket is None or ticket.conversation_id is None:
            raise NotFound("no such file")
        self.links.check(file_id, ticket.conversation_id, sig)
        return attachment, data
