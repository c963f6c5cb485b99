"""``chatdesk rules``: the desk's ``[[rules]]``, and what they would make of a ticket
(docs/helpdesk.md, "Rules")."""

from __future__ import annotations

import argparse
import sys

from rich.table import Table

from ..config import Settings
from ..deskconfig import load_desk_config
from ..errors import InvalidPayload
from ..helpdesk import Helpdesk, NewTicket
from ..models import Channel
from ..ruleconfig import TicketRule
from ..store import Store
from .orgs import print_table, run_helpdesk

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``rules`` and its subcommands."""
    rules = commands.add_parser("rules", help="the rules new tickets go through: list, try")
    sub = rules.add_subparsers(dest="rules_command", required=True)
    sub.add_parser("list", help="list the rules of chatdesk.toml").set_defaults(func=_list)
    try_ = sub.add_parser(
        "try", help="show what the rules would make of a ticket (nothing is filed)"
    )
    try_.add_argument("--from", dest="email", required=True, help="the requester's address")
    try_.add_argument("--subject", required=True)
    try_.add_argument("--text", default="", help="the first message")
    try_.add_argument("--channel", default="form", choices=[c.value for c in Channel])
    try_.add_argument("--lang", default="", choices=["", "fr", "nl", "en"])
    try_.add_argument("--type")
    try_.add_argument("--priority")
    try_.add_argument("--department")
    try_.add_argument(
        "--field", action="append", default=[], metavar="ID=VALUE", help="a custom field"
    )
    try_.set_defaults(func=_try)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    table = Table("rule", "when", "then")
    for rule in load_desk_config(settings.config_file).rules:
        table.add_row(rule.name, _when(rule), _then(rule))
    print_table(table, "no rules ([[rules]] in chatdesk.toml)")
    return 0


def _when(rule: TicketRule) -> str:
    parts = [
        (name, ", ".join(sorted(v.strip() for v in values)))
        for name, values in (
            ("channel", rule.channels), ("words", rule.words), ("requester", rule.requesters),
            ("organisation", rule.organisations), ("lang", rule.langs), ("type", rule.types),
            ("priority", rule.priorities), ("department", rule.departments),
        )
        if values
    ]  # fmt: skip
    parts += [(f"field {k}", ", ".join(sorted(v))) for k, v in rule.fields.items()]
    return "; ".join(f"{name} {values}" for name, values in parts)


def _then(rule: TicketRule) -> str:
    then = rule.then
    parts = [
        f"{name} {value}"
        for name, value in (
            ("department", then.department), ("priority", then.priority), ("type", then.type),
            ("tags +", ", ".join(sorted(then.tags))), ("assign", then.assign),
        )
        if value
    ]  # fmt: skip
    return "; ".join(parts)


def _try(args: argparse.Namespace, settings: Settings) -> int:
    fields = {}
    for item in args.field:
        key, sep, value = item.partition("=")
        if not sep:
            print(f"chatdesk: --field {item!r}: write ID=VALUE", file=sys.stderr)
            return 2
        fields[key.strip()] = value.strip()
    request = NewTicket(
        email=args.email, subject=args.subject, description=args.text, lang=args.lang,
        type=args.type, priority=args.priority, department=args.department,
        fields=fields, channel=args.channel,
    )  # fmt: skip

    async def work(helpdesk: Helpdesk, store: Store) -> str:
        filing = await helpdesk.filing.preview(request)
        lines = []
        for row in filing.events:
            data = dict(row.data)
            name = data.pop("name")
            if "assignee" in data:
                data["assignee"] = await _email(store, str(data["assignee"]))
            lines.append(f"rule {name!r}: {_changes(data)}")
        if not lines:
            lines.append("no rule matches")
        assignee = await _email(store, filing.operator_id) if filing.operator_id else "nobody"
        tags = ", ".join(sorted(filing.tags)) or "none"
        lines.append(
            f"the ticket: department {filing.department}, priority {filing.priority}, "
            f"type {filing.type.value}, tags {tags}, assignee {assignee}"
        )
        return "\n".join(lines)

    return run_helpdesk(settings, work)


def _changes(data: dict[str, object]) -> str:
    parts = []
    for key, value in data.items():
        if isinstance(value, dict):
            parts.append(f"{key} {value['from']} → {value['to']}")
        elif isinstance(value, list):
            parts.append(f"{key} + {', '.join(map(str, value))}")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)


async def _email(store: Store, operator_id: str) -> str:
    operator = await store.operators.get_operator(operator_id)
    if operator is None:
        raise InvalidPayload(f"no operator {operator_id}")
    return operator.email
