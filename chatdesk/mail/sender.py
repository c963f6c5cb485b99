"""Hand a message to the SMTP server (aiosmtplib); say whether a failure is worth a retry."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any, Protocol

import aiosmtplib

from ..mailconfig import SmtpTarget

__all__ = ["DeliveryError", "Sender", "SmtpSender"]

#: Seconds an SMTP connection or command may take before the attempt counts as failed.
SMTP_TIMEOUT = 20.0


class DeliveryError(Exception):
    """The server did not take the message; ``permanent`` (5xx): retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    """Where composed messages go (the SMTP server; tests may point it anywhere real).

    Usage::

        await sender.send(message, sender="desk@example.com", recipients=["a@b.example"])
    """

    async def send(self, message: EmailMessage, *, sender: str, recipients: list[str]) -> None:
        """Deliver ``message``. :raises DeliveryError: when the server did not take it."""
        ...


class SmtpSender:
    """:class:`Sender` over SMTP: implicit TLS, STARTTLS or plain, with a login if given."""

    def __init__(self, target: SmtpTarget, *, timeout: float = SMTP_TIMEOUT) -> None:
        self.target = target
        self.timeout = timeout

    async def send(self, message: EmailMessage, *, sender: str, recipients: list[str]) -> None:
        try:
            await aiosmtplib.send(message, sender=sender, recipients=recipients, **self._options())
        except aiosmtplib.SMTPRecipientsRefused as exc:
            said = "; ".join(f"{r.code} {r.message} ({r.recipient})" for r in exc.recipients)
            permanent = all(r.code >= 500 for r in exc.recipients)
            raise DeliveryError(said, permanent=permanent) from None
        except aiosmtplib.SMTPDataError as exc:
            # The server refused this message: sending it again would not change that. A
            # refused login or sender concerns every mail: those stay retryable while an
            # admin fixes the configuration.
            raise DeliveryError(f"{exc.code} {exc.message}", permanent=exc.code >= 500) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None

    async def probe(self) -> None:
        """Connect, secure and log in as a delivery would, then leave without sending
        (``chatdesk check``). :raises DeliveryError: saying what the server answered."""
        client = aiosmtplib.SMTP(**self._options())
        try:
            await client.connect()
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        finally:
            client.close()

    def _options(self) -> dict[str, Any]:
        t = self.target
        return {
            "hostname": t.host,
            "port": t.port,
            "username": t.username or None,
            "password": t.password or None,
            "use_tls": t.tls,
            "start_tls": True if t.starttls else False if not t.tls else None,
            "timeout": self.timeout,
        }
