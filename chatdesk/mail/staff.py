"""Mail to operators: a new ticket in their department (or a chat's visitor who left their
details), a ticket given to them, a requester's answer on theirs (or on their department's
unassigned one), a target about to be missed or missed, a colleague's note naming them,
a ticket on hold until a date that came, their own mail that was not posted, the news of
a ticket they follow. Who gets which (:func:`staff_mails`) and what it says
(:data:`STAFF_KINDS`), in the operator's first language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..helpdesk.away import stand_in
from ..models import (
    AuthorKind,
    Channel,
    Operator,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
    format_ts,
    parse_ts,
)
from ..models.mail import FeedItem, OutboxMail
from ..store import Store
from ..systemtexts import format_day
from .content import Content, Context, excerpt
from .stafftexts import staff_text as _t

__all__ = ["STAFF_KINDS", "staff_mails", "stood_in"]


@dataclass(frozen=True, slots=True)
class _Told:
    """Who hears of a feed item, by which mail; ``group``: they hear of it as the ticket's
    department (nobody has it), which the mail says."""

    kind: str
    targets: list[str | None]
    data: dict[str, str] = field(default_factory=dict)
    group: bool = False
    #: The operator whose act it is (a note's author, who gave the ticket): never told
    #: of it as someone's replacement.
    author: str | None = None


async def staff_mails(
    store: Store, config: DeskConfig, item: FeedItem, ticket: Ticket
) -> list[OutboxMail]:
    """Return the mails ``item`` causes to operators (none for most changes): a ticket
    filed and given to nobody goes to the operators of its department (not to the one who
    filed it), and so do the details a chat's visitor left while nobody was online; the
    assignee hears of a requester's answer (the assignee when it came; nobody's: the
    department, unless someone took it since) and of a ticket a colleague gave them; a
    target's warning or breach goes to the assignee, else to the department; a ticket's
    followers hear of its answers, replies and status changes (not their own, nor twice)."""
    told = await _told(store, item, ticket)
    followed = await _followed(store, item, ticket, told)
    mails = []
    for news in (told, followed):
        if news is not None:
            mails += await _mails(store, config, item, ticket, news)
    return mails


async def _mails(
    store: Store, config: DeskConfig, item: FeedItem, ticket: Ticket, told: _Told
) -> list[OutboxMail]:
    """Return the mails of ``told``: one per operator who takes mail, in their language;
    an operator out of office has theirs sent to their replacement (which the mail says),
    who gets one mail of each news at most."""
    mails = []
    sent: set[str] = set()
    for operator_id in dict.fromkeys(t for t in told.targets if t):
        operator = await store.operators.get_operator(operator_id)
        if operator is None or operator.disabled:
            continue
        data = told.data
        replacement = await stand_in(store, operator, item.created_at)
        if replacement is not None and replacement.id == told.author:
            continue  # their own act, for the one they replace: no news to them
        if replacement is not None:
            away = format_ts(operator.away_until) if operator.away_until else ""
            data = data | {"instead_of": operator.name, "away_until": away}
            operator = replacement
        if operator.id in sent or not operator.mail_notifications:
            continue
        sent.add(operator.id)
        lang = next((lang for lang in operator.languages if lang in LANGUAGES), "en")
        mine = data | {"name": operator.name}
        if told.group:  # a department's mail says so, with the department's name
            mine["department"] = config.department_name(ticket.department, lang)
        mails.append(
            OutboxMail(
                told.kind, operator.email, lang, item.created_at, ticket_id=ticket.id, data=mine
            )
        )
    return mails


async def _told(store: Store, item: FeedItem, ticket: Ticket) -> _Told | None:
    """Return who hears of ``item`` and how (None: nobody)."""
    unheld = ticket.operator_id is None and ticket.status is Status.NEW
    if item.kind == "created":
        # A chat's ticket is filed by the operator in it; one given at once is told by its
        # assignment; one somebody already answered or moved is no news.
        if ticket.channel is Channel.CHAT or not unheld or item.data.get("outbound"):
            return None  # (an operator who writes first has the ticket)
        row = await _row(store, ticket, item.ref_id)
        filer = row.actor_id if row is not None and row.actor is AuthorKind.OPERATOR else None
        others = [o for o in await _department(store, ticket) if o != filer]
        return _Told("staff_new", others, group=True)
    if item.kind == "requester" and item.data.get("via") == "chat":
        # A visitor left their details in the chat (nobody was online): the department's
        # news, unless someone has the request or answered it since.
        if not unheld:
            return None
        return _Told("staff_contact", await _department(store, ticket), group=True)
    if item.kind == "requester_reply":
        return await _answered(store, item, ticket)
    if item.kind == "chat" or (item.kind == "status" and item.data.get("via") == "chat"):
        # The visitor answered an operator in the chat (a ticket that waited for them, or
        # was resolved, opened again).
        data = {"reopened": "1" if item.kind == "status" else ""}
        if ticket.operator_id:
            return _Told("staff_chat", [ticket.operator_id], data)
        return _Told("staff_chat", await _department(store, ticket), data, group=True)
    if item.kind == "assignee":
        return await _given(store, item, ticket)
    if item.kind == "mention":
        # Colleagues named in an internal note (helpdesk/mentions.py), each once.
        named: list[str | None] = [o for o in item.data.get("to", []) if isinstance(o, str)]
        data = {"message_id": str(item.data.get("note", "")), "by": str(item.data.get("by", ""))}
        row = await _row(store, ticket, item.ref_id)
        return _Told("staff_mention", named, data, author=row.actor_id if row else None)
    if item.kind == "hold_ended":
        # The date a ticket was on hold until came: it is open again, for its assignee.
        data = {"until": str(item.data.get("until", ""))}
        if ticket.operator_id:
            return _Told("staff_hold", [ticket.operator_id], data)
        return _Told("staff_hold", await _department(store, ticket), data, group=True)
    if item.kind in ("sla_warning", "sla_breach"):
        data = {"target": str(item.data.get("target", ""))}
        data["breach"] = "1" if item.kind == "sla_breach" else ""
        if ticket.operator_id:
            return _Told("staff_sla", [ticket.operator_id], data)
        return _Told("staff_sla", await _department(store, ticket), data, group=True)
    return None


#: The news a ticket's followers hear of: a requester's answer, an operator's public reply,
#: a change of status (each by someone else than the follower).
_FOLLOWED = ("requester_reply", "reply", "status")


async def _followed(
    store: Store, item: FeedItem, ticket: Ticket, told: _Told | None
) -> _Told | None:
    """Return the followers who hear of ``item`` (not its author, the assignee, nor who
    hears of it already), and how."""
    if item.kind not in _FOLLOWED:
        return None
    followers = await store.followers.followers(ticket.id)
    if not followers:
        return None
    data: dict[str, str] = {}
    if item.kind == "status":
        data = {"from": str(item.data.get("from", "")), "to": str(item.data.get("to", ""))}
        row = await _row(store, ticket, item.ref_id)
        # The moves a reply makes (a first answer opens a new ticket, the requester's
        # answer reopens it, "Status after sending") are told by the reply's mail.
        if row is None or row.actor is AuthorKind.REQUESTER or item.data.get("reply"):
            return None
        if (data["from"], data["to"]) == ("new", "open"):
            return None
        author = row.actor_id if row.actor is AuthorKind.OPERATOR else None
    else:
        thread = await store.helpdesk.list_ticket_messages(ticket.id, internal=False)
        message = next((m for m in thread if m.id == item.ref_id), None)
        if message is None or thread[0].id == item.ref_id:
            return None  # gone, or the description filed with the ticket: no news
        author = message.author_id if message.author is AuthorKind.OPERATOR else None
        data = {"message_id": item.ref_id}
    by = await store.operators.get_operator(author) if author else None
    data |= {"what": item.kind, "by": by.name if by else ""}
    skip = {author, ticket.operator_id, *(told.targets if told else ())}
    targets: list[str | None] = [f for f in followers if f not in skip]
    if ticket.type is TicketType.COMPLAINT:  # only to those who may still see it
        seeing = {o.id for o in await store.operators.list_operators() if o.sees_complaints}
        targets = [f for f in targets if f in seeing]
    return _Told("staff_follow", targets, data) if targets else None


async def _answered(store: Store, item: FeedItem, ticket: Ticket) -> _Told | None:
    """A requester's answer: to whom had the ticket when it came, else the department."""
    thread = await store.helpdesk.list_ticket_messages(ticket.id, internal=False)
    if not thread or thread[0].id == item.ref_id:
        return None  # the description, filed with the ticket: not an answer
    data = {"message_id": item.ref_id}
    # Who had the ticket when the requester wrote (the feed row says): a ticket taken
    # later shows the answer in its thread, no mail needed.
    assignee = item.data.get("assignee")
    if assignee:
        return _Told("staff_reply", [assignee], data)
    if ticket.operator_id:
        return None
    return _Told("staff_reply", await _department(store, ticket), data, group=True)


async def _given(store: Store, item: FeedItem, ticket: Ticket) -> _Told | None:
    """A ticket given to someone by someone else (or by the desk's rules)."""
    to = item.data.get("to")
    row = await _row(store, ticket, item.ref_id)
    # Taken by oneself (a reply, a claim) is no news; given away since, neither.
    if not to or row is None or row.actor_id == to or ticket.operator_id != to:
        return None
    giver = await store.operators.get_operator(row.actor_id) if row.actor_id else None
    return _Told("staff_assigned", [to], {"by": giver.name if giver else ""}, author=row.actor_id)


async def _row(store: Store, ticket: Ticket, event_id: str) -> TicketEvent | None:
    """Return the history row ``event_id`` of ``ticket`` (None: gone)."""
    events = await store.helpdesk.list_ticket_events(ticket.id)
    return next((e for e in events if e.id == event_id), None)


async def _department(store: Store, ticket: Ticket) -> list[str | None]:
    def concerned(o: Operator) -> bool:
        if ticket.type is TicketType.COMPLAINT:
            return o.sees_complaints  # complaints stay with service managers and admins
        return ticket.department in o.departments

    return [o.id for o in await store.operators.list_operators() if concerned(o)]


def _console(c: Context) -> tuple[str, str]:
    assert c.ticket is not None
    return _t(c.lang, "staff_open"), f"{c.public_url}/console/t/{c.ticket.id}"


def _about(c: Context) -> dict[str, str]:
    assert c.ticket is not None
    return {"label": c.ticket.label, "subject": c.ticket.subject}


def _whose(c: Context, first: str) -> tuple[str, ...]:
    """``first``, then, for a mail to a department, why it came (nobody is assigned)."""
    if c.data.get("department"):
        return first, _t(c.lang, "staff_sla_who", department=c.data["department"])
    return (first,)


def _new(c: Context) -> Content:
    assert c.ticket is not None
    requester = c.ticket.requester_name or c.ticket.requester_email
    key = "staff_contact_1" if c.kind == "staff_contact" else "staff_new_1"
    first = _t(c.lang, key, requester=requester, **_about(c))
    return Content(
        c.ticket_subject, c.hello, _whose(c, first), details=c.details,
        quote=excerpt(c.ticket.description), action=_console(c),
        footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _chat(c: Context) -> Content:
    assert c.ticket is not None
    requester = c.ticket.requester_name or c.ticket.requester_email
    key = "staff_chat_1" if c.data.get("reopened") else "staff_chat_reply_1"
    first = _t(c.lang, key, requester=requester, **_about(c))
    return Content(
        c.ticket_subject, c.hello, _whose(c, first), action=_console(c),
        footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _reply(c: Context) -> Content:
    assert c.ticket is not None and c.message is not None
    requester = c.message.author_name or c.ticket.requester_name or c.ticket.requester_email
    key = "staff_reply_open_1" if c.data.get("department") else "staff_reply_1"
    first = _t(c.lang, key, requester=requester, **_about(c))
    return Content(
        c.ticket_subject, c.hello, _whose(c, first), quote=c.message.text,
        action=_console(c), footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _mention(c: Context) -> Content:
    assert c.ticket is not None and c.message is not None
    first = _t(c.lang, "staff_mention_1", by=c.data.get("by", ""), **_about(c))
    return Content(
        c.ticket_subject, c.hello, (first,), quote=c.message.text, action=_console(c),
        footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _assigned(c: Context) -> Content:
    assert c.ticket is not None
    # Given by a colleague, or by the desk's rules (a complaint to a service manager).
    by = c.data.get("by")
    first = (
        _t(c.lang, "staff_assigned_1", by=by, **_about(c))
        if by
        else _t(c.lang, "staff_assigned_auto", **_about(c))
    )
    return Content(
        c.ticket_subject, c.hello, (first,), details=c.details,
        quote=excerpt(c.ticket.description), action=_console(c),
        footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _sla(c: Context) -> Content:
    assert c.ticket is not None
    target = str(c.data.get("target", ""))
    due = c.ticket.due_at if target == "first_response" else c.ticket.resolution_due
    what = _t(c.lang, f"target_{target}") if target in ("first_response", "resolution") else target
    key = "staff_sla_breach" if c.data.get("breach") else "staff_sla_warning"
    first = _t(c.lang, key, target=what, due=c.when(due), **_about(c))
    return Content(
        c.ticket_subject, c.hello, _whose(c, first), action=_console(c),
        footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _hold(c: Context) -> Content:
    first = _t(c.lang, "staff_hold_1", until=c.when(c.data.get("until")), **_about(c))
    return Content(
        c.ticket_subject, c.hello, _whose(c, first), action=_console(c),
        footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def _follow(c: Context) -> Content:
    assert c.ticket is not None
    what, by = c.data.get("what"), c.data.get("by", "")
    if what == "status":
        moved = {k: _t(c.lang, f"status_{c.data.get(k)}") for k in ("from", "to")}
        key = "staff_follow_status_by" if by else "staff_follow_status"
        first = _t(c.lang, key, by=by, **moved, **_about(c))
    elif what == "reply":
        first = _t(c.lang, "staff_follow_reply", by=by, **_about(c))
    else:
        requester = (c.message.author_name if c.message else "") or c.ticket.requester_name
        first = _t(c.lang, "staff_follow_answer", requester=requester or c.ticket.requester_email,
                   **_about(c))  # fmt: skip
    return Content(
        c.ticket_subject, c.hello, (first,), quote=c.message.text if c.message else "",
        action=_console(c), footer=_t(c.lang, "staff_follow_footer", desk=c.desk),
    )  # fmt: skip


def _not_posted(c: Context) -> Content:
    return Content(
        c.ticket_subject, c.hello, (_t(c.lang, "staff_not_posted", **_about(c)),),
        action=_console(c), footer=_t(c.lang, "staff_footer", desk=c.desk),
    )  # fmt: skip


def stood_in(c: Context, content: Content) -> Content:
    """Return ``content`` with a last paragraph saying whom the mail stands in for (an
    operator out of office), when it does."""
    absent = c.data.get("instead_of")
    if not absent:
        return content
    back = c.data.get("away_until")
    day = format_day(parse_ts(back), c.lang, c.timezone) if back else ""
    line = _t(c.lang, "staff_instead_of", name=absent, day=day)
    return replace(content, paragraphs=(*content.paragraphs, line))


#: Each kind of operator mail and what it says (all need ``Context.ticket``).
STAFF_KINDS: dict[str, Callable[[Context], Content]] = {
    "staff_new": _new,
    "staff_contact": _new,
    "staff_chat": _chat,
    "staff_reply": _reply,
    "staff_mention": _mention,
    "staff_assigned": _assigned,
    "staff_sla": _sla,
    "staff_hold": _hold,
    "staff_not_posted": _not_posted,
    "staff_follow": _follow,
}
