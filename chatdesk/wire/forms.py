"""The console's HTML forms, as the browser posts them (every field a string)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .base import ClientId, In, Lang
from .operator import Shortcut

__all__ = [
    "AwayForm",
    "CannedForm",
    "CodeForm",
    "EnrolForm",
    "ForgotForm",
    "GapDismissForm",
    "LangForm",
    "LoginForm",
    "LogoutForm",
    "MailForm",
    "NewTicketForm",
    "PasswordForm",
    "PrivacyEraseForm",
    "RequesterDetachForm",
    "RequesterEditForm",
    "RequesterMergeForm",
    "ResetForm",
    "SessionsForm",
    "SignatureForm",
    "TicketFollowForm",
    "TicketLinkForm",
    "TicketReplyForm",
    "TicketSpamForm",
    "TicketSplitForm",
    "TicketUnlinkForm",
    "TokenForm",
]

Csrf = Annotated[str, msgspec.Meta(max_length=200)]


class LoginForm(In):
    """``POST /console/login``."""

    csrf: Csrf = ""
    email: Annotated[str, msgspec.Meta(max_length=320)] = ""
    password: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    next: Annotated[str, msgspec.Meta(max_length=2048)] = "/console"


class ForgotForm(In):
    """``POST /console/password/forgot``: whose password to reset."""

    csrf: Csrf = ""
    email: Annotated[str, msgspec.Meta(max_length=320)] = ""


class ResetForm(In):
    """``POST /console/password/reset/{token}``: the new password, twice."""

    csrf: Csrf = ""
    password: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    confirm: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    #: The address, sent along for password managers (not read).
    username: Annotated[str, msgspec.Meta(max_length=320)] = ""


class LogoutForm(In):
    """``POST /console/logout``, ``/console/views/<id>/delete``: nothing but the token."""

    csrf: Csrf = ""


class SignatureForm(In):
    """``POST /console/account`` with ``action=signature``: the lines under the operator's
    replies in requesters' mails."""

    action: Literal["signature"]
    csrf: Csrf = ""
    signature: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class CodeForm(In):
    """``POST /console/login/code``: the second step of a login (an app's code or a
    recovery code); ``POST /console/account/2fa/off`` (a code proves it is the owner)."""

    csrf: Csrf = ""
    code: Annotated[str, msgspec.Meta(max_length=40)] = ""
    next: Annotated[str, msgspec.Meta(max_length=2048)] = "/console"


class EnrolForm(In):
    """``POST /console/account/2fa``: the set-up's signed secret and the app's first code."""

    csrf: Csrf = ""
    token: Annotated[str, msgspec.Meta(max_length=400)] = ""
    code: Annotated[str, msgspec.Meta(max_length=40)] = ""


class PasswordForm(In):
    """``POST /console/account``: the operator changes their own password."""

    csrf: Csrf = ""
    #: The account's e-mail, for password managers (ignored).
    username: Annotated[str, msgspec.Meta(max_length=320)] = ""
    current: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    new: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    confirm: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class MailForm(In):
    """``POST /console/account`` with ``action=mail``: the operator's own mail about their
    tickets (the checkbox ``mail`` is ``on``, or absent for off)."""

    action: Literal["mail"]
    csrf: Csrf = ""
    mail: Literal["", "on"] = ""


class TicketFollowForm(In):
    """``POST /console/t/{ref}/follow``: follow the ticket (``on=1``) or stop (``0``)."""

    on: Literal["1", "0"]
    csrf: Csrf = ""


class TicketSpamForm(In):
    """``POST /console/t/{ref}/spam``: mark the ticket as spam; ``block=1`` blocks its
    requester's address too (an unticked box sends nothing)."""

    block: Literal["", "1"] = ""
    csrf: Csrf = ""


class TicketLinkForm(In):
    """``POST /console/t/{ref}/link``: link the ticket to a problem ticket (its number,
    ``#000123``, or id)."""

    problem: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    csrf: Csrf = ""


class TicketUnlinkForm(In):
    """``POST /console/t/{ref}/unlink``: unlink the ticket from its problem ticket."""

    csrf: Csrf = ""


class TicketSplitForm(In):
    """``POST /console/t/{ref}/split``: a requester's message becomes a new ticket."""

    message: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    subject: Annotated[str, msgspec.Meta(max_length=400)]
    csrf: Csrf = ""


class SavedViewForm(In):
    """``POST /console/views``: save the ticket list ``query`` (its query string) as
    ``name``; ``shared`` (admins): every operator sees it."""

    name: Annotated[str, msgspec.Meta(max_length=200)]
    query: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    shared: Literal["", "1"] = ""
    csrf: Csrf = ""


class AwayForm(In):
    """``POST /console/account/away``: out of office until ``back_on`` (the day the
    operator is back, in the desk's time zone), their mail to ``replacement``; or back now
    (``back=1``)."""

    csrf: Csrf = ""
    back_on: Annotated[str, msgspec.Meta(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")] = ""
    replacement: Annotated[str, msgspec.Meta(pattern=r"^([0-9a-f]{32})?$")] = ""
    back: Literal["", "1"] = ""


class SessionsForm(In):
    """``POST /console/account`` with ``action=sessions``: end the operator's other
    sessions."""

    action: Literal["sessions"]
    csrf: Csrf = ""


class SessionEndForm(In):
    """``POST /console/account`` with ``action=session_end``: end one of the operator's
    own console sessions (another browser)."""

    action: Literal["session_end"]
    csrf: Csrf = ""
    id: Annotated[str, msgspec.Meta(max_length=64)] = ""


class TokenForm(In):
    """``POST /console/account`` with ``action=token_create`` or ``token_revoke``: the
    operator's own API tokens."""

    action: Literal["token_create", "token_revoke"]
    csrf: Csrf = ""
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    id: Annotated[str, msgspec.Meta(max_length=64)] = ""


class PrivacyEraseForm(In):
    """``POST /console/privacy``: erase a requester (``confirm``: their address again)."""

    email: Annotated[str, msgspec.Meta(max_length=320)]
    confirm: Annotated[str, msgspec.Meta(max_length=320)] = ""
    csrf: Csrf = ""


class RequesterEditForm(In):
    """``POST /console/requesters/<id>``: an operator corrects a requester's details
    (``back``: the ticket whose page to return to; none: their own page)."""

    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=80)] = ""
    #: The team's note on them (absent: unchanged).
    note: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    back: Annotated[str, msgspec.Meta(max_length=64, pattern="^[0-9a-f]*$")] = ""
    csrf: Csrf = ""


class RequesterSignOutForm(In):
    """``POST /console/requesters/<id>/signout``: an operator ends a requester's portal
    sessions (``back``: the ticket whose page to return to; none: their own page)."""

    back: Annotated[str, msgspec.Meta(max_length=64, pattern="^[0-9a-f]*$")] = ""
    csrf: Csrf = ""


class RequesterMergeForm(In):
    """``POST /console/requesters/<id>/merge``: the requester whose own address
    ``email`` is merges into this one (one person, two records)."""

    email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    csrf: Csrf = ""


class RequesterDetachForm(In):
    """``POST /console/requesters/<id>/detach``: ``address``, one of the requester's
    other addresses, becomes a requester of its own again."""

    address: Annotated[str, msgspec.Meta(max_length=254)] = ""
    csrf: Csrf = ""


class CannedForm(In):
    """``POST /console/canned``: save (the default action) or delete a canned response."""

    shortcut: Shortcut
    lang: Lang
    csrf: Csrf = ""
    action: Literal["save", "delete"] = "save"
    text: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    #: Where a ticket reply written with it moves the ticket ("": unchanged).
    status: Literal["", "open", "pending", "on_hold", "resolved", "closed"] = ""
    #: Tags a ticket reply written with it adds (comma-separated).
    tags: Annotated[str, msgspec.Meta(max_length=500)] = ""


class LangForm(In):
    """``POST /console/lang``: the console's language."""

    lang: Lang
    csrf: Csrf = ""
    next: Annotated[str, msgspec.Meta(max_length=2048)] = "/console"


class NewTicketForm(In):
    """``POST /console/tickets/new``: a ticket filed on a requester's behalf (custom
    fields come as ``field:<id>`` beside these)."""

    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    description: Annotated[str, msgspec.Meta(max_length=20_000)] = ""
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    lang: Lang | Literal[""] = ""
    type: Annotated[str, msgspec.Meta(max_length=40)] = ""
    department: Annotated[str, msgspec.Meta(max_length=60)] = ""
    priority: Annotated[str, msgspec.Meta(max_length=40)] = ""
    #: How the request reached the operator: a call, a mail received elsewhere, or
    #: ``outbound``: the operator writes first (``description`` is their message).
    channel: Literal["phone", "email", "outbound"] = "phone"
    #: People in Cc, comma-separated.
    cc: Annotated[str, msgspec.Meta(max_length=2600)] = ""
    csrf: Csrf = ""


class TicketReplyForm(In):
    """``POST /console/t/{ref}/reply`` (multipart, with the ``files``): a reply or a note."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
    csrf: Csrf = ""
    client_id: ClientId | None = None
    internal: Literal["", "on", "1"] = ""
    #: The status the ticket moves to with the message ("": unchanged).
    status: Literal["", "pending", "on_hold", "resolved", "closed"] = ""
    #: Tags added to the ticket with the message (comma-separated: a canned response's).
    tags: Annotated[str, msgspec.Meta(max_length=500)] = ""
    #: With ``status`` "on_hold": the date it waits until (ISO 8601 with its zone; "": none).
    hold_until: Annotated[str, msgspec.Meta(max_length=40)] = ""
    #: Minutes worked on the ticket, recorded with the message ("": none; at most a day).
    time_spent_minutes: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{0,4}$")] = ""
    #: On a problem ticket, a public reply also goes to the tickets linked to it.
    linked: Literal["", "on", "1"] = ""


_Number = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,4}$")]


class GapDismissForm(In):
    """``POST /console/gaps/dismiss``: leave a group of the bot's misses out (admins)."""

    key: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{12}$")]
    days: _Number = "30"
    min_count: _Number = "2"
    csrf: Csrf = ""


class RequestersQuery(In):
    """``GET /console/requesters``: the directory's search, organisation, order and page."""

    q: Annotated[str, msgspec.Meta(max_length=200)] = ""
    org: Annotated[str, msgspec.Meta(pattern=r"^([0-9a-f]{32})?$")] = ""
    sort: Literal["activity", "name", "newest"] = "activity"
    page: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1
