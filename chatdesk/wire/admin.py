"""The console's admin forms: organisations (``/console/orgs``) and service notices
(``/console/notices``), as the browser posts them (every field a string)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .base import In

__all__ = [
    "BlockAddForm",
    "BlockRemoveForm",
    "HookPingForm",
    "HookRetryForm",
    "NoticeEndForm",
    "NoticeForm",
    "OrgAddressForm",
    "OrgCapsForm",
    "OrgContractForm",
    "OrgCreateForm",
    "OrgInviteForm",
    "OrgMemberAddForm",
    "OrgMemberRemoveForm",
    "OrgSeatReleaseForm",
    "RuleTryForm",
    "VisitorLiftForm",
]

Csrf = Annotated[str, msgspec.Meta(max_length=200)]
Email = Annotated[str, msgspec.Meta(max_length=320)]
Name = Annotated[str, msgspec.Meta(max_length=200)]
#: A cap as typed in a number box: empty (no cap) or a whole number.
Cap = Annotated[str, msgspec.Meta(pattern=r"^\s*\d{0,6}\s*$")]
#: A time from ``<input type="datetime-local">`` (the desk's time zone), or empty.
LocalTime = Annotated[str, msgspec.Meta(pattern=r"^(\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?)?$")]
OrgId = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]


class OrgCreateForm(In):
    """``POST /console/orgs``: create an organisation."""

    name: Name
    csrf: Csrf = ""
    contract: Literal["", "on"] = ""
    max_members: Cap = ""
    max_editors_per_site: Cap = ""


class OrgMemberAddForm(In):
    """``POST /console/orgs/{id}`` with ``action=add_member``."""

    action: Literal["add_member"]
    email: Email
    csrf: Csrf = ""
    name: Name = ""
    role: Literal["member", "admin"] = "member"


class OrgMemberRemoveForm(In):
    """``POST /console/orgs/{id}`` with ``action=remove_member``."""

    action: Literal["remove_member"]
    email: Email
    csrf: Csrf = ""


class OrgSeatReleaseForm(In):
    """``POST /console/orgs/{id}`` with ``action=release_seat``: free an editor's seat."""

    action: Literal["release_seat"]
    site: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    email: Email
    csrf: Csrf = ""


class OrgInviteForm(In):
    """``POST /console/orgs/{id}`` with ``action=invite``: an invitation into it."""

    action: Literal["invite"]
    email: Email
    csrf: Csrf = ""


class OrgContractForm(In):
    """``POST /console/orgs/{id}`` with ``action=contract``: turn it on or off."""

    action: Literal["contract"]
    state: Literal["on", "off"]
    csrf: Csrf = ""


class OrgCapsForm(In):
    """``POST /console/orgs/{id}`` with ``action=caps``: empty or 0 removes a cap."""

    action: Literal["caps"]
    csrf: Csrf = ""
    max_members: Cap = ""
    max_editors_per_site: Cap = ""


class OrgAddressForm(In):
    """``POST /console/orgs/{id}`` with ``action=address``: add (or remove) a
    notification address for billing, support or abuse mail."""

    action: Literal["address"]
    kind: Literal["billing", "support", "abuse"]
    email: Email
    csrf: Csrf = ""
    remove: Literal["", "1"] = ""


class OrgMergeForm(In):
    """``POST /console/orgs/{id}`` with ``action=merge``: merge it into the organisation
    named ``into`` (its name or id)."""

    action: Literal["merge"]
    into: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    csrf: Csrf = ""


class OrgNoteForm(In):
    """``POST /console/orgs/{id}`` with ``action=note``: the team's note on the
    organisation (empty: none)."""

    action: Literal["note"]
    note: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    csrf: Csrf = ""


class OrgDomainForm(In):
    """``POST /console/orgs/{id}`` with ``action=domain``: give the organisation an e-mail
    domain (or take it back with ``remove=1``)."""

    action: Literal["domain"]
    domain: Annotated[str, msgspec.Meta(max_length=260)]
    csrf: Csrf = ""
    remove: Literal["", "1"] = ""


class NoticeForm(In):
    """``POST /console/notices`` with ``action=publish`` (the default)."""

    title: Annotated[str, msgspec.Meta(max_length=400)]
    body: Annotated[str, msgspec.Meta(max_length=20_000)]
    csrf: Csrf = ""
    action: Literal["publish"] = "publish"
    severity: Literal["info", "maintenance", "outage"] = "info"
    #: ``everyone`` or ``orgs`` (then ``orgs`` lists the organisations, repeated fields).
    audience: Literal["everyone", "orgs"] = "everyone"
    orgs: list[OrgId] = msgspec.field(default_factory=list)
    #: Empty: now.
    starts_at: LocalTime = ""
    ends_at: LocalTime = ""


class NoticeEndForm(In):
    """``POST /console/notices`` with ``action=end``: end a running notice now."""

    action: Literal["end"]
    id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    csrf: Csrf = ""


class HookRetryForm(In):
    """``POST /console/webhooks`` (``action=retry``): queue a failed delivery again."""

    action: Literal["retry"]
    id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    csrf: Csrf = ""


class HookPingForm(In):
    """``POST /console/webhooks`` (``action=ping``): post a test event to an endpoint."""

    action: Literal["ping"]
    name: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
    csrf: Csrf = ""


class RuleTryForm(In):
    """``POST /console/rules`` (``action=try``): what the desk's rules would make of a
    ticket (nothing is filed)."""

    action: Literal["try"]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    text: Annotated[str, msgspec.Meta(max_length=20000)] = ""
    channel: Literal["form", "email", "api", "phone"] = "form"
    #: The requester's language ("": the desk's default).
    lang: Literal["", "fr", "nl", "en"] = ""
    csrf: Csrf = ""


class BlockAddForm(In):
    """``POST /console/blocked`` (``action=block``): block an address or a domain."""

    action: Literal["block"]
    pattern: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    note: Annotated[str, msgspec.Meta(max_length=400)] = ""
    csrf: Csrf = ""


class VisitorLiftForm(In):
    """``POST /console/blocked`` (``action=lift``): lift the block on a chat visitor."""

    action: Literal["lift"]
    conversation_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    csrf: Csrf = ""


class BlockRemoveForm(In):
    """``POST /console/blocked`` (``action=unblock``): take an entry off the list."""

    action: Literal["unblock"]
    pattern: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    csrf: Csrf = ""
