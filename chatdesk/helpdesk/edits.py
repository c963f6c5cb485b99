"""Operators' edits of a ticket, planned: the columns and history rows of each change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ..deskconfig import DeskConfig
from ..errors import InvalidPayload
from ..fields import validate_fields
from ..models import Operator, Status, Ticket, TicketEvent, TicketType, format_ts
from ..store import Store
from ..tickets import check_transition
from .common import Actor, clean_cc, clean_subject, clean_tags, history

__all__ = ["HOLD_MAX", "Edit", "after", "hold_values", "plan_edit", "status_values"]

#: How far ahead a ticket may be put on hold.
HOLD_MAX = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class Edit:
    """What an operator asks to change (``None``: unchanged; ``unassign`` clears the
    assignee)."""

    status: str | None = None
    priority: str | None = None
    department: str | None = None
    assignee: str | None = None
    unassign: bool = False
    type: str | None = None
    subject: str | None = None
    fields: dict[str, str] | None = None
    #: The whole new list of people in Cc.
    cc: list[str] | None = None
    #: The whole new list of tags.
    tags: list[str] | None = None
    #: Tags added to those the ticket has (a bulk action).
    add_tags: list[str] | None = None
    #: On hold until then (ISO 8601 with a time zone; ``""`` clears the date).
    hold_until: str | None = None


def after(ticket: Ticket, values: dict[str, object]) -> Ticket:
    """Return ``ticket`` with the ticket fields among ``values`` changed."""
    known = {k: v for k, v in values.items() if k in Ticket.__dataclass_fields__}
    return replace(ticket, **known)  # type: ignore[arg-type]


def added_tags(
    ticket: Ticket, tags: Sequence[str], actor: Actor, now: datetime, rows: list[TicketEvent]
) -> dict[str, object]:
    """Return the column adding ``tags`` to the ticket's (nothing when none is new), its
    history row appended to ``rows``. :raises InvalidPayload: ``tags``."""
    if not tags:
        return {}
    added = clean_tags([*ticket.tags, *tags])
    if added == ticket.tags:
        return {}
    rows.append(history(ticket.id, "tags", actor, now, **{"from": sorted(ticket.tags),
                                                           "to": sorted(added)}))  # fmt: skip
    return {"tags": added}


def status_values(
    config: DeskConfig, ticket: Ticket, target: Status, actor: Actor, now: datetime
) -> tuple[dict[str, object], list[TicketEvent]]:
    """Return the columns and history row of a move to ``target``: resolution and closing
    times, and the auto-close countdown of pending and resolved tickets (N business days
    on its department's hours, or the desk's)."""
    values: dict[str, object] = {"status": target}
    if target is Status.RESOLVED:
        values["resolved_at"] = now
    if target is Status.CLOSED:
        values["closed_at"] = now
    auto_close = config.helpdesk.auto_close
    waiting = target in (Status.PENDING, Status.RESOLVED) and auto_close is not None
    hours = config.hours_of(ticket.department)
    values["auto_close_at"] = auto_close.due(hours, now) if auto_close and waiting else None
    if ticket.hold_until is not None and target is not Status.ON_HOLD:
        values["hold_until"] = None  # a hold ends with the status
    data = {"from": ticket.status.value, "to": target.value}
    return values, [history(ticket.id, "status", actor, now, **data)]


def hold_values(
    ticket: Ticket, given: str | None, status: Status, actor: Actor, now: datetime
) -> tuple[dict[str, object], list[TicketEvent]]:
    """Return the column and history row (``hold``) of a ticket on hold until ``given``
    (``""``: no date any more; ``None``: unchanged). ``status`` is the ticket's after the
    edit: only a ticket on hold waits until a date.

    :raises InvalidPayload: ``hold_until`` (not on hold, not a date with a time zone,
        past, or more than :data:`HOLD_MAX` ahead).
    """
    if given is None:
        return {}, []
    until = None
    if given:
        if status is not Status.ON_HOLD:
            raise InvalidPayload("only a ticket on hold waits until a date", code="hold_until")
        try:
            until = datetime.fromisoformat(given)
        except ValueError:
            until = None
        if until is None or until.tzinfo is None:
            raise InvalidPayload("hold_until is an ISO 8601 time with its zone", code="hold_until")
        until = until.astimezone(UTC)
        if not now < until <= now + HOLD_MAX:
            raise InvalidPayload("hold_until is in the coming year", code="hold_until")
    if until == ticket.hold_until:
        return {}, []
    before = format_ts(ticket.hold_until) if ticket.hold_until else None
    data = {"from": before, "to": format_ts(until) if until else None}
    return {"hold_until": until}, [history(ticket.id, "hold", actor, now, **data)]


async def plan_edit(
    store: Store, config: DeskConfig, ticket: Ticket, operator: Operator, edit: Edit, now: datetime
) -> tuple[dict[str, object], list[TicketEvent]]:
    """Return the columns and history rows of ``edit`` (nothing for what is unchanged).

    :raises InvalidPayload: an unknown value (``InvalidFields`` per custom field).
    :raises Conflict: ``invalid_transition``.
    """
    values: dict[str, object] = {}
    rows: list[TicketEvent] = []

    def note(kind: str, before: object, to: object) -> None:
        rows.append(history(ticket.id, kind, operator, now, **{"from": before, "to": to}))

    if edit.priority is not None and edit.priority != ticket.priority:
        config.helpdesk.check_priority(edit.priority)
        values["priority"] = edit.priority
        note("priority", ticket.priority, edit.priority)
    if edit.department is not None and edit.department != ticket.department:
        if edit.department not in config.departments:
            raise InvalidPayload(f"unknown department {edit.department!r}", code="department")
        values["department"] = edit.department
        note("department", ticket.department, edit.department)
    if edit.type is not None and edit.type != ticket.type.value:
        if edit.type not in [t.value for t in config.helpdesk.types]:
            raise InvalidPayload(f"type {edit.type!r} is not offered", code="type")
        values["type"] = TicketType(edit.type)
        note("type", ticket.type.value, edit.type)
    if edit.subject is not None and (subject := clean_subject(edit.subject)) != ticket.subject:
        values["subject"] = subject
        note("subject", ticket.subject, subject)
    if edit.fields is not None or "type" in values or "priority" in values:
        checked = validate_fields(
            config.helpdesk.fields,
            {**ticket.fields, **(edit.fields or {})},
            lang=ticket.lang or "en",
            type_=str(values.get("type", ticket.type.value)),
            priority=str(values.get("priority", ticket.priority)),
        )
        if checked != ticket.fields:
            values["fields"] = checked
            note("fields", ticket.fields, checked)
    if edit.cc is not None:
        cc = clean_cc(edit.cc, requester=ticket.requester_email)
        if cc != ticket.cc:
            values["cc"] = cc
            note("cc", sorted(ticket.cc), sorted(cc))
    if edit.tags is not None or edit.add_tags:
        tags = clean_tags([*(ticket.tags if edit.tags is None else edit.tags),
                           *(edit.add_tags or [])])  # fmt: skip
        if tags != ticket.tags:
            values["tags"] = tags
            note("tags", sorted(ticket.tags), sorted(tags))
    target = None if edit.unassign else edit.assignee
    if (edit.unassign or edit.assignee is not None) and target != ticket.operator_id:
        await _check_assignee(store, ticket, target)
        values["operator_id"] = target
        note("assignee", ticket.operator_id, target)
    if edit.status is not None and edit.status != ticket.status.value:
        if edit.status not in tuple(Status):
            raise InvalidPayload(f"status must be one of: {', '.join(Status)}")
        check_transition(ticket.status, Status(edit.status))
        moved, status_rows = status_values(config, ticket, Status(edit.status), operator, now)
        values.update(moved)
        rows += status_rows
    status = values.get("status", ticket.status)
    assert isinstance(status, Status)
    held, hold_rows = hold_values(ticket, edit.hold_until, status, operator, now)
    values.update(held)
    return values, rows + hold_rows


async def _check_assignee(store: Store, ticket: Ticket, operator_id: str | None) -> None:
    if operator_id is None:
        return
    target = await store.operators.get_operator(operator_id)
    if target is None or target.disabled:
        raise InvalidPayload("no such active operator", code="assignee")
    if ticket.type is TicketType.COMPLAINT and not target.sees_complaints:
        raise InvalidPayload("complaints go to service managers or admins", code="assignee")
