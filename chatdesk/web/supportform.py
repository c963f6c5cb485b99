"""The web form's choices in the requester's language: types, departments, priorities with
their meaning and reply target, the desk's custom fields, the file limits."""

from __future__ import annotations

from typing import Any

from ..deskconfig import PRIORITIES, DeskConfig
from ..helpdeskconfig import FieldSpec, Target
from ..models.tickets import Ticket
from .supportlang import Translate

__all__ = ["form_choices", "megabytes", "target_text", "ticket_facts"]


def megabytes(size: int, t: Translate) -> str:
    """Return a size as people read it: ``10 MB`` (one decimal under 10)."""
    value = size / 1024**2
    shown = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
    return t("mb", n=shown.replace(".", t("decimal_mark")))


def target_text(target: Target, t: Translate) -> str:
    """Return a time target as people say it: ``4 h``, ``15 min``, ``2 business days``."""
    if target.business is None:
        return t("target_day") if target.days == 1 else t("target_days", n=target.days)
    minutes = round(target.business.total_seconds() / 60)
    if minutes < 60 or minutes % 60:
        return t("target_minutes", n=minutes)
    return t("target_hours", n=minutes // 60)


def _text(texts: dict[str, str], lang: str, fallback: str) -> str:
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), fallback)


def _field(spec: FieldSpec, config: DeskConfig, lang: str, t: Translate) -> dict[str, Any]:
    priorities = config.helpdesk.priorities
    when = [t("quoted", text=t(f"type_{name}")) for name in sorted(spec.required_types)]
    when += [
        t("priority_of", name=t("quoted", text=_text(priorities[p].label, lang, p)))
        for p in PRIORITIES
        if p in spec.required_priorities and p in priorities
    ]
    return {
        "id": spec.id,
        "type": spec.type,
        "label": _text(spec.label, lang, spec.id),
        "required": spec.required,
        # What the script needs to say "(required)" as the type and priority change.
        "required_types": " ".join(sorted(spec.required_types)),
        "required_priorities": " ".join(sorted(spec.required_priorities)),
        # The types it is asked for ("": all): the script shows it for those only.
        "types": " ".join(sorted(spec.types)),
        "required_when": t("required_when", what=f" {t('or')} ".join(when)) if when else "",
        "hint": t(f"field_{spec.type}_hint") if spec.type in ("url", "ip_or_order", "datetime")
        else "",
        "pattern": spec.pattern,
        "options": [(value, _text(label, lang, value)) for value, label in spec.options],
    }  # fmt: skip


def ticket_facts(
    config: DeskConfig, ticket: Ticket, lang: str, t: Translate
) -> list[tuple[str, str]]:
    """Return what the requester chose (or the desk set) when the form offered a choice:
    the kind of request, the department and the priority, as ``(label, value)`` pairs."""
    helpdesk = config.helpdesk
    facts = []
    if len(helpdesk.types) > 1:
        facts.append((t("type"), t(f"type_{ticket.type.value}")))
    if len(config.departments) > 1 and ticket.department in config.departments:
        facts.append((t("department"), config.department_name(ticket.department, lang)))
    priority = helpdesk.priorities.get(ticket.priority)
    # A desk that never asks for a priority keeps it to itself (it is only its triage).
    if priority is not None and len(helpdesk.offered) > 1:
        facts.append((t("priority"), _text(priority.label, lang, ticket.priority)))
    return facts


def form_choices(config: DeskConfig, lang: str, t: Translate) -> dict[str, Any]:
    """Return what the form offers, in ``lang``."""
    helpdesk = config.helpdesk
    priorities = []
    for name in helpdesk.offered:
        priority = helpdesk.priorities[name]
        priorities.append(
            {
                "id": name,
                "label": _text(priority.label, lang, name),
                "definition": priority.definition.get(lang) or t(f"def_{name}"),
                "target": t("reply_target", target=target_text(priority.first_response, t)),
            }
        )
    departments = [(d, config.department_name(d, lang)) for d in config.departments]
    limits = helpdesk.attachments
    return {
        "types": [(kind.value, t(f"type_{kind.value}")) for kind in helpdesk.types],
        "default_type": "question"
        if any(kind.value == "question" for kind in helpdesk.types)
        else helpdesk.types[0].value,
        "requires": sorted(helpdesk.form_requires),
        # Customers only: the e-mail help says so before the requester types.
        "customers_only": helpdesk.access == "customers",
        "offers_complaints": any(kind.value == "complaint" for kind in helpdesk.types),
        # A complaint is about how a request was handled: its urgency is the desk's to set.
        "priority_types": " ".join(k.value for k in helpdesk.types if k.value != "complaint"),
        "departments": departments,
        "default_department": config.default_department,
        "priorities": priorities,
        "default_priority": helpdesk.default_priority,
        "fields": [_field(spec, config, lang, t) for spec in helpdesk.fields],
        "max_file": limits.max_file,
        "max_ticket": limits.max_ticket,
        "max_file_text": megabytes(limits.max_file, t),
        "max_ticket_text": megabytes(limits.max_ticket, t),
        "attachments_help": t(
            "attachments_help",
            max_file=megabytes(limits.max_file, t),
            max_ticket=megabytes(limits.max_ticket, t),
        ),
    }
