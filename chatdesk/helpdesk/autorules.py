"""The desk's ``[[rules]]`` applied to a ticket being filed, before it is stored."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from ..models import TAGS_MAX, Operator, PresenceStatus, TicketFiling, TicketType
from ..ruleconfig import LEAST_BUSY, Facts, TicketRule, fold_words
from ..store import Store
from .common import history

__all__ = ["apply_rules", "least_busy"]

log = logging.getLogger(__name__)


async def apply_rules(
    store: Store, rules: tuple[TicketRule, ...], filing: TicketFiling
) -> TicketFiling:
    """Return ``filing`` as the matching rules change it, in order (each sees what the
    ones before it set), with a ``rule`` history row per rule that changed something.

    An ``assign`` naming no enabled operator is skipped (logged; ``chatdesk check`` says
    so); ``least-busy`` finds one in the ticket's department (:func:`least_busy`). A
    complaint keeps its type and goes to a service manager whatever the rules say. Tags
    past :data:`TAGS_MAX` are left out.
    """
    if not rules:
        return filing
    organisation = ""
    if filing.organisation_id and any(r.organisations for r in rules):
        found = await store.requesters.get_organisation(filing.organisation_id)
        organisation = found.name if found else ""
    text = fold_words(f"{filing.subject}\n{filing.description}")
    rows = []
    for rule in rules:
        if not rule.matches(_facts(filing, organisation, text)):
            continue
        filing, changed = await _apply(store, rule, filing)
        if changed:
            rows.append(history(filing.id, "rule", None, filing.created_at, name=rule.name,
                                **changed))  # fmt: skip
    return replace(filing, events=filing.events + tuple(rows)) if rows else filing


def _facts(filing: TicketFiling, organisation: str, text: str) -> Facts:
    return Facts(
        channel=filing.channel.value,
        email=filing.requester.email if filing.requester else "",
        organisation=organisation,
        lang=filing.lang,
        type=filing.type.value,
        priority=filing.priority,
        department=filing.department,
        fields=filing.fields,
        text=text,
    )


async def _apply(
    store: Store, rule: TicketRule, filing: TicketFiling
) -> tuple[TicketFiling, dict[str, object]]:
    """Return the filing with ``rule``'s changes and what they changed (from → to)."""
    then = rule.then
    changed: dict[str, object] = {}
    if then.department and then.department != filing.department:
        changed["department"] = {"from": filing.department, "to": then.department}
        filing = replace(filing, department=then.department)
    if then.priority and then.priority != filing.priority:
        changed["priority"] = {"from": filing.priority, "to": then.priority}
        filing = replace(filing, priority=then.priority)
    complaint = filing.type is TicketType.COMPLAINT
    # A complaint stays one (only service managers see it) and goes to a service manager.
    if then.type and then.type != filing.type.value and not complaint:
        changed["type"] = {"from": filing.type.value, "to": then.type}
        filing = replace(filing, type=TicketType(then.type))
    added = sorted(then.tags - filing.tags)[: max(0, TAGS_MAX - len(filing.tags))]
    if added:
        changed["tags"] = added
        filing = replace(filing, tags=filing.tags | set(added))
    if then.assign and filing.type is not TicketType.COMPLAINT:
        operator = await _assignee(store, rule, filing)
        if operator is not None and operator.id != filing.operator_id:
            changed["assignee"] = operator.id
            filing = replace(filing, operator_id=operator.id)
    return filing, changed


async def _assignee(store: Store, rule: TicketRule, filing: TicketFiling) -> Operator | None:
    """Return whom ``rule`` assigns the ticket to: the operator it names, or the least
    busy of the ticket's department; None (logged) if nobody can take it."""
    assign = rule.then.assign
    if assign == LEAST_BUSY:
        operator = await least_busy(store, filing.department, filing.lang, filing.created_at)
        if operator is None:
            log.warning("rule %r: no operator of %s to assign", rule.name, filing.department)
        return operator
    assert assign is not None
    found = await store.operators.operator_credentials(assign)
    operator = found[0] if found else None
    if operator is None or operator.disabled:
        log.warning("rule %r: no enabled operator %s to assign", rule.name, assign)
        return None
    if operator.away(filing.created_at):
        # Out of office: the ticket stays its department's (which hears of it).
        log.info("rule %r: %s is out of office; not assigned", rule.name, assign)
        return None
    return operator


async def least_busy(store: Store, department: str, lang: str, now: datetime) -> Operator | None:
    """Return the enabled operator of ``department``, not out of office at ``now``, with
    the fewest tickets waiting on them (new or open): those who speak ``lang`` first, and
    among them those at their console (online) first; ties go by name (so that tickets
    filed one after the other go round). None: nobody."""
    staff = [
        o
        for o in await store.operators.list_operators()
        if not o.disabled and not o.away(now) and department in o.departments
    ]
    if not staff:
        return None
    speakers = [o for o in staff if lang in o.languages] or staff
    presence = await store.presence.presence()
    # At night the one on call answers now; the others would see it in the morning.
    online = [
        o
        for o in speakers
        if (p := presence.get(o.id)) is not None
        and p.status is PresenceStatus.ONLINE
        and p.connections > 0
    ]
    load = await store.queries.ticket_load()
    return min(online or speakers, key=lambda o: (load.get(o.id, 0), o.name.casefold(), o.id))
