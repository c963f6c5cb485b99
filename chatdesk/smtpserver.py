"""The SMTP receiver (aiosmtpd): hands each incoming message to the mail service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from .events import Event
from .mail import InboundMail

__all__ = ["MailReceiver", "start_receiver"]

log = logging.getLogger(__name__)

Publish = Callable[[Iterable[Event]], Awaitable[None]]


class MailReceiver:
    """aiosmtpd's handler: every message is taken in before the ``250`` (so the MTA keeps
    it and retries on a ``451`` when the desk could not store it)."""

    def __init__(self, inbound: InboundMail, publish: Publish) -> None:
        self.inbound = inbound
        self.publish = publish

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Take one message in; answer the MTA."""
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw or "").encode("utf-8", "replace")
        try:
            received, events = await self.inbound.receive(
                raw, mail_from=envelope.mail_from or "", recipients=list(envelope.rcpt_tos)
            )
        except Exception:  # the MTA keeps the message and tries again later
            log.exception("an incoming message could not be taken in")
            return "451 4.3.0 Temporary failure; please try again later"
        try:
            await self.publish(events)
        except Exception:  # stored already: operators see it on their next look
            log.exception("publishing the events of an incoming message failed")
        log.info(
            "mail from %s: %s %s", envelope.mail_from, received.outcome,
            received.ticket.label if received.ticket else received.reason,
        )  # fmt: skip
        return f"250 2.0.0 Accepted ({received.outcome})"


async def start_receiver(
    handler: MailReceiver, host: str, port: int, *, max_size: int, hostname: str = "chatdesk"
) -> asyncio.Server:
    """Listen for SMTP on ``host:port`` (messages up to ``max_size`` bytes)."""

    def protocol() -> Any:
        return SMTP(
            handler, data_size_limit=max_size, enable_SMTPUTF8=True, hostname=hostname,
            ident="chatdesk",
        )  # fmt: skip

    loop = asyncio.get_running_loop()
    return await loop.create_server(protocol, host, port)
