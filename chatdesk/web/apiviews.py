"""What the REST API answers: the services' results turned into its response structs."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import msgspec

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..helpdesk import ticket_summary
from ..helpdeskconfig import PriorityConfig, Target
from ..models import (
    Operator,
    Organisation,
    Ticket,
    TicketEvent,
    TicketMessage,
    TimeSpent,
    format_number,
    format_ts,
)
from ..wire.apiout import (
    ApiAttachment,
    ApiDepartment,
    ApiDesk,
    ApiField,
    ApiHistory,
    ApiLimits,
    ApiMessage,
    ApiOption,
    ApiPriority,
    ApiRequiredWhen,
    ApiTarget,
    ApiTicket,
    ApiTicketDetail,
    ApiTimeEntry,
    ApiTimeReport,
    ApiType,
)
from ..wire.base import Lang

__all__ = [
    "TYPE_NAMES",
    "desk_out",
    "detail_out",
    "history_out",
    "message_out",
    "ticket_out",
    "time_out",
]

#: The types of request, as the API's clients show them.
TYPE_NAMES: dict[str, dict[str, str]] = {
    "question": {"fr": "Question", "nl": "Vraag", "en": "Question"},
    "incident": {"fr": "Incident", "nl": "Incident", "en": "Incident"},
    "idea": {"fr": "Idée d'amélioration", "nl": "Verbeteridee", "en": "Improvement idea"},
    "complaint": {"fr": "Plainte", "nl": "Klacht", "en": "Complaint"},
}
_CHAT_AUTHORS = {"visitor", "bot", "operator", "system"}


def ticket_out(ticket: Ticket) -> ApiTicket:
    """Return a ticket as the API shows it (lists, creation, changes)."""
    csat = {
        "score": ticket.rating,
        "comment": ticket.rating_comment,
        "rated_at": format_ts(ticket.rated_at) if ticket.rated_at else None,
    }
    return msgspec.convert(_ticket(ticket_summary(ticket), ticket.description,
                                   ticket.fields, csat), ApiTicket)  # fmt: skip


def detail_out(view: dict[str, Any]) -> ApiTicketDetail:
    """Return an operator's view of a ticket (``TicketViews.operator_view``)."""
    body = _ticket(view["ticket"], view["description"], view["fields"], view["csat"])
    body["messages"] = [_message(m) for m in view["messages"]]
    body["attachments"] = [_attachment(a) for a in view["attachments"]]
    body["events"] = [_history(e) for e in view["events"]]
    return msgspec.convert(body, ApiTicketDetail)


def message_out(message: TicketMessage) -> ApiMessage:
    """Return a message of the ticket's own thread."""
    return msgspec.convert(_message({"source": "ticket", **message.to_payload()}), ApiMessage)


def history_out(event: TicketEvent) -> ApiHistory:
    """Return a line of the ticket's history."""
    return _history(event.to_payload())


def desk_out(config: DeskConfig) -> ApiDesk:
    """Return what a ticket of this desk can say."""
    helpdesk = config.helpdesk
    return ApiDesk(
        name=config.name,
        departments=[
            ApiDepartment(
                id=d,
                default=d == config.default_department,
                name={cast(Lang, lang): config.department_name(d, lang) for lang in LANGUAGES},
            )
            for d in config.departments
        ],
        types=[ApiType(id=t.value, name=_texts(TYPE_NAMES[t.value])) for t in helpdesk.types],
        priorities=[_priority(helpdesk.priorities[p]) for p in helpdesk.offered],
        fields=[
            ApiField(
                id=f.id,
                label=_texts(f.label),
                type=f.type,
                required=f.required,
                required_when=ApiRequiredWhen(
                    types=sorted(f.required_types), priorities=sorted(f.required_priorities)
                ),
                pattern=f.pattern,
                options=[ApiOption(value=v, label=_texts(label)) for v, label in f.options],
                types=sorted(f.types),
            )
            for f in helpdesk.fields
        ],
        languages=cast(list[Lang], list(LANGUAGES)),
        attachments=ApiLimits(
            max_file=helpdesk.attachments.max_file, max_ticket=helpdesk.attachments.max_ticket
        ),
    )


def _ticket(
    summary: dict[str, Any], description: str, fields: dict[str, str], csat: dict[str, Any]
) -> dict[str, Any]:
    body = {k: v for k, v in summary.items() if k != "operator_id"}
    body["assignee"] = summary.get("operator_id")
    body.update(description=description, fields=fields, csat=csat)
    return body


def _message(payload: dict[str, Any]) -> dict[str, Any]:
    """Return a thread message (the ticket's, or a chat's) in the API's shape."""
    author = payload["author"]
    name = payload.get("author_name") or ""
    if payload["source"] == "chat":
        operator = payload.get("operator")
        name = operator.get("name", "") if isinstance(operator, dict) else ""
        author = author if author in _CHAT_AUTHORS else "system"
    return {
        "id": payload["id"],
        "source": payload["source"],
        "author": author,
        "author_name": name,
        "text": payload["text"],
        "internal": bool(payload.get("internal", False)),
        "ts": payload["ts"],
    }


def _attachment(payload: dict[str, Any]) -> ApiAttachment:
    return ApiAttachment(
        id=payload["id"],
        message_id=payload["message_id"],
        filename=payload["filename"],
        content_type=payload["content_type"],
        size=payload["size"],
        sha256=payload["sha256"],
        created_at=payload["created_at"],
        url=f"/api/v1/attachments/{payload['id']}",
    )


def _history(payload: dict[str, Any]) -> ApiHistory:
    return ApiHistory(
        id=payload["id"],
        kind=payload["kind"],
        actor=payload["actor"],
        actor_id=payload["actor_id"],
        data=payload["data"],
        ts=payload["ts"],
    )


def _priority(priority: PriorityConfig) -> ApiPriority:
    return ApiPriority(
        id=priority.id,  # type: ignore[arg-type]
        name=_texts(priority.label),
        definition=_texts(priority.definition),
        first_response=_target(priority.first_response),
        resolution=_target(priority.resolution),
        calendar="24/7" if priority.around_the_clock else "business",
    )


def _target(target: Target) -> ApiTarget:
    seconds = int(target.business.total_seconds()) if target.business is not None else None
    if seconds is None:
        text = str(target)
    elif seconds % 3600 == 0:
        text = f"{seconds // 3600}h"
    elif seconds % 60 == 0:
        text = f"{seconds // 60}m"
    else:
        text = f"{seconds}s"
    days = target.days if target.business is None else None
    return ApiTarget(text=text, business_seconds=seconds, business_days=days)


def _texts(texts: dict[str, str]) -> dict[Any, str]:
    return {lang: texts[lang] for lang in LANGUAGES if lang in texts}


def time_out(
    start: date,
    end: date,
    rows: list[TimeSpent],
    organisations: list[Organisation],
    operators: list[Operator],
) -> ApiTimeReport:
    """Return the time spent as the API shows it (the rows as their reader may see them:
    ``helpdesk.for_reader``)."""
    org_names = {o.id: o.name for o in organisations}
    names = {o.id: o.name for o in operators}
    entries = [
        ApiTimeEntry(
            organisation_id=row.organisation_id,
            organisation=org_names.get(row.organisation_id or ""),
            ticket_id=row.ticket_id,
            number=format_number(row.number),
            subject=row.subject,
            operator_id=row.operator_id,
            operator=names.get(row.operator_id or ""),
            minutes=row.minutes,
        )
        for row in rows
    ]
    total = sum(row.minutes for row in rows)
    return ApiTimeReport(start=start, to=end, total_minutes=total, entries=entries)
