"""The console's rules page (``/console/rules``, admins): the desk's ``[[rules]]`` in
words with how many tickets each changed lately, and a form to try them on a ticket."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from ..errors import ChatdeskError
from ..helpdesk import NewTicket
from ..models import TicketFiling
from ..ruleconfig import LEAST_BUSY, TicketRule
from ..wire.admin import RuleTryForm
from .adminpages import PageError, admin_page, read_admin_form, render_admin
from .appkeys import SERVICES
from .auth import login_required

__all__ = ["setup"]

_PAGE = "console/rules.html"
#: Lines of a description: (what, its value), e.g. ("department", "Billing").
Lines = list[tuple[str, str]]


@login_required
async def rules_page(request: web.Request) -> web.StreamResponse:
    """The rules in words with their counts; a try posted back to the page."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    words = _Words(context["t"], context["dept"], context["lang"], services.config)
    operators = await services.operators.list()
    words.names = {o.email: o.name for o in operators if not o.disabled}
    words.ids = {o.id: o.name for o in operators}
    error: PageError | None = None
    if request.method == "POST":
        try:
            form = await read_admin_form(request, {"try": RuleTryForm})
            ticket = NewTicket(form.email, form.subject, description=form.text,
                               channel=form.channel, lang=form.lang)  # fmt: skip
            context["tried"] = words.tried(await services.helpdesk.filing.preview(ticket))
            context["form"] = form
        except PageError as exc:
            error = exc
        except ChatdeskError as exc:
            error = PageError.of(exc)
    counts = await services.helpdesk.reports.rule_counts()
    context["rules"] = [
        (r.name, words.when(r), words.then(r), counts.get(r.name, 0))
        for r in services.config.rules
    ]  # fmt: skip
    return render_admin(request, _PAGE, context, error)


class _Words:
    """Rules and their changes as the page says them, in the operator's language."""

    def __init__(
        self, t: Callable[..., str], dept: Callable[[str], str], lang: str, config: Any
    ) -> None:
        self.t, self.dept, self.lang = t, dept, lang
        self.fields = {f.id: f.label for f in config.helpdesk.fields}
        #: Active operators' names by address, everyone's by id.
        self.names: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def when(self, rule: TicketRule) -> Lines:
        """Return a rule's conditions."""
        t = self.t
        lines = [
            (t(key), ", ".join(say(v) for v in sorted(values)))
            for key, values, say in (
                ("rules_cond_channel", rule.channels, lambda v: t(f"channel_{v}")),
                ("rules_cond_words", rule.words, lambda v: f"“{v.strip()}”"),
                ("rules_cond_requester", rule.requesters, str),
                ("rules_cond_organisation", rule.organisations, str.strip),
                ("rules_cond_lang", rule.langs, str.upper),
                ("ev_type", rule.types, lambda v: t(f"type_{v}")),
                ("ev_priority", rule.priorities, lambda v: t(f"priority_{v}")),
                ("ev_department", rule.departments, self.dept),
            )
            if values
        ]  # fmt: skip
        for field_id, values in rule.fields.items():
            label = self.fields.get(field_id, {})
            name = label.get(self.lang) or label.get("en") or field_id
            lines.append((name, ", ".join(sorted(values))))
        return lines

    def then(self, rule: TicketRule) -> Lines:
        """Return a rule's changes."""
        then = rule.then
        data: dict[str, object] = {
            key: {"to": value}
            for key, value in (
                ("department", then.department), ("priority", then.priority), ("type", then.type)
            )
            if value
        }  # fmt: skip
        lines = self.changes(data)
        if then.tags:
            lines.append((self.t("ev_tags"), "+ " + ", ".join(sorted(then.tags))))
        if then.assign == LEAST_BUSY:
            lines.append((self.t("ev_assignee"), self.t("rules_least_busy")))
        elif then.assign:
            name = self.names.get(then.assign)
            missing = f"{then.assign} ({self.t('rules_no_operator')})"
            lines.append((self.t("ev_assignee"), name or missing))
        return lines

    def changes(self, data: Mapping[str, object]) -> Lines:
        """Return the changes of a ``rule`` history row (or of a rule's ``then``)."""
        lines: Lines = []
        for key, say in (
            ("department", self.dept),
            ("priority", lambda v: self.t(f"priority_{v}")),
            ("type", lambda v: self.t(f"type_{v}")),
        ):
            change = data.get(key)
            if isinstance(change, dict):
                moved = [say(str(change[k])) for k in ("from", "to") if k in change]
                lines.append((self.t(f"ev_{key}"), " → ".join(moved)))
        if isinstance(tags := data.get("tags"), list):
            lines.append((self.t("ev_tags"), "+ " + ", ".join(map(str, tags))))
        if isinstance(who := data.get("assignee"), str):
            lines.append((self.t("ev_assignee"), self.ids.get(who, who)))
        return lines

    def tried(self, filing: TicketFiling) -> dict[str, Any]:
        """Return what trying the rules gave: each rule that acted, and the ticket."""
        acted = [(str(row.data.get("name", "")), self.changes(row.data)) for row in filing.events]
        ticket = [
            (self.t("ev_department"), self.dept(filing.department)),
            (self.t("ev_priority"), self.t(f"priority_{filing.priority}")),
            (self.t("ev_type"), self.t(f"type_{filing.type.value}")),
            (self.t("ev_tags"), ", ".join(sorted(filing.tags)) or "—"),
            (self.t("ev_assignee"),
             self.ids.get(filing.operator_id, "—") if filing.operator_id else self.t("nobody")),
        ]  # fmt: skip
        return {"acted": acted, "ticket": ticket}


def setup(app: web.Application) -> None:
    """Add the rules page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/rules", rules_page)
    app.router.add_post("/console/rules", rules_page)
