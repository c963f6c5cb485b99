"""The requester portal's HTML forms (/support), as the browser posts them (every field a
string), and the service notices the widget shows."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .base import In, Out

__all__ = [
    "AccountForm",
    "CsrfForm",
    "InvitationWithdrawForm",
    "MemberInviteForm",
    "MemberRemoveForm",
    "NewTicketForm",
    "NoticeOut",
    "NoticesOut",
    "RateForm",
    "ReplyForm",
    "SeatReleaseForm",
    "SignInForm",
]

Csrf = Annotated[str, msgspec.Meta(max_length=200)]
#: A form's language (anything else falls back to the page's).
FormLang = Annotated[str, msgspec.Meta(max_length=5)]
Line = Annotated[str, msgspec.Meta(max_length=320)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]


class CsrfForm(In):
    """A form with nothing but its CSRF token: close my ticket, confirm sign-in, sign out."""

    csrf: Csrf = ""
    lang: FormLang = ""


class SeatReleaseForm(In):
    """``POST /support/org``: an organisation admin frees an editor's seat on a site."""

    site: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    email: Line
    csrf: Csrf = ""
    lang: FormLang = ""


class MemberInviteForm(In):
    """``POST /support/org/invite``: an organisation admin invites a colleague."""

    email: Line
    csrf: Csrf = ""
    lang: FormLang = ""


class MemberRemoveForm(In):
    """``POST /support/org/remove``: an organisation admin takes a member out."""

    email: Line
    csrf: Csrf = ""
    lang: FormLang = ""


class AccountForm(In):
    """``POST /support/account``: a requester changes their details."""

    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=80)] = ""
    csrf: Csrf = ""
    lang: FormLang = ""


class InvitationWithdrawForm(In):
    """``POST /support/org/withdraw``: an organisation admin ends a pending invitation."""

    id: Annotated[str, msgspec.Meta(max_length=64)]
    csrf: Csrf = ""
    lang: FormLang = ""


class NewTicketForm(In):
    """``POST /support/new`` (multipart; the files and the ``field.<id>`` custom fields are
    read beside it): what the requester filled in, checked by the filing service."""

    csrf: Csrf = ""
    lang: FormLang = ""
    email: Line = ""
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    type: Annotated[str, msgspec.Meta(max_length=20)] = ""
    department: Annotated[str, msgspec.Meta(max_length=50)] = ""
    priority: Annotated[str, msgspec.Meta(max_length=10)] = ""
    subject: Annotated[str, msgspec.Meta(max_length=300)] = ""
    description: Text = ""
    #: A complaint's request concerned: its number (``#000123`` or ``123``); may be empty.
    concerning: Annotated[str, msgspec.Meta(max_length=20)] = ""
    #: The ALTCHA widget's solution (base64 JSON); empty without JavaScript.
    altcha: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    #: The desk's custom fields by id (posted as ``field.<id>``).
    fields: dict[str, Annotated[str, msgspec.Meta(max_length=10_000)]] = msgspec.field(
        default_factory=dict
    )


class ReplyForm(In):
    """``POST /support/t/<token>/reply`` (multipart, files beside it)."""

    csrf: Csrf = ""
    lang: FormLang = ""
    text: Text = ""
    #: Makes a resent form idempotent (the page puts a fresh one in every form).
    client_id: Annotated[str, msgspec.Meta(max_length=100)] = ""


class RateForm(In):
    """``POST /support/t/<token>/rate``: 1-5 and an optional comment."""

    score: Literal["1", "2", "3", "4", "5"]
    csrf: Csrf = ""
    lang: FormLang = ""
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class SignInForm(In):
    """``POST /support/signin``: the address to send a sign-in link to."""

    csrf: Csrf = ""
    lang: FormLang = ""
    email: Line = ""


class NoticeOut(Out):
    """A service notice as visitors see it (``body_html`` is sanitised Markdown)."""

    id: str
    title: str
    body_html: str
    severity: Literal["info", "maintenance", "outage"]


class NoticesOut(Out):
    """``notices``: service notices published now (add them; same ``id``: replace)."""

    notices: list[NoticeOut]
