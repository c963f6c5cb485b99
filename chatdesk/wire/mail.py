"""E-mail's payloads: the console's retry form, the confirmation form, bounce news."""

from __future__ import annotations

from typing import Annotated

import msgspec

from .base import In, Out

__all__ = ["MailBouncedOut", "MailConfirmForm", "MailRetryForm"]

Csrf = Annotated[str, msgspec.Meta(max_length=200)]


class MailRetryForm(In):
    """``POST /console/mail/retry``: send a failed mail again (admins)."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    csrf: Csrf = ""


class MailConfirmForm(In):
    """``POST /mail/verify/<token>``: the sender confirms a held message."""

    csrf: Csrf = ""
    lang: Annotated[str, msgspec.Meta(max_length=5)] = ""


class MailBouncedOut(Out):
    """``mail_bounced`` (to operators): mail to ``email`` bounces; the address is flagged
    and the desk stops writing to it until it writes to us again."""

    email: str
    reason: str
    requester_id: str | None
