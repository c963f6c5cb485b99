"""Who gets which mail for each change of the feed (the rules of outgoing mail)."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..models import Channel, Status, Ticket, TicketEvent, format_ts
from ..models.mail import AddressKind, FeedItem, OutboxMail
from ..store import Store
from .staff import staff_mails

__all__ = ["FeedPlanner"]

#: The ticket mails people in Cc get a copy of: what is said on it, and how it ends.
_COPIED = frozenset({"reply", "resolved", "closed"})


class FeedPlanner:
    """Turn a :class:`FeedItem` into the mails it causes.

    - ``created``: "we received your request" to the requester (not for chat tickets:
      the visitor is in the conversation);
    - a public operator message: the reply, with the recent thread (and, when it moved the
      ticket to pending, that the desk waits for an answer and until when; to closed, that
      an answer opens a new request);
    - ``status`` to resolved: "resolved", with the 1-5 rating links (when an operator's
      reply resolved it in the same step, that reply's mail carries them instead: one mail);
    - ``auto_close``: "closed without reaction";
    - ``merged_into``: "merged into #…" to the merged ticket's requester;
    - an invitation: to the invited address;
    - a notice: to every member of its audience (all organisations when it names none)
      and to their ``support`` notification addresses.

    Ticket mails also go to the organisation's notification addresses of the kind named
    like the ticket's department (``billing``, ``abuse``), and replies, "resolved" and
    "closed" to the people in Cc of the thread (``Ticket.cc``); operators get theirs from
    :func:`~chatdesk.mail.staff.staff_mails` (``[email] notify_operators``).
    """

    def __init__(self, store: Store, config: DeskConfig, *, default_lang: str = "en") -> None:
        self.store = store
        self.config = config
        self.default_lang = default_lang

    async def plan(self, item: FeedItem) -> list[OutboxMail]:
        """Return the mails ``item`` causes (none for what mail does not care about)."""
        if item.source == "invitation":
            return await self._invitation(item)
        if item.source == "notice":
            return await self._notice(item)
        if item.ticket_id is None:
            return []
        ticket = await self.store.helpdesk.get_ticket(item.ticket_id)
        if ticket is None:
            return []
        kind, data = await self._ticket_kind(item, ticket)
        mails = await self._to_ticket(ticket, kind, item, data) if kind is not None else []
        if self.config.email.notify_operators:
            mails += await staff_mails(self.store, self.config, item, ticket)
        return mails

    async def _ticket_kind(
        self, item: FeedItem, ticket: Ticket
    ) -> tuple[str | None, dict[str, str]]:
        if item.kind == "created" and ticket.channel is not Channel.CHAT:
            # An operator who writes first: their message is the mail, nothing was received.
            return (None, {}) if item.data.get("outbound") else ("received", {})
        if item.kind == "reply":
            data = {"message_id": item.ref_id}
            history = await self.store.helpdesk.list_ticket_events(ticket.id)
            if await self._opens(ticket, history, item.ref_id):
                data["opens"] = "1"  # an operator writes first: not "replied to your request"
            moved = _moved_by(history, item.ref_id)
            if moved is Status.RESOLVED:
                # Replied and resolved in one step: one mail, the reply with the rating.
                data |= {"resolved": "1", **self._countdown(ticket, moved)}
            elif moved is Status.PENDING:
                # A question asked: the reply says the desk waits, and until when.
                data |= {"pending": "1", **self._countdown(ticket, moved)}
            elif moved is Status.CLOSED:
                data |= {"closed": "1"}  # the reply says what a later answer does
            return "reply", data
        if item.kind == "status" and item.data.get("to") == "resolved":
            if item.data.get("reply"):
                return None, {}  # resolved with a reply: that reply's mail says it (above)
            return "resolved", self._countdown(ticket, Status.RESOLVED)
        if item.kind == "auto_close":
            return "closed", {}
        if item.kind == "merged_into":
            return "merged", {}
        return None, {}

    @staticmethod
    def _countdown(ticket: Ticket, status: Status) -> dict[str, str]:
        # The countdown of that status, if the ticket is still in it (it may have moved on).
        at = ticket.auto_close_at if ticket.status is status else None
        return {"auto_close_at": format_ts(at)} if at else {}

    async def _opens(self, ticket: Ticket, history: Sequence[TicketEvent], message_id: str) -> bool:
        """Whether the message opens a ticket an operator filed to write first."""
        if not any(e.kind == "created" and e.data.get("outbound") for e in history):
            return False
        public = await self.store.helpdesk.list_ticket_messages(ticket.id, internal=False)
        return bool(public) and public[0].id == message_id

    async def _to_ticket(
        self, ticket: Ticket, kind: str, item: FeedItem, data: dict[str, str]
    ) -> list[OutboxMail]:
        # Each address once, with what it is: the requester's, or a copy to the
        # organisation's address of the ticket's kind (its mail says so).
        recipients: dict[str, str] = {}
        if ticket.requester_email:
            recipients[ticket.requester_email.lower()] = ""
        if ticket.organisation_id and ticket.department in tuple(AddressKind):
            for address in await self.store.mail.org_addresses([ticket.organisation_id]):
                if address.kind.value == ticket.department:
                    recipients.setdefault(address.email.lower(), address.kind.value)
        if kind in _COPIED:
            # The people in Cc of the thread follow the conversation, not its bookkeeping.
            for copied in sorted(ticket.cc):
                recipients.setdefault(copied, "cc")
        lang = ticket.lang if ticket.lang in LANGUAGES else self.default_lang
        return [
            OutboxMail(
                kind,
                to,
                lang,
                item.created_at,
                ticket_id=ticket.id,
                data=dict(data) | ({"copy": copy} if copy else {}),
            )
            for to, copy in recipients.items()
        ]

    async def _invitation(self, item: FeedItem) -> list[OutboxMail]:
        email = str(item.data.get("email", ""))
        if not email:
            return []
        known = await self.store.requesters.find_requester(email)
        organisation = item.data.get("organisation_id")
        org = await self.store.requesters.get_organisation(organisation) if organisation else None
        data = {
            "expires_at": str(item.data.get("expires_at", "")),
            "organisation_name": org.name if org else "",
            "name": known.name if known else "",
            "inviter": await self._inviter(item.ref_id, org.id) if org else "",
        }
        return [OutboxMail("invitation", email, self._lang(known.lang if known else ""),
                           item.created_at, data=data)]  # fmt: skip

    async def _inviter(self, invitation_id: str, organisation_id: str) -> str:
        """Return the name of the organisation's admin who sent an invitation ("" when
        the desk sent it: the mail then speaks for the desk alone)."""
        invitations = await self.store.requesters.list_invitations(organisation_id)
        by = next((i.invited_by for i in invitations if i.id == invitation_id), "")
        if not by.startswith("requester:"):
            return ""
        admin = await self.store.requesters.get_requester(by.removeprefix("requester:"))
        return (admin.name or admin.email) if admin else ""

    async def _notice(self, item: FeedItem) -> list[OutboxMail]:
        audience: Sequence[str] = item.data.get("audience") or [
            o.id for o in await self.store.requesters.list_organisations()
        ]
        recipients: dict[str, tuple[str, str]] = {}
        for organisation_id in audience:
            for member in await self.store.requesters.list_members(organisation_id):
                recipients.setdefault(member.email, (self._lang(member.lang), member.name))
        for address in await self.store.mail.org_addresses(list(audience)):
            if address.kind is AddressKind.SUPPORT:
                recipients.setdefault(address.email.lower(), (self.default_lang, ""))
        keep = ("title", "body", "severity", "starts_at", "ends_at")
        base = {k: item.data.get(k) or "" for k in keep} | {
            "published_at": format_ts(item.created_at)
        }
        return [
            OutboxMail("notice", email, lang, item.created_at, data={**base, "name": name})
            for email, (lang, name) in recipients.items()
        ]

    def _lang(self, lang: str) -> str:
        return lang if lang in LANGUAGES else self.default_lang


def _moved_by(history: Sequence[TicketEvent], message_id: str) -> Status | None:
    """The status the message moved the ticket to (its status row names it), if any."""
    for e in history:
        if e.kind == "status" and e.data.get("reply") == message_id:
            return Status(e.data["to"])
    return None
